//! Patterns searched only where a condition looks. A regex that serves only as
//! evidence around a rule's match (`unless preceded by /fax:/ within 0 words`)
//! matters only in the windows around that rule's `find` hits, which in most
//! drafts are a sliver of the text; searched on the whole text, a few such
//! regexes cost as much as everything else. Such a regex is searched, after the
//! other hits are in, on the lines around those windows. A regex whose matches
//! never hold a line break finds the same matches on a line as a search of the
//! whole text finds there, so only such regexes are searched this way.
//!
//! So are the punctuation marks a rule looks for beside its match (`near "/",
//! ":" partial within 0 chars`): every `-` or `/` of a long draft would
//! otherwise be a hit, held for the whole check.

use std::ops::Range;

use super::evaluate::window;
use super::lines::line_around;
use super::windows::in_spans;
use super::{Builds, Hit, RegexEntry};
use crate::draft::Draft;
use crate::language::rules::*;
use crate::text::fold::is_whole_word;

/// A pattern searched near the matches of the rules that look for it.
#[derive(Debug, Clone)]
pub(super) struct Local {
    sought: Sought,
    /// Where it is looked for.
    reaches: Vec<Reach>,
}

/// What a [`Local`] looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sought {
    /// A regex, an index into the engine's regexes.
    Regex(usize),
    /// A matcher whose patterns are all one ASCII punctuation mark each.
    Marks(MatcherId, Vec<Mark>),
}

/// A term of one ASCII punctuation mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mark {
    byte: u8,
    /// Its index among its matcher's patterns.
    pattern: usize,
    /// Found inside words too; if not, only where no word character touches it.
    partial: bool,
}

/// Which matchers are searched on the whole text (a `find`, in `has`, counted,
/// in triage, or with a validator), and how far from which `find` matches
/// conditions look for each of the others.
pub(super) struct Usage {
    eager: Vec<bool>,
    reaches: Vec<Vec<Reach>>,
}

impl Usage {
    /// The matchers whose patterns are all a term of one ASCII punctuation
    /// mark and that are only looked for around matches: they are left out of
    /// the term automata.
    pub(super) fn marks(&self, rules: &RuleSet, m: MatcherId) -> Option<Vec<Mark>> {
        if self.eager[m] {
            return None;
        }
        rules.matchers[m]
            .patterns
            .iter()
            .enumerate()
            .map(|(p, pattern)| match pattern {
                Pattern::Term(t) if t.text.len() == 1 => {
                    let byte = t.text.as_bytes()[0];
                    byte.is_ascii_punctuation().then_some(Mark {
                        byte,
                        pattern: p,
                        partial: t.partial,
                    })
                }
                _ => None,
            })
            .collect()
    }
}

/// How far from each hit of a `find` matcher a condition looks for evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reach {
    find: MatcherId,
    distance: usize,
    unit: Unit,
}

/// Where each matcher is used: a matcher is local when it has no validator and
/// appears only in `near`, `preceded by`, `followed by`, `matches` and
/// `overlaps` conditions of rules (not as a `find`, in `has`, in a count or in
/// triage).
pub(super) fn usage(rules: &RuleSet) -> Usage {
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
    Usage { eager, reaches }
}

/// The patterns only looked for around matches, with where: the regexes
/// (indexes into `regexes`) all of whose matchers are local and no match of
/// which holds a line break or relies on the end of the text, and the local
/// matchers of punctuation marks ([`Usage::marks`]).
pub(super) fn locals(regexes: &[RegexEntry], rules: &RuleSet, usage: &Usage) -> Vec<Local> {
    let Usage { eager, reaches } = usage;
    let reach_of = |matchers: &mut dyn Iterator<Item = MatcherId>| {
        let mut reach: Vec<Reach> = matchers.flat_map(|m| reaches[m].iter().copied()).collect();
        reach.sort_by_key(|r| (r.find, r.unit == Unit::Words, r.distance));
        reach.dedup();
        reach
    };
    let marks = (0..rules.matchers.len()).filter_map(|m| {
        let marks = usage.marks(rules, m)?;
        Some(Local {
            sought: Sought::Marks(m, marks),
            reaches: reach_of(&mut std::iter::once(m)),
        })
    });
    let regexes = regexes
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
            Some(Local {
                sought: Sought::Regex(regex),
                reaches: reach_of(&mut e.uses.iter().map(|&(m, _)| m)),
            })
        });
    regexes.chain(marks).collect()
}

/// The places locals are looked for in, worked out once: locals with the same
/// reaches share their lines, found once a draft for each place.
#[derive(Debug, Clone, Default)]
pub(super) struct Places {
    /// For each place, the first local looked for there.
    pub(super) first: Vec<usize>,
    /// For each local, its place.
    pub(super) of: Vec<usize>,
}

impl Places {
    pub(super) fn of(locals: &[Local]) -> Places {
        let mut places = Places::default();
        for (j, local) in locals.iter().enumerate() {
            let shared = places
                .first
                .iter()
                .position(|&f| locals[f].same_reach(local));
            let k = shared.unwrap_or_else(|| {
                places.first.push(j);
                places.first.len() - 1
            });
            places.of.push(k);
        }
        places
    }
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
    /// The regex's index among the engine's, when it is a regex.
    pub(super) fn regex(&self) -> Option<usize> {
        match self.sought {
            Sought::Regex(r) => Some(r),
            Sought::Marks(..) => None,
        }
    }

