//! Findings and their fixes: what a rule reports at one place in a draft.

use std::ops::Range;

use serde::Serialize;

use crate::language::rules::Level;

mod build;

/// One place where a draft goes against a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// `guideline.rule`.
    pub rule: std::sync::Arc<str>,
    /// The guideline's category.
    pub category: std::sync::Arc<str>,
    /// The level after escalation.
    pub level: Level,
    /// What is wrong and what to do.
    pub message: String,
    /// Byte range in the draft (a document rule points at the first line of the body).
    pub span: Range<usize>,
    /// Whether the rule looks at the whole document rather than a match.
    pub document: bool,
    /// The matched text must never be shown (personal data).
    pub redacted: bool,
    /// Findings of this rule hold the draft for human review.
    pub review: bool,
    /// Replacements for the span, best first.
    pub suggestions: Vec<String>,
    /// A fix that can be applied.
    /// (Boxed: most findings have none, and a finding is moved and sorted often.)
    pub fix: Option<Box<Fix>>,
    /// Spans of the evidence a `near` condition found.
    pub evidence: Vec<Range<usize>>,
    /// The rule's link.
    pub link: Option<std::sync::Arc<str>>,
}

/// Edits that fix a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The edits, in order, not overlapping.
    pub edits: Vec<Edit>,
    /// Whether it may be applied without a person reading it.
    pub safe: bool,
    /// What the fix does, for menus.
    pub title: String,
}

/// Replace a byte range with text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The range replaced (empty for an insertion).
    pub span: Range<usize>,
    /// The new text.
    pub text: String,
}

/// A finding before it is built: which rule reports where, at what level, on
/// what evidence. Evaluators judge in this form; a large draft's findings stay
/// in it, a fraction of their built size, until they are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The rule, an index into the rule set's rules.
    rule: u32,
    start: u32,
    end: u32,
    /// Which of the rule's `find` patterns matched (it picks a `replace` fix).
    pattern: u32,
    /// Whether the rule looks at the whole document (the span is then the
    /// document's first line).
    document: bool,
    /// The level after escalation.
    pub level: Level,
    /// Spans of the evidence, sorted, without repeats.
    evidence: Box<[Range<usize>]>,
}

impl Pending {
    /// Rule `rule` (an index into the rule set's rules) reports at `span`.
    pub fn new(
        rule: usize,
        span: Range<usize>,
        pattern: usize,
        document: bool,
        level: Level,
        mut evidence: Vec<Range<usize>>,
    ) -> Pending {
        let narrow = |n: usize| u32::try_from(n).expect("drafts are under 4 GiB");
        evidence.sort_by_key(|r| (r.start, r.end));
        evidence.dedup();
        Pending {
            rule: narrow(rule),
            start: narrow(span.start),
            end: narrow(span.end),
            pattern: narrow(pattern),
            document,
            level,
            evidence: evidence.into_boxed_slice(),
        }
    }

    /// The rule, an index into the rule set's rules.
    pub fn rule(&self) -> usize {
        self.rule as usize
    }

    /// Whether the rule looks at the whole document.
    pub fn document(&self) -> bool {
        self.document
    }

    /// Its byte range in the draft.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Puts findings in the order every output shows them: by position, then rule id.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
    });
}

/// Joins runs of several rules' findings (or what they are built from) in the order
/// [`sort`] gives the findings joined: `runs` holds each rule's rank among the
/// rules sorted by id (then rule order; ranks differ) and its items in position
/// order; `span` is where an item's finding is; `total` items in all. Each item
/// is moved once and each run is freed as it is used up: a large draft's
/// findings are neither held twice nor sorted again.
pub fn merge<T, I: Iterator<Item = T>>(
    runs: Vec<(usize, I)>,
    total: usize,
    span: impl Fn(&T) -> Range<usize>,
) -> Vec<T> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    if runs.len() <= 1 {
        // Most drafts: one rule reports, or none.
        return runs.into_iter().flat_map(|(_, items)| items).collect();
    }
    // Ties of position go by the rule's rank.
    let (rank, mut runs): (Vec<usize>, Vec<std::iter::Peekable<I>>) = runs
        .into_iter()
        .map(|(rank, items)| (rank, items.peekable()))
        .unzip();
    let key = |item: &T, run: usize| {
        let at = span(item);
        Reverse((at.start, at.end, rank[run], run))
    };
    let mut heads: BinaryHeap<_> = runs
        .iter_mut()
        .enumerate()
        .filter_map(|(i, run)| run.peek().map(|item| key(item, i)))
        .collect();
    let mut out = Vec::with_capacity(total);
    while let Some(Reverse((start, end, _, run))) = heads.pop() {
        out.push(runs[run].next().expect("a run in the heap has a head"));
        // The run's next items go out as long as they come before every other
        // run's head: one rule's findings are often most of a draft's, and
        // come a stretch at a time.
        let others = heads.peek().map(|Reverse(head)| *head);
        while let Some(next) = runs[run].peek() {
            let next = key(next, run);
            debug_assert!(
                (next.0 .0, next.0 .1) >= (start, end),
                "a run is in position order"
            );
            if others.is_some_and(|head| next.0 > head) {
                heads.push(next);
                break;
            }
            out.push(runs[run].next().expect("peeked"));
        }
    }
    out
}

