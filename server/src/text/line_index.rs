//! Byte offset <-> line/column conversion in any of the three encodings a
//! client may use. Built once per document in O(n) and kept up to date by
//! each edit ([`LineIndex::edit`]: the edited lines are scanned again, the
//! starts of the lines after them shifted); each lookup is a binary search
//! plus, for lines holding non-ASCII text, a scan of one line.

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8 (LSP `utf-8`).
    Utf8,
    /// UTF-16 code units (LSP `utf-16`, the protocol's default).
    #[default]
    Utf16,
    /// Unicode scalar values (what a human and the CLI count).
    Utf32,
}

/// A zero-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is always 0.
    line_starts: Vec<usize>,
    /// Whether each line is pure ASCII, so columns equal byte counts.
    ascii: Vec<bool>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // Line breaks are found with SIMD memchr and each line is checked
        // for ASCII a word at a time, instead of a branch per byte.
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut ascii = Vec::new();
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes) {
            ascii.push(bytes[start..end].is_ascii());
            start = end + 1;
            line_starts.push(start);
        }
        ascii.push(bytes[start..].is_ascii());
        Self {
            line_starts,
            ascii,
            len: text.len(),
        }
    }

    /// Updates the index of a text whose bytes `start..end` were replaced
    /// by `inserted` bytes; `text` is the text after the edit (so the new
    /// bytes are `text[start..start + inserted]`). Gives what
    /// [`LineIndex::new`] gives on `text`. Offsets out of order or past the
    /// end are clamped; on an edit that does not fit the index (a text it was
    /// not built for) the index is built again.
    pub fn edit(&mut self, text: &str, start: usize, end: usize, inserted: usize) {
        let start = start.min(self.len);
        let end = end.clamp(start, self.len);
        let new_end = start + inserted;
        if self.len - (end - start) + inserted != text.len() || !text.is_char_boundary(start) {
            *self = Self::new(text);
            return;
        }
        // Old lines `first..=last` (those holding `start` and `end`) become
        // new lines `first..=first + k`, where k is the number of `\n`
        // inserted; the lines after them only move.
        let first = self.line_starts.partition_point(|&s| s <= start) - 1;
        let last = self.line_starts.partition_point(|&s| s <= end) - 1;
        let bytes = text.as_bytes();
        let inserted_starts: Vec<usize> = memchr::memchr_iter(b'\n', &bytes[start..new_end])
            .map(|i| start + i + 1)
            .collect();
        let k = inserted_starts.len();
        self.line_starts
            .splice(first + 1..=last, inserted_starts.iter().copied());
        let moved = first + 1 + k;
        for s in &mut self.line_starts[moved..] {
            *s = *s - end + new_end;
        }
        let flags: Vec<bool> = (first..=first + k)
            .map(|line| {
                let from = self.line_starts[line];
                let to = self
                    .line_starts
                    .get(line + 1)
                    .map_or(text.len(), |&next| next - 1);
                bytes[from..to].is_ascii()
            })
            .collect();
        self.ascii.splice(first..=last, flags);
        self.len = text.len();
    }

    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// The line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = if self.ascii[line] {
            offset - start
        } else {
            units(&text[start..offset], enc)
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a line and column. Past the end of a line means the
    /// end of that line (before its break), past the last line the end of the
    /// text, and a column inside a character its start: the protocol asks for
    /// exactly this leniency.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return self.len;
        };
        let end = super::line_end(text, start);
        let want = pos.col as usize;
        if self.ascii[line] {
            return (start + want).min(end);
        }
        let mut counted = 0;
        for (i, c) in text[start..end].char_indices() {
            if counted >= want {
                return start + i;
            }
            counted += char_units(c, enc);
            if counted > want {
                return start + i;
            }
        }
        end
    }
}

fn char_units(c: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => c.len_utf8(),
        Encoding::Utf16 => c.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

/// The length of `s` in the units of `enc`.
pub fn units(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        Encoding::Utf32 => s.chars().count(),
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_every_encoding() {
        let text = "a: 1\r\n😀é x\nlast";
        let index = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (offset, c) in text.char_indices() {
                if c == '\r' || c == '\n' {
                    continue;
                }
                let lc = index.line_col(text, offset, enc);
                assert_eq!(index.offset(text, lc, enc), offset, "{enc:?} {offset}");
            }
        }
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x, Encoding::Utf16).col, 4);
        assert_eq!(index.line_col(text, x, Encoding::Utf8).col, 7);
        assert_eq!(index.line_col(text, x, Encoding::Utf32).col, 3);
    }

    #[test]
    fn lines_and_ascii_flags_match_a_byte_by_byte_reading() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "\n\né\n",
            "a: 1\r\n😀é x\nlast",
            "x\ny\r\nzé",
        ] {
            let index = LineIndex::new(text);
            let mut starts = vec![0];
            starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
            assert_eq!(index.line_starts, starts, "{text:?}");
            let ascii: Vec<bool> = text.split('\n').map(str::is_ascii).collect();
            assert_eq!(index.ascii, ascii, "{text:?}");
            assert_eq!(index.len, text.len());
        }
    }

    /// Many seeded random edits (CRLF split in half, multi-byte characters,
    /// offsets past the end): the updated index is always the one built
    /// from scratch.
    #[test]
    fn edits_give_the_index_built_from_scratch() {
        const PIECES: &[&str] = &["a", "é", "😀", "\r\n", "\n", "\r", "[s]\n", "k=v", " ", ""];
        let mut seed: u64 = 0x5eed_1234_abcd_0001;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..200 {
            let mut text = String::from(["", "a\r\nb\n", "é\n\n😀x\r\n"][round % 3]);
            let mut index = LineIndex::new(&text);
            for _ in 0..50 {
                let mut a = next(text.len() + 3);
                let mut b = a + next(6);
                // Clamp to the text and to character boundaries, as the
                // documents do (their offsets come from `offset`).
                a = a.min(text.len());
                b = b.clamp(a, text.len());
                while !text.is_char_boundary(a) {
                    a -= 1;
                }
                while !text.is_char_boundary(b) {
                    b += 1;
                }
                let insert: String = (0..next(4)).map(|_| PIECES[next(PIECES.len())]).collect();
                text.replace_range(a..b, &insert);
                index.edit(&text, a, b, insert.len());
                let fresh = LineIndex::new(&text);
                assert_eq!(index.line_starts, fresh.line_starts, "{text:?}");
                assert_eq!(index.ascii, fresh.ascii, "{text:?}");
                assert_eq!(index.len, fresh.len);
            }
        }
        // An edit that does not fit the text: built again, no panic.
        let mut index = LineIndex::new("abc");
        index.edit("x\ny", 10, 2, 7);
        assert_eq!(index.line_starts, vec![0, 2]);
    }

    #[test]
    fn clamps_out_of_range_positions() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        let p = |line, col| LineCol { line, col };
        assert_eq!(index.offset(text, p(0, 99), Encoding::Utf16), 2);
        assert_eq!(index.offset(text, p(9, 0), Encoding::Utf16), 5);
        // Inside a surrogate pair: the start of the character.
        let text = "😀x";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, p(0, 1), Encoding::Utf16), 0);
    }
}
