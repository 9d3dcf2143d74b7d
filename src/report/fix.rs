//! Applying fixes: each finding's edits are taken whole or not at all, and a fix
//! that overlaps one already taken waits for the next round.

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
    let mut taken: Vec<&Edit> = Vec::new();
    let mut chosen = Vec::new();
    for fx in fixes {
        let clashes = fx.edits.iter().any(|e| {
            taken.iter().any(|t| {
                (e.span.start < t.span.end && t.span.start < e.span.end)
                    || (e.span.start == t.span.start && (e.span.is_empty() || t.span.is_empty()))
            })
        });
        if !clashes {
            taken.extend(&fx.edits);
            chosen.push(fx);
        }
    }
    chosen
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

    #[test]
    fn two_insertions_at_one_place_are_not_both_taken() {
        let findings = [finding(2..2, " a", true), finding(2..2, " b", true)];
        assert_eq!(apply("hi", &choose(&findings, Applicability::Safe)), "hi a");
    }
}
