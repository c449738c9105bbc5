//! `workspace/didChangeWorkspaceFolders`: folders added and removed.

use super::super::*;

impl Session {
    /// The workspace's documents are listed again; a document's diagnostics
    /// depend on the files beside it, not on the folders the workspace holds.
    pub(in crate::lsp::server) fn did_change_workspace_folders(
        &mut self,
        params: DidChangeWorkspaceFoldersParams,
    ) {
        for removed in &params.event.removed {
            let path = uri_path(&removed.uri);
            self.folders.retain(|f| *f != path);
        }
        for added in &params.event.added {
            self.folders.push(uri_path(&added.uri));
        }
        // The work per change is the folder list's edit above. The
        // re-listing is one at a time: a change while one runs asks for one
        // more after it, so a burst of 100 changes costs one or two
        // re-listings, not 100, and requests never queue behind them.
        if self.listing.relisting {
            self.listing.relist_again = true;
            return;
        }
        self.relist_folders();
    }

    fn relist_folders(&mut self) {
        self.listing.relisting = true;
        self.listing.relist_again = false;
        self.load_settings(|s| {
            let before: Vec<Uri> = s.workspace_docs.keys().cloned().collect();
            s.scan_workspace(Some(Box::new(move |s: &mut Session| {
                // Documents of a folder that left the workspace are cleared.
                for uri in before {
                    if !s.workspace_docs.contains_key(&uri) {
                        s.publish(uri);
                    }
                }
                if s.listing.relist_again {
                    s.relist_folders();
                } else {
                    s.listing.relisting = false;
                }
            })));
        });
    }
}
