//! Byte offsets → line and column, in the units the outputs need.
//!
//! Finding a column costs at most a bounded walk, however long the line: lines
//! longer than [`CHECKPOINT`] bytes get checkpoints of their column counts when the
//! index is built, so a thousand findings on one megabyte-long line cost a thousand
//! short walks, not a thousand long ones.

use std::ops::Range;

/// Where a byte offset falls, 1-based, in three units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    /// The line, from 1.
    pub line: u32,
    /// The column in characters (Unicode scalar values), from 1.
    pub column: u32,
    /// The column in UTF-16 code units, from 1 (what LSP and JavaScript count).
    pub utf16: u32,
    /// The column in bytes, from 1.
    pub byte_column: u32,
}

/// Bytes between two checkpoints on a long line.
const CHECKPOINT: usize = 4096;

/// Column counts at a byte offset of a long line.
#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    /// The byte offset (a character boundary).
    at: usize,
    /// Characters from the line's start to `at`.
    chars: u32,
    /// UTF-16 code units from the line's start to `at`.
    utf16: u32,
}

/// A long text's line starts are found a piece of this many bytes at a time,
/// on every core.
const PIECE: usize = 1 << 20;

/// Where each line of `bytes` starts: at 0 and after every `\n`. A long text
/// (a large draft's index is built while every other core waits for its
/// findings to be written) is scanned on every core, a piece each.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    fn after(piece: &[u8], at: usize) -> impl Iterator<Item = usize> + '_ {
        memchr::memchr_iter(b'\n', piece).map(move |i| at + i + 1)
    }
    if bytes.len() < 2 * PIECE {
        return std::iter::once(0).chain(after(bytes, 0)).collect();
    }
    use rayon::prelude::*;
    let pieces: Vec<Vec<usize>> = bytes
        .par_chunks(PIECE)
        .enumerate()
        .map(|(k, piece)| after(piece, k * PIECE).collect())
        .collect();
    let mut starts = Vec::with_capacity(1 + pieces.iter().map(Vec::len).sum::<usize>());
    starts.push(0);
    for piece in pieces {
        starts.extend_from_slice(&piece);
    }
    starts
}

/// Line starts of a text, to turn byte offsets into positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Checkpoints of every line longer than [`CHECKPOINT`] bytes, in text order.
    checkpoints: Vec<Checkpoint>,
}

impl LineIndex {
    /// Indexes `text`; lines end at `\n` (a `\r` before it belongs to the line end).
    pub fn new(text: &str) -> LineIndex {
        LineIndex::with_starts(text, line_starts(text.as_bytes()))
    }

    /// Indexes `text` the way LSP counts lines: `\r\n`, `\n` and a lone `\r` each
    /// end one.
    pub fn with_lone_cr(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let crlf = bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n');
            if !crlf {
                starts.push(i + 1);
            }
        }
        LineIndex::with_starts(text, starts)
    }

    fn with_starts(text: &str, starts: Vec<usize>) -> LineIndex {
        let mut checkpoints = Vec::new();
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            if end - start <= CHECKPOINT {
                continue;
            }
            let (mut chars, mut utf16) = (0u32, 0u32);
            let mut next = start + CHECKPOINT;
            for (j, c) in text[start..end].char_indices() {
                let at = start + j;
                if at >= next {
                    checkpoints.push(Checkpoint { at, chars, utf16 });
                    next = at + CHECKPOINT;
                }
                chars += 1;
                utf16 += c.len_utf16() as u32;
            }
        }
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// How many lines the text has.
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The byte range of 0-based line `line` (clamped to the last line), without
    /// its line end (`\n`, `\r\n` or `\r`).
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let line = line.min(self.starts.len() - 1);
        let start = self.starts[line].min(text.len());
        let mut end = self.starts.get(line + 1).map_or(text.len(), |&s| s - 1);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end) == Some(&b'\n') && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// Where the line after 0-based `line` starts (the text's end after the last).
    fn next_start(&self, text: &str, line: usize) -> usize {
        self.starts.get(line + 1).copied().unwrap_or(text.len())
    }

    /// The byte offset where 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// The position of `offset` (clamped to the text and to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        let line = self.line_of(offset);
        let line_start = self.starts[line];
        // Start counting from the last checkpoint of this line at or before
        // `offset`; a line too short for checkpoints has none to look for.
        let checkpoint = (self.next_start(text, line) - line_start > CHECKPOINT)
            .then(|| self.checkpoints.partition_point(|c| c.at <= offset))
            .and_then(|i| i.checked_sub(1))
            .map(|i| self.checkpoints[i])
            .filter(|c| c.at >= line_start);
        let (from, chars, utf16) =
            checkpoint.map_or((line_start, 0, 0), |c| (c.at, c.chars, c.utf16));
        let (more_chars, more_utf16) = counted(&text[from..offset]);
        let (chars, utf16) = (chars + more_chars as u32, utf16 + more_utf16 as u32);
        Position {
            line: line as u32 + 1,
            column: chars + 1,
            utf16: utf16 + 1,
            byte_column: (offset - line_start) as u32 + 1,
        }
    }

    /// The positions of a span's start and end: the end is counted on from the
    /// start when both are on one short line, as nearly every finding's are.
    pub fn span(&self, text: &str, span: &Range<usize>) -> (Position, Position) {
        let start = self.position(text, span.start);
        let line = start.line as usize - 1;
        let from = self.starts[line] + start.byte_column as usize - 1;
        let end = floor_char_boundary(text, span.end);
        let last_line = line + 1 == self.starts.len();
        let same_line = from <= end && (end < self.next_start(text, line) || last_line);
        if !same_line || end - from > CHECKPOINT {
            return (start, self.position(text, span.end));
        }
        let (more_chars, more_utf16) = counted(&text[from..end]);
        let (chars, utf16) = (
            start.column + more_chars as u32,
            start.utf16 + more_utf16 as u32,
        );
        let end = Position {
            line: start.line,
            column: chars,
            utf16,
            byte_column: start.byte_column + (end - from) as u32,
        };
        (start, end)
    }
}

