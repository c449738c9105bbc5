//! The assist "Ignore `<code>` on this line": writes the suppression
//! comment in the form the file kind wants (`analysis/suppression.rs` reads
//! them), or adds the code to the one already there.

use super::Action;
use crate::analysis::{self, suppression, Diagnostic};
use crate::text::{line_start, TextRange};
use crate::workspace::DocKind;

/// One action per code reported on a line the range touches.
pub fn ignore_actions(
    kind: DocKind,
    text: &str,
    diagnostics: &[Diagnostic],
    range: TextRange,
) -> Vec<Action> {
    let style = analysis::comment_style(kind);
    let mut seen: Vec<(usize, &str)> = Vec::new();
    let mut out = Vec::new();
    for d in diagnostics.iter().filter(|d| d.range.intersects(range)) {
        if d.code.id.starts_with("suppression/") || d.code == analysis::codes::file::TOO_LARGE {
            continue;
        }
        let line = line_start(text, d.range.start.min(text.len()));
        if seen.contains(&(line, d.code.id)) {
            continue;
        }
        seen.push((line, d.code.id));
        let Some(edit) = suppression::ignore_edit(text, style, d.range.start, d.code) else {
            continue;
        };
        out.push(Action {
            title: format!("Ignore `{}` on this line", d.code.id),
            edits: vec![edit],
            fixes: Some(d.clone()),
        });
    }
    out
}
