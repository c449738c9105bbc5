//! The edit applier (rope + protocol positions, both encodings) against a
//! plain `String` edited through the line index.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::lsp::documents::Document;
use sps_plugin_ls::text::{Encoding, LineCol, LineIndex};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let split = (data[0] as usize).min(data.len() - 1);
    let (init, mut ops) = data[1..].split_at(split.min(data.len() - 1));
    let mut model = String::from_utf8_lossy(init).into_owned();
    let enc = if data[0] & 1 == 0 { Encoding::Utf16 } else { Encoding::Utf8 };
    let mut doc = Document::new("/p/MANIFEST".into(), None, 0, &model);
    while ops.len() >= 5 {
        let (l1, c1, l2, c2, n) = (ops[0] as u32 % 8, ops[1] as u32 % 40, ops[2] as u32 % 8, ops[3] as u32 % 40, ops[4] as usize % 6);
        ops = &ops[5..];
        let take = n.min(ops.len());
        let insert = String::from_utf8_lossy(&ops[..take]).into_owned();
        ops = &ops[take..];
        let index = LineIndex::new(&model);
        let a = index.offset(&model, LineCol { line: l1, col: c1 }, enc);
        let b = index.offset(&model, LineCol { line: l2, col: c2 }, enc);
        // The protocol sends start <= end; the server tolerates the reverse
        // by treating it as empty at the start.
        let (start, end) = (a, b.max(a));
        model.replace_range(start..end, &insert);
        doc.apply(
            &TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
                range_length: None,
                text: insert,
            },
            enc,
        );
        assert_eq!(&*doc.snapshot().text, model.as_str());
    }
});
