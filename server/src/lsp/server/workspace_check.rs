//! The editor's settings read again, and the workspace listed and checked:
//! at the start, when folders or settings change, and file by file after
//! file events (`relist`).

use super::*;

impl Backend {
    /// Reads the editor's settings again: by `workspace/configuration` for
    /// each folder and for all of them, when the client answers it.
    pub(super) async fn load_settings(&self) {
        if !self.state.caps().configuration {
            return;
        }
        let folders = lock(&self.state.folders).clone();
        let mut items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some(SECTION.into()),
        }];
        items.extend(folders.iter().map(|f| ConfigurationItem {
            scope_uri: Uri::from_file_path(f),
            section: Some(SECTION.into()),
        }));
        let values = match self.client.configuration(items).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!("the client did not give its settings: {e}");
                return;
            }
        };
        let mut problems: Vec<String> = Vec::new();
        {
            let mut editor = lock(&self.state.editor);
            if let Some(global) = values.first().filter(|v| v.is_object()) {
                let root = folders.first().cloned().unwrap_or_default();
                editor.global = editor_settings::read(global, &root);
                problems.extend(editor.global.problems.clone());
            }
            editor.folders.clear();
            for (folder, value) in folders.iter().zip(values.iter().skip(1)) {
                if value.is_object() {
                    let read = editor_settings::read(value, folder);
                    problems.extend(read.problems.clone());
                    editor.folders.push((folder.clone(), read));
                }
            }
        }
        // The same settings for all folders and for each: said once.
        problems.sort();
        problems.dedup();
        self.report_problems(problems).await;
    }

    pub(super) async fn report_problems(&self, problems: Vec<String>) {
        for p in problems {
            tracing::warn!("editor settings: {p}");
            self.client
                .log_message(MessageType::WARNING, format!("sps-plugin-ls settings: {p}"))
                .await;
        }
    }

    /// Every document checked again (the settings changed): the open ones
    /// and those of the workspace (cleared where the scope is `open`).
    pub(super) async fn recheck_all(&self) {
        self.forget_scans();
        self.redetect_instance_configs();
        for uri in self.documents_where(|_, _| true, true) {
            self.publish(uri);
        }
        self.refresh_pulls().await;
    }

    /// The settings changed: which open `.cfg` files are instance
    /// configurations (`instance-configs`) may have too.
    pub(super) fn redetect_instance_configs(&self) {
        let disk = DiskFiles::unconfined();
        let mut docs = lock(&self.state.docs);
        for (uri, doc) in docs.iter_mut() {
            if is_on_disk(uri) && doc.path.extension().is_some_and(|e| e == "cfg") {
                doc.kind = self.state.kind_of(&doc.path, &disk);
            }
        }
        drop(docs);
        self.state.texts_changed();
    }

    /// A client that pulls diagnostics is told to pull them again.
    pub(super) async fn refresh_pulls(&self) {
        let caps = self.state.caps();
        if caps.pull && caps.refresh {
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(e) = client.workspace_diagnostic_refresh().await {
                    tracing::debug!("workspace/diagnostic/refresh: {e}");
                }
            });
        }
    }

    /// Finds the workspace's documents and, where the scope is the
    /// workspace, checks those not open, with progress for a large
    /// workspace. A later scan makes this one stop publishing progress.
    pub(super) async fn scan_workspace(&self) {
        let run = self.state.scan_runs.fetch_add(1, Ordering::SeqCst) + 1;
        let folders = lock(&self.state.folders).clone();
        let editor = lock(&self.state.editor).clone();
        let found = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for folder in &folders {
                let files = DiskFiles::confined(folder);
                let (docs, truncated) = crate::lsp::scan::documents(folder, &files);
                if truncated {
                    tracing::warn!(
                        "{}: the workspace folder is larger than a walk covers; only what it \
                         reached is checked",
                        folder.display()
                    );
                }
                out.extend(crate::lsp::scan::not_excluded(docs, &files, &editor));
            }
            out
        })
        .await
        .unwrap_or_default();
        {
            let mut ws = lock(&self.state.workspace_docs);
            ws.clear();
            for (path, kind) in found {
                if let Some(uri) = Uri::from_file_path(&path) {
                    ws.insert(uri, (path, kind));
                }
            }
        }
        self.state.disk_changed();
        self.state.listed.send_replace(true);
        let caps = self.state.caps();
        if caps.pull {
            self.refresh_pulls().await;
            return;
        }
        let plugins: Vec<Vec<Uri>> = {
            let ws = lock(&self.state.workspace_docs);
            let docs: Vec<(&Uri, &PathBuf, DocKind)> = ws
                .iter()
                .filter(|(u, (p, _))| {
                    self.state.scope(p) == Scope::Workspace && !self.state.is_open(u)
                })
                .map(|(u, (p, k))| (u, p, *k))
                .collect();
            by_plugin(docs)
        };
        let total: usize = plugins.iter().map(Vec::len).sum();
        let mut progress = None;
        if caps.progress && total >= PROGRESS_AT {
            let token = NumberOrString::String(format!("sps-plugin-ls/scan/{run}"));
            if self
                .client
                .create_work_done_progress(token.clone())
                .await
                .is_ok()
            {
                progress = Some(
                    self.client
                        .progress(token, "sps-plugin-ls: checking the workspace")
                        .with_message(format!("0/{total} files"))
                        .with_percentage(0)
                        .begin()
                        .await,
                );
            }
        }
        // One task per plugin, its documents one after the other: the first
        // runs the plugin's code rules, the others find them kept (and its
        // files' indexes still cached); the plugins share the cores.
        let mut checks = tokio::task::JoinSet::new();
        for uris in plugins {
            let checks_of_plugin: Vec<_> = uris
                .into_iter()
                .filter_map(|uri| self.queue_check(uri))
                .collect();
            checks.spawn(async move {
                let n = checks_of_plugin.len();
                for check in checks_of_plugin {
                    check.await;
                }
                n
            });
        }
        let mut done = 0usize;
        let mut reported = 0u32;
        while let Some(result) = checks.join_next().await {
            done += result.unwrap_or(0);
            let percent = (done * 100 / total.max(1)) as u32;
            if let Some(p) = &progress {
                if percent >= reported + 10 && done < total {
                    reported = percent;
                    p.report_with_message(format!("{done}/{total} files"), percent)
                        .await;
                }
            }
        }
        if let Some(p) = progress {
            p.finish_with_message(format!("{total} files checked"))
                .await;
        }
        settle_after_workspace_check(&self.state).await;
    }

    /// Files were created or deleted on disk: the documents of the plugin
    /// folders around them are listed again. Those gone are cleared.
    pub(super) fn relist(&self, paths: &[PathBuf]) {
        let folders = lock(&self.state.folders).clone();
        let disk = DiskFiles::unconfined();
        let mut plugins: Vec<PathBuf> = Vec::new();
        for path in paths {
            let Some(root) = folders.iter().find(|f| path.starts_with(f)) else {
                continue;
            };
            let plugin = if path.file_name().is_some_and(|n| n == "MANIFEST") {
                path.parent().map(Path::to_path_buf)
            } else {
                crate::analysis::plugin::folder_of(path, &disk)
            };
            if let Some(p) = plugin.filter(|p| p.starts_with(root)) {
                if !plugins.contains(&p) {
                    plugins.push(p);
                }
            }
            // A configuration file of sps-plugin-ls at the folder's top.
            if path.parent() == Some(root.as_path()) {
                let files = DiskFiles::confined(root);
                let mut ws = lock(&self.state.workspace_docs);
                if let Some(uri) = Uri::from_file_path(path) {
                    match DocKind::detect(path, &files).filter(|k| *k == DocKind::Settings) {
                        Some(k) if files.is_file(path) => {
                            ws.insert(uri, (path.clone(), k));
                        }
                        _ => {}
                    }
                }
            }
        }
        let mut gone = Vec::new();
        {
            let mut ws = lock(&self.state.workspace_docs);
            for plugin in plugins {
                let root = folders
                    .iter()
                    .find(|f| plugin.starts_with(f))
                    .cloned()
                    .unwrap_or_else(|| plugin.clone());
                let files = DiskFiles::confined(&root);
                let now: Vec<(PathBuf, DocKind)> = if files.is_file(&plugin.join("MANIFEST")) {
                    let editor = lock(&self.state.editor).clone();
                    let docs = crate::analysis::plugin::plugin_documents(&plugin, &files);
                    crate::lsp::scan::not_excluded(docs, &files, &editor)
                } else {
                    Vec::new()
                };
                ws.retain(|u, (p, k)| {
                    let stays = !p.starts_with(&plugin)
                        || *k == DocKind::Settings && p.parent() != Some(plugin.as_path())
                        || now.iter().any(|(q, _)| q == p);
                    if !stays {
                        gone.push(u.clone());
                    }
                    stays
                });
                for (path, kind) in now {
                    if let Some(uri) = Uri::from_file_path(&path) {
                        ws.insert(uri, (path, kind));
                    }
                }
            }
            // Deleted files, whatever folder they were in.
            ws.retain(|u, (p, _)| {
                let stays = !paths.contains(p) || p.is_file();
                if !stays {
                    gone.push(u.clone());
                }
                stays
            });
        }
        for uri in gone {
            self.publish(uri);
        }
    }
}

