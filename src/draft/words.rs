//! The words of a draft, kept as one bit per byte of text (set inside a word), with
//! counts to answer "how many words start before this offset" and "where is the
//! n-th word" in a few steps. An eighth of the text's size: a list of ranges took
//! more room than the text itself.
//!
//! Two words are never adjacent (a word is a maximal run of word characters), so
//! the set bits alone tell where each word starts and ends.

use std::ops::Range;

/// A word's byte range in its draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    start: usize,
    end: usize,
}

impl Word {
    /// Where the word starts.
    pub fn start(self) -> usize {
        self.start
    }

    /// Where the word ends (exclusive).
    pub fn end(self) -> usize {
        self.end
    }

    /// The word's byte range.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// 64-bit units of [`Words::bits`] per entry of [`Words::rank`] (512 bytes of text).
const RANK_UNITS: usize = 8;

/// One word in this many has its start in [`Words::samples`].
const SAMPLE: usize = 64;

/// The words of a text, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    /// Bit `i % 64` of unit `i / 64`: byte `i` is inside a word.
    bits: Vec<u64>,
    /// For every [`RANK_UNITS`] units, how many words start before them.
    rank: Vec<u32>,
    /// Where word `SAMPLE * k` starts.
    samples: Vec<u32>,
    count: usize,
}

impl Words {
    /// Words to be pushed in order, in a text of `len` bytes (past 4 GiB, none).
    pub(super) fn builder(len: usize) -> Words {
        Words {
            bits: vec![0; len.div_ceil(64)],
            ..Words::default()
        }
    }

    /// Adds a word (or, again, part of one already added). Words are never
    /// adjacent: each is a maximal run of word characters.
    #[inline]
    pub(super) fn push(&mut self, range: Range<usize>) {
        debug_assert!(range.start < range.end);
        let (first, last) = (range.start / 64, (range.end - 1) / 64);
        let (lo, hi) = (range.start % 64, (range.end - 1) % 64);
        if first == last {
            // Most words: within one unit.
            self.bits[first] |= (u64::MAX << lo) & (u64::MAX >> (63 - hi));
            return;
        }
        self.bits[first] |= u64::MAX << lo;
        for unit in &mut self.bits[first + 1..last] {
            *unit = u64::MAX;
        }
        self.bits[last] |= u64::MAX >> (63 - hi);
    }

    /// Adds the bytes of unit `u` (64 bytes from `64 * u`) set in `inside` to words.
    #[inline]
    pub(super) fn add(&mut self, u: usize, inside: u64) {
        self.bits[u] |= inside;
    }

    /// Counts the words, and those of each block, once every word is added.
    pub(super) fn finish(mut self) -> Words {
        let mut before = 0usize;
        self.rank = Vec::with_capacity(self.bits.len() / RANK_UNITS + 1);
        for u in 0..self.bits.len() {
            if u % RANK_UNITS == 0 {
                self.rank.push(before as u32);
            }
            let starts = self.starts(u);
            let here = starts.count_ones() as usize;
            // Words SAMPLE * k that start in this unit: the nth start here.
            let mut k = before.next_multiple_of(SAMPLE);
            while k < before + here {
                self.samples
                    .push((u * 64) as u32 + nth_set(starts, k - before));
                k += SAMPLE;
            }
            before += here;
        }
        self.count = before;
        self
    }

    /// How many words there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The bits of unit `u` where a word starts.
    #[inline]
    fn starts(&self, u: usize) -> u64 {
        let carry = if u == 0 { 0 } else { self.bits[u - 1] >> 63 };
        self.bits[u] & !((self.bits[u] << 1) | carry)
    }

    /// Whether byte `at` is inside a word.
    #[inline]
    fn inside(&self, at: usize) -> bool {
        self.bits
            .get(at / 64)
            .is_some_and(|unit| unit >> (at % 64) & 1 == 1)
    }

    /// How many words start before offset `at`.
    pub fn starting_before(&self, at: usize) -> usize {
        let unit = at / 64;
        if unit >= self.bits.len() {
            return self.count;
        }
        let block = unit / RANK_UNITS;
        let mut n = self.rank[block] as usize;
        for u in block * RANK_UNITS..unit {
            n += self.starts(u).count_ones() as usize;
        }
        let below = (1u64 << (at % 64)) - 1;
        n + (self.starts(unit) & below).count_ones() as usize
    }

    /// How many words end at or before offset `at`.
    pub fn ending_by(&self, at: usize) -> usize {
        // Those that start before it, but the one it is inside of.
        let through = at > 0 && self.inside(at - 1) && self.inside(at);
        self.starting_before(at) - usize::from(through)
    }

    /// The `n`th word (from 0).
    pub fn get(&self, n: usize) -> Option<Word> {
        if n >= self.count {
            return None;
        }
        // From the sampled word before it, count word starts up to it.
        let from = self.samples[n / SAMPLE] as usize;
        let mut left = n % SAMPLE;
        let mut unit = from / 64;
        let mut starts = self.starts(unit) & (u64::MAX << (from % 64));
        loop {
            let here = starts.count_ones() as usize;
            if left < here {
                let start = unit * 64 + nth_set(starts, left) as usize;
                return Some(Word {
                    start,
                    end: self.end_of(start),
                });
            }
            left -= here;
            unit += 1;
            starts = self.starts(unit);
        }
    }

