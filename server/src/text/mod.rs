//! Text primitives shared by every layer: byte ranges, line indexes and
//! position encodings. Everything inside the server speaks byte offsets;
//! only the protocol edge converts them to lines and columns.

mod line_index;

pub use line_index::{Encoding, LineCol, LineIndex};

/// A half-open byte range `start..end` into a document's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `offset` lies inside the range or touches its end, which is
    /// what a cursor placed right after a word means.
    pub const fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub const fn intersects(&self, other: TextRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(r: std::ops::Range<usize>) -> Self {
        Self::new(r.start, r.end)
    }
}

/// The byte offset of the end of the line holding `offset` (before `\r\n`/`\n`).
pub fn line_end(text: &str, offset: usize) -> usize {
    let rest = &text[offset..];
    let end = rest.find('\n').map_or(text.len(), |i| offset + i);
    if end > offset && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The byte offset of the start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The first line of a text, without its line break.
pub fn first_line(text: &str) -> &str {
    &text[..line_end(text, 0)]
}
