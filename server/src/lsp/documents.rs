//! The open documents: a rope per document, edited in place by incremental
//! changes, plus a cached immutable snapshot of its text for analysis.

use std::path::PathBuf;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::text::{Encoding, LineIndex};
use crate::workspace::DocKind;

pub struct Document {
    pub path: PathBuf,
    pub kind: Option<DocKind>,
    pub version: i32,
    rope: Rope,
    snapshot: Option<Snapshot>,
}

/// An immutable view of a document's text at one version.
#[derive(Clone)]
pub struct Snapshot {
    pub text: Arc<str>,
    pub index: Arc<LineIndex>,
    pub version: i32,
}

impl Document {
    pub fn new(path: PathBuf, kind: Option<DocKind>, version: i32, text: &str) -> Self {
        Self {
            path,
            kind,
            version,
            rope: Rope::from_str(text),
            snapshot: None,
        }
    }

    /// Applies one change as the protocol defines it: positions past the end
    /// of a line or of the text are clamped, so no change can fail.
    pub fn apply(&mut self, change: &lsp::TextDocumentContentChangeEvent, enc: Encoding) {
        self.snapshot = None;
        match change.range {
            None => self.rope = Rope::from_str(&change.text),
            Some(range) => {
                let start = self.char_index(range.start, enc);
                let end = self.char_index(range.end, enc).max(start);
                self.rope.remove(start..end);
                self.rope.insert(start, &change.text);
            }
        }
    }

    /// The rope's char index of a protocol position.
    fn char_index(&self, pos: lsp::Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_chars();
        }
        let line_start = self.rope.line_to_char(line);
        let slice = self.rope.line(line);
        // The line without its break (`\n` or `\r\n`, as in LineIndex): a
        // column past the end means its end.
        let mut len = slice.len_chars();
        if len > 0 && slice.char(len - 1) == '\n' {
            len -= 1;
            if len > 0 && slice.char(len - 1) == '\r' {
                len -= 1;
            }
        }
        let col = pos.character as usize;
        let within = match enc {
            Encoding::Utf32 => col.min(len),
            Encoding::Utf16 => {
                let units = slice.char_to_utf16_cu(len);
                slice.utf16_cu_to_char(col.min(units))
            }
            Encoding::Utf8 => {
                let bytes = slice.char_to_byte(len);
                slice.byte_to_char(col.min(bytes))
            }
        };
        line_start + within
    }

    pub fn snapshot(&mut self) -> Snapshot {
        if let Some(s) = &self.snapshot {
            return s.clone();
        }
        let text: Arc<str> = Arc::from(self.rope.to_string());
        let s = Snapshot {
            index: Arc::new(LineIndex::new(&text)),
            text,
            version: self.version,
        };
        self.snapshot = Some(s.clone());
        s
    }
}
