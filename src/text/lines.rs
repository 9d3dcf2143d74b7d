//! Lines found 64 bytes at a time. A reader that meets every line of a long
//! text (plain text and mail are read line by line) takes each line's end
//! from a bit mask of the block's line breaks: a few instructions a line,
//! where a search call per line costs more than the line's own checks.

use super::classes::equal_to;

/// The end of each line of `bytes[from..to]`, in order: just after its `\n`, or
/// `to` for a last line without one. A line starts where the one before ends.
pub fn ends(bytes: &[u8], from: usize, to: usize) -> LineEnds<'_> {
    let bytes = &bytes[..to];
    LineEnds {
        bytes,
        block: from,
        breaks: equal_to(bytes, from, b'\n'),
        at: from,
    }
}

/// The iterator of [`ends`].
pub struct LineEnds<'a> {
    /// The text, up to where lines stop.
    bytes: &'a [u8],
    /// Where the block of `breaks` starts.
    block: usize,
    /// The line breaks of the block not yet passed.
    breaks: u64,
    /// Where the next line starts.
    at: usize,
}

impl Iterator for LineEnds<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.breaks != 0 {
                let end = self.block + self.breaks.trailing_zeros() as usize + 1;
                self.breaks &= self.breaks - 1;
                self.at = end;
                return Some(end);
            }
            self.block += 64;
            if self.block >= self.bytes.len() {
                // A last line without a line break ends the text.
                let last = self.at < self.bytes.len();
                self.at = self.bytes.len();
                return last.then_some(self.at);
            }
            self.breaks = equal_to(self.bytes, self.block, b'\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line end, as searching for the next `\n` from each line's start
    /// finds it, for lines of every length around a block's and from any start.
    fn by_search(bytes: &[u8], from: usize, to: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = from;
        while at < to {
            at = bytes[at..to]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(to, |i| at + i + 1);
            out.push(at);
        }
        out
    }

    #[test]
    fn line_ends_are_those_a_search_finds() {
        let mut random = crate::text::random::Random::new(3);
        let pieces = [
            "a",
            "\n",
            "\r\n",
            "é",
            " ",
            "\n\n",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ];
        for len in [0, 1, 2, 63, 64, 65, 128, 129, 300] {
            for _ in 0..20 {
                let text = random.text(&pieces, len);
                let bytes = text.as_bytes();
                for from in (0..=bytes.len()).step_by(5) {
                    for to in [from, bytes.len(), (from + 70).min(bytes.len())] {
                        let got: Vec<usize> = ends(bytes, from, to).collect();
                        assert_eq!(got, by_search(bytes, from, to), "{text:?} {from}..{to}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_text_of_line_breaks_is_empty_lines() {
        assert_eq!(ends(b"\n\n\n", 0, 3).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(ends(b"ab", 0, 2).collect::<Vec<_>>(), [2]);
        assert_eq!(ends(b"ab", 2, 2).count(), 0);
    }
}
