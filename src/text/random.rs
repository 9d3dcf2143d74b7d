//! A fixed sequence of pseudo-random numbers for tests, the same on every run,
//! and texts made of given pieces in that order.

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
pub struct Random(u64);

impl Random {
    /// The sequence that starts from `seed`.
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    /// The next number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % n
    }

    /// Pieces picked one after another until the text is at least `len` bytes.
    pub fn text(&mut self, pieces: &[&str], len: usize) -> String {
        let mut text = String::new();
        while text.len() < len {
            text.push_str(pieces[self.below(pieces.len())]);
        }
        text
    }
}
