//! `textDocument/inlayHint`: what SPS reads of a MANIFEST value, and the
//! code's default beside a documented one that differs.

use crate::lsp::rpc::Result;
use ls_types::*;

use super::with_context;
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(s: &RequestSnapshot, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let text = s.convert();
    let range = text.range_from_lsp(params.range);
    let hints = with_context(s, |cx| {
        features::inlay_hints(s.kind, &s.doc.text, range, cx)
    });
    Ok(Some(
        hints
            .into_iter()
            .map(|h| InlayHint {
                position: text.position(h.offset),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect(),
    ))
}
