//! Conditions, document rules and triage, evaluated from a draft's hits.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use rayon::prelude::*;

use super::metrics::{class_index, CapsCount, ClassCount, Group, Metrics};
use super::search::select;
use super::{both, each, Engine, Hit, Judgement, Options, PARALLEL_BYTES};
use crate::draft::{Draft, ScopeSet};
use crate::language::rules::*;
use crate::report::finding::{self, Pending};
use crate::report::{Redactions, TriageResult};

impl Engine {
    /// Findings (not yet built) and triage from a draft and its hits. The hits
    /// are taken: they and all derived from them are freed before the findings
    /// are put in order, so a large draft never holds both.
    pub(super) fn evaluate(
        &self,
        draft: &Draft,
        hits: Vec<Vec<Hit>>,
        options: &Options,
    ) -> Judgement {
        // What is redacted is worked out beside the rules, which do not need it.
        let (redactions, (per_rule, triage)) = both(
            draft.text.len(),
            || redactions(&self.rules, |m| hits[m].iter().map(|h| h.span())),
            || self.judge(draft, &hits, options),
        );
        drop(hits);
        let total = per_rule
            .iter()
            .flat_map(|(parts, _)| parts)
            .map(Vec::len)
            .sum();
        let truncated = per_rule.iter().map(|&(_, t)| t).sum();
        // Each rule's findings are in position order: joining the rules' puts them
        // all in order without sorting.
        let runs = per_rule
            .into_iter()
            .zip(&self.id_rank)
            .filter(|((parts, _), _)| parts.iter().any(|p| !p.is_empty()))
            .map(|((parts, _), &rank)| (rank, parts))
            .collect();
        let pending = finding::merge_parts(runs, total, Pending::span);
        Judgement {
            pending,
            triage,
            redactions,
            truncated,
        }
    }

    /// Every rule's judgements (in parts, with how many its cap cut off) and the
    /// triage.
    fn judge(
        &self,
        draft: &Draft,
        hits: &[Vec<Hit>],
        options: &Options,
    ) -> (Vec<RuleJudgements>, Option<TriageResult>) {
        // Only matchers with hits get slots: a short draft has few.
        let mut slot_of = vec![NO_SLOT; hits.len()];
        let mut with_hits = 0;
        for (m, list) in hits.iter().enumerate() {
            if !list.is_empty() {
                slot_of[m] = with_hits;
                with_hits += 1;
            }
        }
        let cx = Cx {
            draft,
            hits,
            options,
            words: &self.rules.words,
            recording: AtomicBool::new(false),
            hidden_sets: &self.hidden_sets,
            slot_of,
            visible: slots(with_hits as usize * self.hidden_sets.len()),
            measured: std::iter::repeat_with(Measured::default)
                .take(self.hidden_sets.len())
                .collect(),
        };
        // Rules are independent: on a large draft they are evaluated on every core,
        // sharing what they derive (hits outside scopes, metrics) through `cx`.
        let rules = &self.rules.rules;
        let per_rule = each(draft.text.len(), rules.len(), |r| cx.rule(r, &rules[r]));
        let triage = (!self.rules.triage.is_empty()).then(|| cx.triage(&self.rules.triage));
        (per_rule, triage)
    }
}

/// Every span of a draft that a `redact` rule's `find` matches (`hits_of` gives
/// a matcher's), whatever the scope and whatever its conditions, `limit` or
/// `once` say: that text is never shown.
pub fn redactions<I: IntoIterator<Item = Range<usize>>>(
    rules: &RuleSet,
    hits_of: impl Fn(MatcherId) -> I,
) -> Redactions {
    // A matcher two rules redact with gives its hits twice, which
    // `Redactions::new` merges like any overlap.
    let matchers = rules
        .rules
        .iter()
        .filter(|r| r.redact)
        .filter_map(|r| r.find);
    Redactions::new(matchers.flat_map(hits_of))
}

/// Hits sorted by start, and the longest one's length (to bound window searches).
struct Visible<'a> {
    /// The matcher's hits themselves when none is hidden, else a filtered copy.
    hits: Cow<'a, [Hit]>,
    longest: usize,
}

/// The `slot_of` a matcher without hits.
const NO_SLOT: u32 = u32::MAX;

/// What every matcher without hits shows.
static NONE_VISIBLE: Visible<'static> = Visible {
    hits: Cow::Borrowed(&[]),
    longest: 0,
};

