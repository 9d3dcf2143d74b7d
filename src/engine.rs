//! The matching engine: every term of every rule in one Aho-Corasick automaton,
//! every regex behind one multi-pattern prefilter, conditions evaluated from hits.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::draft::{Draft, Format, ScopeSet, Structure};
use crate::finding::{self, Finding};
use crate::fold::{fold, is_whole_word, Folded};
use crate::metrics::{Group, Metrics};
use crate::rules::*;
use rayon::prelude::*;

/// Drafts this large are worked on with several cores; smaller ones on one, where
/// waking another thread would cost more than it saves (and jitter in the editor).
const PARALLEL_BYTES: usize = 256 << 10;

/// Runs two jobs, side by side for a large draft.
fn both<A: Send, B: Send>(
    len: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if len >= PARALLEL_BYTES {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}

/// Term lists up to this many bytes get a full DFA (fast, larger); longer ones an NFA.
const DFA_BYTES: usize = 256 << 10;

/// A pattern set's match: where, and which of its patterns matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte range in the draft.
    pub span: Range<usize>,
    /// Index into the matcher's patterns.
    pub pattern: usize,
}

/// Where an automaton pattern is used.
#[derive(Debug, Clone, Copy)]
struct Use {
    matcher: u32,
    pattern: u32,
    partial: bool,
}

/// Compiled rules, ready to check any number of drafts (from any number of threads).
#[derive(Debug, Clone)]
pub struct Engine {
    rules: Arc<RuleSet>,
    /// Caseless terms, folded, searched in the folded draft.
    caseless: Option<AhoCorasick>,
    caseless_uses: Vec<Vec<Use>>,
    /// `case` terms, searched in the draft as written.
    exact: Option<AhoCorasick>,
    exact_uses: Vec<Vec<Use>>,
    /// Each distinct regex, with the (matcher, pattern) pairs that use it.
    regexes: Vec<RegexEntry>,
    /// The prefix literals of every regex that has them: a regex whose literals are
    /// all absent from a draft is neither compiled nor run.
    literals: Option<AhoCorasick>,
    /// For each literal of `literals`, the regexes (indexes into `regexes`) it starts.
    literal_owners: Vec<Vec<usize>>,
}

/// A regex and where it is used.
#[derive(Debug, Clone)]
struct RegexEntry {
    /// The first use, whose pattern holds the (lazily) compiled regex.
    owner: (MatcherId, usize),
    /// Every use.
    uses: Vec<(MatcherId, usize)>,
    /// Whether it has prefix literals in `literals`; if not, it always runs.
    prefiltered: bool,
}

/// How to check a draft.
#[derive(Debug, Clone)]
pub struct Options {
    /// The channel the draft is for (`external`, `internal`, …).
    pub channel: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            channel: "external".to_string(),
        }
    }
}

/// The triage of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TriageResult {
    /// Its class (support, criticism, idea…), if any step matched.
    pub category: Option<String>,
    /// 1 (urgent) to 3, if any step matched.
    pub priority: Option<u8>,
}

