//! `textDocument/didClose`: the document goes back to the disk, or out of the editor.

use super::super::*;

impl Backend {
    pub(in crate::lsp::server) async fn on_did_close(&self, params: DidCloseTextDocumentParams) {
        guard_notification("textDocument/didClose", async {
            let uri = params.text_document.uri;
            let closed = {
                let mut docs = lock(&self.state.docs);
                docs.remove(&uri).map(|d| (d.path, d.kind))
            };
            self.state.texts_changed();
            // A plugin's file made after the workspace was listed, with no
            // file event for it (a watcher can miss one), stays in the
            // workspace once closed, as the listing would have it: its
            // findings then come from the disk, and leave with the file.
            if let Some((path, Some(kind))) = &closed {
                // A regular file, not a link: the disk is read only inside.
                let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
                if is_on_disk(&uri) && regular {
                    lock(&self.state.workspace_docs)
                        .entry(uri.clone())
                        .or_insert_with(|| (path.clone(), *kind));
                }
            }
            let path = closed.map(|(p, _)| p);
            let from_disk = lock(&self.state.workspace_docs)
                .get(&uri)
                .is_some_and(|(p, _)| self.state.scope(p) == Scope::Workspace);
            if from_disk {
                // Back to its diagnostics from the disk.
                self.publish(uri.clone());
            } else {
                // A check under way for it publishes nothing.
                lock(&self.state.queue).wanted.remove(&uri);
                let had = self.state.published.lock().await.remove(&uri).is_some();
                if had {
                    self.state.publish_serialised(&uri, "[]", None).await;
                }
            }
            // Other documents now read this file from the disk.
            if let Some(path) = path {
                self.refresh(Some(&Self::changed_dirs([path])));
            }
        })
        .await;
    }
}