    /// Whether `other` is looked for in the same places.
    fn same_reach(&self, other: &Local) -> bool {
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

    /// The hits on `lines`, by matcher: those a search of the whole text finds
    /// there (a regex's leftmost-first, not overlapping; every mark).
    /// `builds`: which build of the regex searches where.
    pub(super) fn find(
        &self,
        regexes: &[RegexEntry],
        rules: &RuleSet,
        text: &str,
        lines: &[Range<usize>],
        builds: &Builds,
    ) -> Vec<(MatcherId, Vec<Hit>)> {
        match &self.sought {
            Sought::Regex(r) => {
                let entry = &regexes[*r];
                let found = find_regex(entry, rules, text, lines, builds);
                if found.is_empty() {
                    return Vec::new();
                }
                let hits = |p| found.iter().map(|s| Hit::new(s.clone(), p)).collect();
                entry.uses.iter().map(|&(m, p)| (m, hits(p))).collect()
            }
            Sought::Marks(m, marks) => {
                let bytes = text.as_bytes();
                let mut hits = Vec::new();
                for line in lines {
                    for (at, b) in bytes[line.clone()].iter().enumerate() {
                        let at = line.start + at;
                        for mark in marks.iter().filter(|mark| mark.byte == *b) {
                            // As the term search decides (see `Engine::term_hits`).
                            if mark.partial || is_whole_word(text, at, at + 1) {
                                hits.push(Hit::new(at..at + 1, mark.pattern));
                            }
                        }
                    }
                }
                vec![(*m, hits)]
            }
        }
    }
}

/// A regex's matches on `lines` (leftmost-first, not overlapping, like a search
/// of the whole text, which finds the same ones there).
fn find_regex(
    entry: &RegexEntry,
    rules: &RuleSet,
    text: &str,
    lines: &[Range<usize>],
    builds: &Builds,
) -> Vec<Range<usize>> {
    let (m, p) = entry.owner;
    let Pattern::Regex(r) = &rules.matchers[m].patterns[p] else {
        return Vec::new();
    };
    // A span limits where a match lies, not what its `\b` sees around it. A line
    // shorter than every match is passed over (so a regex with no line long
    // enough is not compiled).
    in_spans(|span| builds.regex(r, span), text, lines, entry.shortest)
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
            .filter_map(|l| l.regex())
            .map(|r| {
                let (m, p) = engine.regexes[r].owner;
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

    /// Locals looked for at the same distance from the same rule's matches
    /// share their lines; another distance is a place of its own.
    #[test]
    fn locals_at_the_same_reach_share_a_place() {
        let e = engine(
            r#"
guideline confidentiality {
  rule phone warning {
    find /[0-9]{3}-[0-9]{4}/
    unless followed by /\(f\)/ within 1 chars
    unless preceded by /tel:/ within 0 words
    unless followed by /\(h\)/ within 1 chars
    message "m"
  }
}
"#,
        );
        let sources = local_sources(&e);
        assert_eq!(sources.len(), 3, "{sources:?}");
        let places = Places::of(&e.locals);
        assert_eq!(places.first, [0, 1]);
        assert_eq!(places.of, [0, 1, 0]);
        assert_eq!(places.of, e.local_places.of);
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

    /// A local regex, searched on a few lines at a time, is compiled without a
    /// prefilter; one searched over the whole draft keeps its own. Neither
    /// builds a full DFA.
    #[test]
    fn local_regexes_are_compiled_without_a_prefilter() {
        let e = engine(RULES);
        let config = |source: &str| {
            let entry = e.regexes.iter().find(|r| {
                let (m, p) = r.owner;
                matches!(&e.rules.matchers[m].patterns[p], Pattern::Regex(r) if r.source.contains(source))
            });
            let (m, p) = entry.expect(source).owner;
            let Pattern::Regex(r) = &e.rules.matchers[m].patterns[p] else {
                unreachable!()
            };
            r.regex().expect("compiles").regex().get_config().clone()
        };
        let local = config(r"\(f\)");
        assert!(!local.get_auto_prefilter());
        assert!(!local.get_dfa());
        let searched = config("call");
        assert!(searched.get_auto_prefilter());
        assert!(!searched.get_dfa());
    }

    const MARKS: &str = r#"
guideline confidentiality {
  rule code warning {
    find /[0-9]{4}/
    unless near "/", ":" partial within 0 chars
    message "m"
  }
  rule dashes info { find "memo" when has "-" partial message "m" }
}
"#;

    #[test]
    fn punctuation_looked_for_beside_matches_is_found_only_there() {
        let e = engine(MARKS);
        // `/` and `:` are looked for beside matches; `-` anywhere (`has`).
        let marks: Vec<String> = e
            .locals
            .iter()
            .filter_map(|l| match &l.sought {
                Sought::Marks(_, marks) => Some(marks.iter().map(|m| m.byte as char).collect()),
                Sought::Regex(_) => None,
            })
            .collect();
        assert_eq!(marks, ["/:"]);
        let filler = "Nothing to see - on this line / at all.\n".repeat(2000);
        let text = format!("1234/ here\n{filler}Code 5678 and 2020\n{filler}at :9999 memo\n");
        let draft = Draft::new(text.clone(), Format::Text);
        let fast = e.check(&draft, &Options::default()).findings;
        let found: Vec<&str> = fast.iter().map(|f| &text[f.span.clone()]).collect();
        assert_eq!(found, ["5678", "2020", "memo"]);
        let slow = crate::engine::reference::check(e.rules(), &draft, &Options::default());
        assert_eq!(fast, slow);
    }
}
