//! Attachments in mail: lines that name a file (`- report.doc`, `name.xls` alone,
//! `Attachment: …`), placeholders where a picture was, and inline `<<name.ext>>`
//! and `(See attached file: …)` pieces.

use std::ops::Range;

use super::{without_break, Scope};
use crate::text::lines;

/// File extensions of attachments in mail.
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "doc", "docx", "xls", "xlsx", "xlsm", "ppt", "pptx", "pdf", "rtf", "txt", "htm", "html", "zip",
    "jpg", "jpeg", "gif", "png", "tif", "tiff", "bmp", "wpd", "csv", "msg", "eml", "vcf", "wav",
    "mp3", "mpg", "avi", "mov", "exe",
];

/// Whether a (trimmed) line is an attachment line: `- name.ext`, `name.ext` alone,
/// `Attachment: name.ext`, or a placeholder such as `<Embedded Picture (Metafile)>`.
pub(super) fn is_attachment_line(trimmed: &str) -> bool {
    // Every form is a placeholder in brackets or ends in a file name whose
    // extension is a known one; most lines are neither, and are let go without a
    // copy.
    if !trimmed.starts_with(['<', '[']) && !ends_in_attachment_extension(trimmed) {
        return false;
    }
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

/// Whether the text after the last `.` (less a closing `>` or `)`) is one of
/// [`ATTACHMENT_EXTENSIONS`] in any case: what every file-naming form of
/// [`is_attachment_line`] ends with.
fn ends_in_attachment_extension(trimmed: &str) -> bool {
    extension(trimmed.as_bytes()).is_some_and(|ext| {
        ATTACHMENT_EXTENSIONS
            .iter()
            .any(|e| e.as_bytes().eq_ignore_ascii_case(ext))
    })
}

/// What follows the last `.` of `name` (less a closing `>` or `)`), when that
/// is as long as an extension can be. Only the last few bytes are read: no
/// extension is longer than four.
fn extension(name: &[u8]) -> Option<&[u8]> {
    let mut end = name.len();
    while end > 0 && matches!(name[end - 1], b'>' | b')') {
        end -= 1;
    }
    let tail = &name[end.saturating_sub(LONGEST_EXTENSION + 1)..end];
    let ext = &tail[tail.iter().rposition(|&b| b == b'.')? + 1..];
    // Most lines with a `.` there end a sentence: nothing after it.
    (ext.len() >= SHORTEST_EXTENSION).then_some(ext)
}

/// The lengths of the longest and the shortest of [`ATTACHMENT_EXTENSIONS`].
const LONGEST_EXTENSION: usize = super::longest(ATTACHMENT_EXTENSIONS);
const SHORTEST_EXTENSION: usize = 3;

/// Placeholders mail programs leave where a picture or object was; a line may
/// hold several (`[IMAGE]\t[IMAGE]`).
fn is_placeholder(lower: &str) -> bool {
    (lower.starts_with("<embedded ") && lower.ends_with('>'))
        || lower.starts_with("<<ole object")
        || lower.starts_with("[cid:")
        || lower.contains("[image]") && lower.replace("[image]", "").trim().is_empty()
}

/// Attachment regions between `from` and `to`: whole attachment lines, and inline
/// `<<name.ext>>` and `(See attached file: …)` pieces.
pub(super) fn attachments(text: &str, from: usize, to: usize) -> Vec<(Range<usize>, Scope)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // The first `<`, `(` or `[` from where it was last looked for (`to`: none):
    // every piece and placeholder holds one. Most lines hold neither one nor
    // an extension at their end, and are passed over unread.
    let mut bracket: Option<usize> = None;
    let mut at = from;
    for end in lines::ends(bytes, from, to) {
        let next = match bracket {
            Some(b) if b >= at => b,
            _ => memchr::memchr3(b'<', b'(', b'[', &bytes[at..to]).map_or(to, |i| at + i),
        };
        bracket = Some(next);
        let has_bracket = next < end;
        if has_bracket || may_end_in_extension(&bytes[at..end]) {
            line_regions(without_break(&text[at..end]), at, has_bracket, &mut out);
        }
        at = end;
    }
    out
}

