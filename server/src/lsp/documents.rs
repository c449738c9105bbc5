//! The open documents: a text per document, edited in place by incremental
//! changes with its line index kept up to date, plus a cached immutable
//! snapshot of both for analysis.

use std::path::PathBuf;
use std::sync::Arc;

use ls_types as lsp;

use crate::text::{Encoding, LineCol, LineIndex};
use crate::workspace::DocKind;

pub struct Document {
    pub path: PathBuf,
    pub kind: Option<DocKind>,
    pub version: i32,
    /// For a MANIFEST: the plugin type it declared when its neighbours were
    /// last checked (their SDK sections depend on it).
    pub plugin_type: Option<String>,
    /// For a MANIFEST: the key of its facts as of its text
    /// ([`crate::analysis::plugin::Plugin::facts_key`]), once known.
    pub facts: Option<u64>,
    text: String,
    /// The index of `text`, updated by each edit (shared with the snapshot
    /// until the next edit, which copies it only if a snapshot still holds
    /// it).
    index: Arc<LineIndex>,
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
            plugin_type: None,
            facts: None,
            index: Arc::new(LineIndex::new(text)),
            text: text.to_string(),
            snapshot: None,
        }
    }

    /// Applies one change as the protocol defines it: positions past the end
    /// of a line or of the text are clamped, a column inside a character
    /// means its start, so no change can fail. Only the edited lines of the
    /// line index are scanned again.
    pub fn apply(&mut self, change: &lsp::TextDocumentContentChangeEvent, enc: Encoding) {
        self.snapshot = None;
        match change.range {
            None => {
                self.text = change.text.clone();
                self.index = Arc::new(LineIndex::new(&self.text));
            }
            Some(range) => {
                let start = self.offset(range.start, enc);
                let end = self.offset(range.end, enc).max(start);
                self.text.replace_range(start..end, &change.text);
                Arc::make_mut(&mut self.index).edit(&self.text, start, end, change.text.len());
            }
        }
    }

    /// The byte offset of a protocol position.
    fn offset(&self, pos: lsp::Position, enc: Encoding) -> usize {
        let pos = LineCol {
            line: pos.line,
            col: pos.character,
        };
        self.index.offset(&self.text, pos, enc)
    }

    pub fn snapshot(&mut self) -> Snapshot {
        if let Some(s) = &self.snapshot {
            return s.clone();
        }
        let s = Snapshot {
            text: Arc::from(self.text.as_str()),
            index: self.index.clone(),
            version: self.version,
        };
        self.snapshot = Some(s.clone());
        s
    }
}

/// Applies one protocol range edit both to `doc` and, through the line
/// index, to the plain `model`, and checks that the two texts agree.
fn edit_both(
    doc: &mut Document,
    model: &mut String,
    range: [u32; 4],
    insert: String,
    enc: Encoding,
) {
    let [l1, c1, l2, c2] = range;
    let index = LineIndex::new(model);
    let a = index.offset(model, LineCol { line: l1, col: c1 }, enc);
    let b = index.offset(model, LineCol { line: l2, col: c2 }, enc);
    // An inverted range is empty at its start.
    model.replace_range(a..b.max(a), &insert);
    doc.apply(
        &lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::new(
                lsp::Position::new(l1, c1),
                lsp::Position::new(l2, c2),
            )),
            range_length: None,
            text: insert,
        },
        enc,
    );
    let snapshot = doc.snapshot();
    assert_eq!(&*snapshot.text, model.as_str());
    // The index kept up by the edits is the one built from scratch.
    let fresh = LineIndex::new(model);
    for line in 0..=model.matches('\n').count() + 1 {
        assert_eq!(snapshot.index.line_start(line), fresh.line_start(line));
    }
    for offset in 0..=model.len() + 1 {
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(
                snapshot.index.line_col(model, offset, enc),
                fresh.line_col(model, offset, enc)
            );
        }
    }
}

