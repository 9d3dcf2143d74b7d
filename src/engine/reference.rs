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
use crate::report::finding::{self, Finding};
use crate::text::fold::{fold, fold_char, is_whole_word};

/// Checks `draft` against `rules` the slow way: findings sorted like the engine's.
pub fn check(rules: &RuleSet, draft: &Draft, options: &Options) -> Vec<Finding> {
    let redactions = super::evaluate::redactions(rules, &draft.text, |m| {
        hits(rules, m, &draft.text)
            .into_iter()
            .map(|h| h.span)
            .collect()
    });
    let mut out = Vec::new();
    for rule in &rules.rules {
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
            let span = hit.as_ref().map(|h| h.span.clone());
            let mut evidence = Vec::new();
            let mut check = |c: &Cond| {
                holds(
                    rules,
                    c,
                    draft,
                    options,
                    rule.hidden,
                    span.as_ref(),
                    &mut evidence,
                )
            };
            if !rule.condition.as_ref().is_none_or(&mut check) {
                continue;
            }
            let mut level = rule.level;
            for (l, c) in &rule.escalate {
                if check(c) {
                    level = level.max(*l);
                }
            }
            evidence.sort_by_key(|r| (r.start, r.end));
            evidence.dedup();
            let pattern = hit.map_or(0, |h| h.pattern);
            out.push(finding::build(
                rule,
                draft,
                span,
                pattern,
                level,
                evidence,
                &redactions,
            ));
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
                            out.push(Hit {
                                span: start..end,
                                pattern: p,
                            });
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
                        out.push(Hit {
                            span: found.range(),
                            pattern: p,
                        });
                    }
                }
            }
        }
    }
    if let Some(v) = m.validator {
        out.retain(|h| v.check(&text[h.span.clone()]));
    }
    out
}

/// Where term `t` ends if it matches at `start`.
fn term_at(text: &str, start: usize, t: &Term) -> Option<usize> {
    if t.case {
        return text[start..]
            .starts_with(&t.text)
            .then(|| start + t.text.len());
    }
    let want = fold(&t.text);
    let mut got = String::new();
    for (i, c) in text[start..].char_indices() {
        fold_char(c, &mut got);
        if got.len() >= want.len() {
            return (got == want).then(|| start + i + c.len_utf8());
        }
        if !want.starts_with(&got) {
            return None;
        }
    }
    None
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
        .filter(|h| !in_any(draft, h.span.start, hidden))
        .collect()
}

fn leftmost_longest(mut hits: Vec<Hit>) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    let mut pos = 0;
    loop {
        // The leftmost hit at or after `pos`, the longest of those, the first pattern of those.
        let best = hits.iter().filter(|h| h.span.start >= pos).min_by(|a, b| {
            a.span
                .start
                .cmp(&b.span.start)
                .then(b.span.end.cmp(&a.span.end))
                .then(a.pattern.cmp(&b.pattern))
        });
        let Some(best) = best.cloned() else { break };
        pos = best.span.end;
        hits.retain(|h| h.span.start >= pos);
        out.push(best);
    }
    out
}

fn holds(
    rules: &RuleSet,
    c: &Cond,
    draft: &Draft,
    options: &Options,
    hidden: ScopeSet,
    at: Option<&Range<usize>>,
    evidence: &mut Vec<Range<usize>>,
) -> bool {
    match c {
        Cond::And(cs) => cs
            .iter()
            .all(|c| holds(rules, c, draft, options, hidden, at, evidence)),
        Cond::Or(cs) => cs
            .iter()
            .any(|c| holds(rules, c, draft, options, hidden, at, evidence)),
        Cond::Not(c) => !holds(rules, c, draft, options, hidden, at, evidence),
        Cond::Near {
            matcher,
            distance,
            unit,
        } => {
            let Some(at) = at else { return false };
            let mut found = false;
            for e in visible_hits(rules, *matcher, draft, hidden) {
                let overlaps = e.span.start < at.end && at.start < e.span.end;
                if overlaps {
                    continue;
                }
                let gap = if e.span.start >= at.end {
                    at.end..e.span.start
                } else {
                    e.span.end..at.start
                };
                let apart = match unit {
                    Unit::Chars => draft.text[gap].chars().count(),
                    Unit::Words => draft
                        .words
                        .iter()
                        .filter(|w| w.start >= gap.start && w.end <= gap.end)
                        .count(),
                };
                if apart <= *distance {
                    evidence.push(e.span.clone());
                    found = true;
                }
            }
            found
        }
        Cond::Has(m) => !visible_hits(rules, *m, draft, hidden).is_empty(),
        Cond::In(set) => at.is_some_and(|at| in_any(draft, at.start, *set)),
        Cond::Channel(name) => options.channel.eq_ignore_ascii_case(name),
        Cond::Category(_) => false,
        Cond::Compare { metric, op, value } => {
            let v = match metric {
                Metric::Count(m) => {
                    leftmost_longest(visible_hits(rules, *m, draft, hidden)).len() as f64
                }
                named => Metrics::measure(draft, hidden).get(*named),
            };
            op.holds(v, *value)
        }
    }
}
