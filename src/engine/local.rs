//! Regexes searched only where a condition looks. A regex that serves only as
//! evidence around a rule's match (`unless preceded by /fax:/ within 0 words`)
//! matters only in the windows around that rule's `find` hits, which in most
//! drafts are a sliver of the text; searched on the whole text, a few such
//! regexes cost as much as everything else. Such a regex is searched, after the
//! other hits are in, on the lines around those windows. A regex whose matches
//! never hold a line break finds the same matches on a line as a search of the
//! whole text finds there, so only such regexes are searched this way.

use std::ops::Range;

use super::evaluate::window;
use super::windows::line_around;
use super::{Hit, RegexEntry};
use crate::draft::Draft;
use crate::language::rules::*;

/// A regex searched near the matches of the rules that look for it.
#[derive(Debug, Clone)]
pub(super) struct Local {
    /// Index into the engine's regexes.
    regex: usize,
    /// Where it is looked for.
    reaches: Vec<Reach>,
}

/// How far from each hit of a `find` matcher a condition looks for evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reach {
    find: MatcherId,
    distance: usize,
    unit: Unit,
}

/// The regexes (indexes into `regexes`) that are only looked for around matches,
/// with where: a regex is local when each matcher that uses it has no validator
/// and appears only in `near`, `preceded by`, `followed by`, `matches` and
/// `overlaps` conditions of rules (not as a `find`, in `has`, in a count or in
/// triage), and when no match holds a line break or relies on the end of the
/// text.
pub(super) fn locals(regexes: &[RegexEntry], rules: &RuleSet) -> Vec<Local> {
    let mut eager = vec![false; rules.matchers.len()];
    let mut reaches: Vec<Vec<Reach>> = vec![Vec::new(); rules.matchers.len()];
    for (m, matcher) in rules.matchers.iter().enumerate() {
        eager[m] = matcher.validator.is_some();
    }
    for rule in &rules.rules {
        if let Some(f) = rule.find {
            eager[f] = true;
        }
        let conds = rule
            .condition
            .iter()
            .chain(rule.escalate.iter().map(|(_, c)| c));
        for c in conds {
            c.visit(&mut |c| match *c {
                Cond::Near {
                    matcher,
                    distance,
                    unit,
                    ..
                } => {
                    if let Some(find) = rule.find {
                        reaches[matcher].push(Reach {
                            find,
                            distance,
                            unit,
                        });
                    }
                }
                Cond::Matches(m) | Cond::Overlaps(m) => {
                    if let Some(find) = rule.find {
                        reaches[m].push(Reach {
                            find,
                            distance: 0,
                            unit: Unit::Chars,
                        });
                    }
                }
                Cond::Has(m) => eager[m] = true,
                _ => counted(c).for_each(|m| eager[m] = true),
            });
        }
    }
    let triage = &rules.triage;
    let triage_conds = triage.categories.iter().filter_map(|(_, _, c)| c.as_ref());
    for c in triage_conds.chain(triage.priorities.iter().filter_map(|(_, c)| c.as_ref())) {
        c.visit(&mut |c| match *c {
            Cond::Near { matcher: m, .. } | Cond::Has(m) | Cond::Matches(m) | Cond::Overlaps(m) => {
                eager[m] = true
            }
            _ => counted(c).for_each(|m| eager[m] = true),
        });
    }
    regexes
        .iter()
        .enumerate()
        .filter(|(_, e)| e.uses.iter().all(|&(m, _)| !eager[m]))
        .filter_map(|(regex, e)| {
            let (m, p) = e.owner;
            let Pattern::Regex(r) = &rules.matchers[m].patterns[p] else {
                return None;
            };
            if r.line_breaks != Some(0) {
                return None;
            }
            let mut reach: Vec<Reach> = e
                .uses
                .iter()
                .flat_map(|&(m, _)| reaches[m].iter().copied())
                .collect();
            reach.sort_by_key(|r| (r.find, r.unit == Unit::Words, r.distance));
            reach.dedup();
            Some(Local {
                regex,
                reaches: reach,
            })
        })
        .collect()
}

/// The matchers a comparison counts (`count(P) > 2`): searched everywhere.
fn counted(c: &Cond) -> impl Iterator<Item = MatcherId> {
    let metrics = match *c {
        Cond::Compare { metric, per, .. } => [Some(metric), per],
        _ => [None, None],
    };
    metrics.into_iter().flatten().filter_map(|m| match m {
        Metric::Count(m) => Some(m),
        _ => None,
    })
}

