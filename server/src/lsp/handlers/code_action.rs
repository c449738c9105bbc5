//! `textDocument/codeAction`: the quick fixes of the diagnostics in range.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::with_context;
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(s: &RequestSnapshot, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let text = s.convert();
    let range = text.range_from_lsp(params.range);
    let actions = with_context(s, |cx| features::actions(s.kind, &s.doc.text, range, cx));
    let response = actions
        .into_iter()
        .map(|a| {
            let edits = a.edits.iter().map(|e| text.edit(e)).collect();
            CodeActionOrCommand::CodeAction(CodeAction {
                title: a.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: a.fixes.as_ref().map(|d| vec![text.diagnostic(&s.uri, d)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(s.uri.clone(), edits)])),
                    ..Default::default()
                }),
                ..Default::default()
            })
        })
        .collect();
    Ok(Some(response))
}
