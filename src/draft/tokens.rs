//! What every format shares: words, hashtags, @mentions, URLs and emoji.

use std::ops::Range;

use super::{Scope, Words};
use crate::text::fold::is_word_char;

/// The words of `text`: runs of word characters with at least one letter or digit
/// (a variation selector or joiner alone is not a word), joined across an
/// apostrophe (`don't` is one word).
pub(super) fn words(text: &str) -> Words {
    let mut last = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(last) {
        last -= 1;
    }
    let text = &text[..last];
    let bytes = text.as_bytes();
    // The character at `i` and its length; ASCII without decoding.
    let char_at = |i: usize| -> (char, usize) {
        if bytes[i] < 0x80 {
            (bytes[i] as char, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
            (c, c.len_utf8())
        }
    };
    let mut out = Words::builder(text.len());
    let mut start: Option<usize> = None;
    let mut alnum = false;
    let mut i = 0;
    while i < bytes.len() {
        // A run of ASCII word characters, most of any text, by table.
        if ASCII_CLASS[bytes[i] as usize] != NOT_WORD {
            start.get_or_insert(i);
            while let Some(&b) = bytes.get(i) {
                match ASCII_CLASS[b as usize] {
                    NOT_WORD => break,
                    class => alnum |= class == ALNUM,
                }
                i += 1;
            }
            continue;
        }
        let (c, len) = char_at(i);
        if is_word_char(c) {
            start.get_or_insert(i);
            alnum |= c.is_alphanumeric();
        } else if let Some(s) = start {
            let next = i + len;
            let joins =
                matches!(c, '\'' | '’') && next < bytes.len() && is_word_char(char_at(next).0);
            if !joins {
                if alnum {
                    out.push(s..i);
                }
                start = None;
                alnum = false;
            }
        }
        i += len;
    }
    if let (Some(s), true) = (start, alnum) {
        out.push(s..text.len());
    }
    out.finish()
}

const NOT_WORD: u8 = 0;
/// `_`: a word character, but no letter or digit.
const CONNECTOR: u8 = 1;
const ALNUM: u8 = 2;

/// What each ASCII byte is to [`words`]; bytes from 0x80 up are `NOT_WORD` here
/// and decoded there.
static ASCII_CLASS: [u8; 256] = {
    let mut table = [NOT_WORD; 256];
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() {
            table[b] = ALNUM;
        }
        b += 1;
    }
    table[b'_' as usize] = CONNECTOR;
    table
};

/// Hashtags, @mentions and bare URLs, wherever they stand.
pub(super) fn inline_regions(text: &str, out: &mut Vec<(Range<usize>, Scope)>) {
    let bytes = text.as_bytes();
    let prev_char = |i: usize| text[..i].chars().next_back();
    let is = |at: usize, word: &str| {
        bytes
            .get(at..at + word.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(word.as_bytes()))
    };
    // Where one may start: `#`, `@`, `http://` or `https://` (found at `://`) and
    // `www.` (found at the dot), by byte searches (no two of these can overlap).
    let mut candidates: Vec<usize> = Vec::new();
    for at in memchr::memchr3_iter(b'#', b'@', b':', bytes) {
        match bytes[at] {
            b':' if !bytes[at..].starts_with(b"://") => {}
            b':' if at >= 5 && is(at - 5, "https") => candidates.push(at - 5),
            b':' if at >= 4 && is(at - 4, "http") => candidates.push(at - 4),
            b':' => {}
            _ => candidates.push(at),
        }
    }
    for dot in memchr::memchr_iter(b'.', bytes) {
        if dot >= 3 && is(dot - 3, "www") {
            candidates.push(dot - 3);
        }
    }
    candidates.sort_unstable();
    // Regions do not nest: a start inside the last region found is skipped.
    let mut cursor = 0;
    // Where the last hashtag ended: `#one#two` is two hashtags.
    let mut hashtag_end = None;
    for i in candidates {
        if i < cursor {
            continue;
        }
        let b = bytes[i];
        // `b` is ASCII, so `i` is a character boundary.
        let after_hashtag = b == b'#' && hashtag_end == Some(i);
        let boundary =
            after_hashtag || prev_char(i).is_none_or(|c| !is_word_char(c) && c != '&' && c != '/');
        if !boundary {
            continue;
        }
        if b == b'#' || b == b'@' {
            let rest = &text[i + 1..];
            let len = rest
                .char_indices()
                .find(|&(_, c)| !(is_word_char(c) || (b == b'@' && c == '.')))
                .map_or(rest.len(), |(j, _)| j);
            let body = rest[..len].trim_end_matches('.');
            if !body.is_empty() && body.chars().any(char::is_alphabetic) {
                let scope = if b == b'#' {
                    Scope::Hashtag
                } else {
                    Scope::Mention
                };
                out.push((i..i + 1 + body.len(), scope));
                cursor = i + 1 + body.len();
                if b == b'#' {
                    hashtag_end = Some(cursor);
                }
            }
        } else if is(i, "http://") || is(i, "https://") || is(i, "www.") {
            let len = url_len(&text[i..]);
            if len > 7 {
                out.push((i..i + len, Scope::Url));
                cursor = i + len;
            }
        }
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

/// Whether `c` is an emoji (pictographs, symbols, dingbats, flags, keycaps).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF
        | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x24C2)
}
