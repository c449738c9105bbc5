//! One module per protocol method: finding the code for
//! `textDocument/hover` is opening `hover.rs`.

pub mod code_action;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod document_highlight;
pub mod document_link;
pub mod document_symbol;
pub mod folding_range;
pub mod formatting;
pub mod hover;
pub mod initialize;
pub mod inlay_hint;
pub mod references;
pub mod rename;
pub mod signature_help;
pub mod will_rename_files;

use std::path::Path;
use std::sync::Arc;

use crate::analysis::Context;
use crate::lsp::snapshot::RequestSnapshot;
use crate::workspace::Files;

/// Runs `f` with the analysis context of a request's document: the
/// configuration file found for it, over the editor's settings.
fn with_context<R>(s: &RequestSnapshot, f: impl FnOnce(&Context) -> R) -> R {
    s.with_files(|files: &dyn Files| {
        let cx = Context::new(&s.path, files);
        let cx = match &s.editor {
            Some(editor) => {
                let dir = s.path.parent().unwrap_or(Path::new(""));
                let file = crate::settings::discovered(dir, files);
                cx.with_settings(Arc::new((*file).clone().over(editor)))
            }
            None => cx,
        };
        f(&cx)
    })
}

/// A feature's target (a place in another file, with that file's text) as
/// a protocol location, its range in the client's encoding.
fn location(s: &RequestSnapshot, t: &crate::features::Target) -> Option<ls_types::Location> {
    let uri = ls_types::Uri::from_file_path(&t.path)?;
    let index = crate::text::LineIndex::new(&t.text);
    let range = crate::lsp::convert::Text {
        text: &t.text,
        index: &index,
        encoding: s.encoding,
    }
    .range(t.range);
    Some(ls_types::Location::new(uri, range))
}
