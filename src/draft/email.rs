//! Email and plain-text structure: headers, quoted replies, forwarded text, signatures.

use std::ops::Range;

use super::Scope;
use crate::text::lines;

mod attachments;
mod footers;
mod signature;
use attachments::{attachments, is_attachment_line};
use footers::{opens_footer, MAX_FOOTER_LINES};
use signature::signature_start;

/// Header names that show a block of lines is a message's header.
const HEADER_NAMES: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "sent",
    "received",
    "message-id",
    "return-path",
    "reply-to",
    "mime-version",
    "content-type",
    "x-apparently-to",
];

/// Whether `text` opens with RFC 822 headers that name a sender, recipient or subject.
pub(super) fn looks_like_email(text: &str) -> bool {
    let mut known = 0;
    for line in text.lines().take(40) {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        if HEADER_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
            known += 1;
        }
    }
    known >= 2
}

/// Email regions: the header block, then the body as plain text.
pub(super) fn regions(text: &str) -> Vec<(Range<usize>, Scope)> {
    let header_end = if looks_like_email(text) {
        let mut at = 0;
        loop {
            match text[at..].find('\n') {
                Some(i) => {
                    let line = &text[at..at + i];
                    if line.trim().is_empty() {
                        break;
                    }
                    at += i + 1;
                }
                None => {
                    at = text.len();
                    break;
                }
            }
        }
        at
    } else {
        0
    };
    let mut out = Vec::new();
    if header_end > 0 {
        out.extend(header_regions(text, header_end));
    }
    out.extend(plain_regions(text, header_end));
    out
}

/// The header block as `header` regions, except the `Subject:` value (with its
/// folded continuation lines), which is a `subject` region: the author wrote it, and
/// personal data in it is published like the body.
fn header_regions(text: &str, end: usize) -> Vec<(Range<usize>, Scope)> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut header_from = 0;
    while at < end {
        let line_end = line_end(text, at, end);
        let line = &text[at..line_end];
        let is_subject = line
            .get(..8)
            .is_some_and(|h| h.eq_ignore_ascii_case("subject:"));
        if is_subject {
            // The value runs on over continuation lines (starting with white space).
            let mut value_end = line_end;
            while value_end < end && text[value_end..].starts_with([' ', '\t']) {
                value_end = text[value_end..end]
                    .find('\n')
                    .map_or(end, |i| value_end + i + 1);
            }
            let value_start = at + 8;
            let value_stop = value_start + text[value_start..value_end].trim_end().len();
            if value_start > header_from {
                out.push((header_from..value_start, Scope::Header));
            }
            if value_stop > value_start {
                out.push((value_start..value_stop, Scope::Subject));
            }
            header_from = value_stop;
            at = value_end;
            continue;
        }
        at = line_end;
    }
    if end > header_from {
        out.push((header_from..end, Scope::Header));
    }
    out
}

/// Markers after which the rest of a message is somebody else's text.
static FORWARD_MARKERS: Openings = Openings::new(&[
    "-----original message-----",
    "----- original message -----",
    "---------------------- forwarded by",
    "----- forwarded by",
    "-----forwarded message-----",
    "---------- forwarded message",
    "begin forwarded message:",
]);

/// Ways a line can open, in ASCII lower case, by the byte they begin with (in
/// either case): most lines begin with a byte that opens none of them, and are
/// let go at one look; the others are compared with the few that can open them.
pub(super) struct Openings {
    list: &'static [&'static str],
    /// For each byte, the openings (bit `i` for `list[i]`) it may begin.
    by_first: [u64; 256],
}

impl Openings {
    pub(super) const fn new(list: &'static [&'static str]) -> Openings {
        assert!(list.len() <= 64, "one bit per opening");
        let mut by_first = [0u64; 256];
        let mut i = 0;
        while i < list.len() {
            let b = list[i].as_bytes()[0];
            by_first[b as usize] |= 1 << i;
            by_first[b.to_ascii_uppercase() as usize] |= 1 << i;
            i += 1;
        }
        Openings { list, by_first }
    }

    /// Whether `head` begins with one of the openings, in any case.
    pub(super) fn open(&self, head: &[u8]) -> bool {
        let mut which = self.may_open(head);
        while which != 0 {
            let opening = self.list[which.trailing_zeros() as usize].as_bytes();
            which &= which - 1;
            // Compared a byte at a time: most stop at the second or third.
            let opens = head.len() >= opening.len()
                && head
                    .iter()
                    .zip(opening)
                    .all(|(h, o)| h.to_ascii_lowercase() == *o);
            if opens {
                return true;
            }
        }
        false
    }

    /// The openings (a bit each) whose first byte `head` begins with.
    fn may_open(&self, head: &[u8]) -> u64 {
        head.first().map_or(0, |&b| self.by_first[b as usize])
    }

    /// The openings.
    #[cfg(test)]
    pub(super) fn list(&self) -> &'static [&'static str] {
        self.list
    }
}

