//! The reference evaluator: rule by rule, pattern by pattern, position by position.
//!
//! Slow and plain on purpose. It shares only the draft parser, the metrics and the
//! wording of findings with the engine, and the tests check that the engine agrees
//! with it on generated rules and drafts.

use std::ops::Range;

use crate::draft::{Draft, ScopeSet};
use crate::engine::metrics::Metrics;
use crate::engine::{Hit, Options};
use crate::language::rules::*;
use crate::report::finding::{Finding, Pending};
use crate::report::TriageResult;
use crate::text::blanks;
use crate::text::fold::{fold, fold_char, is_whole_word};

/// Checks `draft` against `rules` the slow way: findings sorted like the engine's.
pub fn check(rules: &RuleSet, draft: &Draft, options: &Options) -> Vec<Finding> {
    let redactions = super::evaluate::redactions(rules, |m| {
        hits(rules, m, &draft.text).into_iter().map(|h| h.span())
    });
    let mut out = Vec::new();
    for (r, rule) in rules.rules.iter().enumerate() {
        let cap = if rule.once { Some(1) } else { rule.limit };
        let candidates: Vec<Option<Hit>> = match rule.find {
            Some(m) => leftmost_longest(visible_hits(rules, m, draft, rule.hidden))
                .into_iter()
                .map(Some)
                .collect(),
            None => vec![None],
        };
        let mut reported = 0;
        for hit in candidates {
            if cap.is_some_and(|c| reported >= c) {
                break;
            }
            let span = hit.as_ref().map(|h| h.span());
            if span
                .as_ref()
                .is_some_and(|s| excepted(rule, &draft.text[s.clone()]))
            {
                continue;
            }
            let mut evidence = Vec::new();
            let oracle = Oracle {
                rules,
                draft,
                options,
                recording: false,
            };
            let mut check =
                |c: &Cond| oracle.holds(c, rule.hidden, span.as_ref(), None, &mut evidence);
            if !rule.condition.as_ref().is_none_or(&mut check) {
                continue;
            }
            let mut level = rule.level;
            for (l, c) in &rule.escalate {
                if check(c) {
                    level = level.max(*l);
                }
            }
            let pending = match hit {
                Some(h) => Pending::new(r, h.span(), h.pattern(), false, level, evidence),
                None => Pending::new(r, draft.document_span(), 0, true, level, evidence),
            };
            out.push(pending.build(rules, &draft.text, &redactions));
            reported += 1;
        }
    }
    crate::report::finding::sort(&mut out);
    out
}

/// Every hit of one matcher, found by trying each pattern at each position.
pub fn hits(rules: &RuleSet, matcher: MatcherId, text: &str) -> Vec<Hit> {
    let m = &rules.matchers[matcher];
    let mut out = Vec::new();
    for (p, pattern) in m.patterns.iter().enumerate() {
        match pattern {
            Pattern::Term(t) => {
                for (start, _) in text.char_indices() {
                    if let Some(end) = term_at(text, start, t) {
                        if t.partial || is_whole_word(text, start, end) {
                            out.push(Hit::new(start..end, p));
                        }
                    }
                }
            }
            Pattern::Regex(r) => {
                // Compiled here, from the source, with the regex crate: independent of the engine.
                let Ok(re) = regex::Regex::new(&r.source) else {
                    continue;
                };
                for found in re.find_iter(text) {
                    if !found.is_empty() {
                        out.push(Hit::new(found.range(), p));
                    }
                }
            }
        }
    }
    if let Some(v) = &m.validator {
        super::search::narrow(&mut out, v, text);
    }
    out
}

/// Where term `t` ends if it matches at `start`: character by character, but
/// where the term has a space after one of its characters, which takes a run
/// of blanks in the text.
fn term_at(text: &str, start: usize, t: &Term) -> Option<usize> {
    let want = if t.case {
        t.text.clone()
    } else {
        fold(&t.text)
    };
    let mut got = String::new();
    let mut at = start;
    while got.len() < want.len() {
        if !got.is_empty() && want.as_bytes()[got.len()] == b' ' {
            let run = blanks::run(&text.as_bytes()[at..]);
            if run == 0 {
                return None;
            }
            got.push(' ');
            at += run;
            continue;
        }
        let c = text[at..].chars().next()?;
        if t.case {
            got.push(c);
        } else {
            fold_char(c, &mut got);
        }
        at += c.len_utf8();
        if !want.starts_with(&got) {
            return None;
        }
    }
    Some(at)
}

fn in_any(draft: &Draft, offset: usize, set: ScopeSet) -> bool {
    draft
        .regions
        .iter()
        .any(|(r, s)| set.contains(*s) && r.start <= offset && offset < r.end)
}

fn visible_hits(rules: &RuleSet, matcher: MatcherId, draft: &Draft, hidden: ScopeSet) -> Vec<Hit> {
    hits(rules, matcher, &draft.text)
        .into_iter()
        .filter(|h| !in_any(draft, h.start(), hidden))
        .collect()
}

fn leftmost_longest(mut hits: Vec<Hit>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    let mut pos = 0;
    loop {
        // The leftmost hit at or after `pos`, the longest of those, the first pattern of those.
        let best = hits.iter().filter(|h| h.start() >= pos).min_by(|a, b| {
            a.start()
                .cmp(&b.start())
                .then(b.end().cmp(&a.end()))
                .then(a.pattern().cmp(&b.pattern()))
        });
        let Some(best) = best.cloned() else { break };
        pos = best.end();
        hits.retain(|h| h.start() >= pos);
        out.push(best);
    }
    out
}

/// What a condition is evaluated against.
struct Oracle<'a> {
    rules: &'a RuleSet,
    draft: &'a Draft,
    options: &'a Options,
    /// `has` records its first hits as evidence (for triage).
    recording: bool,
}

