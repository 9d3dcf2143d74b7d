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

/// Plain-text regions from `from` on: `>` quoted lines, forwarded or replied-to
/// text, the signature after a `-- ` line, attachment lines, and footers.
pub(super) fn plain_regions(text: &str, from: usize) -> Vec<(Range<usize>, Scope)> {
    let mut out = Vec::new();
    let mut at = from;
    let mut quote_start: Option<usize> = None;
    // Where the current part (the new text, or a forwarded message) began to hold
    // text, and whether a footer has started in it.
    let mut part_has_text = false;
    let mut footer_start: Option<usize> = None;
    let close_footer = |out: &mut Vec<(Range<usize>, Scope)>, start: Option<usize>, end: usize| {
        if let Some(s) = start {
            out.push((s..end, Scope::Footer));
        }
    };
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = text[at..end].trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if line == "-- " || line == "--" && end == text.len() {
            out.extend(quote_start.take().map(|s| (s..at, Scope::Quote)));
            close_footer(&mut out, footer_start.take(), at);
            out.push((at..text.len(), Scope::Signature));
            out.extend(attachments(text, from, text.len()));
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
            close_footer(&mut out, footer_start.take(), at);
            out.push((at..text.len(), Scope::Quote));
            out.push((at..text.len(), Scope::Forward));
            // The forwarded message has attachments and footers of its own.
            out.extend(
                plain_regions(text, end)
                    .into_iter()
                    .filter(|(_, s)| matches!(s, Scope::Attachment | Scope::Footer)),
            );
            out.extend(attachments(text, from, at));
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
        if !quoted && footer_start.is_none() && part_has_text && opens_footer(trimmed) {
            footer_start = Some(at);
        }
        if !trimmed.is_empty() && !is_attachment_line(trimmed) {
            part_has_text = true;
        }
        at = end;
    }
    out.extend(quote_start.map(|s| (s..text.len(), Scope::Quote)));
    close_footer(&mut out, footer_start, text.len());
    out.extend(attachments(text, from, text.len()));
    out
}

/// File extensions of attachments in mail.
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "doc", "docx", "xls", "xlsx", "xlsm", "ppt", "pptx", "pdf", "rtf", "txt", "htm", "html", "zip",
    "jpg", "jpeg", "gif", "png", "tif", "tiff", "bmp", "wpd", "csv", "msg", "eml", "vcf", "wav",
    "mp3", "mpg", "avi", "mov", "exe",
];

/// Whether a (trimmed) line is an attachment line: `- name.ext`, `name.ext` alone,
/// `Attachment: name.ext`, or a placeholder such as `<Embedded Picture (Metafile)>`.
fn is_attachment_line(trimmed: &str) -> bool {
    let lower = trimmed.to_ascii_lowercase();
    let names_a_file = |s: &str| {
        let s = s.trim();
        s.rsplit_once('.').is_some_and(|(name, ext)| {
            !name.trim().is_empty()
                && ATTACHMENT_EXTENSIONS.contains(&ext.trim_end_matches(['>', ')']))
        }) && s.split_whitespace().count() <= 12
    };
    if let Some(rest) = lower.strip_prefix("- ") {
        return names_a_file(rest);
    }
    if let Some(rest) = lower
        .strip_prefix("attachment:")
        .or_else(|| lower.strip_prefix("attachments:"))
    {
        return names_a_file(rest);
    }
    is_placeholder(&lower) || (names_a_file(&lower) && !lower.contains(' '))
}

/// Placeholders mail programs leave where a picture or object was.
fn is_placeholder(lower: &str) -> bool {
    (lower.starts_with("<embedded ") && lower.ends_with('>'))
        || lower == "[image]"
        || lower.starts_with("<<ole object")
        || lower.starts_with("[cid:")
}

/// Attachment regions between `from` and `to`: whole attachment lines, and inline
/// `<<name.ext>>` and `(See attached file: …)` pieces.
fn attachments(text: &str, from: usize, to: usize) -> Vec<(Range<usize>, Scope)> {
    let mut out = Vec::new();
    let mut at = from;
    while at < to {
        let end = text[at..to].find('\n').map_or(to, |i| at + i + 1);
        let line = text[at..end].trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if !trimmed.is_empty() && is_attachment_line(trimmed) {
            let lead = line.len() - line.trim_start().len();
            out.push((at + lead..at + lead + trimmed.len(), Scope::Attachment));
        } else {
            for (open, close) in [("<<", ">>"), ("(See attached file:", ")")] {
                let mut from = 0;
                while let Some(i) = line[from..].find(open) {
                    let s = from + i;
                    let Some(j) = line[s..].find(close) else {
                        break;
                    };
                    out.push((at + s..at + s + j + close.len(), Scope::Attachment));
                    from = s + j + close.len();
                }
            }
        }
        at = end;
    }
    out
}

/// How footers begin: legal notices, list and unsubscribe lines, free-mail ads.
const FOOTER_OPENERS: &[&str] = &[
    "this e-mail",
    "this email",
    "this message",
    "this communication",
    "this transmission",
    "this electronic",
    "the information contained",
    "the information in this",
    "confidentiality notice",
    "confidentiality note",
    "privileged and confidential",
    "if you are not the intended",
    "if you received this",
    "if you have received this",
    "to unsubscribe",
    "unsubscribe",
    "click here to unsubscribe",
    "if you prefer not to receive",
    "if you no longer wish",
    "you are receiving this",
    "you received this",
    "to be removed from",
    "to subscribe",
    "to remove yourself",
    "get your free",
    "do you yahoo",
    "do you yahoo!?",
    "get your private, free e-mail",
    "join the world's largest e-mail",
];

/// Whether a (trimmed) line opens a footer.
fn opens_footer(trimmed: &str) -> bool {
    let lower = trimmed
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    FOOTER_OPENERS.iter().any(|o| lower.starts_with(o))
}
