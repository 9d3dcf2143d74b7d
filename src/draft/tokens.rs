//! What every format shares: words, hashtags, @mentions, URLs, emoji and
//! Tenet's own suppression lines.

use std::ops::Range;

use super::Scope;
use crate::fold::is_word_char;

/// The byte ranges of the words of `text`: runs of word characters, joined across
/// an apostrophe (`don't` is one word).
pub(super) fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start {
            let joins =
                matches!(c, '\'' | '’') && chars.peek().is_some_and(|&(_, n)| is_word_char(n));
            if !joins {
                out.push(s..i);
                start = None;
            }
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// Hashtags, @mentions and bare URLs, wherever they stand.
pub(super) fn inline_regions(text: &str, out: &mut Vec<(Range<usize>, Scope)>) {
    let bytes = text.as_bytes();
    let prev_char = |i: usize| text[..i].chars().next_back();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !matches!(b, b'#' | b'@' | b'h' | b'w' | b'H' | b'W') {
            i += 1;
            continue;
        }
        // `b` is ASCII, so `i` is a character boundary.
        let boundary = prev_char(i).is_none_or(|c| !is_word_char(c) && c != '&' && c != '/');
        if (b == b'#' || b == b'@') && boundary {
            let rest = &text[i + 1..];
            let len = rest
                .char_indices()
                .find(|&(_, c)| !(is_word_char(c) || (b == b'@' && c == '.')))
                .map_or(rest.len(), |(j, _)| j);
            let body = rest[..len].trim_end_matches('.');
            let has_letter = body.chars().any(char::is_alphabetic);
            if !body.is_empty() && has_letter {
                let scope = if b == b'#' {
                    Scope::Hashtag
                } else {
                    Scope::Mention
                };
                out.push((i..i + 1 + body.len(), scope));
                i += 1 + body.len();
                continue;
            }
        }
        if boundary && b != b'#' && b != b'@' {
            let rest = &text[i..];
            let head = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
            if head.starts_with("http://")
                || head.starts_with("https://")
                || head.starts_with("www.")
            {
                let len = url_len(rest);
                if len > 7 {
                    out.push((i..i + len, Scope::Url));
                    i += len;
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// The length of the URL at the start of `s`, without trailing punctuation.
fn url_len(s: &str) -> usize {
    let end = s
        .find(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '\u{201c}' | '\u{201d}')
        })
        .unwrap_or(s.len());
    let mut url = &s[..end];
    while let Some(last) = url.chars().next_back() {
        let unbalanced_paren = last == ')' && url.matches('(').count() < url.matches(')').count();
        if !(matches!(
            last,
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | ']' | '}' | '*' | '_'
        ) || unbalanced_paren)
        {
            break;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
    url.len()
}

/// Lines that hold a plain-text suppression (`tenet-disable…`) are comments.
pub(super) fn suppression_lines(text: &str, out: &mut Vec<(Range<usize>, Scope)>) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line
            .trim_start()
            .trim_start_matches(['#', '/', ';', '-', '%'])
            .trim_start();
        if t.starts_with("tenet-disable") || t.starts_with("tenet-enable") {
            out.push((at..at + line.trim_end().len(), Scope::Comment));
        }
        at += line.len();
    }
}

/// Whether `c` is an emoji (pictographs, symbols, dingbats, flags, keycaps).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF
        | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x24C2)
}
