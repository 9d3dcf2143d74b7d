//! Redaction: the spans of a draft whose text must never be shown, and masking
//! every printed text against them.
//!
//! The spans are every match of every `redact` rule — collected before conditions,
//! `limit`, `once` and suppressions apply, and in every scope — so that no other
//! path prints them: not another rule's `{match}`, not a line shown for another
//! finding, not evidence, not a suppression's reason.

use std::borrow::Cow;
use std::ops::Range;

/// Redacted spans of one draft, merged and sorted, and the matches merged into them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Redactions {
    spans: Vec<Range<usize>>,
    /// The redacted matches that are not a span of their own (those inside a
    /// merged span), sorted: what [`Scrubber`] looks for, with `spans`.
    inner: Vec<Range<usize>>,
}

impl Redactions {
    /// The redactions of spans of a draft, given in any order.
    pub fn new(spans: impl IntoIterator<Item = Range<usize>>) -> Redactions {
        let mut matches: Vec<Range<usize>> =
            spans.into_iter().filter(|r| r.start < r.end).collect();
        matches.sort_by_key(|r| (r.start, r.end));
        matches.dedup();
        let mut spans: Vec<Range<usize>> = Vec::with_capacity(matches.len());
        for r in &matches {
            match spans.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => spans.push(r.clone()),
            }
        }
        // A match that is a span by itself is scrubbed as that span.
        let mut merged = spans.iter().peekable();
        let inner = matches
            .into_iter()
            .filter(|m| {
                while merged.next_if(|s| s.end < m.end).is_some() {}
                merged.peek() != Some(&m)
            })
            .collect();
        Redactions { spans, inner }
    }

    /// What scrubs free text written in `text`, the draft these redactions are of.
    pub fn scrubber<'a>(&'a self, text: &'a str) -> Scrubber<'a> {
        Scrubber {
            redactions: self,
            text,
            texts: std::cell::OnceCell::new(),
        }
    }

    /// Whether nothing is redacted.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The redacted spans, merged and sorted.
    pub fn spans(&self) -> &[Range<usize>] {
        &self.spans
    }

    /// The redacted spans that overlap `range`.
    /// (Counted from the first that ends past the start, not searched for: they
    /// are usually none, and masking goes through each.)
    fn within(&self, range: &Range<usize>) -> &[Range<usize>] {
        let after = self.after(range.start);
        let n = after.iter().take_while(|s| s.start < range.end).count();
        &after[..n]
    }

    /// The redacted spans that end after `at`.
    fn after(&self, at: usize) -> &[Range<usize>] {
        &self.spans[self.spans.partition_point(|s| s.end <= at)..]
    }

    /// Whether any redacted byte lies in `range`.
    pub fn overlaps(&self, range: &Range<usize>) -> bool {
        self.after(range.start)
            .first()
            .is_some_and(|s| s.start < range.end)
    }

    /// `text[range]` with every redacted character that is not white space shown
    /// as `*`. Costs the length of the range, whatever the number of spans.
    pub fn mask<'a>(&self, text: &'a str, range: Range<usize>) -> Cow<'a, str> {
        let part = &text[range.clone()];
        let hidden = self.within(&range);
        if hidden.is_empty() {
            return Cow::Borrowed(part);
        }
        let mut out = String::with_capacity(part.len());
        let mut spans = hidden.iter().peekable();
        for (i, c) in part.char_indices() {
            let at = range.start + i;
            while spans.peek().is_some_and(|s| s.end <= at) {
                spans.next();
            }
            let inside = spans.peek().is_some_and(|s| s.start <= at);
            out.push(if inside && !c.is_whitespace() { '*' } else { c });
        }
        Cow::Owned(out)
    }
}

/// Scrubs free text (a suppression's reason, a rule id written in a directive)
/// of every redacted text of a draft. Which texts those are is worked out when
/// first asked: a draft seldom has a directive to scrub, and a long one can have
/// thousands of redacted matches.
pub struct Scrubber<'a> {
    redactions: &'a Redactions,
    text: &'a str,
    /// The distinct redacted texts, longest first.
    texts: std::cell::OnceCell<Vec<&'a str>>,
}

impl<'a> Scrubber<'a> {
    /// The distinct texts of each match and each merged span (so a reason that
    /// copies either is scrubbed whole), longest first.
    fn texts(&self) -> &[&'a str] {
        self.texts.get_or_init(|| {
            let r = self.redactions;
            let mut distinct: Vec<&str> = r
                .inner
                .iter()
                .chain(&r.spans)
                .filter_map(|span| self.text.get(span.clone()))
                .collect();
            distinct.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            distinct.dedup();
            distinct
        })
    }

    /// `s` with every redacted text in it replaced by `*`s (white space kept).
    pub fn scrub<'s>(&self, s: &'s str) -> Cow<'s, str> {
        if self.redactions.is_empty() {
            return Cow::Borrowed(s);
        }
        let mut out = Cow::Borrowed(s);
        for t in self.texts() {
            if out.contains(t) {
                let stars: String = t
                    .chars()
                    .map(|c| if c.is_whitespace() { c } else { '*' })
                    .collect();
                out = Cow::Owned(out.replace(t, &stars));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_only_the_redacted_characters() {
        let text = "card 4111 1111 and more";
        let r = Redactions::new([5..9, 10..14, 7..12]);
        assert_eq!(r.spans(), std::slice::from_ref(&(5..14)));
        assert_eq!(r.inner, [5..9, 7..12, 10..14]);
        assert_eq!(r.mask(text, 0..text.len()), "card **** **** and more");
        assert_eq!(r.mask(text, 12..18), "** and");
        assert_eq!(r.mask(text, 15..18), "and");
        assert!(r.overlaps(&(13..20)) && !r.overlaps(&(14..20)));
        let scrubber = r.scrubber(text);
        assert_eq!(
            scrubber.scrub("reason: 4111 1111 it is"),
            "reason: **** **** it is"
        );
        // A match inside a merged span, and the span whole.
        assert_eq!(scrubber.scrub("why: 1111"), "why: ****");
        assert_eq!(scrubber.scrub("4111 1111"), "**** ****");
        assert_eq!(scrubber.scrub("nothing here"), "nothing here");
        // A match alone in its span is kept as the span only.
        let r = Redactions::new([0..4, 10..14, 5..9, 7..12, 0..4]);
        assert_eq!(r.spans(), [0..4, 5..14]);
        assert_eq!(r.inner, [5..9, 7..12, 10..14]);
        assert_eq!(r.scrubber(text).scrub("a card"), "a ****");
    }
}