impl Engine {
    /// Builds the automata for a rule set.
    pub fn new(rules: RuleSet) -> Engine {
        let mut caseless_ids: HashMap<String, usize> = HashMap::new();
        let mut caseless_pats: Vec<String> = Vec::new();
        let mut caseless_uses: Vec<Vec<Use>> = Vec::new();
        let mut exact_ids: HashMap<String, usize> = HashMap::new();
        let mut exact_pats: Vec<String> = Vec::new();
        let mut exact_uses: Vec<Vec<Use>> = Vec::new();
        let mut regexes: Vec<RegexEntry> = Vec::new();
        let mut regex_ids: HashMap<String, usize> = HashMap::new();
        for (m, matcher) in rules.matchers.iter().enumerate() {
            for (p, pattern) in matcher.patterns.iter().enumerate() {
                match pattern {
                    Pattern::Term(t) => {
                        let (key, ids, pats, uses) = if t.case {
                            (
                                t.text.clone(),
                                &mut exact_ids,
                                &mut exact_pats,
                                &mut exact_uses,
                            )
                        } else {
                            (
                                fold(&t.text),
                                &mut caseless_ids,
                                &mut caseless_pats,
                                &mut caseless_uses,
                            )
                        };
                        let id = *ids.entry(key.clone()).or_insert_with(|| {
                            pats.push(key);
                            uses.push(Vec::new());
                            pats.len() - 1
                        });
                        uses[id].push(Use {
                            matcher: m as u32,
                            pattern: p as u32,
                            partial: t.partial,
                        });
                    }
                    Pattern::Regex(r) => {
                        let id = *regex_ids.entry(r.source.clone()).or_insert_with(|| {
                            regexes.push(RegexEntry {
                                owner: (m, p),
                                uses: Vec::new(),
                                prefiltered: r.prefixes.is_some(),
                            });
                            regexes.len() - 1
                        });
                        regexes[id].uses.push((m, p));
                    }
                }
            }
        }
        let automaton = |pats: &[String]| {
            (!pats.is_empty()).then(|| {
                // A full DFA is the fastest to search; past some size its memory is not
                // worth it and the contiguous NFA does the job.
                let bytes: usize = pats.iter().map(String::len).sum();
                let kind = if bytes <= DFA_BYTES {
                    Some(AhoCorasickKind::DFA)
                } else {
                    None
                };
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(kind)
                    .build(pats)
                    .expect("term automaton: sizes are far below the limits")
            })
        };
        let mut literal_ids: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut literal_pats: Vec<Vec<u8>> = Vec::new();
        let mut literal_owners: Vec<Vec<usize>> = Vec::new();
        for (id, entry) in regexes.iter().enumerate() {
            let (m, p) = entry.owner;
            let Pattern::Regex(r) = &rules.matchers[m].patterns[p] else {
                continue;
            };
            for lit in r.prefixes.iter().flatten() {
                let l = *literal_ids.entry(lit.clone()).or_insert_with(|| {
                    literal_pats.push(lit.clone());
                    literal_owners.push(Vec::new());
                    literal_pats.len() - 1
                });
                literal_owners[l].push(id);
            }
        }
        let literals = (!literal_pats.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&literal_pats)
                .expect("literal automaton: sizes are far below the limits")
        });
        Engine {
            caseless: automaton(&caseless_pats),
            caseless_uses,
            exact: automaton(&exact_pats),
            exact_uses,
            regexes,
            literals,
            literal_owners,
            rules: Arc::new(rules),
        }
    }

    /// The rules this engine checks.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Every hit of every matcher in `text`, each list sorted by position. Terms and
    /// regexes are searched side by side.
    pub fn hits(&self, text: &str) -> Vec<Vec<Hit>> {
        let (mut hits, regex_hits) = both(
            text.len(),
            || self.term_hits(text),
            || self.regex_hits(text),
        );
        for (list, more) in hits.iter_mut().zip(regex_hits) {
            list.extend(more);
        }
        for (m, list) in hits.iter_mut().enumerate() {
            if let Some(v) = self.rules.matchers[m].validator {
                list.retain(|h| v.check(&text[h.span.clone()]));
            }
            list.sort_by_key(|h| (h.span.start, h.span.end, h.pattern));
            list.dedup();
        }
        hits
    }

    /// The hits of every term: caseless ones in the folded text, `case` ones as written.
    fn term_hits(&self, text: &str) -> Vec<Vec<Hit>> {
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); self.rules.matchers.len()];
        let mut push = |uses: &[Use], start: usize, end: usize| {
            for u in uses {
                if u.partial || is_whole_word(text, start, end) {
                    hits[u.matcher as usize].push(Hit {
                        span: start..end,
                        pattern: u.pattern as usize,
                    });
                }
            }
        };
        if let Some(ac) = &self.caseless {
            let folded = Folded::new(text);
            for m in ac.find_overlapping_iter(folded.text.as_str()) {
                let (Some(start), Some(end)) =
                    (folded.to_original(m.start()), folded.to_original(m.end()))
                else {
                    continue;
                };
                if start < end {
                    push(&self.caseless_uses[m.pattern().as_usize()], start, end);
                }
            }
        }
        if let Some(ac) = &self.exact {
            for m in ac.find_overlapping_iter(text) {
                push(&self.exact_uses[m.pattern().as_usize()], m.start(), m.end());
            }
        }
        hits
    }

    /// Finds every regex's matches (leftmost-first, not overlapping, like `find_iter`).
    /// A regex with prefix literals runs only when one of them occurs in the draft:
    /// one scan of the literal automaton answers that for all of them, and stops as
    /// soon as every such regex is known to be needed.
    fn regex_hits(&self, text: &str) -> Vec<Vec<Hit>> {
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); self.rules.matchers.len()];
        if self.regexes.is_empty() {
            return hits;
        }
        let mut needed: Vec<bool> = self.regexes.iter().map(|e| !e.prefiltered).collect();
        let mut missing = needed.iter().filter(|n| !**n).count();
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(text) {
                for &r in &self.literal_owners[m.pattern().as_usize()] {
                    if !needed[r] {
                        needed[r] = true;
                        missing -= 1;
                    }
                }
                if missing == 0 {
                    break;
                }
            }
        }
        let run: Vec<&RegexEntry> = self
            .regexes
            .iter()
            .zip(&needed)
            .filter(|(_, n)| **n)
            .map(|(e, _)| e)
            .collect();
        let find = |entry: &&RegexEntry| -> Vec<Range<usize>> {
            let (m, p) = entry.owner;
            let Pattern::Regex(r) = &self.rules.matchers[m].patterns[p] else {
                return Vec::new();
            };
            let Some(re) = r.regex() else {
                return Vec::new();
            };
            re.find_iter(text)
                .filter(|m| !m.is_empty())
                .map(|m| m.range())
                .collect()
        };
        let found: Vec<Vec<Range<usize>>> = if text.len() >= PARALLEL_BYTES {
            run.par_iter().map(find).collect()
        } else {
            run.iter().map(find).collect()
        };
        for (entry, found) in run.iter().zip(found) {
            for &(m, p) in &entry.uses {
                hits[m].extend(found.iter().map(|span| Hit {
                    span: span.clone(),
                    pattern: p,
                }));
            }
        }
        hits
    }

    /// Checks a draft: findings sorted by position, and its triage.
    pub fn check(&self, draft: &Draft, options: &Options) -> (Vec<Finding>, Option<TriageResult>) {
        let hits = self.hits(&draft.text);
        self.evaluate(draft, &hits, options)
    }

    /// Parses and checks a text, parsing and searching it side by side.
    pub fn check_text(
        &self,
        text: String,
        format: Format,
        options: &Options,
    ) -> (Draft, Vec<Finding>, Option<TriageResult>) {
        let (structure, hits) = both(
            text.len(),
            || Structure::of(&text, format),
            || self.hits(&text),
        );
        let draft = Draft::with_structure(text, format, structure);
        let (findings, triage) = self.evaluate(&draft, &hits, options);
        (draft, findings, triage)
    }

    /// Findings and triage from a draft and its hits.
    fn evaluate(
        &self,
        draft: &Draft,
        hits: &[Vec<Hit>],
        options: &Options,
    ) -> (Vec<Finding>, Option<TriageResult>) {
        let cx = Cx {
            draft,
            hits,
            options,
            visible: RefCell::default(),
            metrics: RefCell::default(),
        };
        let mut findings = Vec::new();
        for rule in &self.rules.rules {
            cx.rule(rule, &mut findings);
        }
        crate::finding::sort(&mut findings);
        let triage = (!self.rules.triage.is_empty()).then(|| cx.triage(&self.rules.triage));
        (findings, triage)
    }
}