/// The header name a line opens with (`Subject: …` gives `subject`), if any.
fn header_name(line: &str) -> Option<&'static str> {
    // A `:` further on ends no header name: it is looked for no further.
    let bytes = line.as_bytes();
    let colon = memchr::memchr(b':', &bytes[..bytes.len().min(LONGEST_HEADER_NAME + 1)])?;
    HEADER_NAMES
        .iter()
        .find(|h| bytes[..colon].eq_ignore_ascii_case(h.as_bytes()))
        .copied()
}

/// The length of the longest of [`HEADER_NAMES`].
const LONGEST_HEADER_NAME: usize = longest(HEADER_NAMES);

/// The length of the longest of `words`.
const fn longest(words: &[&str]) -> usize {
    let (mut i, mut longest) = (0, 0);
    while i < words.len() {
        if words[i].len() > longest {
            longest = words[i].len();
        }
        i += 1;
    }
    longest
}

/// The header names that open a header block pasted into a body.
static HEADER_OPENINGS: Openings = Openings::new(&[
    "from",
    "received",
    "return-path",
    "x-apparently-to",
    "message-id",
    "date",
]);

/// Whether the line at `at` opens another message's header pasted into the body
/// after some text of the sender's own (a message forwarded as an attachment; a
/// memo's own `To:`/`From:` lines open its body): it and at least two of the next five
/// lines are header lines, `From`, `To` or `Subject` among them. A header
/// opens with where the message came from (`From:`, `Received:`, `Date:`); a
/// reply chain's `To:`/`cc:` lines under "X on DATE" are left as they were.
/// `line` is the line, `rest` the text from its start on.
fn opens_header_block(line: &str, rest: &str) -> bool {
    let opens = HEADER_OPENINGS.may_open(line.as_bytes()) != 0
        && header_name(line).is_some_and(|name| HEADER_OPENINGS.list.contains(&name));
    if !opens {
        return false;
    }
    let names: Vec<&str> = rest.lines().take(6).filter_map(header_name).collect();
    names.len() >= 3
        && names
            .iter()
            .any(|n| matches!(*n, "from" | "to" | "subject"))
}

/// Plain-text regions from `from` on: `>` quoted lines, forwarded or replied-to
/// text, the signature after a `-- ` line, attachment lines, and footers.
pub(super) fn plain_regions(text: &str, from: usize) -> Vec<(Range<usize>, Scope)> {
    let mut out = parts(text, from);
    // A title written as `# …` on the first line is a heading, as in Markdown.
    let body = &text[from..];
    let lead = body.len() - body.trim_start_matches(['\n', '\r', ' ']).len();
    let first = &body[lead..];
    if first.starts_with("# ") {
        let end = first.find('\n').map_or(first.len(), |i| i);
        out.push((from + lead..from + lead + end, Scope::Heading));
    }
    // Without a `-- ` line, the signature is found by its shape.
    if !out.iter().any(|(_, s)| *s == Scope::Signature) {
        let end = out
            .iter()
            .filter(|(_, s)| *s == Scope::Forward)
            .map(|(r, _)| r.start)
            .min()
            .unwrap_or(text.len());
        if let Some(start) = signature_start(text, from, end) {
            out.push((start..end, Scope::Signature));
        }
    }
    out
}

/// The regions of the parts of a plain-text body: quotes, forwarded text, a
/// signature after `-- `, attachments and footers. Each forwarded message is a
/// part of its own, read in turn (not by recursion: a chain of thousands of
/// forwards is one loop, not thousands of stack frames); of those parts only the
/// attachments and footers count.
fn parts(text: &str, from: usize) -> Vec<(Range<usize>, Scope)> {
    let mut out = Vec::new();
    let mut start = from;
    let mut first = true;
    loop {
        let mut regions = Vec::new();
        let next = part(text, start, &mut regions);
        if !first {
            regions.retain(|(_, s)| matches!(s, Scope::Attachment | Scope::Footer));
        }
        out.append(&mut regions);
        match next {
            Some(next) => start = next,
            None => return out,
        }
        first = false;
    }
}

