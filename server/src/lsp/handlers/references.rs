//! `textDocument/references`: from a default.cfg option or section to every
//! read of it in the plugin's code (and, when asked, the option itself).

use crate::lsp::rpc::Result;
use ls_types::*;

use super::{location, with_context};
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(s: &RequestSnapshot, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position.position);
    let targets = with_context(s, |cx| {
        features::references(s.kind, &s.doc.text, offset, cx)
    });
    if targets.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    if params.context.include_declaration {
        out.push(Location::new(
            s.uri.clone(),
            text.range(features::word_at(&s.doc.text, offset)),
        ));
    }
    out.extend(targets.iter().filter_map(|t| location(s, t)));
    Ok(Some(out))
}