/// `n` empty slots for things derived once per check and shared by every rule
/// that asks, whichever thread asks first computing it (others asking for the
/// same wait; for others, not).
fn slots<T>(n: usize) -> Vec<OnceLock<T>> {
    std::iter::repeat_with(OnceLock::new).take(n).collect()
}

/// A rule's findings, in parts, and how many its cap cut off.
type RuleJudgements = (Vec<Vec<Pending>>, usize);

/// One part of a rule's findings: none at all when it holds none (most rules
/// report nothing in a draft, and an empty list costs no allocation).
fn part(found: Vec<Pending>) -> Vec<Vec<Pending>> {
    if found.is_empty() {
        Vec::new()
    } else {
        vec![found]
    }
}

/// A rule's spans from this many on are judged on every core (in a large draft).
const PARALLEL_SPANS: usize = 4096;

/// The state of one check: hits, and what has been derived from them so far.
struct Cx<'a> {
    draft: &'a Draft,
    hits: &'a [Vec<Hit>],
    options: &'a Options,
    words: &'a WordClasses,
    /// Whether `has` records its hits as evidence (for triage).
    recording: AtomicBool,
    /// Every set of scopes some rule or triage hides (see [`Engine::hidden_sets`]).
    hidden_sets: &'a [ScopeSet],
    /// Which of the matchers with hits a matcher is ([`NO_SLOT`]: it has none).
    slot_of: Vec<u32>,
    /// Hits of a matcher outside hidden scopes, by matcher with hits, then hidden set.
    visible: Vec<OnceLock<Visible<'a>>>,
    /// Metrics by hidden set.
    measured: Vec<Measured>,
}

/// The metrics of the text one hidden set leaves.
#[derive(Default)]
struct Measured {
    /// By group, each measured when first asked for.
    groups: [OnceLock<Metrics>; Group::ALL.len()],
    /// `words(CLASS)`, counted as far as comparisons have needed.
    classes: Mutex<ClassCount>,
    /// `caps`, worked out as far as comparisons have needed.
    caps: Mutex<CapsCount>,
}

impl<'a> Cx<'a> {
    /// Where `hidden` is in [`Cx::hidden_sets`]: every rule's and triage's is.
    fn set(&self, hidden: ScopeSet) -> usize {
        self.hidden_sets
            .iter()
            .position(|&s| s == hidden)
            .expect("every hidden set of the rules is listed")
    }

