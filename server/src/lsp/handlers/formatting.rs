//! `textDocument/formatting` and `textDocument/rangeFormatting` of
//! default.cfg and MANIFEST: layout only (see `features::format`).

use crate::lsp::rpc::Result;
use ls_types::*;

use crate::features::format;
use crate::lsp::snapshot::RequestSnapshot;

pub fn document(s: &RequestSnapshot, _: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
    Ok(edits(s, None))
}

pub fn range(
    s: &RequestSnapshot,
    params: DocumentRangeFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let text = s.convert();
    let start = text.offset(params.range.start);
    let end = text.offset(params.range.end);
    Ok(edits(
        s,
        Some(crate::text::TextRange::new(start, end.max(start))),
    ))
}

fn edits(s: &RequestSnapshot, range: Option<crate::text::TextRange>) -> Option<Vec<TextEdit>> {
    let text = s.convert();
    let edits = format::format(s.kind, &s.doc.text, range);
    Some(
        edits
            .into_iter()
            .map(|e| TextEdit::new(text.range(e.range), e.new_text))
            .collect(),
    )
}