/// The attachment regions of the line at `at` (without its line break): the
/// whole line, or the inline pieces it holds, looked for only when it holds a
/// bracket (`bracket`).
fn line_regions(line: &str, at: usize, bracket: bool, out: &mut Vec<(Range<usize>, Scope)>) {
    let trimmed = line.trim();
    if !trimmed.is_empty() && is_attachment_line(trimmed) {
        let lead = line.len() - line.trim_start().len();
        out.push((at + lead..at + lead + trimmed.len(), Scope::Attachment));
        return;
    }
    if !bracket {
        return;
    }
    for (open, close) in [
        ("<<", ">>"),
        ("(See attached file:", ")"),
        ("[IMAGE", "]"),
        ("<Embedded ", ">"),
    ] {
        let mut from = 0;
        while let Some(i) = find(&line[from..], open) {
            let s = from + i;
            let Some(j) = find(&line[s..], close) else {
                break;
            };
            out.push((at + s..at + s + j + close.len(), Scope::Attachment));
            from = s + j + close.len();
        }
    }
}

/// Whether `line` may be an attachment line by its end: whether, less its
/// trailing whitespace, it ends in something as long as an [`extension`].
/// Only ASCII whitespace is taken off, byte by byte; a line that then ends in
/// a byte beyond ASCII (which may be whitespace that `trim` takes off) may.
fn may_end_in_extension(line: &[u8]) -> bool {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        end -= 1;
    }
    end > 0 && !line[end - 1].is_ascii() || extension(&line[..end]).is_some()
}

/// Where `needle` first occurs in `line`: found by its first byte, as a line
/// holds few of those (`str::find` sets up a search that costs more than
/// that on a line).
fn find(line: &str, needle: &str) -> Option<usize> {
    let (first, bytes) = (needle.as_bytes()[0], line.as_bytes());
    memchr::memchr_iter(first, bytes).find(|&i| bytes[i..].starts_with(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::super::line_end;
    use super::*;
    use proptest::prelude::*;

    /// Every line read in full: what [`attachments`] finds, without passing
    /// over the lines that cannot hold an attachment.
    fn every_line_read(text: &str, from: usize, to: usize) -> Vec<(Range<usize>, Scope)> {
        let mut out = Vec::new();
        let mut at = from;
        while at < to {
            let end = line_end(text, at, to);
            line_regions(
                text[at..end].trim_end_matches(['\n', '\r']),
                at,
                true,
                &mut out,
            );
            at = end;
        }
        out
    }

    /// Pieces of lines: file names and their near misses, the forms around
    /// them, brackets, and the whitespace `trim` takes off (some beyond ASCII).
    const PIECES: &[&str] = &[
        "report.doc",
        "memo.XLSX",
        "a.pdf",
        "notes.txt.",
        "x.do",
        "v1.2",
        "end.",
        "word",
        " ",
        "- ",
        "Attachment: ",
        "attachments:",
        "<<",
        ">>",
        "<<budget.xls>>",
        "(See attached file: ",
        ")",
        ">",
        "<",
        "(",
        "[",
        "]",
        "[IMAGE]",
        "[cid:a1]",
        "<Embedded Picture (Metafile)>",
        "<<OLE Object>>",
        "\t",
        "\r",
        "\n",
        "\r\n",
        "\u{a0}",
        "\u{2003}",
        "\u{85}",
        "\u{b}",
        "’",
        "é.pdf",
        ".jpeg",
        "file.gif)",
        "a.b.c.zip  ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Passing over lines with neither a bracket nor an extension at their
        /// end finds what reading every line finds, from any line start.
        #[test]
        fn lines_passed_over_hold_no_attachment(
            picks in proptest::collection::vec(0..PIECES.len(), 0..40),
            skip in 0usize..4,
        ) {
            let text: String = picks.iter().map(|&i| PIECES[i]).collect();
            let from = text
                .match_indices('\n')
                .nth(skip)
                .map_or(0, |(i, _)| i + 1)
                .min(text.len());
            prop_assert_eq!(
                attachments(&text, from, text.len()),
                every_line_read(&text, from, text.len())
            );
        }
    }

    #[test]
    fn the_extensions_are_three_or_four_bytes() {
        let shortest = ATTACHMENT_EXTENSIONS.iter().map(|e| e.len()).min();
        assert_eq!(shortest, Some(SHORTEST_EXTENSION));
        assert_eq!((SHORTEST_EXTENSION, LONGEST_EXTENSION), (3, 4));
        assert!(may_end_in_extension(b"  report.DOC)  \r\n"));
        assert!(may_end_in_extension("memo.pdf\u{a0}".as_bytes()));
        assert!(!may_end_in_extension(b"The end.\n"));
        assert!(!may_end_in_extension(b"version 1.2\n"));
    }
}