impl Oracle<'_> {
    fn holds(
        &self,
        c: &Cond,
        hidden: ScopeSet,
        at: Option<&Range<usize>>,
        category: Option<&str>,
        evidence: &mut Vec<Range<usize>>,
    ) -> bool {
        let (rules, draft) = (self.rules, self.draft);
        match c {
            Cond::And(cs) => cs
                .iter()
                .all(|c| self.holds(c, hidden, at, category, evidence)),
            Cond::Or(cs) => cs
                .iter()
                .any(|c| self.holds(c, hidden, at, category, evidence)),
            Cond::Not(c) => !self.holds(c, hidden, at, category, evidence),
            Cond::Near {
                matcher,
                distance,
                unit,
                side,
            } => {
                let Some(at) = at else { return false };
                let mut found = false;
                for e in visible_hits(rules, *matcher, draft, hidden) {
                    let overlaps = e.start() < at.end && at.start < e.end();
                    if overlaps {
                        continue;
                    }
                    let after = e.start() >= at.end;
                    if (*side == Side::Before && after) || (*side == Side::After && !after) {
                        continue;
                    }
                    let gap = if e.start() >= at.end {
                        at.end..e.start()
                    } else {
                        e.end()..at.start
                    };
                    let apart = match unit {
                        Unit::Chars => draft.text[gap].chars().count(),
                        Unit::Words => draft
                            .words
                            .iter()
                            .filter(|w| w.start() >= gap.start && w.end() <= gap.end)
                            .count(),
                    };
                    if apart <= *distance {
                        evidence.push(e.span());
                        found = true;
                    }
                }
                found
            }
            Cond::Has(m) => {
                let mut found = visible_hits(rules, *m, draft, hidden);
                found.sort_by_key(|h| (h.start(), h.end()));
                if self.recording {
                    evidence.extend(found.iter().map(|h| h.span()));
                }
                !found.is_empty()
            }
            Cond::Matches(m) => at.is_some_and(|at| {
                hits(rules, *m, &draft.text)
                    .iter()
                    .any(|h| h.start() >= at.start && h.end() <= at.end)
            }),
            Cond::Overlaps(m) => at.is_some_and(|at| {
                hits(rules, *m, &draft.text)
                    .iter()
                    .any(|h| h.start() < at.end && at.start < h.end())
            }),
            Cond::In(set) => at.is_some_and(|at| in_any(draft, at.start, *set)),
            Cond::Channel(name) => self.options.channel.eq_ignore_ascii_case(name),
            Cond::Category(name) => category == Some(name.as_str()),
            Cond::Compare {
                metric,
                per,
                op,
                value,
            } => {
                let v = self.metric(*metric, hidden);
                let v = match per {
                    Some(p) => {
                        let below = self.metric(*p, hidden);
                        if below == 0.0 {
                            0.0
                        } else {
                            v / below
                        }
                    }
                    None => v,
                };
                op.holds(v, *value)
            }
        }
    }

    fn metric(&self, metric: Metric, hidden: ScopeSet) -> f64 {
        match metric {
            Metric::Count(m) => {
                leftmost_longest(visible_hits(self.rules, m, self.draft, hidden)).len() as f64
            }
            Metric::ClassWords(class) => self
                .draft
                .words
                .iter()
                .filter(|w| !in_any(self.draft, w.start(), words_skipped(hidden)))
                .filter(|w| word_class(&self.rules.words, &self.draft.text[w.range()]) == class)
                .count() as f64,
            named => Metrics::measure(self.draft, hidden, &self.rules.words).get(named),
        }
    }
}

/// The scopes whose words a metric does not count: URLs, hashtags and mentions
/// (not words), and what the rule skips, except link text.
fn words_skipped(hidden: ScopeSet) -> ScopeSet {
    use crate::draft::Scope;
    let not_words = ScopeSet::of(&[Scope::Url, Scope::Hashtag, Scope::Mention]);
    hidden
        .without(not_words.union(ScopeSet::of(&[Scope::Link])))
        .union(not_words)
}

/// The class of a word, decided the plain way.
fn word_class(classes: &WordClasses, word: &str) -> WordClass {
    let lower = fold(word);
    if word.bytes().any(|b| b.is_ascii_digit()) {
        WordClass::Number
    } else if classes.reaction.contains(&lower) {
        WordClass::Reaction
    } else if classes.greeting.contains(&lower) {
        WordClass::Greeting
    } else if classes.stop.contains(&lower) {
        WordClass::Stop
    } else {
        WordClass::Content
    }
}

/// Whether a matched text is an exception of the rule, decided the plain way.
fn excepted(rule: &Rule, matched: &str) -> bool {
    rule.except.iter().any(|p| match p {
        Pattern::Term(t) => {
            let spaced = blanks::spaced(matched);
            let (m, t_) = if t.case {
                (spaced.to_string(), t.text.clone())
            } else {
                (fold(&spaced), fold(&t.text))
            };
            if t.partial {
                m.contains(&t_)
            } else {
                m == t_
            }
        }
        // Lowering wrapped exception regexes in `^(?:…)$`: they match whole texts.
        Pattern::Regex(r) => regex::Regex::new(&r.source).is_ok_and(|re| re.is_match(matched)),
    })
}

/// The triage of `draft`, the plain way.
pub fn triage(rules: &RuleSet, draft: &Draft, options: &Options) -> Option<TriageResult> {
    if rules.triage.is_empty() {
        return None;
    }
    let oracle = Oracle {
        rules,
        draft,
        options,
        recording: true,
    };
    let hidden = rules.triage.hidden;
    Some(crate::report::verdict::weigh(
        &rules.triage,
        |c, category, evidence| oracle.holds(c, hidden, None, category, evidence),
    ))
}