/// Runs this long in all are merged on two cores.
const PARALLEL_MERGE: usize = 1 << 14;

/// [`merge`] of runs held in parts (each part in position order, and the parts
/// in order). Many items are merged on two cores: those that begin before a
/// position in the middle of the largest run, and the rest, which all come
/// after them. One part a run may be cut in two, so that each side moves its
/// own items.
pub fn merge_parts<T: Send>(
    runs: Vec<(usize, Vec<Vec<T>>)>,
    total: usize,
    span: impl Fn(&T) -> Range<usize> + Sync,
) -> Vec<T> {
    let flat = |runs: Vec<(usize, Vec<Vec<T>>)>| -> Vec<_> {
        let flat = runs
            .into_iter()
            .map(|(rank, parts)| (rank, parts.into_iter().flatten()));
        flat.collect()
    };
    if total < PARALLEL_MERGE || runs.len() < 2 {
        return merge(flat(runs), total, span);
    }
    let len = |parts: &Vec<Vec<T>>| parts.iter().map(Vec::len).sum::<usize>();
    let largest = runs.iter().map(|(_, parts)| parts).max_by_key(|p| len(p));
    let middle = largest.and_then(|parts| {
        let t = parts.iter().flatten().nth(len(parts) / 2)?;
        Some(span(t).start)
    });
    let Some(middle) = middle else {
        return merge(flat(runs), total, span);
    };
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let mut after_total = 0;
    for (rank, parts) in runs {
        let (mut mine_before, mut mine_after) = (Vec::new(), Vec::new());
        for mut part in parts {
            match part.partition_point(|t| span(t).start < middle) {
                0 => mine_after.push(part),
                cut if cut == part.len() => mine_before.push(part),
                cut => {
                    mine_after.push(part.split_off(cut));
                    mine_before.push(part);
                }
            }
        }
        after_total += mine_after.iter().map(Vec::len).sum::<usize>();
        before.push((rank, mine_before));
        after.push((rank, mine_after));
    }
    // The first side's list has room for the second's, which is then moved in.
    let (mut out, rest) = rayon::join(
        || merge(flat(before), total, &span),
        || merge(flat(after), after_total, &span),
    );
    out.extend(rest);
    out
}

/// Applies edits to a text. Edits that overlap an earlier one are skipped.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        if e.span.start < at || e.span.end > text.len() {
            continue;
        }
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

impl Finding {
    /// The span whose text the finding may show: none when redacted or about
    /// the whole document.
    pub fn shown_span(&self) -> Option<Range<usize>> {
        (!self.redacted && !self.document).then(|| self.span.clone())
    }
}

