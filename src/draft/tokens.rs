//! What every format shares: words, hashtags, @mentions, URLs and emoji.

use std::ops::Range;

use super::{Scope, Words};
use crate::text::classes::{self, Classes};
use crate::text::fold::is_word_char;

/// The words of `text`: runs of word characters with at least one letter or digit
/// (a variation selector or joiner alone is not a word), joined across an
/// apostrophe (`don't` is one word). Read 64 bytes at a time where every word
/// byte is an ASCII letter or digit (most blocks of most text), else a
/// character at a time.
pub(super) fn words(text: &str) -> Words {
    let mut last = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(last) {
        last -= 1;
    }
    let text = &text[..last];
    let bytes = text.as_bytes();
    let mut out = Words::builder(text.len());
    let mut run = Run::default();
    // Where the character-by-character reading is (a character it reads may end
    // in the next block).
    let mut i = 0;
    for (at, classes) in classes::blocks(bytes) {
        let end = (at + 64).min(bytes.len());
        if classes.high == 0 && classes.underscore == 0 {
            // Asked only when an apostrophe ends the block: it joins a word on
            // into the next one if a word character follows.
            let next_is_word = classes.apostrophe >> 63 == 1
                && end < bytes.len()
                && is_word_char(char_at(text, end).0);
            run.letters_and_digits(at, &classes, next_is_word, &mut out);
            i = end;
        } else {
            while i < end {
                i = run.read(text, i, end, &mut out);
            }
        }
    }
    if let (Some(s), true) = (run.start, run.alnum) {
        out.push(s..text.len());
    }
    out.finish()
}

/// The character at `i` and its length; ASCII without decoding.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        (b as char, 1)
    } else {
        let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
        (c, c.len_utf8())
    }
}

/// The word being read: where the part of it not yet marked in the word index
/// starts, and whether it holds a letter or digit.
#[derive(Default)]
struct Run {
    start: Option<usize>,
    alnum: bool,
}

impl Run {
    /// Reads a block of 64 bytes from `at` whose every word byte is an ASCII
    /// letter or digit, all at once: each run of them is (part of) a word, and so
    /// is an apostrophe between two word characters (`next_is_word`: the block
    /// ends in an apostrophe and the character after it is one).
    fn letters_and_digits(
        &mut self,
        at: usize,
        classes: &Classes,
        next_is_word: bool,
        out: &mut Words,
    ) {
        let word = classes.alnum;
        let carried = std::mem::take(self);
        let before = u64::from(carried.start.is_some());
        let after = u64::from(next_is_word) << 63;
        let inside = word | (classes.apostrophe & ((word << 1) | before) & ((word >> 1) | after));
        if let Some(start) = carried.start {
            // The word the last block left open goes on here or ends here.
            if inside & 1 == 1 || carried.alnum {
                out.push(start..at);
            }
        }
        out.add(at / 64, inside);
        if inside >> 63 == 1 {
            // A word that runs on into the next block. Through a whole block it
            // is marked up to here (by `push` above or as it began): what is left
            // to mark starts here, so a word of millions of bytes is not marked
            // again from its start at every block.
            let start = match inside {
                u64::MAX => at,
                _ => at + 64 - inside.leading_ones() as usize,
            };
            *self = Run {
                start: Some(start),
                alnum: true,
            };
        }
    }

    /// Reads the character or run of ASCII word characters at `i`, within a
    /// block that ends at `end`; pushes a word that ends there. Returns where the
    /// next character starts.
    fn read(&mut self, text: &str, mut i: usize, end: usize, out: &mut Words) -> usize {
        let bytes = text.as_bytes();
        // A run of ASCII word characters, most of any text, by table.
        if ASCII_CLASS[bytes[i] as usize] != NOT_WORD {
            self.start.get_or_insert(i);
            while i < end {
                match ASCII_CLASS[bytes[i] as usize] {
                    NOT_WORD => break,
                    class => self.alnum |= class == ALNUM,
                }
                i += 1;
            }
            return i;
        }
        let (c, len) = char_at(text, i);
        if is_word_char(c) {
            self.start.get_or_insert(i);
            self.alnum |= c.is_alphanumeric();
        } else if let Some(s) = self.start {
            let next = i + len;
            let joins = matches!(c, '\'' | '’')
                && next < bytes.len()
                && is_word_char(char_at(text, next).0);
            if !joins {
                if self.alnum {
                    out.push(s..i);
                }
                *self = Run::default();
            }
        }
        i + len
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of `text` read one character at a time, as the definition says:
    /// runs of word characters with a letter or digit, joined across an
    /// apostrophe between two word characters.
    fn one_by_one(text: &str) -> Vec<Range<usize>> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let word_at = |k: usize| chars.get(k).is_some_and(|&(_, c)| is_word_char(c));
        let mut out = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            if !word_at(k) {
                k += 1;
                continue;
            }
            let first = k;
            while word_at(k) || (matches!(chars.get(k), Some((_, '\'' | '’'))) && word_at(k + 1))
            {
                k += 1;
            }
            let run = &chars[first..k];
            if run.iter().any(|&(_, c)| c.is_alphanumeric()) {
                let end = chars.get(k).map_or(text.len(), |&(i, _)| i);
                out.push(chars[first].0..end);
            }
        }
        out
    }

    /// Read 64 bytes at a time or a character at a time, a text has the same
    /// words: apostrophes, `_`, letters and marks outside ASCII, at and across
    /// block edges.
    #[test]
    fn words_by_blocks_are_the_words_one_character_at_a_time() {
        let pieces = [
            "a", "Zz", "9", " ", "  ", "'", "’", "_", "__", "é", "\u{301}", "日", "—", "\n",
            "don't", "x'", "'y", "a_b", "🙂", "\u{FE0F}", "word ",
        ];
        let mut seed = 11u64;
        for len in [0, 1, 2, 63, 64, 65, 127, 128, 129, 191, 192, 256, 700, 3000] {
            // Each length also as one long word across many blocks, then text.
            let long = format!("{}{}", "ab".repeat(200 + len), pieces[len % pieces.len()]);
            let w = words(&long);
            let got: Vec<Range<usize>> = w.iter().map(|w| w.range()).collect();
            assert_eq!(got, one_by_one(&long), "{long:?}");
            for _ in 0..40 {
                let mut text = String::new();
                while text.len() < len {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Mostly plain words and spaces, as in prose, so that most
                    // blocks take the quick way.
                    let k = (seed >> 33) as usize;
                    let piece = match k % 4 {
                        0 => pieces[(k >> 2) % pieces.len()],
                        1 => " ",
                        _ => "ab",
                    };
                    text.push_str(piece);
                }
                let w = words(&text);
                let got: Vec<Range<usize>> = w.iter().map(|w| w.range()).collect();
                assert_eq!(got, one_by_one(&text), "{text:?}");
                assert_eq!(w.len(), got.len());
                for (n, r) in got.iter().enumerate() {
                    assert_eq!(w.get(n).map(|w| w.range()), Some(r.clone()), "word {n}");
                }
            }
        }
    }
}
