//! `textDocument/definition`: from `entry_point` to the `Plugin` class.

use crate::lsp::rpc::Result;
use ls_types::*;

use super::{location, with_context};
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(
    s: &RequestSnapshot,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position_params.position);
    let target = with_context(s, |cx| {
        features::definition(s.kind, &s.doc.text, offset, cx)
    });
    Ok(target
        .and_then(|t| location(s, &t))
        .map(GotoDefinitionResponse::Scalar))
}
