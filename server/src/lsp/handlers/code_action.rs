//! `textDocument/codeAction`: the quick fixes of the diagnostics in range
//! (`quickfix`), and one action applying every safe fix of the document
//! (`source.fixAll.sps-plugin-ls`, for `editor.codeActionsOnSave`). The
//! kinds a request asks for (`context.only`) are the only ones answered:
//! `source.fixAll` gets no quick fix, `quickfix` no fix-all, `source` the
//! source actions.

use std::collections::HashMap;

use crate::lsp::rpc::Result;
use ls_types::*;

use super::with_context;
use crate::analysis::Edit;
use crate::features;
use crate::lsp::convert::Text;
use crate::lsp::snapshot::RequestSnapshot;
use crate::text::{LineIndex, TextRange};

/// The kind of the fix-all action.
pub const FIX_ALL: &str = "source.fixAll.sps-plugin-ls";

/// The kinds the server offers, for its capabilities.
pub fn kinds() -> Vec<CodeActionKind> {
    vec![
        CodeActionKind::QUICKFIX,
        CodeActionKind::SOURCE_FIX_ALL,
        CodeActionKind::from(FIX_ALL),
    ]
}

/// Whether an action of `kind` answers a request for `only` (none: any):
/// a kind answers a request for itself and for any kind it is under
/// (`source.fixAll.sps-plugin-ls` under `source.fixAll` and `source`).
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|k| {
            let k = k.as_str();
            k.is_empty() || kind == k || kind.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
        })
    })
}

pub fn handle(s: &RequestSnapshot, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let text = s.convert();
    let only = params.context.only.as_deref();
    let mut response = Vec::new();
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        let range = text.range_from_lsp(params.range);
        let actions = with_context(s, |cx| features::actions(s.kind, &s.doc.text, range, cx));
        response.extend(actions.into_iter().filter_map(|a| {
            let edit = edits_by_file(s, &text, &a.edits)?;
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: a.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: a.fixes.as_ref().map(|d| vec![text.diagnostic(&s.uri, d)]),
                edit: Some(edit),
                ..Default::default()
            }))
        }));
    }
    if wanted(only, FIX_ALL) {
        if let Some(action) = fix_all(s, &text) {
            response.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    Ok(Some(response))
}

/// An action's edits as one workspace edit: those in this document through
/// its own text, those in another file (`Edit::path`) through that file's
/// text as the server sees it (open, else on disk). `None` when another
/// file cannot be read or named (the action would apply only in part).
fn edits_by_file(s: &RequestSnapshot, text: &Text, edits: &[Edit]) -> Option<WorkspaceEdit> {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for e in edits {
        match &e.path {
            None => changes.entry(s.uri.clone()).or_default().push(text.edit(e)),
            Some(path) => {
                let other = s.with_files(|files| files.read(path))?;
                let index = LineIndex::new(&other);
                let other_text = Text {
                    text: &other,
                    index: &index,
                    encoding: s.encoding,
                };
                let uri = Uri::from_file_path(path)?;
                changes.entry(uri).or_default().push(other_text.edit(e));
            }
        }
    }
    Some(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

fn workspace_edit(s: &RequestSnapshot, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(s.uri.clone(), edits)])),
        ..Default::default()
    }
}

/// Every safe fix of the document as one edit (none when there is none).
fn fix_all(s: &RequestSnapshot, text: &Text) -> Option<CodeAction> {
    let old: &str = &s.doc.text;
    let fixed = with_context(s, |cx| features::fix_all::fix_all(s.kind, old, cx, false));
    if fixed.fixed == 0 || fixed.text == old {
        return None;
    }
    let edit = text.edit(&minimal_edit(old, &fixed.text));
    Some(CodeAction {
        title: format!(
            "Fix all safely fixable problems ({} fix{})",
            fixed.fixed,
            if fixed.fixed == 1 { "" } else { "es" }
        ),
        kind: Some(CodeActionKind::from(FIX_ALL)),
        edit: Some(workspace_edit(s, vec![edit])),
        ..Default::default()
    })
}

/// One edit turning `old` into `new`: what lies between their common start
/// and end, so that the editor keeps the cursor and folds elsewhere.
fn minimal_edit(old: &str, new: &str) -> Edit {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let max_end = old.len().min(new.len()) - start;
    let mut end = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_end)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - end) || !new.is_char_boundary(new.len() - end) {
        end -= 1;
    }
    Edit::new(
        TextRange::new(start, old.len() - end),
        &new[start..new.len() - end],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_selects_kinds_and_their_sub_kinds() {
        let k = |s: &str| vec![CodeActionKind::from(s.to_string())];
        assert!(wanted(None, "quickfix"));
        assert!(wanted(Some(&k("source")), FIX_ALL));
        assert!(wanted(Some(&k("source.fixAll")), FIX_ALL));
        assert!(wanted(Some(&k(FIX_ALL)), FIX_ALL));
        assert!(!wanted(Some(&k("source.fixAll")), "quickfix"));
        assert!(!wanted(Some(&k("quickfix")), FIX_ALL));
        assert!(!wanted(Some(&k("source.fix")), FIX_ALL));
    }

    #[test]
    fn the_edit_covers_only_what_changed() {
        let apply = |old: &str, new: &str| {
            let e = minimal_edit(old, new);
            let mut t = old.to_string();
            t.replace_range(e.range.start..e.range.end, &e.new_text);
            assert_eq!(t, new);
            (e.range.start, e.range.end, e.new_text)
        };
        assert_eq!(
            apply("a: 1.10\nb=c\n", "a: '1.10'\nb: c\n"),
            (3, 10, "'1.10'\nb: ".into())
        );
        assert_eq!(apply("aaa", "aa"), (2, 3, String::new()));
        assert_eq!(apply("é€x", "é€"), (5, 6, String::new()));
        assert_eq!(apply("€", "é"), (0, 3, "é".into()));
    }
}
