//! `textDocument/definition`: from `entry_point` to the `Plugin` class.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::with_context;
use crate::features;
use crate::lsp::convert::Text;
use crate::lsp::snapshot::RequestSnapshot;
use crate::text::LineIndex;

pub fn handle(
    s: &RequestSnapshot,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position_params.position);
    let target = with_context(s, |cx| {
        features::definition(s.kind, &s.doc.text, offset, cx)
    });
    Ok(target.and_then(|t| {
        let uri = Uri::from_file_path(&t.path)?;
        let index = LineIndex::new(&t.text);
        let range = Text {
            text: &t.text,
            index: &index,
            encoding: s.encoding,
        }
        .range(t.range);
        Some(GotoDefinitionResponse::Scalar(Location::new(uri, range)))
    }))
}
