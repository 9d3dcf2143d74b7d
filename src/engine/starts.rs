//! Where words start, found 64 bytes at a time: bytes are classed eight at a
//! time in a `u64` and gathered into bit masks, so that a scan takes a branch
//! once per word, not once per byte.

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
    for (b, block) in bytes.chunks(64).enumerate() {
        let mut padded = [0u8; 64];
        let block: &[u8; 64] = match block.try_into() {
            Ok(full) => full,
            Err(_) => {
                // Zero bytes after the end: neither words nor term starts.
                padded[..block.len()].copy_from_slice(block);
                &padded
            }
        };
        let (word, high, lead) = classes(block);
        let after_word = (word << 1) | word_before;
        let after_high = (high << 1) | high_before;
        (word_before, high_before) = (word >> 63, high >> 63);
        let mut candidates = (word | lead) & !after_word;
        while candidates != 0 {
            let j = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let i = b * 64 + j;
            if !can_start(block[j]) {
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

/// Masks of a block's bytes (bit `j` for byte `j`): ASCII word characters
/// (letters, digits, `_`), bytes that are not ASCII, and bytes that begin a
/// character that is not ASCII.
fn classes(block: &[u8; 64]) -> (u64, u64, u64) {
    let (mut word, mut high, mut lead) = (0u64, 0u64, 0u64);
    for (k, eight) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
        let shift = 8 * k;
        let highs = x & HIGH_BITS;
        let ascii = x & !HIGH_BITS;
        let letters = in_range(ascii | (ONES * 0x20), b'a', b'z');
        let digits = in_range(ascii, b'0', b'9');
        let underscores = in_range(ascii, b'_', b'_');
        word |= gather((letters | digits | underscores) & !highs) << shift;
        high |= gather(highs) << shift;
        lead |= gather(x & (x << 1) & HIGH_BITS) << shift;
    }
    (word, high, lead)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (whose bytes are below `0x80`) set when the
/// byte is in `lo..=hi`. Adding `0x80 - lo` to such a byte sets its high bit
/// exactly when it is at least `lo`, and never carries into the next byte.
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least = |n: u8| x + ONES * u64::from(0x80 - n);
    at_least(lo) & !at_least(hi + 1) & HIGH_BITS
}

/// Bit `k` set for each byte `k` of `x` whose high bit is set (the only bits
/// set in `x`): the multiplication moves each to its own place in the top byte.
fn gather(x: u64) -> u64 {
    ((x >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value, at every place in a block, is classed as it is alone.
    #[test]
    fn classes_agree_with_each_byte_alone() {
        for c in 0..=255u8 {
            for j in 0..64 {
                let mut block = [b'a'; 64];
                block[j] = c;
                let (word, high, lead) = classes(&block);
                let bit = |m: u64| (m >> j) & 1 == 1;
                assert_eq!(
                    bit(word),
                    c.is_ascii_alphanumeric() || c == b'_',
                    "{c:#x} at {j}"
                );
                assert_eq!(bit(high), c >= 0x80, "{c:#x} at {j}");
                assert_eq!(bit(lead), c >= 0xc0, "{c:#x} at {j}");
                // The other bytes keep their class.
                assert_eq!(word | (1 << j), u64::MAX, "{c:#x} at {j}");
                assert_eq!(high & !(1 << j), 0, "{c:#x} at {j}");
            }
        }
    }

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
        let mut seed = 7u64;
        for len in [0, 1, 63, 64, 65, 127, 128, 129, 300] {
            let mut text = String::new();
            while text.len() < len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
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