/// The regions of one part, from `from` to its end: the end of the text, a `-- `
/// signature, or a forwarded message, where the next part starts (returned).
fn part(text: &str, from: usize, out: &mut Vec<(Range<usize>, Scope)>) -> Option<usize> {
    let mut at = from;
    let mut quote_start: Option<usize> = None;
    // Words of the part's own text so far, and whether a footer has started in it.
    let mut part_words = 0;
    let mut footer_start: Option<usize> = None;
    // Where the rule line (`_____`) just before this line (blank lines aside)
    // starts, and how many of the part's words are rule lines.
    let mut rule_before: Option<usize> = None;
    let mut rule_words = 0;
    // A footer closes its part: one that runs on for more lines than a footer has
    // was the message itself ("This message contains the latest issue…").
    let close_footer = |out: &mut Vec<(Range<usize>, Scope)>, start: Option<usize>, end: usize| {
        if let Some(s) = start {
            // Counted only as far as the most a footer has: a footer that opens
            // a long part would otherwise have all of it counted.
            let lines = text[s..end]
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(MAX_FOOTER_LINES + 1)
                .count();
            if lines <= MAX_FOOTER_LINES {
                out.push((s..end, Scope::Footer));
            }
        }
    };
    for end in lines::ends(text.as_bytes(), from, text.len()) {
        let line = without_break(&text[at..end]);
        let trimmed = trim(line);
        if line == "-- " || line == "--" && end == text.len() {
            out.extend(quote_start.take().map(|s| (s..at, Scope::Quote)));
            close_footer(out, footer_start.take(), at);
            out.push((at..text.len(), Scope::Signature));
            out.extend(attachments(text, from, text.len()));
            return None;
        }
        let forwarded = FORWARD_MARKERS.open(trimmed.as_bytes())
            || part_words > 0 && opens_header_block(line, &text[at..]);
        if forwarded {
            out.extend(quote_start.take().map(|s| (s..at, Scope::Quote)));
            close_footer(out, footer_start.take(), at);
            out.push((at..text.len(), Scope::Quote));
            out.push((at..text.len(), Scope::Forward));
            out.extend(attachments(text, from, at));
            // The forwarded message has attachments and footers of its own.
            return Some(end);
        }
        let quoted = trimmed.starts_with('>');
        match (quoted, quote_start) {
            (true, None) => quote_start = Some(at),
            (false, Some(s)) => {
                out.push((s..at, Scope::Quote));
                quote_start = None;
            }
            _ => {}
        }
        // A footer follows a body of some length, or any body when a rule
        // line sets it off (as mail services set off the ads they append):
        // then the rule line is the footer's too.
        if !quoted
            && footer_start.is_none()
            && (part_words >= MIN_BODY_WORDS || part_words > rule_words && rule_before.is_some())
            && opens_footer(text, at, trimmed)
        {
            footer_start = Some(
                rule_before
                    .filter(|_| part_words < MIN_BODY_WORDS)
                    .unwrap_or(at),
            );
        }
        let rule = is_rule_line(trimmed);
        if rule {
            rule_before = Some(at);
        } else if !trimmed.is_empty() {
            rule_before = None;
        }
        // A `# title` line opening the text is its heading, not body text.
        let title = at == from && trimmed.starts_with("# ");
        // Only whether there are any, and at least MIN_BODY_WORDS, is asked.
        if part_words < MIN_BODY_WORDS
            && !trimmed.is_empty()
            && !is_attachment_line(trimmed)
            && !title
            && footer_start.is_none()
        {
            part_words += trimmed
                .split_whitespace()
                .take(MIN_BODY_WORDS - part_words)
                .count();
            // (A rule line counts as a word of the part, which makes a header
            // block after it a forwarded message, but as no words of a body.)
            rule_words += usize::from(rule);
        }
        at = end;
    }
    out.extend(quote_start.map(|s| (s..text.len(), Scope::Quote)));
    close_footer(out, footer_start, text.len());
    out.extend(attachments(text, from, text.len()));
    None
}

/// Whether a line is a rule: ten or more of one of `_`, `-`, `=` or `*`.
fn is_rule_line(trimmed: &str) -> bool {
    let bytes = trimmed.as_bytes();
    bytes.len() >= 10
        && matches!(bytes[0], b'_' | b'-' | b'=' | b'*')
        && bytes.iter().all(|&b| b == bytes[0])
}

/// `line` without the line breaks (`\n`, `\r`) it ends with.
fn without_break(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// `line.trim()`: ASCII white space taken off a byte at a time (how nearly
/// every line starts and ends), the rest by `trim` itself.
fn trim(line: &str) -> &str {
    let trimmed = line.trim_ascii();
    // `trim_ascii` leaves a vertical tab, which `trim` takes off.
    let plain = |b: Option<&u8>| b.is_none_or(|&b| b.is_ascii() && b != 0x0b);
    let bytes = trimmed.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        trimmed
    } else {
        trimmed.trim()
    }
}

/// The end of the line starting at `at`, after its `\n`, or `to`.
fn line_end(text: &str, at: usize, to: usize) -> usize {
    memchr::memchr(b'\n', &text.as_bytes()[at..to]).map_or(to, |i| at + i + 1)
}

/// The fewest words of body before a footer.
const MIN_BODY_WORDS: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    /// A header line's name in any case; nothing for a line whose first `:`
    /// comes after a longer name, or that has none.
    #[test]
    fn header_names_are_read_up_to_the_first_colon() {
        assert_eq!(header_name("Subject: lunch"), Some("subject"));
        assert_eq!(
            header_name("X-APPARENTLY-TO: jo@example.com"),
            Some("x-apparently-to")
        );
        assert_eq!(header_name("cc:"), Some("cc"));
        assert_eq!(header_name("Meeting at 10:30"), None);
        assert_eq!(header_name("x-apparently-tox: a"), None);
        assert_eq!(header_name("a very long line with no colon at all"), None);
        assert_eq!(header_name("From the desk of: Jo"), None);
        assert_eq!(header_name(""), None);
        assert_eq!(LONGEST_HEADER_NAME, "x-apparently-to".len());
    }
}
