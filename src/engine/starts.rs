//! Where words start, found 64 bytes at a time from the bytes' classes
//! ([`crate::text::classes`]).

use crate::text::classes::blocks;
use crate::text::fold::is_word_char;

/// Calls `at`, in order, with each position of `text` that starts a word and
/// whose byte `can_start` a term.
///
/// Every term begins with a word character, so a position whose byte begins a
/// term and whose previous character is not a word character is a word start
/// whenever a term matches there; and a term's first byte is never inside a
/// character.
pub(super) fn word_starts(text: &str, can_start: impl Fn(u8) -> bool, mut at: impl FnMut(usize)) {
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
            at(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 64-byte masks give what looking at each byte gives: every word start
    /// whose byte can start a term, after ASCII and other characters, at and
    /// across block edges.
    #[test]
    fn word_starts_by_blocks_agree_with_each_byte() {
        let one_by_one = |text: &str, can_start: &dyn Fn(u8) -> bool| -> Vec<usize> {
            (0..text.len())
                .filter(|&i| can_start(text.as_bytes()[i]))
                .filter(|&i| !text[..i].chars().next_back().is_some_and(is_word_char))
                .collect()
        };
        let pieces = [
            "a", "b", " ", "é", "_", "9", "-", "\n", "ß", "—", "日", "x y",
        ];
        let mut random = crate::text::random::Random::new(7);
        for len in [0, 1, 63, 64, 65, 127, 128, 129, 300] {
            let text = random.text(&pieces, len);
            for can_start in [
                &(|b: u8| b.is_ascii_alphabetic()) as &dyn Fn(u8) -> bool,
                &|b: u8| b == b'b' || b == b'_' || b == 0xc3,
                // Every byte that can begin a word character (as a term's must).
                &|b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0xc0,
            ] {
                let mut got = Vec::new();
                word_starts(&text, can_start, |i| got.push(i));
                assert_eq!(got, one_by_one(&text, can_start), "{text:?}");
            }
        }
    }
}
