//! `textDocument/didOpen`: the document joins the open texts, its kind is decided, and it is checked.

use super::super::*;

impl Session {
    pub(in crate::lsp::server) fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let path = uri_path(&doc.uri);
        let kind = if is_on_disk(&doc.uri) {
            self.kind_of(&path, &DiskFiles::unconfined())
        } else {
            DocKind::detect(&path, &NoFiles)
        };
        let dir = Self::changed_dirs([path.clone()]);
        if kind.is_none()
            || (is_on_disk(&doc.uri) && crate::workspace::walks_miss(self.scans(), &path))
        {
            // A file the editor just created may not be on disk yet, or
            // be newer than the walks kept of its plugin.
            self.forget_scans();
        }
        self.docs.insert(
            doc.uri.clone(),
            Document::new(path, kind, doc.version, &doc.text),
        );
        self.texts_changed();
        self.refresh_open(&dir);
    }
}
