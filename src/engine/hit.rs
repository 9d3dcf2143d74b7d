//! A pattern set's match, as the engine keeps it.

use std::ops::Range;

/// A pattern set's match: where, and which of its patterns matched. Offsets are
/// kept in 32 bits (a large draft has millions of hits; a draft past 4 GiB is
/// never read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    start: u32,
    end: u32,
    pattern: u32,
}

impl Hit {
    /// A match of pattern `pattern` at `span`.
    pub fn new(span: Range<usize>, pattern: usize) -> Hit {
        let narrow = |n: usize| u32::try_from(n).expect("drafts are under 4 GiB");
        Hit {
            start: narrow(span.start),
            end: narrow(span.end),
            pattern: narrow(pattern),
        }
    }

    /// Where it starts in the draft.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Where it ends (exclusive).
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// Its byte range in the draft.
    pub fn span(&self) -> Range<usize> {
        self.start()..self.end()
    }

    /// Which of the matcher's patterns matched (an index into them).
    pub fn pattern(&self) -> usize {
        self.pattern as usize
    }
}
