//! `textDocument/foldingRange`.

use crate::lsp::rpc::Result;
use ls_types::*;

use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(s: &RequestSnapshot, _: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
    let text = s.convert();
    let folds = features::folding(s.kind, &s.doc.text);
    Ok(Some(
        folds
            .into_iter()
            .map(|f| FoldingRange {
                start_line: text.position(f.start).line,
                end_line: text.position(f.end).line,
                kind: Some(FoldingRangeKind::Region),
                ..Default::default()
            })
            .collect(),
    ))
}
