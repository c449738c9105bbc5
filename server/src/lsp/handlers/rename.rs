//! `textDocument/prepareRename` and `textDocument/rename`: a section or an
//! option of the plugin's configuration, renamed in default.cfg and in the
//! code that reads it. A refusal is an error whose message says why (the
//! editor shows it), as rust-analyzer answers.

use std::collections::HashMap;

use crate::lsp::rpc::{Error, Result};
use ls_types::*;

use super::with_context;
use crate::features::rename;
use crate::lsp::convert::Text;
use crate::lsp::snapshot::RequestSnapshot;
use crate::text::LineIndex;

fn refused(message: String) -> Error {
    // The request was valid, the rename is not possible.
    Error::request_failed(message)
}

pub fn prepare(
    s: &RequestSnapshot,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let text = s.convert();
    let offset = text.offset(params.position);
    let (range, _) =
        with_context(s, |cx| rename::prepare(s.kind, &s.doc.text, offset, cx)).map_err(refused)?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: text.range(range),
        placeholder: s.doc.text[range.start..range.end].to_string(),
    }))
}

pub fn handle(s: &RequestSnapshot, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position.position);
    let edits = with_context(s, |cx| {
        rename::rename(s.kind, &s.doc.text, offset, &params.new_name, cx)
    })
    .map_err(refused)?;
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for e in edits {
        let Some(uri) = Uri::from_file_path(&e.path) else {
            continue;
        };
        let index = LineIndex::new(&e.text);
        let converted = Text {
            text: &e.text,
            index: &index,
            encoding: s.encoding,
        };
        changes
            .entry(uri)
            .or_default()
            .push(TextEdit::new(converted.range(e.range), e.new_text));
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }))
}
