//! Where a trie walk resumes after a word's first run of ASCII word bytes,
//! looked up by that run.
//!
//! A term matched where a word starts takes the whole of the text's first run
//! of ASCII letters, digits and `_` there: its own run is followed, in the term,
//! by its end (where the next character must not be a word character) or by a
//! byte that is not in the run. So the text's run and the term's are equal, and
//! one probe of a table keyed by runs says whether any term can match at a word
//! start, and at which node of the trie the walk goes on. Walking the run byte
//! by byte instead costs a node of a trie too large for the cache per byte, at
//! every word of the text, most of which begin no term.

use super::trie::Trie;
use crate::text::classes::is_ascii_word;

/// Runs up to this many bytes are looked up; longer ones (and empty ones) are
/// walked from the trie's root.
pub(super) const MAX_RUN: usize = 16;

#[derive(Debug, Clone)]
pub(super) struct Runs {
    /// Open addressing, linear probing; `node` 0 marks an empty slot.
    slots: Vec<Slot>,
    /// One bit per hash value (its top bits), set for each run in `slots`: most
    /// words of a text begin no term, and a clear bit says so from a table
    /// about a twenty-fourth the size of `slots` (16 to 32 bits a run, where
    /// `slots` has two to four slots of 24 bytes), which stays in a closer cache.
    seen: Vec<u64>,
    /// How far a hash is shifted right to give its bit in `seen`.
    seen_shift: u32,
    /// OR-ed into both words of a key: 0x20 in each byte for a caseless trie,
    /// which lowers ASCII letters and keeps digits (and turns `_` into DEL,
    /// which no other byte of a run becomes), else 0.
    fold: u64,
}

/// The bytes of a run of `len` bytes, as masks of a key's two words, by `len`:
/// looked up, where working them out took a fifth of a probe's instructions.
const MASKS: [[u64; 2]; MAX_RUN + 1] = {
    /// The low `n` bytes of a word.
    const fn bytes(n: usize) -> u64 {
        match n {
            0 => 0,
            8.. => u64::MAX,
            n => (1u64 << (8 * n)) - 1,
        }
    }
    let mut masks = [[0; 2]; MAX_RUN + 1];
    let mut len = 0;
    while len <= MAX_RUN {
        masks[len] = [bytes(len), bytes(len.saturating_sub(8))];
        len += 1;
    }
    masks
};

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: [u64; 2],
    node: u32,
}

/// The length of the run of ASCII word bytes `bytes` begins with, counted up to
/// one past [`MAX_RUN`].
fn run_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take(MAX_RUN + 1)
        .take_while(|&&b| is_ascii_word(b))
        .count()
}

impl Runs {
    /// The runs that begin `pats` (those `trie` was built from), each with the
    /// node its walk reaches; a `caseless` trie's patterns are in lower case.
    pub(super) fn new(pats: &[&[u8]], trie: &Trie, caseless: bool) -> Runs {
        let mut runs: Vec<&[u8]> = pats
            .iter()
            .map(|p| &p[..run_len(p)])
            .filter(|r| (1..=MAX_RUN).contains(&r.len()))
            .collect();
        runs.sort_unstable();
        runs.dedup();
        let size = (runs.len() * 2).next_power_of_two().max(8);
        let seen_bits = (runs.len() * 16).next_power_of_two().max(64);
        let mut table = Runs {
            slots: vec![Slot::default(); size],
            seen: vec![0; seen_bits / 64],
            seen_shift: 64 - seen_bits.trailing_zeros(),
            fold: if caseless { 0x2020_2020_2020_2020 } else { 0 },
        };
        for run in runs {
            let node = trie
                .node_after(run)
                .expect("a pattern's prefix is in its trie");
            let key = table.key(run, run.len());
            let h = hash(key);
            let bit = table.seen_bit(h);
            table.seen[bit / 64] |= 1 << (bit % 64);
            let mut at = table.slot(h);
            while table.slots[at].node != 0 {
                at = (at + 1) & (size - 1);
            }
            table.slots[at] = Slot { key, node };
        }
        table
    }