/// Replays bytes as a sequence of edits, applied both to a [`Document`] and,
/// through the line index, to a plain `String`; panics where they differ.
/// The `edits` fuzz target runs this, and so do the regression tests on the
/// inputs it found (`fuzz/regressions/edits/`).
#[doc(hidden)]
pub fn replay_edits(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let split = (data[0] as usize).min(data.len() - 1);
    let (init, mut ops) = data[1..].split_at(split.min(data.len() - 1));
    let mut model = String::from_utf8_lossy(init).into_owned();
    let enc = if data[0] & 1 == 0 {
        Encoding::Utf16
    } else {
        Encoding::Utf8
    };
    let mut doc = Document::new("/p/MANIFEST".into(), None, 0, &model);
    while ops.len() >= 5 {
        let (l1, c1) = (u32::from(ops[0]) % 8, u32::from(ops[1]) % 40);
        let (l2, c2) = (u32::from(ops[2]) % 8, u32::from(ops[3]) % 40);
        let take = (ops[4] as usize % 6).min(ops.len() - 5);
        let insert = String::from_utf8_lossy(&ops[5..5 + take]).into_owned();
        ops = &ops[5 + take..];
        edit_both(&mut doc, &mut model, [l1, c1, l2, c2], insert, enc);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::analysis::{self, Context};
    use crate::workspace::MemoryFiles;

    const PIECES: &[&str] = &[
        "a", "é", "😀", "\r\n", "\n", ": ", "'", "[", "=", "%", "#", ";", " ", "\t", "name", "1.10",
    ];

    fn edit_strategy() -> impl Strategy<Value = (u32, u32, u32, u32, Vec<usize>)> {
        (
            0u32..12,
            0u32..30,
            0u32..12,
            0u32..30,
            prop::collection::vec(0..PIECES.len(), 0..4),
        )
    }

    fn diagnostics(kind: DocKind, text: &str) -> Vec<analysis::Diagnostic> {
        let mut files = MemoryFiles::default();
        files.files.insert(
            "/p/main.py".into(),
            b"#!/usr/bin/env pluginwrapper3\nfrom x import Plugin\n".to_vec(),
        );
        files
            .files
            .insert("/p/MANIFEST".into(), b"type: aa\n".to_vec());
        let path = if kind == DocKind::Manifest {
            "/p/MANIFEST"
        } else {
            "/p/default.cfg"
        };
        let cx = Context::new(Path::new(path), &files);
        analysis::analyze(kind, text, &cx)
    }

    /// Inputs on which the `edits` fuzz target once failed.
    #[test]
    fn fuzz_regressions() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/regressions/edits");
        for entry in std::fs::read_dir(dir).unwrap() {
            replay_edits(&std::fs::read(entry.unwrap().path()).unwrap());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Incremental edits in either encoding give the text a `String`
        /// edited through the line index has, and the diagnostics of a
        /// fresh open of that text.
        #[test]
        fn edits_match_a_string_model(
            utf8 in any::<bool>(),
            manifest in any::<bool>(),
            edits in prop::collection::vec(edit_strategy(), 1..25),
        ) {
            let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
            let kind = if manifest { DocKind::Manifest } else { DocKind::Config };
            let start = if manifest {
                "name: My_Plugin\r\ndescription: Ünï 😀\nversion: 1.10\ntype: aa\napi: '1.9'\nentry_point: main.py\n"
            } else {
                "[logging]\r\nlog_level=info ; é\n[auth]\ndisable_echo=true\n  indented=1\n[x]\nk=50%\n"
            };
            let mut model = start.to_string();
            let mut doc = Document::new(PathBuf::from("/p/x"), Some(kind), 0, start);
            for (l1, c1, l2, c2, pieces) in edits {
                let insert: String = pieces.iter().map(|i| PIECES[*i]).collect();
                edit_both(&mut doc, &mut model, [l1, c1, l2, c2], insert, enc);
            }
            prop_assert_eq!(diagnostics(kind, &doc.snapshot().text), diagnostics(kind, &model));
        }
    }
}
