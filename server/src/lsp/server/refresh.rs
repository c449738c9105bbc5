//! What an edit or a file event makes the server check again: the open
//! documents, a plugin's code or configuration, a kind of document in some
//! folders; and the publication queue they feed.

use super::*;

impl Session {
    /// Re-checks the documents in `dirs` (all of them when `None`), the
    /// workspace's closed ones too, and publishes their diagnostics: for
    /// changes on disk.
    pub(super) fn refresh(&mut self, dirs: Option<&HashSet<PathBuf>>) {
        self.refresh_where(dirs, |_| true, true);
    }

    /// Re-checks the open documents in `dirs`: for a change of an open
    /// document's text, which the closed ones see when it is saved (a
    /// keystroke re-checks no closed file).
    pub(super) fn refresh_open(&mut self, dirs: &HashSet<PathBuf>) {
        self.refresh_where(Some(dirs), |_| true, false);
    }

    /// Re-checks the open documents of one kind in `dirs`.
    pub(super) fn refresh_kind(&mut self, dirs: &HashSet<PathBuf>, kind: DocKind) {
        self.refresh_where(Some(dirs), |k| k == kind, false);
    }

    pub(super) fn refresh_where(
        &mut self,
        dirs: Option<&HashSet<PathBuf>>,
        wanted: impl Fn(DocKind) -> bool,
        closed: bool,
    ) {
        let in_dirs =
            |p: &Path| dirs.is_none_or(|dirs| p.parent().is_some_and(|p| dirs.contains(p)));
        let uris = self.documents_where(|p, k| wanted(k) && in_dirs(p), closed);
        for uri in uris {
            self.publish(uri);
        }
    }

    /// The open documents and, with `closed`, the workspace's closed ones
    /// whose path and kind pass `keep`.
    pub(super) fn documents_where(
        &self,
        keep: impl Fn(&Path, DocKind) -> bool,
        closed: bool,
    ) -> Vec<Uri> {
        let mut uris: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, d)| d.kind.is_some_and(|k| keep(&d.path, k)))
            .map(|(u, _)| u.clone())
            .collect();
        if !closed {
            return uris;
        }
        let open: HashSet<Uri> = uris.iter().cloned().collect();
        let closed: Vec<Uri> = self
            .workspace_docs
            .iter()
            .filter(|(u, (p, k))| keep(p, *k) && !open.contains(*u))
            .map(|(u, _)| u.clone())
            .collect();
        uris.extend(closed);
        uris
    }

    pub(super) fn has_open_config_beside(&self, manifest: &Path) -> bool {
        self.docs
            .values()
            .any(|d| d.kind == Some(DocKind::Config) && d.path.parent() == manifest.parent())
    }

    /// Records the plugin type of an open MANIFEST; true when it changed.
    pub(super) fn update_plugin_type(&mut self, uri: &Uri, now: Option<String>) -> bool {
        let Some(doc) = self.docs.get_mut(uri) else {
            return false;
        };
        let changed = now != doc.plugin_type;
        doc.plugin_type = now;
        changed
    }

    /// Re-checks the open `.py` documents of the plugin around `path` (the
    /// plugin folder is the nearest above holding a MANIFEST), and with
    /// `manifest` its open MANIFEST and the changed document itself too.
    pub(super) fn refresh_plugin_code(&mut self, path: &Path, manifest: bool) {
        self.refresh_plugin(path, manifest, false, false);
    }

    /// The plugin's code and its `.cfg` files after a keystroke in one of
    /// its `.py` files: what the code reads is checked in default.cfg.
    pub(super) fn refresh_after_code_edit(&mut self, path: &Path) {
        self.refresh_plugin(path, true, true, false);
    }

    /// The same for open and closed documents, for a saved file.
    pub(super) fn refresh_plugin(
        &mut self,
        path: &Path,
        manifest: bool,
        config: bool,
        closed: bool,
    ) {
        // Through the disk's kept answers: this runs on the loop, at every
        // keystroke in a `.py`.
        let disk = DiskFiles::unconfined();
        let cached = crate::workspace::CachedDisk {
            below: &disk,
            cache: self.disk_cache(),
        };
        let folder = crate::analysis::plugin::folder_of(path, &cached)
            .or_else(|| path.parent().map(Path::to_path_buf));
        let Some(folder) = folder else { return };
        let uris = self.documents_where(
            |p, k| match k {
                DocKind::Python => p.starts_with(&folder),
                DocKind::Manifest => manifest && p.parent() == Some(&folder),
                // default.cfg, and the instance configurations in the folder.
                DocKind::Config => config && p.starts_with(&folder),
                _ => false,
            },
            closed,
        );
        for uri in uris {
            self.publish(uri);
        }
    }

    /// A MANIFEST made or deleted changes which open files are a plugin's
    /// (the client sends every `.py` and `.cfg`): their kinds are found
    /// again, a file that is no longer a plugin's has its diagnostics
    /// cleared, and the plugins' documents are checked again.
    pub(super) fn redetect_kinds(&mut self, manifests: &[PathBuf]) {
        let folders: Vec<&Path> = manifests.iter().filter_map(|m| m.parent()).collect();
        let disk = DiskFiles::unconfined();
        let mut lost = Vec::new();
        let uris: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(u, d)| is_on_disk(u) && folders.iter().any(|f| d.path.starts_with(f)))
            .map(|(u, _)| u.clone())
            .collect();
        for uri in uris {
            let path = self.docs[&uri].path.clone();
            let now = self.kind_of(&path, &disk);
            let doc = self.docs.get_mut(&uri).expect("listed above");
            if now.is_none() && doc.kind.is_some() {
                lost.push(uri.clone());
            }
            doc.kind = now;
        }
        self.texts_changed();
        for uri in lost {
            if self.published.remove(&uri).is_some() {
                self.publish_serialised(&uri, "[]", None);
            }
        }
        for manifest in manifests {
            self.refresh_plugin(manifest, true, true, true);
        }
    }

    /// Forgets the folder walks: files changed on disk.
    pub(super) fn forget_scans(&mut self) {
        self.forget_walks();
        // Parsed configuration files too: their stamps would tell, but a
        // watched-file event is the editor's word that files changed.
        crate::settings::forget();
        self.disk_changed();
    }

    pub(super) fn changed_dirs(paths: impl IntoIterator<Item = PathBuf>) -> HashSet<PathBuf> {
        paths
            .into_iter()
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect()
    }

    /// Asks the client to watch plugin files.
    pub(super) fn register_watchers(&mut self) {
        if !self.watching {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: [
                "**/MANIFEST",
                "**/*.py",
                "**/*.cfg",
                "**/*.cfg.plugin",
                "**/__init__.py",
                "**/sps-plugin-ls.toml",
                "**/.sps-plugin-ls.toml",
                "**/pyproject.toml",
            ]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.into()),
                kind: None,
            })
            .collect(),
        };
        let registration = Registration {
            id: "sps-plugin-ls-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.client.request(
            "client/registerCapability",
            RegistrationParams {
                registrations: vec![registration],
            },
            Box::new(|_, answer| {
                if let Err(e) = answer {
                    tracing::warn!("client refused file watchers: {e}");
                }
            }),
        );
    }
}