    /// The trie node after the run of `len` (1 to [`MAX_RUN`]) ASCII word bytes
    /// that `text` begins with, or `None` when no pattern begins with that run.
    /// Always inlined: left out of line, every word start paid a call and
    /// reloaded the table's fields.
    #[inline(always)]
    pub(super) fn node(&self, text: &[u8], len: usize) -> Option<u32> {
        let key = self.key(text, len);
        let h = hash(key);
        let bit = self.seen_bit(h);
        if self.seen[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let mut at = self.slot(h);
        loop {
            let slot = &self.slots[at];
            if slot.node == 0 {
                return None;
            }
            if slot.key == key {
                return Some(slot.node);
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
    }

    /// The key of `run`: its bytes, folded, in two words, zero after its end.
    /// Read as two words straight from the text where 16 bytes are left: a key
    /// put together byte by byte stalls the load that reads it back.
    #[inline]
    fn key(&self, run: &[u8], len: usize) -> [u64; 2] {
        let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().expect("eight bytes"));
        let (lo, hi) = match run.get(..MAX_RUN) {
            Some(bytes) => (word(&bytes[..8]), word(&bytes[8..])),
            None => {
                let mut bytes = [0u8; MAX_RUN];
                bytes[..len].copy_from_slice(&run[..len]);
                (word(&bytes[..8]), word(&bytes[8..]))
            }
        };
        let [lo_mask, hi_mask] = MASKS[len];
        [(lo | self.fold) & lo_mask, (hi | self.fold) & hi_mask]
    }

    /// The slot where the probe for a key hashed to `h` begins.
    #[inline]
    fn slot(&self, h: u64) -> usize {
        (h >> 32) as usize & (self.slots.len() - 1)
    }

    /// The bit of `seen` for a key hashed to `h`.
    #[inline]
    fn seen_bit(&self, h: u64) -> usize {
        (h >> self.seen_shift) as usize
    }
}

/// A key's hash: its high bits depend on every byte of the key.
#[inline]
fn hash([lo, hi]: [u64; 2]) -> u64 {
    (lo ^ hi.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold::{fold_char, is_word_char};

    /// Caseless terms are searched in the folded text and judged whole words in
    /// the original: a run ends where the original's word does only if every
    /// character that folds to an ASCII word byte is a word character itself.
    #[test]
    fn only_word_characters_fold_to_ascii_word_bytes() {
        let mut folded = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            folded.clear();
            fold_char(c, &mut folded);
            if folded.bytes().any(is_ascii_word) {
                assert!(is_word_char(c), "{c:?} folds to {folded:?}");
            }
        }
    }

    #[test]
    fn a_run_leads_to_the_node_its_walk_reaches() {
        let pats: [&[u8]; 6] = [
            b"ab",
            b"ab cd",
            b"abc",
            b"x_1-y",
            b"q",
            b"0123456789abcdefg",
        ];
        let trie = Trie::new(&pats, true);
        let runs = Runs::new(&pats, &trie, true);
        // A run looked up at the end of the text, and with more text after it.
        let node = |runs: &Runs, run: &[u8]| {
            let at_end = runs.node(run, run.len());
            let followed = [run, b" and more text after the run"].concat();
            assert_eq!(runs.node(&followed, run.len()), at_end, "{run:?}");
            at_end
        };
        for run in [&b"ab"[..], b"AB", b"aB", b"abc", b"x_1", b"X_1", b"q"] {
            let lower = run.to_ascii_lowercase();
            assert_eq!(node(&runs, run), trie.node_after(&lower), "{run:?}");
            assert!(node(&runs, run).is_some());
        }
        // Prefixes of runs, other runs, and the run too long to be kept.
        for run in [
            &b"a"[..],
            b"abcd",
            b"x",
            b"x_",
            b"x1",
            b"qq",
            b"0123456789abcdef",
        ] {
            assert_eq!(node(&runs, run), None, "{run:?}");
        }
        // One bit of the filter per distinct run kept (`ab`, `abc`, `x_1`, `q`:
        // the last term's run is too long), fewer where two share one.
        let bits: u32 = runs.seen.iter().map(|w| w.count_ones()).sum();
        assert!((1..=4).contains(&bits), "{bits} bits");
        let exact = Runs::new(&pats, &Trie::new(&pats, false), false);
        assert!(node(&exact, b"ab").is_some());
        assert_eq!(node(&exact, b"AB"), None);
        assert_eq!(run_len(b"x_1-y"), 3);
        assert_eq!(run_len(&[b'a'; 40]), MAX_RUN + 1);
    }
}
