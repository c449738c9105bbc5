//! `workspace/didChangeWorkspaceFolders`: folders added and removed.

use super::super::*;

impl Backend {
    /// The workspace's documents are listed again; a document's diagnostics
    /// depend on the files beside it, not on the folders the workspace holds.
    pub(in crate::lsp::server) async fn on_did_change_workspace_folders(
        &self,
        params: DidChangeWorkspaceFoldersParams,
    ) {
        {
            let mut folders = lock(&self.state.folders);
            for removed in &params.event.removed {
                let path = uri_path(&removed.uri);
                folders.retain(|f| *f != path);
            }
            for added in &params.event.added {
                folders.push(uri_path(&added.uri));
            }
        }
        // The work per change is the folder list's edit above. The
        // re-listing is one task's: the change that finds none running
        // starts it, and it goes again while changes came during its run,
        // so a burst of 100 changes costs one or two re-listings, not 100,
        // and requests never queue behind them.
        if self.state.folder_changes.fetch_add(1, Ordering::SeqCst) > 0 {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            // A panic in the re-listing must not leave the count above 0
            // (no change would start one again).
            struct Reset<'a>(&'a AtomicU64);
            impl Drop for Reset<'_> {
                fn drop(&mut self) {
                    self.0.store(0, Ordering::SeqCst);
                }
            }
            let reset = Reset(&this.state.folder_changes);
            loop {
                let seen = this.state.folder_changes.load(Ordering::SeqCst);
                this.load_settings().await;
                let before: Vec<Uri> = lock(&this.state.workspace_docs).keys().cloned().collect();
                this.scan_workspace().await;
                // Documents of a folder that left the workspace are cleared.
                for uri in before {
                    if !lock(&this.state.workspace_docs).contains_key(&uri) {
                        this.publish(uri);
                    }
                }
                if this
                    .state
                    .folder_changes
                    .compare_exchange(seen, 0, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    break;
                }
            }
            std::mem::forget(reset);
        });
    }
}
