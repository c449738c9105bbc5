//! `textDocument/didClose`: the document goes back to the disk, or out of the editor.

use super::super::*;

impl Session {
    pub(in crate::lsp::server) fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let closed = self.docs.remove(&uri).map(|d| (d.path, d.kind));
        self.texts_changed();
        // A plugin's file made after the workspace was listed, with no
        // file event for it (a watcher can miss one), stays in the
        // workspace once closed, as the listing would have it: its
        // findings then come from the disk, and leave with the file.
        if let Some((path, Some(kind))) = &closed {
            // A regular file, not a link: the disk is read only inside.
            let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
            if is_on_disk(&uri) && regular {
                self.workspace_docs
                    .entry(uri.clone())
                    .or_insert_with(|| (path.clone(), *kind));
            }
        }
        let path = closed.map(|(p, _)| p);
        let from_disk = self
            .workspace_docs
            .get(&uri)
            .is_some_and(|(p, _)| self.scope(p) == Scope::Workspace);
        if from_disk {
            // Back to its diagnostics from the disk.
            self.publish(uri.clone());
        } else {
            // A check under way for it publishes nothing.
            self.checks.forget(&uri);
            if self.published.remove(&uri).is_some() {
                self.publish_serialised(&uri, "[]", None);
            }
        }
        // Other documents now read this file from the disk.
        if let Some(path) = path {
            self.refresh(Some(&Self::changed_dirs([path])));
        }
    }
}
