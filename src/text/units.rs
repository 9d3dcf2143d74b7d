//! Byte offsets into a text told as the other languages count: in characters
//! (Python, Rust's `chars`) and in UTF-16 code units (JavaScript, Java, C#), so
//! that a pipeline highlights a span without converting it.

use serde::Serialize;
use std::ops::Range;

use super::line_index::{counted, floor_char_boundary};

/// A span in the three counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Bytes of UTF-8.
    pub start: usize,
    pub end: usize,
    /// UTF-16 code units.
    pub utf16: Pair,
    /// Characters (Unicode scalar values).
    pub chars: Pair,
}

/// A start and an end, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pair {
    pub start: usize,
    pub end: usize,
}

/// How far apart the counts kept on the way are: an offset costs at most this
/// many bytes counted, in whatever order offsets are asked for.
const MARK: usize = 4096;

/// Counts of a text, kept every [`MARK`] bytes as far as offsets have been asked.
pub struct Units<'a> {
    text: &'a str,
    /// `(byte, chars, utf16)` at each mark so far past the text's start (none
    /// in a short text, so a draft's spans cost no allocation).
    marks: Vec<(usize, usize, usize)>,
}

impl<'a> Units<'a> {
    pub fn new(text: &'a str) -> Units<'a> {
        Units {
            text,
            marks: Vec::new(),
        }
    }

    /// `span` (bytes, within the text) in all three counts. An offset inside a
    /// character is taken as that character's start.
    pub fn span(&mut self, span: Range<usize>) -> Span {
        let (chars, utf16) = self.at(span.start);
        let start = floor_char_boundary(self.text, span.start);
        let end = floor_char_boundary(self.text, span.end.max(start));
        let (more_chars, more_utf16) = counted(&self.text[start..end]);
        Span {
            start: span.start,
            end: span.end,
            utf16: Pair {
                start: utf16,
                end: utf16 + more_utf16,
            },
            chars: Pair {
                start: chars,
                end: chars + more_chars,
            },
        }
    }

    /// Characters and UTF-16 code units before the byte `offset`.
    fn at(&mut self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let last = |marks: &[(usize, usize, usize)]| marks.last().copied().unwrap_or((0, 0, 0));
        while last(&self.marks).0 + MARK <= offset {
            let (byte, chars, utf16) = last(&self.marks);
            let next = floor_char_boundary(self.text, byte + MARK);
            let (c, u) = counted(&self.text[byte..next]);
            self.marks.push((next, chars + c, utf16 + u));
        }
        let before = self.marks.partition_point(|m| m.0 <= offset);
        let (byte, chars, utf16) = last(&self.marks[..before]);
        let (c, u) = counted(&self.text[byte..offset]);
        (chars + c, utf16 + u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every span of a text with characters of one to four bytes, asked in
    /// any order and across marks, agrees with counting from the start.
    #[test]
    fn spans_agree_with_counting_from_the_start() {
        let text = "Café 😀 at 9, naïve 東京 ok. ".repeat(400);
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .step_by(7)
            .collect();
        let mut units = Units::new(&text);
        for (k, &start) in bounds.iter().enumerate().rev() {
            let end = bounds[(k + 3).min(bounds.len() - 1)];
            let got = units.span(start..end);
            let chars = |b: usize| text[..b].chars().count();
            let utf16 = |b: usize| text[..b].encode_utf16().count();
            assert_eq!(
                got.chars,
                Pair {
                    start: chars(start),
                    end: chars(end)
                }
            );
            assert_eq!(
                got.utf16,
                Pair {
                    start: utf16(start),
                    end: utf16(end)
                }
            );
        }
        assert!(units.marks.len() > 2, "crosses marks");
        assert!(Units::new("short").marks.is_empty());
    }

    /// A span over an emoji is two UTF-16 units and one character.
    #[test]
    fn an_emoji_is_two_utf16_units_and_one_character() {
        let text = "😀 jo@gmail.com";
        let at = text.find('j').unwrap();
        let span = Units::new(text).span(at..text.len());
        assert_eq!(span.utf16, Pair { start: 3, end: 15 });
        assert_eq!(span.chars, Pair { start: 2, end: 14 });
        let js: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(String::from_utf16(&js[3..15]).unwrap(), "jo@gmail.com");
    }
}