/// Picks, from hits sorted by start, the leftmost-longest ones that do not overlap.
pub fn select(hits: impl IntoIterator<Item = Hit>) -> Vec<Hit> {
    let mut sorted: Vec<Hit> = hits.into_iter().collect();
    sorted.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
            .then(a.pattern.cmp(&b.pattern))
    });
    let mut out: Vec<Hit> = Vec::new();
    for h in sorted {
        if out.last().is_none_or(|last| h.span.start >= last.span.end) {
            out.push(h);
        }
    }
    out
}

/// A matcher's hits outside some hidden scopes, shared between the conditions that ask.
type VisibleHits = Arc<Visible>;

/// Hits sorted by start, and the longest one's length (to bound window searches).
struct Visible {
    hits: Vec<Hit>,
    longest: usize,
}

/// The state of one check: hits, and what has been derived from them so far.
struct Cx<'a> {
    draft: &'a Draft,
    hits: &'a [Vec<Hit>],
    options: &'a Options,
    /// Hits of a matcher outside hidden scopes, by (matcher, hidden).
    visible: RefCell<HashMap<(MatcherId, ScopeSet), VisibleHits>>,
    /// Metrics by hidden scopes, each group measured when first asked for.
    metrics: RefCell<HashMap<ScopeSet, (Metrics, Vec<Group>)>>,
}

