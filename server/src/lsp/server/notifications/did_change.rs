//! `textDocument/didChange`: the edits applied in order, then only what they can affect checked again.

use super::super::*;

impl Session {
    pub(in crate::lsp::server) fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let enc = self.encoding;
        let uri = params.text_document.uri;
        let Some(doc) = self.docs.get_mut(&uri) else {
            tracing::warn!("change to a document that is not open: {}", uri.as_str());
            return;
        };
        let is_manifest = doc.kind == Some(DocKind::Manifest);
        let folder = doc.path.parent().unwrap_or(Path::new("")).to_path_buf();
        // The facts before the edit: known since the last one, else parsed.
        let before = is_manifest.then(|| match doc.facts {
            Some(known) => known,
            None => Plugin::from_manifest(folder.clone(), &doc.snapshot().text).facts_key(),
        });
        for change in &params.content_changes {
            doc.apply(change, enc);
        }
        doc.version = params.text_document.version;
        let (path, kind) = (doc.path.clone(), doc.kind);
        match kind {
            Some(DocKind::Manifest) => self.manifest_text_changed(),
            Some(DocKind::Python) => self.python_text_changed(),
            _ => self.texts_changed(),
        }
        // The facts after it, parsed once: in the new view's memo, where
        // the checks of the MANIFEST and of its code find them.
        let after = is_manifest
            .then(|| self.snapshot(&uri))
            .flatten()
            .map(|s| s.with_files(|files| Plugin::of_text(&folder, &s.doc.text, files)));
        let facts_changed = match (&before, &after) {
            (Some(b), Some(a)) => *b != a.facts_key(),
            _ => true,
        };
        if let (Some(doc), Some(after)) = (self.docs.get_mut(&uri), &after) {
            doc.facts = Some(after.facts_key());
        }
        let type_changed = match &after {
            Some(after) if self.has_open_config_beside(&path) => {
                self.update_plugin_type(&uri, after.plugin_type.clone())
            }
            _ => false,
        };
        // Only what the change can affect is checked again: a MANIFEST
        // matters to its default.cfg only through `type`, a .cfg to the
        // code that reads it, any other file (the entry point) to the
        // MANIFEST.
        let dirs = Self::changed_dirs([path.clone()]);
        match kind {
            // A module of the plugin matters to its MANIFEST and to the
            // plugin's other modules (imports, the `Plugin` class).
            Some(DocKind::Python) => self.refresh_after_code_edit(&path),
            // What default.cfg documents matters to the code's reads
            // (python/undocumented-option); no Python is parsed again.
            Some(DocKind::Config) => {
                self.publish(uri);
                self.refresh_plugin_code(&path, false);
            }
            Some(DocKind::Manifest) => {
                if type_changed {
                    self.refresh_open(&dirs);
                } else {
                    self.publish(uri);
                }
                // `api`, `type` and `entry_point` matter to the code;
                // nothing else in it does.
                if facts_changed {
                    self.refresh_plugin_code(&path, false);
                }
            }
            Some(_) => self.publish(uri),
            None => self.refresh_kind(&dirs, DocKind::Manifest),
        }
    }
}