    /// Where the word starting at `start` ends: its first byte not in a word.
    pub fn end_of(&self, start: usize) -> usize {
        let mut unit = start / 64;
        let mut outside = !self.bits[unit] & (u64::MAX << (start % 64));
        while outside == 0 {
            unit += 1;
            match self.bits.get(unit) {
                Some(bits) => outside = !bits,
                None => return unit * 64,
            }
        }
        unit * 64 + outside.trailing_zeros() as usize
    }

    /// The words that start inside `range`, in order.
    pub fn starting_in(&self, range: Range<usize>) -> Starting<'_> {
        let unit = range.start / 64;
        let starts = match self.bits.get(unit) {
            Some(_) => self.starts(unit) & (u64::MAX << (range.start % 64)),
            None => 0,
        };
        Starting {
            words: self,
            unit,
            starts,
            end: range.end.min(self.bits.len() * 64),
        }
    }

    /// The words that start inside `range`, 64 bytes at a time: each block's
    /// offset, its bytes inside a word (bit `j` for byte `j`), and those of its
    /// bytes that start a word inside `range`. A word may run on past its block.
    pub fn blocks_in(&self, range: Range<usize>) -> impl Iterator<Item = (usize, u64, u64)> + '_ {
        let end = range.end.min(self.bits.len() * 64);
        let units = range.start / 64..end.div_ceil(64);
        units.map(move |u| {
            let mut starts = self.starts(u);
            if u == range.start / 64 {
                starts &= u64::MAX << (range.start % 64);
            }
            if end < (u + 1) * 64 {
                starts &= !(u64::MAX << (end % 64));
            }
            (u * 64, self.bits[u], starts)
        })
    }

    /// How many words start inside `range`.
    pub fn count_in(&self, range: Range<usize>) -> usize {
        if range.end <= range.start {
            return 0;
        }
        self.starting_before(range.end) - self.starting_before(range.start)
    }

    /// Every word, in order.
    pub fn iter(&self) -> Starting<'_> {
        self.starting_in(0..self.bits.len() * 64)
    }
}

/// Where the `n`th (from 0) of the bits set in `bits` is.
fn nth_set(mut bits: u64, n: usize) -> u32 {
    for _ in 0..n {
        bits &= bits - 1;
    }
    bits.trailing_zeros()
}

/// The words that start in a range: [`Words::starting_in`].
pub struct Starting<'a> {
    words: &'a Words,
    /// The unit being read, and its word starts not yet reported.
    unit: usize,
    starts: u64,
    /// The range's end, at most the text's.
    end: usize,
}

impl Iterator for Starting<'_> {
    type Item = Word;

    fn next(&mut self) -> Option<Word> {
        while self.starts == 0 {
            self.unit += 1;
            if self.unit * 64 >= self.end {
                return None;
            }
            self.starts = self.words.starts(self.unit);
        }
        let start = self.unit * 64 + self.starts.trailing_zeros() as usize;
        if start >= self.end {
            // Past the range: nothing more, now or on a later call.
            (self.starts, self.end) = (0, 0);
            return None;
        }
        self.starts &= self.starts - 1;
        Some(Word {
            start,
            end: self.words.end_of(start),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(len: usize, ranges: &[Range<usize>]) -> Words {
        let mut w = Words::builder(len);
        for r in ranges {
            w.push(r.clone());
        }
        w.finish()
    }

    /// Every query agrees with the list of ranges it stands for, at every offset:
    /// words across unit and block edges, at the very start and end, long ones.
    #[test]
    fn queries_agree_with_the_list_of_ranges() {
        let len = 3000;
        let mut ranges = vec![0..3, 5..6, 62..66, 127..128, 130..700, 701..702];
        let mut at = 703;
        let mut n = 0;
        while at < len - 10 {
            let width = 1 + n % 9;
            ranges.push(at..at + width);
            at += width + 1 + n % 3;
            n += 1;
        }
        ranges.push(len - 1..len);
        let w = words(len, &ranges);
        assert_eq!(w.len(), ranges.len());
        let listed: Vec<Range<usize>> = w.iter().map(Word::range).collect();
        assert_eq!(listed, ranges);
        for (i, r) in ranges.iter().enumerate() {
            assert_eq!(w.get(i).map(Word::range), Some(r.clone()), "word {i}");
        }
        assert_eq!(w.get(ranges.len()), None);
        for at in 0..=len + 70 {
            let before = ranges.iter().filter(|r| r.start < at).count();
            let ended = ranges.iter().filter(|r| r.end <= at).count();
            assert_eq!(w.starting_before(at), before, "starting before {at}");
            assert_eq!(w.ending_by(at), ended, "ending by {at}");
        }
        for (a, b) in [(0, 0), (0, 64), (3, 131), (60, 700), (700, 2999), (5, 3000)] {
            let want: Vec<Range<usize>> = ranges
                .iter()
                .filter(|r| r.start >= a && r.start < b)
                .cloned()
                .collect();
            let got: Vec<Range<usize>> = w.starting_in(a..b).map(Word::range).collect();
            assert_eq!(got, want, "{a}..{b}");
            assert_eq!(w.count_in(a..b), want.len());
        }
    }

    #[test]
    fn no_words() {
        let w = words(100, &[]);
        assert!(w.is_empty());
        assert_eq!((w.starting_before(50), w.ending_by(100)), (0, 0));
        assert_eq!(w.get(0), None);
        assert_eq!(w.iter().count(), 0);
        let empty = words(0, &[]);
        assert_eq!((empty.starting_before(0), empty.iter().count()), (0, 0));
    }
}