impl Local {
    /// The regex's index among the engine's.
    pub(super) fn regex(&self) -> usize {
        self.regex
    }

    /// Whether `other` is looked for in the same places.
    pub(super) fn same_reach(&self, other: &Local) -> bool {
        self.reaches == other.reaches
    }

    /// The spans of whole lines to search: those around the hits of the rules
    /// that look for the regex, joined where they touch.
    pub(super) fn lines(&self, draft: &Draft, hits: &[Vec<Hit>]) -> Vec<Range<usize>> {
        let text = draft.text.as_str();
        let bytes = text.as_bytes();
        let mut lines: Vec<Range<usize>> = Vec::new();
        for reach in &self.reaches {
            for h in &hits[reach.find] {
                let (lo, hi) = window(draft, &h.span(), reach.distance, reach.unit);
                let lo = lo.min(text.len());
                let hi = hi.clamp(lo, text.len());
                // Evidence ends after `lo` and starts before `hi`: it lies on
                // the lines that hold some byte of `lo..hi`.
                let (start, end) = line_around(bytes, lo, hi);
                lines.push(start..end);
            }
        }
        lines.sort_unstable_by_key(|l| l.start);
        let mut spans: Vec<Range<usize>> = Vec::with_capacity(lines.len());
        for l in lines {
            match spans.last_mut() {
                Some(last) if l.start <= last.end + 1 => last.end = last.end.max(l.end),
                _ => spans.push(l),
            }
        }
        spans
    }

    /// The regex's matches on `lines` (leftmost-first, not overlapping, like a
    /// search of the whole text, which finds the same ones there).
    pub(super) fn find(
        &self,
        entry: &RegexEntry,
        rules: &RuleSet,
        text: &str,
        lines: &[Range<usize>],
    ) -> Vec<Range<usize>> {
        let (m, p) = entry.owner;
        let Pattern::Regex(r) = &rules.matchers[m].patterns[p] else {
            return Vec::new();
        };
        let Some(re) = r.regex() else {
            return Vec::new();
        };
        // A span limits where a match lies, not what its `\b` sees around it.
        lines
            .iter()
            .flat_map(|span| re.find_iter(regex_automata::Input::new(text).span(span.clone())))
            .filter(|m| !m.is_empty())
            .map(|m| m.range())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::Format;
    use crate::engine::{Engine, Options};
    use crate::language::lower::compile_str;

    const RULES: &str = r#"
guideline confidentiality {
  rule phone warning {
    find /[0-9]{3}-[0-9]{4}/
    unless preceded by /fax:/i within 0 words
    unless followed by /\(f\)/ within 1 chars
    unless preceded by /call\s+us/ within 2 words
    message "m"
  }
  rule fax-anywhere info {
    find "memo"
    when has /fax:/i
    message "m"
  }
}
"#;

    fn engine(source: &str) -> Engine {
        let compiled = compile_str("test.tenet", source);
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        Engine::new(compiled.rules)
    }

    /// The sources of the regexes searched only where conditions look.
    fn local_sources(engine: &Engine) -> Vec<String> {
        engine
            .locals
            .iter()
            .map(|l| {
                let (m, p) = engine.regexes[l.regex()].owner;
                match &engine.rules.matchers[m].patterns[p] {
                    Pattern::Regex(r) => r.source.clone(),
                    Pattern::Term(t) => t.text.clone(),
                }
            })
            .collect()
    }

    #[test]
    fn only_evidence_regexes_whose_matches_keep_to_a_line_are_local() {
        let e = engine(RULES);
        // `fax:` is also a `has` (looked for everywhere), `call\s+us` can hold a
        // line break, and a `find` is always searched.
        let sources = local_sources(&e);
        assert_eq!(sources.len(), 1, "{sources:?}");
        assert!(sources[0].contains(r"\(f\)"), "{sources:?}");
    }

    #[test]
    fn a_local_regex_is_found_around_each_match_however_far_apart() {
        let e = engine(RULES);
        let filler = "Nothing to see on this line at all.\n".repeat(2000);
        let text = format!("555-0101 (f)\n{filler}Home 555-0102\n{filler}555-0103 (f)\n");
        let draft = Draft::new(text.clone(), Format::Text);
        let found: Vec<&str> = e
            .check(&draft, &Options::default())
            .findings
            .iter()
            .map(|f| &text[f.span.clone()])
            .collect();
        assert_eq!(found, ["555-0102"]);
        let slow = crate::engine::reference::check(e.rules(), &draft, &Options::default());
        assert_eq!(slow.len(), 1);
    }
}
