//! Where words start, found 64 bytes at a time from the bytes' classes
//! ([`crate::text::classes`]).

use crate::text::classes::{blocks, is_ascii_word};
use crate::text::fold::is_word_char;

/// Calls `at(i, run)`, in order, for each position `i` of `text` that starts a
/// word and whose byte `can_start` a term; `run` is the length of the run of
/// ASCII word bytes (letters, digits, `_`) that begins there, read off the
/// same masks.
///
/// Every term begins with a word character, so a position whose byte begins a
/// term and whose previous character is not a word character is a word start
/// whenever a term matches there; and a term's first byte is never inside a
/// character.
pub(super) fn word_starts(
    text: &str,
    can_start: impl Fn(u8) -> bool,
    mut at: impl FnMut(usize, usize),
) {
    let bytes = text.as_bytes();
    // Whether the byte before the block is an ASCII word byte, or not ASCII.
    let (mut word_before, mut high_before) = (0u64, 0u64);
    for (offset, classes) in blocks(bytes) {
        let (word, high) = (classes.word(), classes.high);
        let after_word = (word << 1) | word_before;
        let after_high = (high << 1) | high_before;
        (word_before, high_before) = (word >> 63, high >> 63);
        let mut candidates = (word | classes.lead) & !after_word;
        while candidates != 0 {
            let j = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let i = offset + j;
            if !can_start(bytes[i]) {
                continue;
            }
            // After a character that is not ASCII, that character decides.
            if (after_high >> j) & 1 == 1 && text[..i].chars().next_back().is_some_and(is_word_char)
            {
                continue;
            }
            // Ones from bit `j` up: the run, unless it goes on past the block.
            let mut run = (!(word >> j)).trailing_zeros() as usize;
            if j + run == 64 {
                run += bytes[offset + 64..]
                    .iter()
                    .take_while(|&&b| is_ascii_word(b))
                    .count();
            }
            at(i, run);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 64-byte masks give what looking at each byte gives: every word start
    /// whose byte can start a term, after ASCII and other characters, at and
    /// across block edges, with the run of ASCII word bytes there (long pieces
    /// make runs that cross one block edge or more).
    #[test]
    fn word_starts_by_blocks_agree_with_each_byte() {
        let one_by_one = |text: &str, can_start: &dyn Fn(u8) -> bool| -> Vec<(usize, usize)> {
            let bytes = text.as_bytes();
            let run = |i: usize| bytes[i..].iter().take_while(|&&b| is_ascii_word(b)).count();
            (0..text.len())
                .filter(|&i| can_start(bytes[i]))
                .filter(|&i| !text[..i].chars().next_back().is_some_and(is_word_char))
                .map(|i| (i, run(i)))
                .collect()
        };
        let pieces = [
            "a",
            "b",
            " ",
            "é",
            "_",
            "9",
            "-",
            "\n",
            "ß",
            "—",
            "日",
            "x y",
            "abcdefghijklmnopqrstuvwxyz0123456789",
        ];
        let mut random = crate::text::random::Random::new(7);
        let long_run = format!("{}{}", " ".repeat(60), "x".repeat(200));
        for len in [0, 1, 63, 64, 65, 127, 128, 129, 300, usize::MAX] {
            let text = match len {
                usize::MAX => long_run.clone(),
                len => random.text(&pieces, len),
            };
            for can_start in [
                &(|b: u8| b.is_ascii_alphabetic()) as &dyn Fn(u8) -> bool,
                &|b: u8| b == b'b' || b == b'_' || b == 0xc3,
                // Every byte that can begin a word character (as a term's must).
                &|b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0xc0,
            ] {
                let mut got = Vec::new();
                word_starts(&text, can_start, |i, run| got.push((i, run)));
                assert_eq!(got, one_by_one(&text, can_start), "{text:?}");
            }
        }
    }
}
