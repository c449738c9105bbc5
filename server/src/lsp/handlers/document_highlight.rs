//! `textDocument/documentHighlight`: the places in the document that name
//! the configuration section or option under the cursor (in default.cfg, or
//! in a getter call of the code).

use crate::lsp::rpc::Result;
use ls_types::*;

use super::with_context;
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(
    s: &RequestSnapshot,
    params: DocumentHighlightParams,
) -> Result<Option<Vec<DocumentHighlight>>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position_params.position);
    let ranges = with_context(s, |cx| {
        features::highlights(s.kind, &s.doc.text, offset, cx)
    });
    if ranges.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        ranges
            .into_iter()
            .map(|r| DocumentHighlight {
                range: text.range(r),
                kind: Some(DocumentHighlightKind::TEXT),
            })
            .collect(),
    ))
}
