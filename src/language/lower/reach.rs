//! How far a match of a regex reaches: how many line breaks it can hold (so a
//! long draft need only search the lines around what every match holds), and
//! whether it needs a digit (so a draft, or a line, without one has no match).

use std::ops::RangeInclusive;

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Whether every match of `hir` holds an ASCII digit.
pub(crate) fn needs_digit(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => l.0.iter().any(u8::is_ascii_digit),
        HirKind::Class(c) => {
            let digits = u32::from(b'0')..=u32::from(b'9');
            let ranges = ranges(c);
            !ranges.is_empty()
                && ranges
                    .iter()
                    .all(|r| digits.contains(r.start()) && digits.contains(r.end()))
        }
        HirKind::Repetition(r) => r.min >= 1 && needs_digit(&r.sub),
        HirKind::Capture(c) => needs_digit(&c.sub),
        HirKind::Concat(hs) => hs.iter().any(needs_digit),
        HirKind::Alternation(hs) => !hs.is_empty() && hs.iter().all(needs_digit),
    }
}

/// The most line breaks a match can hold (`ext\.?\s?[0-9]{4}`: one), or `None`
/// when there is no bound (`\s+`) or a match depends on where the text ends (`$`
/// and `\z` without multi-line mode: at a line's end they would see a different
/// answer than at the text's).
pub(crate) fn line_breaks(hir: &Hir) -> Option<usize> {
    match hir.kind() {
        HirKind::Empty => Some(0),
        HirKind::Look(Look::End) => None,
        HirKind::Look(_) => Some(0),
        HirKind::Literal(l) => Some(l.0.iter().filter(|&&b| b == b'\n').count()),
        HirKind::Class(c) => Some(usize::from(
            ranges(c).iter().any(|r| r.contains(&u32::from(b'\n'))),
        )),
        HirKind::Repetition(r) => match line_breaks(&r.sub)? {
            0 => Some(0),
            each => r.max.map(|max| each * max as usize),
        },
        HirKind::Capture(c) => line_breaks(&c.sub),
        HirKind::Concat(hs) => hs.iter().map(line_breaks).sum(),
        HirKind::Alternation(hs) => hs
            .iter()
            .map(line_breaks)
            .try_fold(0, |most, b| Some(most.max(b?))),
    }
}

/// Whether a match depends on where the text begins or ends (`^`, `$`, `\A`
/// and `\z` without multi-line mode): text joined to it would change what it
/// finds there.
pub(crate) fn sees_text_edges(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => matches!(look, Look::Start | Look::End),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => false,
        HirKind::Repetition(r) => sees_text_edges(&r.sub),
        HirKind::Capture(c) => sees_text_edges(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(sees_text_edges),
    }
}

/// Whether every match begins with a word boundary (`\b`, `\b{start}`,
/// `\b{start-half}`, Unicode's or ASCII's): none begins between two ASCII word
/// bytes.
pub(crate) fn begins_at_word_boundary(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => matches!(
            look,
            Look::WordAscii
                | Look::WordUnicode
                | Look::WordStartAscii
                | Look::WordStartUnicode
                | Look::WordStartHalfAscii
                | Look::WordStartHalfUnicode
        ),
        HirKind::Capture(c) => begins_at_word_boundary(&c.sub),
        HirKind::Concat(hs) => hs.first().is_some_and(begins_at_word_boundary),
        HirKind::Alternation(hs) => hs.iter().all(begins_at_word_boundary),
        _ => false,
    }
}

/// The ranges of a class of characters or of bytes, as code points or bytes.
fn ranges(class: &Class) -> Vec<RangeInclusive<u32>> {
    match class {
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .map(|r| u32::from(r.start())..=u32::from(r.end()))
            .collect(),
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .map(|r| u32::from(r.start())..=u32::from(r.end()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_that_begin_at_a_word_boundary() {
        let begins =
            |re: &str| begins_at_word_boundary(&regex_syntax::Parser::new().parse(re).unwrap());
        assert!(begins(r"(?i)\b(?:x|ext\.?)\s?[0-9]{4}"));
        assert!(begins(r"\bcall\b|\b{start}ring"));
        assert!(begins(r"(?-u:\b)(fax)"));
        // One branch may begin anywhere; `\B` begins inside a word.
        assert!(!begins(r"\bcall|ring"));
        assert!(!begins(r"\Bring"));
        assert!(!begins(r"x\b"));
        assert!(!begins(r"\b{end}x"));
    }

    #[test]
    fn regexes_that_need_a_digit_anywhere() {
        let needs = |re: &str| needs_digit(&regex_syntax::Parser::new().parse(re).unwrap());
        // Over any number of lines, or up to the end of the text, a digit is still needed.
        assert!(needs(r"fax\s+[0-9]{7}"));
        assert!(needs(r"[0-9]{4}$"));
        assert!(needs(r"(?i)call\s+(?:us|me)\s+on\s+[0-9]"));
        assert!(!needs(r"\d{9}"));
        assert!(!needs(r"x[0-9]{4}|ext"));
        assert!(!needs(r"[A-Z]{2}[0-9]*"));
    }

    #[test]
    fn line_breaks_a_match_can_hold() {
        let breaks = |re: &str| line_breaks(&regex_syntax::Parser::new().parse(re).unwrap());
        assert_eq!(breaks(r"(?m)^[ \t]*by [A-Z][a-z]+$"), Some(0));
        assert_eq!(breaks(r"(?i)\b(?:x|ext\.?)\s?[0-9]{4}\b"), Some(1));
        assert_eq!(
            breaks(r"[$]\s?[0-9]+(?:\s?(?:million|bn))?|[0-9]+\s?million"),
            Some(2)
        );
        assert_eq!(breaks(r"a\nb\n"), Some(2));
        assert_eq!(breaks(r"(?:[0-9]\s){2,3}"), Some(3));
        assert_eq!(breaks(r"fax\s+[0-9]"), None);
        assert_eq!(breaks(r"(?s)a.{0,5}b"), Some(5));
        assert_eq!(breaks(r"[^a]*"), None);
        assert_eq!(breaks(r"[0-9]{4}$"), None);
    }
}
