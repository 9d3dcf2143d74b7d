//! Email and plain-text structure: headers, quoted replies, forwarded text, signatures.

use std::ops::Range;

use super::Scope;

const HEADER_NAMES: &[&str] = &[
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "cc",
    "reply-to",
    "mime-version",
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
        let line_end = text[at..end].find('\n').map_or(end, |i| at + i + 1);
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
const FORWARD_MARKERS: &[&str] = &[
    "-----original message-----",
    "----- original message -----",
    "---------------------- forwarded by",
    "----- forwarded by",
    "-----forwarded message-----",
    "---------- forwarded message",
    "begin forwarded message:",
];

/// Plain-text regions from `from` on: `>` quoted lines, forwarded or replied-to text,
/// and the signature after a `-- ` line.
pub(super) fn plain_regions(text: &str, from: usize) -> Vec<(Range<usize>, Scope)> {
    let mut out = Vec::new();
    let mut at = from;
    let mut quote_start: Option<usize> = None;
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = text[at..end].trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if line == "-- " || line == "--" && end == text.len() {
            out.extend(quote_start.take().map(|s| (s..at, Scope::Quote)));
            out.push((at..text.len(), Scope::Signature));
            return out;
        }
        let forwarded = FORWARD_MARKERS.iter().any(|m| {
            trimmed
                .as_bytes()
                .get(..m.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(m.as_bytes()))
        });
        if forwarded {
            out.extend(quote_start.take().map(|s| (s..at, Scope::Quote)));
            out.push((at..text.len(), Scope::Quote));
            return out;
        }
        let quoted = line.trim_start().starts_with('>');
        match (quoted, quote_start) {
            (true, None) => quote_start = Some(at),
            (false, Some(s)) => {
                out.push((s..at, Scope::Quote));
                quote_start = None;
            }
            _ => {}
        }
        at = end;
    }
    out.extend(quote_start.map(|s| (s..text.len(), Scope::Quote)));
    out
}
