//! `textDocument/definition`: from `entry_point` to its file.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::with_context;
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(
    s: &RequestSnapshot,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position_params.position);
    let link = with_context(s, |cx| {
        features::definition(s.kind, &s.doc.text, offset, cx)
    });
    Ok(link.and_then(|l| {
        let uri = Uri::from_file_path(&l.target)?;
        Some(GotoDefinitionResponse::Scalar(Location::new(
            uri,
            Range::default(),
        )))
    }))
}
