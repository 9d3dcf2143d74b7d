//! Byte offsets → line and column, in the units the outputs need.

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

/// Line starts of a text, to turn byte offsets into positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 0-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The byte range of 0-based line `line`, without its line end.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line.min(self.starts.len() - 1)];
        let mut end = self.starts.get(line + 1).map_or(text.len(), |&s| s - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        start..end.max(start)
    }

    /// The byte offset where 0-based line `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// The position of `offset` (clamped to the text and to a character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let before = &text[self.starts[line]..offset];
        Position {
            line: line as u32 + 1,
            column: before.chars().count() as u32 + 1,
            utf16: before.encode_utf16().count() as u32 + 1,
            byte_column: before.len() as u32 + 1,
        }
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
