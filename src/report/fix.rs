//! Applying fixes: each finding's edits are taken whole or not at all, and a fix
//! that overlaps one already taken waits for the next round.

use std::collections::BTreeMap;

use super::finding::{Edit, Finding, Fix};

/// Which fixes may be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Only fixes marked `safe`.
    Safe,
    /// Every fix, including those a person should read first.
    All,
}

impl Applicability {
    fn allows(self, fix: &Fix) -> bool {
        fix.safe || self == Applicability::All
    }
}

/// The fixes to apply in one round: those allowed, in text order, none touching
/// another (two insertions at one place also conflict).
pub fn choose(findings: &[Finding], which: Applicability) -> Vec<&Fix> {
    choose_where(findings, which, |_| true)
}

/// [`choose`] among the fixes `usable` keeps: one it leaves out never stands
/// in the way of another.
pub fn choose_where(
    findings: &[Finding],
    which: Applicability,
    usable: impl Fn(&Fix) -> bool,
) -> Vec<&Fix> {
    let mut fixes: Vec<&Fix> = findings
        .iter()
        .filter_map(|f| f.fix.as_deref())
        .filter(|fx| which.allows(fx) && !fx.edits.is_empty() && usable(fx))
        .collect();
    fixes.sort_by_key(|fx| fx.edits.iter().map(|e| (e.span.start, e.span.end)).min());
    let mut taken = Taken::default();
    let mut chosen = Vec::new();
    for fx in fixes {
        if !fx.edits.iter().any(|e| taken.clashes(e)) {
            for e in &fx.edits {
                taken.insert(e);
            }
            chosen.push(fx);
        }
    }
    chosen
}

/// The edits of the fixes taken so far, by where they begin: whether a new one
/// clashes with one of them is asked of those that begin near it, not of all
/// (a draft with 80,000 fixes took 14 s to choose them).
#[derive(Default)]
struct Taken {
    /// The ends of the edits beginning at each offset.
    by_start: BTreeMap<usize, Vec<usize>>,
    /// The longest edit's length: no edit beginning further back than this
    /// from an offset reaches it.
    longest: usize,
}

impl Taken {
    fn insert(&mut self, e: &Edit) {
        self.by_start
            .entry(e.span.start)
            .or_default()
            .push(e.span.end);
        self.longest = self.longest.max(e.span.len());
    }

    /// Whether `e` overlaps an edit taken, or inserts where one begins that
    /// is an insertion or begins where `e` inserts (two insertions at one
    /// place conflict).
    fn clashes(&self, e: &Edit) -> bool {
        let (start, end) = (e.span.start, e.span.end);
        if let Some(ends) = self.by_start.get(&start) {
            if start == end || ends.contains(&start) {
                return true;
            }
        }
        let reach = start.saturating_sub(self.longest).min(end);
        self.by_start
            .range(reach..end)
            .any(|(&t_start, ends)| ends.iter().any(|&t_end| start < t_end && t_start < end))
    }
}

/// The edits of `fixes`, in text order.
pub fn edits<'a>(fixes: &[&'a Fix]) -> Vec<&'a Edit> {
    let mut all: Vec<&Edit> = fixes.iter().flat_map(|fx| &fx.edits).collect();
    all.sort_by_key(|e| (e.span.start, e.span.end));
    all
}

/// `text` with the (non-overlapping) edits of `fixes` applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits(fixes) {
        let start = e.span.start.clamp(at, text.len());
        out.push_str(&text[at..start]);
        out.push_str(&e.text);
        at = e.span.end.clamp(start, text.len());
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(span: std::ops::Range<usize>, text: &str, safe: bool) -> Finding {
        Finding {
            rule: "g.r".into(),
            category: "c".into(),
            level: crate::language::rules::Level::Warning,
            message: "m".into(),
            span: span.clone(),
            document: false,
            redacted: false,
            review: false,
            suggestions: Vec::new(),
            fix: Some(Box::new(Fix {
                edits: vec![Edit {
                    span,
                    text: text.into(),
                }],
                safe,
                title: "t".into(),
            })),
            evidence: Vec::new(),
            link: None,
        }
    }

    #[test]
    fn overlapping_and_unsafe_fixes_wait() {
        let text = "hi guys and gals";
        let findings = [
            finding(3..7, "everyone", true),
            finding(3..16, "all", true),
            finding(12..16, "folks", false),
        ];
        let safe = choose(&findings, Applicability::Safe);
        assert_eq!(apply(text, &safe), "hi everyone and gals");
        let all = choose(&findings, Applicability::All);
        assert_eq!(apply(text, &all), "hi everyone and folks");
    }

    /// The fixes chosen are those a check of every pair chooses, for fixes of
    /// one edit or several, insertions among them, in any order.
    #[test]
    fn fixes_are_chosen_as_by_checking_every_pair() {
        fn every_pair(findings: &[Finding]) -> Vec<&Fix> {
            let mut fixes: Vec<&Fix> = findings.iter().filter_map(|f| f.fix.as_deref()).collect();
            fixes.sort_by_key(|fx| fx.edits.iter().map(|e| (e.span.start, e.span.end)).min());
            let mut taken: Vec<&Edit> = Vec::new();
            let mut chosen = Vec::new();
            for fx in fixes {
                let clashes = fx.edits.iter().any(|e| {
                    taken.iter().any(|t| {
                        (e.span.start < t.span.end && t.span.start < e.span.end)
                            || (e.span.start == t.span.start
                                && (e.span.is_empty() || t.span.is_empty()))
                    })
                });
                if !clashes {
                    taken.extend(&fx.edits);
                    chosen.push(fx);
                }
            }
            chosen
        }
        let mut random = crate::text::random::Random::new(11);
        for round in 0..300 {
            let findings: Vec<Finding> = (0..random.below(40))
                .map(|_| {
                    let mut f = finding(0..0, "x", true);
                    let edits = &mut f.fix.as_mut().unwrap().edits;
                    edits.clear();
                    for _ in 0..1 + random.below(3) {
                        let start = random.below(60);
                        let len = [0, 0, 1, 2, 5, 30][random.below(6)];
                        edits.push(Edit {
                            span: start..start + len,
                            text: "y".into(),
                        });
                    }
                    f
                })
                .collect();
            let ptrs = |v: Vec<&Fix>| v.into_iter().map(|f| f as *const Fix).collect::<Vec<_>>();
            assert_eq!(
                ptrs(choose(&findings, Applicability::Safe)),
                ptrs(every_pair(&findings)),
                "round {round}"
            );
        }
    }

    #[test]
    fn two_insertions_at_one_place_are_not_both_taken() {
        let findings = [finding(2..2, " a", true), finding(2..2, " b", true)];
        assert_eq!(apply("hi", &choose(&findings, Applicability::Safe)), "hi a");
    }
}
