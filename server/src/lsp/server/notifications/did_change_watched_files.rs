//! `workspace/didChangeWatchedFiles`: files changed on disk; the workspace listed again where they are.

use super::super::*;

impl Session {
    pub(in crate::lsp::server) fn did_change_watched_files(
        &mut self,
        params: DidChangeWatchedFilesParams,
    ) {
        let changes: Vec<(PathBuf, FileChangeType)> = params
            .changes
            .iter()
            .map(|c| (uri_path(&c.uri), c.typ))
            .filter(|(p, _)| !p.components().any(|c| c.as_os_str() == ".git"))
            .collect();
        if changes.is_empty() {
            return;
        }
        self.forget_scans();
        let settings_changed = changes.iter().any(|(p, _)| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(crate::settings::is_settings_file)
        });
        let listed: Vec<PathBuf> = changes
            .iter()
            .filter(|(_, t)| *t != FileChangeType::CHANGED)
            .map(|(p, _)| p.clone())
            .collect();
        if !listed.is_empty() {
            self.relist(&listed);
        }
        let manifests: Vec<PathBuf> = listed
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n == "MANIFEST"))
            .cloned()
            .collect();
        if !manifests.is_empty() {
            self.redetect_kinds(&manifests);
        }
        if settings_changed {
            // Its settings apply to every file below it.
            self.recheck_all();
            return;
        }
        let dirs = Self::changed_dirs(changes.into_iter().map(|(p, _)| p));
        // A file in a sub-folder can matter to the plugin above it.
        let mut all = dirs.clone();
        for d in &dirs {
            all.extend(d.ancestors().skip(1).take(8).map(Path::to_path_buf));
        }
        self.refresh(Some(&all));
        self.refresh_pulls();
    }
}
