//! Bytes classed 64 at a time and gathered into bit masks (bit `j` for byte `j`
//! of a block), so that a scan over text takes a branch once per word, not once
//! per byte. On x86-64 sixteen bytes are classed at once with SSE2, which every
//! x86-64 processor has; elsewhere eight at once in a `u64`.

/// The classes of one block's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classes {
    /// ASCII letters and digits.
    pub alnum: u64,
    /// `_`.
    pub underscore: u64,
    /// `'`.
    pub apostrophe: u64,
    /// Bytes that are not ASCII.
    pub high: u64,
    /// Bytes that begin a character that is not ASCII.
    pub lead: u64,
}

impl Classes {
    /// ASCII word characters: letters, digits and `_`.
    pub fn word(&self) -> u64 {
        self.alnum | self.underscore
    }

    fn of(block: &[u8; 64]) -> Classes {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE2 is part of x86-64 itself: every processor that runs this
        // code has it.
        return unsafe { sse2::classes(block) };
        #[cfg(not(target_arch = "x86_64"))]
        Classes::of_words(block)
    }

    /// [`Classes::of`], eight bytes at a time in a `u64`.
    #[cfg(any(test, not(target_arch = "x86_64")))]
    fn of_words(block: &[u8; 64]) -> Classes {
        let mut c = Classes {
            alnum: 0,
            underscore: 0,
            apostrophe: 0,
            high: 0,
            lead: 0,
        };
        for (k, eight) in block.chunks_exact(8).enumerate() {
            let x = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
            let shift = 8 * k;
            let highs = x & HIGH_BITS;
            let ascii = x & !HIGH_BITS;
            let letters = in_range(ascii | (ONES * 0x20), b'a', b'z');
            let digits = in_range(ascii, b'0', b'9');
            let ascii_only = |m: u64| gather(m & !highs) << shift;
            c.alnum |= ascii_only(letters | digits);
            c.underscore |= ascii_only(in_range(ascii, b'_', b'_'));
            c.apostrophe |= ascii_only(in_range(ascii, b'\'', b'\''));
            c.high |= gather(highs) << shift;
            c.lead |= gather(x & (x << 1) & HIGH_BITS) << shift;
        }
        c
    }
}

/// Whether `b` is an ASCII word character (a letter, a digit or `_`), one of
/// [`Classes::word`].
#[inline]
pub fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Each 64-byte block of `bytes`, by its offset, with its bytes' classes. The
/// last block is padded with zero bytes, which are in no class.
pub fn blocks(bytes: &[u8]) -> Blocks<'_> {
    Blocks { bytes, at: 0 }
}

/// The iterator of [`blocks`]. (A type of its own, not a closure over
/// `chunks`, so that every scan can inline its `next` and keep the masks in
/// registers: a closure was left out of line in some builds, which cost the
/// term walk a tenth more instructions.)
pub struct Blocks<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Iterator for Blocks<'_> {
    type Item = (usize, Classes);

    #[inline(always)]
    fn next(&mut self) -> Option<(usize, Classes)> {
        let at = self.at;
        let rest = self.bytes.get(at..).filter(|rest| !rest.is_empty())?;
        self.at += 64;
        Some((at, padded(rest, Classes::of)))
    }
}

/// `class` of the first 64 bytes of `rest`, those past its end taken as zero
/// bytes (which are in no class).
#[inline(always)]
fn padded<T>(rest: &[u8], class: impl Fn(&[u8; 64]) -> T) -> T {
    match rest.get(..64) {
        Some(full) => class(full.try_into().expect("64 bytes")),
        None => {
            let mut padded = [0u8; 64];
            padded[..rest.len()].copy_from_slice(rest);
            class(&padded)
        }
    }
}

/// The ASCII letters, lower-case letters and digits of one block, and its
/// bytes that are not ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cases {
    pub letter: u64,
    pub lower: u64,
    pub digit: u64,
    pub high: u64,
}

/// The [`Cases`] of the 64 bytes of `bytes` from `at` (those past its end in
/// none).
pub fn cases(bytes: &[u8], at: usize) -> Cases {
    padded(&bytes[at.min(bytes.len())..], Cases::of)
}

impl Cases {
    fn of(block: &[u8; 64]) -> Cases {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `Classes::of`.
        return unsafe { sse2::cases(block) };
        #[cfg(not(target_arch = "x86_64"))]
        Cases::of_words(block)
    }

