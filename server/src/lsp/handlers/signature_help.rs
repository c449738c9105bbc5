//! `textDocument/signatureHelp`.

use crate::lsp::rpc::Result;
use ls_types::*;

use super::with_context;
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;
use crate::text::units;

/// What the server advertises: asked again at `(` and `,`.
pub fn options() -> SignatureHelpOptions {
    SignatureHelpOptions {
        trigger_characters: Some(vec!["(".into(), ",".into()]),
        retrigger_characters: None,
        work_done_progress_options: Default::default(),
    }
}

pub fn handle(s: &RequestSnapshot, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position_params.position);
    let help = with_context(s, |cx| {
        features::signature_help(s.kind, &s.doc.text, offset, cx)
    });
    let Some(h) = help else {
        return Ok(None);
    };
    // Offsets into the label, in the units positions are counted in.
    let at = |byte: usize| units(&h.label[..byte], s.encoding) as u32;
    let markdown = |value: String| {
        Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        })
    };
    let parameters = h
        .parameters
        .iter()
        .map(|p| ParameterInformation {
            label: ParameterLabel::LabelOffsets([at(p.range.0), at(p.range.1)]),
            documentation: p.documentation.clone().map(markdown),
        })
        .collect();
    let active = h.active_parameter.map(|a| a as u32);
    Ok(Some(SignatureHelp {
        signatures: vec![SignatureInformation {
            label: h.label.clone(),
            documentation: Some(markdown(h.documentation.clone())),
            parameters: Some(parameters),
            active_parameter: active,
        }],
        active_signature: Some(0),
        active_parameter: active,
    }))
}