impl Cx<'_> {
    fn visible(&self, matcher: MatcherId, hidden: ScopeSet) -> VisibleHits {
        if let Some(v) = self.visible.borrow().get(&(matcher, hidden)) {
            return v.clone();
        }
        let hits: Vec<Hit> = self.hits[matcher]
            .iter()
            .filter(|h| !self.draft.scopes_at(h.span.start).intersects(hidden))
            .cloned()
            .collect();
        let longest = hits.iter().map(|h| h.span.len()).max().unwrap_or(0);
        let v = Arc::new(Visible { hits, longest });
        self.visible
            .borrow_mut()
            .insert((matcher, hidden), v.clone());
        v
    }

    fn metric(&self, metric: Metric, hidden: ScopeSet) -> f64 {
        if let Metric::Count(m) = metric {
            return select(self.visible(m, hidden).hits.iter().cloned()).len() as f64;
        }
        let mut cache = self.metrics.borrow_mut();
        let (metrics, measured) = cache.entry(hidden).or_default();
        let group = Group::of(metric);
        if !measured.contains(&group) {
            metrics.measure_group(self.draft, hidden, group);
            measured.push(group);
        }
        metrics.get(metric)
    }

    fn rule(&self, rule: &Rule, out: &mut Vec<Finding>) {
        let cap = if rule.once { Some(1) } else { rule.limit };
        let mut reported = 0;
        let spans: Vec<Option<Hit>> = match rule.find {
            Some(m) => select(self.visible(m, rule.hidden).hits.iter().cloned())
                .into_iter()
                .map(Some)
                .collect(),
            None => vec![None],
        };
        for hit in spans {
            if cap.is_some_and(|c| reported >= c) {
                break;
            }
            let span = hit.as_ref().map(|h| h.span.clone());
            let mut evidence = Vec::new();
            if let Some(c) = &rule.condition {
                if !self.eval(c, rule.hidden, span.as_ref(), None, &mut evidence) {
                    continue;
                }
            }
            let mut level = rule.level;
            for (l, c) in &rule.escalate {
                if self.eval(c, rule.hidden, span.as_ref(), None, &mut evidence) {
                    level = level.max(*l);
                }
            }
            evidence.sort_by_key(|r| (r.start, r.end));
            evidence.dedup();
            let pattern = hit.as_ref().map_or(0, |h| h.pattern);
            out.push(finding::build(
                rule, self.draft, span, pattern, level, evidence,
            ));
            reported += 1;
        }
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
            } => {
                let Some(at) = at else { return false };
                let before = evidence.len();
                let visible = self.visible(*matcher, hidden);
                let hits = &visible.hits;
                // Only evidence inside the window can be near enough: find it by binary search.
                let (lo, hi) = window(self.draft, at, *distance, *unit);
                let first =
                    hits.partition_point(|h| h.span.start < lo.saturating_sub(visible.longest));
                let last = hits.partition_point(|h| h.span.start < hi);
                for e in &hits[first..last.max(first)] {
                    if e.span.start < at.end && at.start < e.span.end {
                        continue;
                    }
                    if within(self.draft, at, &e.span, *distance, *unit) {
                        evidence.push(e.span.clone());
                    }
                }
                evidence.len() > before
            }
            Cond::Has(m) => !self.visible(*m, hidden).hits.is_empty(),
            Cond::In(set) => at.is_some_and(|at| self.draft.scopes_at(at.start).intersects(*set)),
            Cond::Channel(name) => self.options.channel.eq_ignore_ascii_case(name),
            Cond::Category(name) => category == Some(name.as_str()),
            Cond::Compare { metric, op, value } => op.holds(self.metric(*metric, hidden), *value),
        }
    }

    fn triage(&self, triage: &Triage) -> TriageResult {
        let hidden = crate::lower::default_hidden("triage");
        let mut sink = Vec::new();
        let category = triage
            .categories
            .iter()
            .find(|(_, c)| {
                c.as_ref()
                    .is_none_or(|c| self.eval(c, hidden, None, None, &mut sink))
            })
            .map(|(name, _)| name.clone());
        let priority = triage
            .priorities
            .iter()
            .find(|(_, c)| {
                c.as_ref()
                    .is_none_or(|c| self.eval(c, hidden, None, category.as_deref(), &mut sink))
            })
            .map(|(p, _)| *p);
        TriageResult { category, priority }
    }
}

/// Bytes outside which no evidence can be within `distance` of `at`: evidence must
/// end after the first and start before the second.
fn window(draft: &Draft, at: &Range<usize>, distance: usize, unit: Unit) -> (usize, usize) {
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
            let ending_before = draft.words.partition_point(|w| w.end <= at.start);
            let lo = ending_before
                .checked_sub(distance + 1)
                .map_or(0, |i| draft.words[i].start);
            let starting_after = draft.words.partition_point(|w| w.start < at.end);
            let hi = draft
                .words
                .get(starting_after + distance)
                .map_or(usize::MAX, |w| w.end);
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
            let first = draft.words.partition_point(|w| w.start < gap_start);
            let last = draft.words.partition_point(|w| w.end <= gap_end);
            last.saturating_sub(first) <= distance
        }
    }
}