    /// [`Cases::of`], eight bytes at a time in a `u64`.
    #[cfg(any(test, not(target_arch = "x86_64")))]
    fn of_words(block: &[u8; 64]) -> Cases {
        let mut c = Cases {
            letter: 0,
            lower: 0,
            digit: 0,
            high: 0,
        };
        for (k, eight) in block.chunks_exact(8).enumerate() {
            let x = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
            let shift = 8 * k;
            let highs = x & HIGH_BITS;
            let ascii = x & !HIGH_BITS;
            let ascii_only = |m: u64| gather(m & !highs) << shift;
            c.letter |= ascii_only(in_range(ascii | (ONES * 0x20), b'a', b'z'));
            c.lower |= ascii_only(in_range(ascii, b'a', b'z'));
            c.digit |= ascii_only(in_range(ascii, b'0', b'9'));
            c.high |= gather(highs) << shift;
        }
        c
    }
}

/// Bit `j` set for each of the first 64 bytes of `rest` that exists: the mask
/// that keeps a block's bits to the bytes before the text's end.
#[inline]
fn within(rest: &[u8]) -> u64 {
    match rest.len() {
        64.. => u64::MAX,
        n => (1 << n) - 1,
    }
}

/// Bit `j` set for each byte `j` of the 64 bytes of `bytes` from `at` that is
/// one of `set` (bytes past its end are in none). Each byte of the set is
/// compared with the whole block at once, a loop the compiler turns into
/// vector compares: for a set of a dozen bytes, about half the instructions
/// of looking each byte up in a table.
pub fn one_of(bytes: &[u8], at: usize, set: &[u8]) -> u64 {
    let rest = &bytes[at.min(bytes.len())..];
    let mask = padded(rest, |block| {
        let mut flags = [0u8; 64];
        for &member in set {
            for (flag, &b) in flags.iter_mut().zip(block) {
                *flag |= u8::from(b == member) << 7;
            }
        }
        flags
            .chunks_exact(8)
            .enumerate()
            .map(|(k, eight)| {
                gather(u64::from_le_bytes(eight.try_into().expect("eight bytes"))) << (8 * k)
            })
            .fold(0, |mask, bits| mask | bits)
    });
    mask & within(rest)
}

/// Bit `j` set for each byte `j` of the 64 bytes of `bytes` from `at` that is
/// `byte` (bytes past its end are none): [`one_of`] for a set of one, with one
/// compare per sixteen bytes.
#[inline]
pub fn equal_to(bytes: &[u8], at: usize, byte: u8) -> u64 {
    let rest = &bytes[at.min(bytes.len())..];
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as in `Classes::of`.
    let mask = padded(rest, |block| unsafe { sse2::equal(block, byte) });
    #[cfg(not(target_arch = "x86_64"))]
    let mask = one_of(rest, 0, &[byte]);
    mask & within(rest)
}

/// Where the first ASCII digit of `bytes` is, looked for eight bytes at a time.
pub fn find_digit(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    for (k, eight) in chunks.by_ref().enumerate() {
        // A digit is a byte below 10 once `0` is taken away. Subtracting 10 from
        // each byte sets the high bit of every such byte; a borrow can set it in
        // a byte above one, never below, so the lowest is a digit.
        let y = u64::from_le_bytes(eight.try_into().expect("eight bytes")) ^ (ONES * 0x30);
        let digits = y.wrapping_sub(ONES * 10) & !y & HIGH_BITS;
        if digits != 0 {
            return Some(8 * k + digits.trailing_zeros() as usize / 8);
        }
    }
    let rest = chunks.remainder();
    let at = bytes.len() - rest.len();
    rest.iter().position(u8::is_ascii_digit).map(|i| at + i)
}

/// Where the first byte of `bytes` above ASCII is, looked for eight bytes at a time.
pub fn find_high(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    for (k, eight) in chunks.by_ref().enumerate() {
        let highs = u64::from_le_bytes(eight.try_into().expect("eight bytes")) & HIGH_BITS;
        if highs != 0 {
            return Some(8 * k + highs.trailing_zeros() as usize / 8);
        }
    }
    let rest = chunks.remainder();
    let at = bytes.len() - rest.len();
    rest.iter().position(|b| !b.is_ascii()).map(|i| at + i)
}