    fn visible(&self, matcher: MatcherId, hidden: ScopeSet) -> &Visible<'a> {
        let slot = self.slot_of[matcher];
        if slot == NO_SLOT {
            return &NONE_VISIBLE;
        }
        let slot = slot as usize * self.hidden_sets.len() + self.set(hidden);
        self.visible[slot].get_or_init(|| {
            let all: &'a [Hit] = &self.hits[matcher];
            let shown = |h: &&Hit| !self.draft.in_any(h.start(), hidden);
            let hits = match all.iter().position(|h| !shown(&h)) {
                None => Cow::Borrowed(all),
                Some(first) => Cow::Owned(
                    all[..first]
                        .iter()
                        .chain(all[first + 1..].iter().filter(shown))
                        .cloned()
                        .collect(),
                ),
            };
            let longest = hits.iter().map(|h| h.span().len()).max().unwrap_or(0);
            Visible { hits, longest }
        })
    }

    fn metric(&self, metric: Metric, hidden: ScopeSet) -> f64 {
        self.metric_past(metric, hidden, f64::INFINITY)
    }

    /// The value of `metric`, or for a count of words of a class, when the
    /// words counted so far are more than `past`, that many (see [`ClassCount`]).
    fn metric_past(&self, metric: Metric, hidden: ScopeSet, past: f64) -> f64 {
        match metric {
            Metric::Count(m) => {
                return select(self.visible(m, hidden).hits.iter().cloned()).len() as f64
            }
            Metric::ClassWords(class) => {
                let mut count = self.counted(hidden, |m| &m.classes);
                return count.past(self.draft, hidden, self.words, class_index(class), past);
            }
            Metric::Caps => return self.counted(hidden, |m| &m.caps).value(self.draft, hidden),
            _ => {}
        }
        let group = Group::of(metric);
        self.measured[self.set(hidden)].groups[group as usize]
            .get_or_init(|| {
                let mut metrics = Metrics::default();
                metrics.measure_group(self.draft, hidden, group, self.words);
                metrics
            })
            .get(metric)
    }

    /// A count worked out as far as comparisons have needed without the
    /// `hidden` scopes (`words(CLASS)`, `caps`), locked for going on with it.
    fn counted<T>(
        &self,
        hidden: ScopeSet,
        count: impl Fn(&Measured) -> &Mutex<T>,
    ) -> MutexGuard<'_, T> {
        count(&self.measured[self.set(hidden)])
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Evaluates one rule: where it reports, in parts to be joined in order, and
    /// how many findings the per-rule cap left out.
    fn rule(&self, r: usize, rule: &Rule) -> RuleJudgements {
        let cap = if rule.once { Some(1) } else { rule.limit };
        let Some(m) = rule.find else {
            // A document rule is judged once, on no span.
            let judged = self.judge(r, rule, None).filter(|_| cap != Some(0));
            return (part(judged.into_iter().collect()), 0);
        };
        let spans = select(self.visible(m, rule.hidden).hits.iter().cloned());
        if cap.is_none() && self.options.max_per_rule.is_none() {
            // Without a cap every span stands alone: a rule with many spans in a
            // large draft is shared between the cores, in order.
            let judge = |spans: &[Hit]| {
                spans
                    .iter()
                    .filter_map(|h| self.judge(r, rule, Some(h)))
                    .collect()
            };
            let parts = if spans.len() >= PARALLEL_SPANS && self.draft.text.len() >= PARALLEL_BYTES
            {
                spans.par_chunks(PARALLEL_SPANS / 4).map(judge).collect()
            } else {
                part(judge(&spans))
            };
            return (parts, 0);
        }
        let mut reported = 0;
        let mut truncated = 0;
        let mut highest = None;
        let mut found = Vec::new();
        for hit in &spans {
            if cap.is_some_and(|c| reported >= c) {
                break;
            }
            let Some(judged) = self.judge(r, rule, Some(hit)) else {
                continue;
            };
            reported += 1;
            // Past the cap, only a finding that raises the rule's level is kept.
            let full = self.options.max_per_rule.is_some_and(|m| reported > m);
            if full && highest.is_some_and(|h| judged.level <= h) {
                truncated += 1;
                continue;
            }
            highest = highest.max(Some(judged.level));
            found.push(judged);
        }
        (part(found), truncated)
    }

    /// Whether a rule reports at one of its spans, at what level and on what
    /// evidence.
    fn judge(&self, r: usize, rule: &Rule, hit: Option<&Hit>) -> Option<Pending> {
        let span = hit.map(|h| h.span());
        if span
            .as_ref()
            .is_some_and(|s| rule.excepts(&self.draft.text[s.clone()]))
        {
            return None;
        }
        let mut evidence = Vec::new();
        if let Some(c) = &rule.condition {
            if !self.eval(c, rule.hidden, span.as_ref(), None, &mut evidence) {
                return None;
            }
        }
        let mut level = rule.level;
        for (l, c) in &rule.escalate {
            if self.eval(c, rule.hidden, span.as_ref(), None, &mut evidence) {
                level = level.max(*l);
            }
        }
        Some(match hit {
            Some(h) => Pending::new(r, h.span(), h.pattern(), false, level, evidence),
            None => Pending::new(r, self.draft.document_span(), 0, true, level, evidence),
        })
    }

    fn eval(
        &self,
        c: &Cond,
        hidden: ScopeSet,
        at: Option<&Range<usize>>,
        category: Option<&str>,
        evidence: &mut Vec<Range<usize>>,
    ) -> bool {
        match c {
            Cond::And(cs) => cs
                .iter()
                .all(|c| self.eval(c, hidden, at, category, evidence)),
            Cond::Or(cs) => cs
                .iter()
                .any(|c| self.eval(c, hidden, at, category, evidence)),
            Cond::Not(c) => !self.eval(c, hidden, at, category, evidence),
            Cond::Near {
                matcher,
                distance,
                unit,
                side,
            } => {
                let Some(at) = at else { return false };
                let before = evidence.len();
                let visible = self.visible(*matcher, hidden);
                let hits = &visible.hits;
                // Only evidence inside the window can be near enough: find it by binary search.
                let (lo, hi) = window(self.draft, at, *distance, *unit);
                let first =
                    hits.partition_point(|h| h.start() < lo.saturating_sub(visible.longest));
                let last = hits.partition_point(|h| h.start() < hi);
                for e in &hits[first..last.max(first)] {
                    if e.start() < at.end && at.start < e.end() {
                        continue;
                    }
                    let on_side = match side {
                        Side::Either => true,
                        Side::Before => e.end() <= at.start,
                        Side::After => e.start() >= at.end,
                    };
                    if on_side && within(self.draft, at, &e.span(), *distance, *unit) {
                        evidence.push(e.span());
                    }
                }
                evidence.len() > before
            }
            Cond::Has(m) => {
                let visible = self.visible(*m, hidden);
                if self.recording.load(Ordering::Relaxed) {
                    // The first few distinct spans (several patterns may match one).
                    let before = evidence.len();
                    for h in visible.hits.iter() {
                        if evidence.len() - before == 3 {
                            break;
                        }
                        if !evidence[before..].contains(&h.span()) {
                            evidence.push(h.span());
                        }
                    }
                }
                !visible.hits.is_empty()
            }
            Cond::Matches(m) => {
                let Some(at) = at else { return false };
                let all = self.visible(*m, ScopeSet::EMPTY);
                let first = all.hits.partition_point(|h| h.start() < at.start);
                let last = all.hits.partition_point(|h| h.start() < at.end);
                all.hits[first..last.max(first)]
                    .iter()
                    .any(|h| h.end() <= at.end)
            }
            Cond::Overlaps(m) => {
                let Some(at) = at else { return false };
                let all = self.visible(*m, ScopeSet::EMPTY);
                let first = all
                    .hits
                    .partition_point(|h| h.start() < at.start.saturating_sub(all.longest));
                let last = all.hits.partition_point(|h| h.start() < at.end);
                all.hits[first..last.max(first)]
                    .iter()
                    .any(|h| h.start() < at.end && at.start < h.end())
            }
            Cond::In(set) => at.is_some_and(|at| self.draft.in_any(at.start, *set)),
            Cond::Channel(name) => self.options.channel.eq_ignore_ascii_case(name),
            Cond::Category(name) => category == Some(name.as_str()),
            Cond::Compare {
                metric,
                per,
                op,
                value,
            } => {
                let left = match per {
                    Some(p) => ratio(self.metric(*metric, hidden), self.metric(*p, hidden)),
                    // Worked out only until the comparison is settled.
                    None if *metric == Metric::Caps => {
                        return self
                            .counted(hidden, |m| &m.caps)
                            .holds(self.draft, hidden, *op, *value)
                    }
                    // A count past the value compares with it as the whole would.
                    None => self.metric_past(*metric, hidden, *value),
                };
                op.holds(left, *value)
            }
        }
    }

    fn triage(&self, triage: &Triage) -> TriageResult {
        let hidden = triage.hidden;
        self.recording.store(true, Ordering::Relaxed);
        let result = crate::report::verdict::weigh(triage, |c, category, evidence| {
            self.eval(c, hidden, None, category, evidence)
        });
        self.recording.store(false, Ordering::Relaxed);
        result
    }
}

