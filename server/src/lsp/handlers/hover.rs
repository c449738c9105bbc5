//! `textDocument/hover`.

use crate::lsp::rpc::Result;
use ls_types::*;

use super::with_context;
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(s: &RequestSnapshot, params: HoverParams) -> Result<Option<Hover>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position_params.position);
    let hover = with_context(s, |cx| features::hover(s.kind, &s.doc.text, offset, cx));
    Ok(hover.map(|h| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(text.range(h.range)),
    }))
}
