//! Suppression directives written in a draft, parsed once: the engine hides their
//! lines from rules (they are comments), and the report applies them to findings.
//!
//! ```text
//! <!-- tenet-disable-next-line confidentiality.codename: approved by legal, ticket 123 -->
//! <!-- tenet-disable add-value: quoting the press release on purpose -->
//! <!-- tenet-enable add-value -->
//! tenet-disable-next-line disclosure.promo: plain-text form, for email and text drafts
//! ```
//!
//! The HTML-comment form and the plain form are directives in every format.

use std::ops::Range;

/// What every directive starts with.
pub const MARKER: &str = "tenet-";

/// One suppression directive in a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The directive's line, without its line end.
    pub span: Range<usize>,
    /// The rule or guideline ids it names (empty: all).
    pub ids: Vec<String>,
    /// Why, as written after the colon.
    pub reason: Option<String>,
    /// The bytes it covers.
    pub covers: Range<usize>,
}

#[derive(Debug, PartialEq)]
enum Kind {
    NextLine,
    Disable,
    Enable,
}

/// A line written as a directive Tenet does not know: its span and keyword.
pub type Stray = (Range<usize>, String);

/// Every directive in `text`, in order, and every line written as one whose
/// keyword Tenet does not know ([`strays`]).
pub fn read(text: &str) -> (Vec<Directive>, Vec<Stray>) {
    // Most drafts have none: one substring search instead of passes over every line.
    if !text.contains(MARKER) {
        return (Vec::new(), Vec::new());
    }
    (parse(text), strays(text))
}

/// Finds every directive in `text`, in order.
fn parse(text: &str) -> Vec<Directive> {
    let mut out: Vec<Directive> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut at = 0;
    // Read one at a time, looking one ahead (a long draft's lines are not listed).
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let line_span = at..at + line.trim_end().len();
        at += line.len();
        let Some((kind, args)) = directive(line) else {
            continue;
        };
        let (ids, reason) = match args.split_once(':') {
            Some((ids, reason)) => (
                ids,
                Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
            ),
            None => (args, None),
        };
        let ids: Vec<String> = ids
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        match kind {
            Kind::NextLine => {
                let next = lines.peek().map_or(at..at, |l| at..at + l.len());
                out.push(Directive {
                    span: line_span,
                    ids,
                    reason,
                    covers: next,
                });
            }
            Kind::Disable => {
                open.push(out.len());
                out.push(Directive {
                    span: line_span.clone(),
                    ids,
                    reason,
                    covers: line_span.end..text.len(),
                });
            }
            Kind::Enable => {
                // Closes the open blocks it names (all of them when it names none).
                open.retain(|&b| {
                    let block = &mut out[b];
                    let closes = ids.is_empty() || block.ids.iter().any(|id| ids.contains(id));
                    if closes {
                        block.covers.end = line_span.start;
                    }
                    !closes
                });
            }
        }
    }
    out
}

/// The directives Tenet knows.
pub const KEYWORDS: [&str; 3] = ["tenet-disable-next-line", "tenet-disable", "tenet-enable"];

/// A line written as a directive whose keyword Tenet does not know
/// (`tenet-disable-line`, `tenet-ignore`): its span and the keyword.
fn strays(text: &str) -> Vec<Stray> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let span = at..at + line.trim_end().len();
        at += line.len();
        if directive(line).is_some() {
            continue;
        }
        let t = line.trim();
        let (comment, body) = match t.strip_prefix("<!--") {
            Some(rest) => (true, rest.trim_start()),
            None => {
                let body = t.trim_start_matches(['#', '/', ';', '-', '%']);
                (body.len() < t.len(), body.trim_start())
            }
        };
        let Some(rest) = body.strip_prefix(MARKER) else {
            continue;
        };
        let word_len = rest
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
            .unwrap_or(rest.len());
        let word = &rest[..word_len];
        let after = rest[word_len..].chars().next();
        let ends_word = after.is_none_or(|c| c.is_whitespace() || c == ':');
        // In a comment anything shaped like a directive; in plain text only words
        // that say what a directive does, so prose such as "tenet-based" is left alone.
        let suppressing = [
            "disable", "enable", "ignore", "suppress", "skip", "off", "noqa",
        ]
        .iter()
        .any(|w| word.contains(w));
        if !word.is_empty() && ends_word && (comment || suppressing) {
            out.push((span, format!("{MARKER}{word}")));
        }
    }
    out
}

/// The directive on a line, in either form, and the text after its keyword.
fn directive(line: &str) -> Option<(Kind, &str)> {
    let t = line.trim();
    let t = match t.strip_prefix("<!--") {
        Some(rest) => rest.trim_end().strip_suffix("-->").unwrap_or(rest).trim(),
        None => t.trim_start_matches(['#', '/', ';', '-', '%']).trim_start(),
    };
    let (kind, rest) = if let Some(r) = t.strip_prefix("tenet-disable-next-line") {
        (Kind::NextLine, r)
    } else if let Some(r) = t.strip_prefix("tenet-disable") {
        (Kind::Disable, r)
    } else if let Some(r) = t.strip_prefix("tenet-enable") {
        (Kind::Enable, r)
    } else {
        return None;
    };
    // `tenet-disabled` is not a directive.
    if rest
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace() && c != ':')
    {
        return None;
    }
    Some((kind, rest.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_in_any_format() {
        let text =
            "<!-- tenet-disable-next-line a.b: why -->\nx\n# tenet-disable c\ny\ntenet-enable\n";
        let d = parse(text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].ids, ["a.b"]);
        assert_eq!(d[0].reason.as_deref(), Some("why"));
        assert_eq!(&text[d[0].covers.clone()], "x\n");
        assert_eq!(&text[d[1].covers.clone()], "\ny\n");
    }
}