/// `a per b`: zero when `b` is zero.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// Bytes outside which no evidence can be within `distance` of `at`: evidence must
/// end after the first and start before the second.
pub(super) fn window(
    draft: &Draft,
    at: &Range<usize>,
    distance: usize,
    unit: Unit,
) -> (usize, usize) {
    match unit {
        Unit::Chars => {
            let reach = distance.saturating_mul(4);
            (
                at.start.saturating_sub(reach),
                at.end.saturating_add(reach).saturating_add(1),
            )
        }
        Unit::Words => {
            // `distance + 1` whole words between them is too far.
            let ending_before = draft.words.ending_by(at.start);
            let lo = ending_before
                .checked_sub(distance + 1)
                .and_then(|i| draft.words.get(i))
                .map_or(0, |w| w.start());
            let starting_after = draft.words.starting_before(at.end);
            let hi = draft
                .words
                .get(starting_after + distance)
                .map_or(usize::MAX, |w| w.end());
            (lo, hi)
        }
    }
}

/// Whether two spans that do not overlap are at most `distance` words or characters apart.
pub fn within(
    draft: &Draft,
    a: &Range<usize>,
    b: &Range<usize>,
    distance: usize,
    unit: Unit,
) -> bool {
    let (gap_start, gap_end) = if b.start >= a.end {
        (a.end, b.start)
    } else {
        (b.end, a.start)
    };
    match unit {
        Unit::Chars => {
            let bytes = gap_end - gap_start;
            // A character is one to four bytes: decide without counting where possible.
            if bytes <= distance {
                true
            } else if bytes > distance.saturating_mul(4) {
                false
            } else {
                draft.text[gap_start..gap_end].chars().count() <= distance
            }
        }
        Unit::Words => {
            let first = draft.words.starting_before(gap_start);
            let last = draft.words.ending_by(gap_end);
            last.saturating_sub(first) <= distance
        }
    }
}