#[cfg(test)]
impl Finding {
    /// A warning of `rule` at `span` and nothing more to it: no fix,
    /// suggestions, evidence or link.
    pub(crate) fn plain(rule: &str, span: Range<usize>, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            category: "test".into(),
            level: Level::Warning,
            message: message.into(),
            span,
            document: false,
            redacted: false,
            review: false,
            suggestions: Vec::new(),
            fix: None,
            evidence: Vec::new(),
            link: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::build::append;
    use super::*;

    /// An appended text ends a one-line draft's line and is a longer draft's last
    /// line; whatever the shape, the draft's final line break stays last.
    #[test]
    fn appending_keeps_the_line_and_the_final_line_break() {
        let cases = [
            ("a draft", "a draft Sent."),
            ("a draft ", "a draft Sent."),
            ("a draft\n", "a draft Sent.\n"),
            ("a draft  \r\n", "a draft Sent.\r\n"),
            ("a draft\n\n", "a draft Sent.\n"),
            ("", "Sent."),
            ("\n", "Sent.\n"),
            ("one\nthe draft", "one\nthe draft\nSent."),
            ("one\r\nthe draft", "one\r\nthe draft\r\nSent."),
            ("one\nthe draft\n", "one\nthe draft\nSent.\n"),
            (
                "one\r\n\r\nthe draft\r\n",
                "one\r\n\r\nthe draft\r\nSent.\r\n",
            ),
        ];
        for (text, want) in cases {
            let edit = append(text, "Sent.");
            let mut got = text.to_string();
            got.replace_range(edit.span.clone(), &edit.text);
            assert_eq!(got, want, "{text:?}");
        }
    }

    /// Merging runs gives what sorting them joined gives, ties included: the same
    /// span from rules whose ids sort against rule order, one rule twice at one
    /// span, empty runs, a run split in parts.
    #[test]
    fn merge_orders_as_sort_of_the_joined_runs() {
        let runs: Vec<Vec<Finding>> = vec![
            vec![
                Finding::plain("z.last", 0..4, "1"),
                Finding::plain("z.last", 5..9, "2"),
                Finding::plain("z.last", 5..9, "3"),
                Finding::plain("z.last", 20..20, "4"),
            ],
            Vec::new(),
            vec![
                Finding::plain("a.first", 5..9, "5"),
                Finding::plain("a.first", 5..12, "6"),
            ],
            vec![Finding::plain("m.doc", 0..30, "7")],
            vec![
                Finding::plain("a.first2", 1..2, "8"),
                Finding::plain("a.first2", 5..9, "9"),
                Finding::plain("a.first2", 25..26, "10"),
            ],
        ];
        let mut want: Vec<Finding> = runs.iter().flatten().cloned().collect();
        sort(&mut want);
        let total = want.len();
        // Each run's rank among the runs sorted by rule id, as the engine gives it.
        let id = |run: &Vec<Finding>| run.first().map_or(String::new(), |f| f.rule.to_string());
        let rank = |i: usize| runs.iter().filter(|r| id(r) < id(&runs[i])).count();
        let ranked = (0..runs.len())
            .map(|i| (rank(i), runs[i].clone().into_iter()))
            .collect();
        let got = merge(ranked, total, |f| f.span.clone());
        let messages = |fs: &[Finding]| fs.iter().map(|f| f.message.clone()).collect::<Vec<_>>();
        assert_eq!(messages(&got), messages(&want));
        assert_eq!(got, want);
    }

    /// Merged on two cores, many runs in parts give what one merge gives: ties
    /// of position across rules and at the middle, parts cut there, runs all
    /// before it or all after, and runs with no items.
    #[test]
    fn merge_parts_orders_as_one_merge() {
        let mut random = crate::text::random::Random::new(11);
        // Items of (start, end, id), each run's in parts.
        type Item = (usize, usize, usize);
        let mut runs: Vec<(usize, Vec<Vec<Item>>)> = Vec::new();
        for rank in 0..7 {
            let (from, count) = match rank {
                4 => (0, 50),
                5 => (1 << 20, 100),
                6 => (0, 0),
                _ => (0, PARALLEL_MERGE / 2),
            };
            let mut items: Vec<_> = (0..count)
                .map(|i| {
                    let start = from + random.below(count * 2);
                    (start, start + random.below(3), rank * 100_000 + i)
                })
                .collect();
            items.sort_unstable();
            let mut parts = Vec::new();
            while !items.is_empty() {
                let rest = items.split_off(items.len().min(1 + random.below(3000)));
                parts.push(std::mem::replace(&mut items, rest));
            }
            runs.push((rank, parts));
        }
        let total = runs.iter().flat_map(|(_, p)| p).map(Vec::len).sum();
        let span = |t: &(usize, usize, usize)| t.0..t.1;
        let flat = runs
            .iter()
            .map(|(rank, parts)| (*rank, parts.clone().into_iter().flatten()))
            .collect();
        let want = merge(flat, total, span);
        assert!(want.len() >= PARALLEL_MERGE);
        assert_eq!(merge_parts(runs, total, span), want);
    }

    /// The same on many drafts' worth of runs: one rule's findings coming a
    /// long stretch at a time, others few and scattered, spans shared across
    /// rules and within one.
    #[test]
    fn merge_orders_random_runs_as_sort_does() {
        let mut random = crate::text::random::Random::new(11);
        for _ in 0..200 {
            let rules = 1 + random.below(6);
            let runs: Vec<Vec<Finding>> = (0..rules)
                .map(|r| {
                    let count = random.below(if r == 0 { 300 } else { 12 });
                    let mut spans: Vec<Range<usize>> = (0..count)
                        .map(|_| {
                            let start = random.below(200);
                            start..start + random.below(4)
                        })
                        .collect();
                    spans.sort_by_key(|s| (s.start, s.end));
                    spans
                        .into_iter()
                        .enumerate()
                        .map(|(i, span)| {
                            Finding::plain(&format!("rule{r}"), span, &format!("{r}/{i}"))
                        })
                        .collect()
                })
                .collect();
            let mut want: Vec<Finding> = runs.iter().flatten().cloned().collect();
            sort(&mut want);
            let ranked = runs
                .iter()
                .cloned()
                .enumerate()
                .map(|(r, run)| (r, run.into_iter()));
            let got = merge(ranked.collect(), want.len(), |f| f.span.clone());
            assert_eq!(got, want);
        }
    }
}