/// [`Classes`] and [`Cases`] sixteen bytes at a time: one compare of all sixteen
/// per bound of a class, and one instruction gathering the sixteen results into
/// bits. Classing the 18 MB bench file's blocks takes 4.0 ms this way against
/// 10.4 ms eight bytes at a time in a `u64`.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };

    use super::{Cases, Classes};

    /// The block's four lanes of sixteen bytes.
    #[target_feature(enable = "sse2")]
    fn lanes(block: &[u8; 64]) -> [__m128i; 4] {
        let word = |at: usize| {
            let bytes = block[at..at + 8].try_into().expect("eight bytes");
            i64::from_le_bytes(bytes)
        };
        std::array::from_fn(|k| _mm_set_epi64x(word(16 * k + 8), word(16 * k)))
    }

    /// Bit `j` for each byte `j` of `lanes` whose result is all ones (or whose
    /// high bit is set).
    #[target_feature(enable = "sse2")]
    fn bits(lanes: [__m128i; 4]) -> u64 {
        (0..4).fold(0, |m, k| {
            m | u64::from(_mm_movemask_epi8(lanes[k]) as u16) << (16 * k)
        })
    }

    /// All ones in each byte of `x` in `lo..=hi` (both ASCII). Bytes are compared
    /// as signed: those above ASCII are negative, below every ASCII bound.
    #[target_feature(enable = "sse2")]
    fn in_range(x: __m128i, lo: u8, hi: u8) -> __m128i {
        let bound = |b: u8| _mm_set1_epi8(b as i8);
        _mm_and_si128(
            _mm_cmpgt_epi8(x, bound(lo - 1)),
            _mm_cmplt_epi8(x, bound(hi + 1)),
        )
    }

    /// All ones in each byte of `x` that is an ASCII letter, of either case.
    #[target_feature(enable = "sse2")]
    fn letter(x: __m128i) -> __m128i {
        in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', b'z')
    }

    /// Bit `j` for each byte `j` of the block that `class` says is in it.
    #[target_feature(enable = "sse2")]
    fn each(lanes: &[__m128i; 4], class: impl Fn(__m128i) -> __m128i) -> u64 {
        bits(std::array::from_fn(|k| class(lanes[k])))
    }

    #[target_feature(enable = "sse2")]
    pub(super) fn classes(block: &[u8; 64]) -> Classes {
        let lanes = lanes(block);
        let is = |b: u8| move |x| _mm_cmpeq_epi8(x, _mm_set1_epi8(b as i8));
        let high = bits(lanes);
        Classes {
            alnum: each(&lanes, |x| _mm_or_si128(letter(x), in_range(x, b'0', b'9'))),
            underscore: each(&lanes, is(b'_')),
            apostrophe: each(&lanes, is(b'\'')),
            high,
            // Above 0xbf: signed, above -65 (and negative, as the high bit says).
            lead: high & each(&lanes, |x| _mm_cmpgt_epi8(x, _mm_set1_epi8(-65))),
        }
    }

    #[target_feature(enable = "sse2")]
    pub(super) fn equal(block: &[u8; 64], byte: u8) -> u64 {
        each(&lanes(block), |x| {
            _mm_cmpeq_epi8(x, _mm_set1_epi8(byte as i8))
        })
    }

    #[target_feature(enable = "sse2")]
    pub(super) fn cases(block: &[u8; 64]) -> Cases {
        let lanes = lanes(block);
        Cases {
            letter: each(&lanes, |x| letter(x)),
            lower: each(&lanes, |x| in_range(x, b'a', b'z')),
            digit: each(&lanes, |x| in_range(x, b'0', b'9')),
            high: bits(lanes),
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` (whose bytes are below `0x80`) set when the
/// byte is in `lo..=hi`. Adding `0x80 - lo` to such a byte sets its high bit
/// exactly when it is at least `lo`, and never carries into the next byte.
pub(crate) fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
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

    /// A set's members are found at every place of a block, at its end and past
    /// it (where a zero byte in the set finds nothing), as looking at each byte
    /// finds them.
    #[test]
    fn members_of_a_set_are_found_as_each_byte_says() {
        let mut random = crate::text::random::Random::new(11);
        let sets: [&[u8]; 7] = [
            b"",
            b"?@wW-",
            &[0, b'a', 0xc3, 0xff],
            &[b'x'; 3],
            b"?",
            &[0xc3],
            &[0],
        ];
        let pieces = ["?", "@", "w", "W", "-", "a", "\0", "é", "ÿ", "x", " "];
        for len in [0, 1, 8, 63, 64, 65, 127, 128, 200] {
            let text = random.text(&pieces, len);
            let bytes = text.as_bytes();
            for set in sets {
                for at in (0..=bytes.len() + 1).step_by(7) {
                    let expected = (0..64)
                        .filter(|j| bytes.get(at + j).is_some_and(|b| set.contains(b)))
                        .fold(0u64, |m, j| m | 1 << j);
                    assert_eq!(
                        one_of(bytes, at, set),
                        expected,
                        "{text:?} at {at}, {set:?}"
                    );
                    if let [byte] = set {
                        assert_eq!(equal_to(bytes, at, *byte), expected, "{text:?} at {at}");
                    }
                }
            }
        }
    }

    /// Every byte value, at every place in a block, is classed as it is alone.
    #[test]
    fn classes_agree_with_each_byte_alone() {
        for c in 0..=255u8 {
            for j in 0..64 {
                let mut block = [b'a'; 64];
                block[j] = c;
                let classes = Classes::of(&block);
                let bit = |m: u64| (m >> j) & 1 == 1;
                assert_eq!(
                    bit(classes.alnum),
                    c.is_ascii_alphanumeric(),
                    "{c:#x} at {j}"
                );
                assert_eq!(bit(classes.underscore), c == b'_', "{c:#x} at {j}");
                assert_eq!(bit(classes.apostrophe), c == b'\'', "{c:#x} at {j}");
                assert_eq!(bit(classes.high), c >= 0x80, "{c:#x} at {j}");
                assert_eq!(bit(classes.lead), c >= 0xc0, "{c:#x} at {j}");
                // The other bytes keep their class.
                assert_eq!(classes.alnum | (1 << j), u64::MAX, "{c:#x} at {j}");
                assert_eq!(classes.high & !(1 << j), 0, "{c:#x} at {j}");
            }
        }
    }

    /// The two ways of classing a block, sixteen bytes at a time and eight,
    /// agree on every byte value at every place, and on mixed blocks.
    #[test]
    fn both_ways_of_classing_agree() {
        let mut random = crate::text::random::Random::new(5);
        let mut blocks: Vec<[u8; 64]> = (0..4)
            .map(|k| std::array::from_fn(|j| (64 * k + j) as u8))
            .collect();
        blocks.extend((0..2000).map(|_| std::array::from_fn(|_| random.below(256) as u8)));
        for block in &blocks {
            assert_eq!(Classes::of(block), Classes::of_words(block), "{block:?}");
            assert_eq!(Cases::of(block), Cases::of_words(block), "{block:?}");
        }
    }

    /// Every byte value, at every place in a block and in a short last one, is
    /// classed by case as it is alone.
    #[test]
    fn cases_agree_with_each_byte_alone() {
        for c in 0..=255u8 {
            for len in [64, 70, 100] {
                for j in [0, 7, 8, 63] {
                    let mut text = vec![b'-'; len];
                    text[len - 64 + j] = c;
                    let cases = cases(&text, len - 64);
                    let bit = |m: u64| (m >> j) & 1 == 1;
                    assert_eq!(bit(cases.letter), c.is_ascii_alphabetic(), "{c:#x}");
                    assert_eq!(bit(cases.lower), c.is_ascii_lowercase(), "{c:#x}");
                    assert_eq!(bit(cases.digit), c.is_ascii_digit(), "{c:#x}");
                    assert_eq!(bit(cases.high), c >= 0x80, "{c:#x}");
                    let all = cases.letter | cases.lower | cases.digit | cases.high;
                    assert_eq!(all & !(1 << j), 0, "{c:#x} at {j}");
                }
            }
        }
        // Past the end, nothing.
        assert_eq!(cases(b"aB9", 0).letter, 0b11);
        assert_eq!(cases(b"aB9", 2).digit, 0b1);
    }

    /// The first digit, and the first byte above ASCII, are found wherever they
    /// are, after any other byte values, and not found where there is none.
    #[test]
    fn the_first_digit_or_high_byte_is_found_as_byte_by_byte() {
        finds_as_byte_by_byte(find_digit, u8::is_ascii_digit);
        finds_as_byte_by_byte(find_high, |b| !b.is_ascii());
    }

    fn finds_as_byte_by_byte(find: fn(&[u8]) -> Option<usize>, is: fn(&u8) -> bool) {
        for c in 0..=255u8 {
            for len in [0, 1, 7, 8, 9, 17] {
                for j in 0..len {
                    for fill in [b'x', b'/', b':', 0x7f, 0xff] {
                        let mut text = vec![fill; len];
                        text[j] = c;
                        let want = text.iter().position(is);
                        assert_eq!(find(&text), want, "{c:#x} at {j} of {len}");
                        // A later one does not hide the first.
                        text.extend([b'5', 0x80]);
                        let want = text.iter().position(is);
                        assert_eq!(find(&text), want, "{c:#x} at {j}, then more");
                    }
                }
            }
        }
        assert_eq!(find(b""), None);
    }

    /// The last block is padded with bytes in no class.
    #[test]
    fn a_short_last_block_is_padded() {
        let text = [b'a'; 70];
        let got: Vec<(usize, u64)> = blocks(&text).map(|(at, c)| (at, c.word())).collect();
        assert_eq!(got, [(0, u64::MAX), (64, 0b11_1111)]);
    }
}