/// How long the first workspace pull waits for the workspace's listing.
pub(super) const LISTING_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// After a check of the whole workspace: the indexes it left in the cache
/// are of the last plugins it went through; only the open plugins' are
/// worth keeping. Then the free heap goes back.
pub(super) async fn settle_after_workspace_check(state: &State) {
    let open: Vec<PathBuf> = lock(&state.docs).values().map(|d| d.path.clone()).collect();
    let _ = tokio::task::spawn_blocking(move || {
        let disk = DiskFiles::unconfined();
        let plugins: Vec<PathBuf> = open
            .iter()
            .filter_map(|p| crate::analysis::plugin::folder_of(p, &disk))
            .collect();
        crate::analysis::python::cache::retain(|p| plugins.iter().any(|f| p.starts_with(f)));
        release_free_memory();
    })
    .await;
}

/// Hands the heap's free pages back to the system: after the workspace
/// check, most of what it allocated is free, and glibc would keep it.
pub(super) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory; it takes no pointer.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The documents of the workspace check by plugin (the nearest folder above
/// holding a listed MANIFEST; a document under none is a group of its own),
/// each plugin's in the order MANIFEST, `.cfg`, code, then by path.
pub(super) fn by_plugin(docs: Vec<(&Uri, &PathBuf, DocKind)>) -> Vec<Vec<Uri>> {
    let folders: HashSet<&Path> = docs
        .iter()
        .filter(|(_, _, k)| *k == DocKind::Manifest)
        .filter_map(|(_, p, _)| p.parent())
        .collect();
    let mut groups: std::collections::BTreeMap<&Path, Vec<(u8, &PathBuf, &Uri)>> =
        Default::default();
    for (uri, path, kind) in docs {
        let plugin = path
            .ancestors()
            .skip(1)
            .find(|a| folders.contains(a))
            .unwrap_or(path);
        groups
            .entry(plugin)
            .or_default()
            .push((scan_rank(kind), path, uri));
    }
    groups
        .into_values()
        .map(|mut g| {
            g.sort();
            g.into_iter().map(|(_, _, u)| u.clone()).collect()
        })
        .collect()
}

/// The order of the workspace check: MANIFEST, then `.cfg`, then code.
pub(super) fn scan_rank(kind: DocKind) -> u8 {
    match kind {
        DocKind::Manifest => 0,
        DocKind::Config => 1,
        DocKind::Python => 2,
        DocKind::Settings => 3,
    }
}