/// The characters and UTF-16 code units in `text`: a byte each in ASCII,
/// which nearly every stretch before a finding is.
pub(super) fn counted(text: &str) -> (usize, usize) {
    if text.is_ascii() {
        return (text.len(), text.len());
    }
    text.chars()
        .fold((0, 0), |(c, u), ch| (c + 1, u + ch.len_utf16()))
}

/// The largest character boundary at or before `offset`, within the text.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long text scanned in pieces has the line starts one scan finds,
    /// whatever falls at a piece's edge: a line break just before, on or just
    /// after it, or none for several pieces.
    #[test]
    fn a_long_text_scanned_in_pieces_starts_lines_where_one_scan_does() {
        let mut bytes = vec![b'x'; 5 * PIECE + 17];
        for at in [
            0,
            1,
            PIECE - 1,
            PIECE,
            PIECE + 1,
            2 * PIECE - 1,
            4 * PIECE + 3,
        ] {
            bytes[at] = b'\n';
        }
        for at in (2 * PIECE..3 * PIECE).step_by(41) {
            bytes[at] = b'\n';
        }
        *bytes.last_mut().unwrap() = b'\n';
        let one: Vec<usize> = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        assert_eq!(line_starts(&bytes), one);
        let short: Vec<usize> = one.iter().copied().filter(|&s| s <= PIECE + 2).collect();
        assert_eq!(line_starts(&bytes[..PIECE + 2]), short);
    }

    #[test]
    fn columns_after_emoji_and_combining_marks() {
        let text = "a\n😀 cafe\u{301} x";
        let idx = LineIndex::new(text);
        let x = text.rfind('x').unwrap();
        let p = idx.position(text, x);
        assert_eq!((p.line, p.column, p.utf16), (2, 9, 10));
        assert_eq!(p.byte_column as usize, x - 2 + 1);
    }

    #[test]
    fn crlf_lines_exclude_the_carriage_return() {
        let text = "one\r\ntwo";
        let idx = LineIndex::new(text);
        assert_eq!(&text[idx.line_range(text, 0)], "one");
        assert_eq!(&text[idx.line_range(text, 1)], "two");
    }

    #[test]
    fn lone_carriage_returns_end_lines_for_lsp() {
        let text = "Hello\rThanks guys\r\nend";
        let idx = LineIndex::with_lone_cr(text);
        assert_eq!(idx.lines(), 3);
        let p = idx.position(text, text.find("guys").unwrap());
        assert_eq!((p.line, p.column), (2, 8));
        assert_eq!(&text[idx.line_range(text, 0)], "Hello");
        assert_eq!(&text[idx.line_range(text, 1)], "Thanks guys");
    }

    #[test]
    fn a_span_counted_on_from_its_start_is_where_each_end_is() {
        let long = "é😀ab ".repeat(1200);
        let text = format!("ab\r\nc😀d\re\n\n{long}\nxy é\rz");
        for idx in [LineIndex::new(&text), LineIndex::with_lone_cr(&text)] {
            let mut seed = 11u64;
            for _ in 0..4000 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let a = (seed >> 33) as usize % (text.len() + 2);
                let b = a + (seed >> 13) as usize % 40 * if seed & 1 == 0 { 1 } else { 200 };
                for span in [a..b, b..a, a..a] {
                    let both = (
                        idx.position(&text, span.start),
                        idx.position(&text, span.end),
                    );
                    assert_eq!(idx.span(&text, &span), both, "{span:?}");
                }
            }
        }
    }

    #[test]
    fn checkpoints_give_the_same_columns_as_counting() {
        let line: String = "é😀ab ".repeat(5000);
        let text = format!("x\n{line}\ny");
        let idx = LineIndex::new(&text);
        for offset in (0..text.len()).step_by(997) {
            let offset = floor_char_boundary(&text, offset);
            let p = idx.position(&text, offset);
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[start..offset];
            assert_eq!(p.column as usize, before.chars().count() + 1, "{offset}");
            assert_eq!(p.utf16 as usize, before.encode_utf16().count() + 1);
        }
    }
}
