//! `textDocument/didSave`: the closed files read the saved text from the disk now.

use super::super::*;

impl Session {
    pub(in crate::lsp::server) fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        self.forget_scans();
        let path = uri_path(&params.text_document.uri);
        // The closed files read it from the disk now.
        self.refresh(Some(&Self::changed_dirs([path.clone()])));
        let kind = self
            .docs
            .get(&params.text_document.uri)
            .and_then(|d| d.kind);
        match kind {
            Some(DocKind::Python | DocKind::Manifest) => {
                self.refresh_plugin(&path, true, true, true)
            }
            // A configuration file applies to every file below it.
            Some(DocKind::Settings) => self.recheck_all(),
            _ => {}
        }
    }
}
