//! Text primitives shared by every layer: byte ranges, line indexes and
//! position encodings. Everything inside the server speaks byte offsets;
//! only the protocol edge converts them to lines and columns.

mod line_index;

pub use line_index::{units, Encoding, LineCol, LineIndex};

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
///
/// Lines end at `\n` or `\r\n`; a lone `\r` is part of the line, as for
/// Python's configparser and Neovim (VS Code never sends one: it normalises
/// line ends when it loads a file).
pub fn line_end(text: &str, offset: usize) -> usize {
    match text[offset..].find('\n') {
        Some(i) if i > 0 && text.as_bytes()[offset + i - 1] == b'\r' => offset + i - 1,
        Some(i) => offset + i,
        None => text.len(),
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

/// Whether the text's lines end in `\r\n` (as its first line's does).
pub fn uses_crlf(text: &str) -> bool {
    memchr::memchr(b'\n', text.as_bytes()).is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r')
}

/// `inserted` with each bare `\n` made `\r\n`, for a text whose lines end
/// so ([`uses_crlf`]).
pub fn with_crlf(inserted: &str) -> String {
    let mut out = String::with_capacity(inserted.len() + 8);
    let mut last = '\0';
    for c in inserted.chars() {
        if c == '\n' && last != '\r' {
            out.push('\r');
        }
        out.push(c);
        last = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::line_end;

    #[test]
    fn only_newline_and_crlf_end_a_line() {
        assert_eq!(line_end("ab\r\ncd", 0), 2);
        assert_eq!(line_end("ab\ncd", 0), 2);
        // A lone CR, also at the very end (found by the edits fuzz target).
        assert_eq!(line_end("a\rb\r", 0), 4);
        assert_eq!(line_end("ab\r", 3), 3);
    }
}
