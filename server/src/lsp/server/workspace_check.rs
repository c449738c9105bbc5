//! The editor's settings read again, and the workspace listed and checked:
//! at the start, when folders or settings change, and file by file after
//! file events (`relist`).

use super::*;

/// The workspace's listing: whether it was done once, the pulls waiting
/// for it, the re-listing after folder changes, and the progress of the
/// workspace check.
#[derive(Default)]
pub(super) struct Listing {
    /// Listings started (each later one's progress replaces the earlier's).
    pub(super) runs: u64,
    /// Whether the workspace's documents were listed once: the first
    /// `workspace/diagnostic` pull waits for it, so that a client that
    /// pulls once at start gets every finding.
    pub(super) listed: bool,
    /// Workspace pulls waiting for the first listing.
    pub(super) waiting: Vec<(Id, WorkspaceDiagnosticParams)>,
    /// A re-listing after folder changes runs; another is wanted after it.
    pub(super) relisting: bool,
    pub(super) relist_again: bool,
    /// The workspace check under way, pushed.
    pub(super) progress: Option<ScanProgress>,
}

/// The progress of a workspace check: files checked of the total, and
/// the token of the progress shown, once the client made it.
pub(super) struct ScanProgress {
    run: u64,
    total: usize,
    done: usize,
    reported: u32,
    token: Option<NumberOrString>,
}

/// What a listing task found, and what to do once it is applied.
type AfterListing = Option<Box<dyn FnOnce(&mut Session) + Send>>;

impl Session {
    /// Reads the editor's settings again: by `workspace/configuration` for
    /// each folder and for all of them, when the client answers it; then
    /// goes on with `then` (also when it does not).
    pub(super) fn load_settings(&mut self, then: impl FnOnce(&mut Session) + Send + 'static) {
        if !self.caps.configuration {
            return then(self);
        }
        let folders = self.folders.clone();
        let mut items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some(SECTION.into()),
        }];
        items.extend(folders.iter().map(|f| ConfigurationItem {
            scope_uri: Uri::from_file_path(f),
            section: Some(SECTION.into()),
        }));
        self.client.request(
            "workspace/configuration",
            ConfigurationParams { items },
            Box::new(move |s, answer| {
                let values: Option<Vec<Value>> =
                    answer.ok().and_then(|v| serde_json::from_value(v).ok());
                match values {
                    Some(values) => s.apply_settings(&folders, &values),
                    None => tracing::warn!("the client did not give its settings"),
                }
                then(s);
            }),
        );
    }

    fn apply_settings(&mut self, folders: &[PathBuf], values: &[Value]) {
        let mut problems: Vec<String> = Vec::new();
        if let Some(global) = values.first().filter(|v| v.is_object()) {
            let root = folders.first().cloned().unwrap_or_default();
            self.editor.global = editor_settings::read(global, &root);
            problems.extend(self.editor.global.problems.clone());
        }
        self.editor.folders.clear();
        for (folder, value) in folders.iter().zip(values.iter().skip(1)) {
            if value.is_object() {
                let read = editor_settings::read(value, folder);
                problems.extend(read.problems.clone());
                self.editor.folders.push((folder.clone(), read));
            }
        }
        // The same settings for all folders and for each: said once.
        problems.sort();
        problems.dedup();
        self.report_problems(problems);
    }

    pub(super) fn report_problems(&self, problems: Vec<String>) {
        for p in problems {
            tracing::warn!("editor settings: {p}");
            self.client
                .log_message(MessageType::WARNING, format!("sps-plugin-ls settings: {p}"));
        }
    }

    /// Every document checked again (the settings changed): the open ones
    /// and those of the workspace (cleared where the scope is `open`).
    pub(super) fn recheck_all(&mut self) {
        self.forget_scans();
        self.redetect_instance_configs();
        for uri in self.documents_where(|_, _| true, true) {
            self.publish(uri);
        }
        self.refresh_pulls();
    }

    /// The settings changed: which open `.cfg` files are instance
    /// configurations (`instance-configs`) may have too.
    pub(super) fn redetect_instance_configs(&mut self) {
        let disk = DiskFiles::unconfined();
        let cfgs: Vec<(Uri, PathBuf)> = self
            .docs
            .iter()
            .filter(|(u, d)| is_on_disk(u) && d.path.extension().is_some_and(|e| e == "cfg"))
            .map(|(u, d)| (u.clone(), d.path.clone()))
            .collect();
        for (uri, path) in cfgs {
            let kind = self.kind_of(&path, &disk);
            if let Some(doc) = self.docs.get_mut(&uri) {
                doc.kind = kind;
            }
        }
        self.texts_changed();
    }

    /// A client that pulls diagnostics is told to pull them again.
    pub(super) fn refresh_pulls(&mut self) {
        if self.caps.pull && self.caps.refresh {
            self.client
                .request_logged("workspace/diagnostic/refresh", Value::Null);
        }
    }

    /// Finds the workspace's documents off the loop; once they are applied,
    /// `after` runs, and where the scope is the workspace those not open
    /// are checked, with progress for a large workspace.
    pub(super) fn scan_workspace(&mut self, after: AfterListing) {
        self.listing.runs += 1;
        let run = self.listing.runs;
        let folders = self.folders.clone();
        let editor = self.editor.clone();
        let events = self.events.clone();
        tokio::task::spawn_blocking(move || {
            let list = || {
                let mut found = Vec::new();
                for folder in &folders {
                    let disk = DiskFiles::confined(folder);
                    // One view for the listing: each folder's configuration
                    // file is looked for once, not once per folder below it
                    // (the folders above the plugins were stat'ed 3 times
                    // per plugin folder on the start's path).
                    let (open, memo, kept) = (
                        HashMap::new(),
                        Memo::default(),
                        crate::workspace::DiskCache::default(),
                    );
                    let cached = crate::workspace::CachedDisk {
                        below: &disk,
                        cache: &kept,
                    };
                    let files = crate::workspace::Overlay {
                        open: &open,
                        below: &cached,
                        scans: None,
                        memo: Some(&memo),
                    };
                    let (docs, truncated) = crate::lsp::scan::documents(folder, &files);
                    if truncated {
                        tracing::warn!(
                            "{}: the workspace folder is larger than a walk covers; only what it \
                         reached is checked",
                            folder.display()
                        );
                    }
                    found.extend(crate::lsp::scan::not_excluded(docs, &files, &editor));
                }
                found
            };
            // The listing reports back whatever happens in it: pulls wait
            // for it, and a re-listing runs after it.
            let found = std::panic::catch_unwind(AssertUnwindSafe(list)).unwrap_or_else(|_| {
                tracing::error!("the workspace's listing panicked; nothing is listed");
                Vec::new()
            });
            Session::apply_later(&events, move |s| s.listed(run, found, after));
        });
    }

    fn listed(&mut self, run: u64, found: Vec<(PathBuf, DocKind)>, after: AfterListing) {
        self.workspace_docs.clear();
        for (path, kind) in found {
            if let Some(uri) = Uri::from_file_path(&path) {
                self.workspace_docs.insert(uri, (path, kind));
            }
        }
        self.disk_changed();
        self.listing.listed = true;
        self.answer_waiting_pulls();
        if let Some(after) = after {
            after(self);
        }
        if self.caps.pull {
            self.refresh_pulls();
            return;
        }
        let docs: Vec<(&Uri, &PathBuf, DocKind)> = self
            .workspace_docs
            .iter()
            .filter(|(u, (p, _))| self.scope(p) == Scope::Workspace && !self.is_open(u))
            .map(|(u, (p, k))| (u, p, *k))
            .collect();
        let plugins = by_plugin(docs);
        // A plugin's documents in one job, one after the other: the first
        // runs the plugin's code rules, the others find them kept (and its
        // files' indexes still cached); the plugins share the cores.
        let total = self.publish_plugins(plugins, run);
        self.listing.progress = Some(ScanProgress {
            run,
            total,
            done: 0,
            reported: 0,
            token: None,
        });
        if total == 0 {
            return self.scan_progressed(run, 0);
        }
        if self.caps.progress && total >= PROGRESS_AT {
            let token = NumberOrString::String(format!("sps-plugin-ls/scan/{run}"));
            self.client.request(
                "window/workDoneProgress/create",
                WorkDoneProgressCreateParams {
                    token: token.clone(),
                },
                Box::new(move |s, answer| s.progress_created(run, token, answer.is_ok())),
            );
        }
    }

    fn progress_created(&mut self, run: u64, token: NumberOrString, ok: bool) {
        let Some(p) = self
            .listing
            .progress
            .as_mut()
            .filter(|p| p.run == run && ok)
        else {
            return;
        };
        if p.done >= p.total {
            return;
        }
        p.token = Some(token.clone());
        let message = format!("{}/{} files", p.done, p.total);
        self.client.notify(
            "$/progress",
            ProgressParams {
                token,
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(
                    WorkDoneProgressBegin {
                        title: "sps-plugin-ls: checking the workspace".into(),
                        cancellable: None,
                        message: Some(message),
                        percentage: Some(0),
                    },
                )),
            },
        );
    }

    /// `checked` more files of the workspace check `run` are done.
    pub(super) fn scan_progressed(&mut self, run: u64, checked: usize) {
        let Some(p) = self.listing.progress.as_mut().filter(|p| p.run == run) else {
            return;
        };
        p.done += checked;
        let (done, total) = (p.done, p.total);
        let value = if done >= total {
            let end = p.token.take().map(|token| {
                (
                    token,
                    WorkDoneProgress::End(WorkDoneProgressEnd {
                        message: Some(format!("{total} files checked")),
                    }),
                )
            });
            self.listing.progress = None;
            self.settle_after_workspace_check();
            end
        } else {
            let percent = (done * 100 / total.max(1)) as u32;
            if percent < p.reported + 10 {
                return;
            }
            p.reported = percent;
            p.token.clone().map(|token| {
                (
                    token,
                    WorkDoneProgress::Report(WorkDoneProgressReport {
                        cancellable: None,
                        message: Some(format!("{done}/{total} files")),
                        percentage: Some(percent),
                    }),
                )
            })
        };
        if let Some((token, value)) = value {
            self.client.notify(
                "$/progress",
                ProgressParams {
                    token,
                    value: ProgressParamsValue::WorkDone(value),
                },
            );
        }
    }

    /// Files were created or deleted on disk: the documents of the plugin
    /// folders around them are listed again. Those gone are cleared.
    pub(super) fn relist(&mut self, paths: &[PathBuf]) {
        let folders = self.folders.clone();
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
                let ws = &mut self.workspace_docs;
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
            let editor = &self.editor;
            let ws = &mut self.workspace_docs;
            for plugin in plugins {
                let root = folders
                    .iter()
                    .find(|f| plugin.starts_with(f))
                    .cloned()
                    .unwrap_or_else(|| plugin.clone());
                let files = DiskFiles::confined(&root);
                let now: Vec<(PathBuf, DocKind)> = if files.is_file(&plugin.join("MANIFEST")) {
                    let docs = crate::analysis::plugin::plugin_documents(&plugin, &files);
                    crate::lsp::scan::not_excluded(docs, &files, editor)
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

impl Session {
    /// After a check of the whole workspace: the indexes it left in the
    /// cache are of the last plugins it went through; only the open
    /// plugins' are worth keeping. Then the free heap goes back.
    pub(super) fn settle_after_workspace_check(&self) {
        // What it read of the disk is the last plugins' too.
        self.forget_disk_texts();
        let open: Vec<PathBuf> = self.docs.values().map(|d| d.path.clone()).collect();
        tokio::task::spawn_blocking(move || {
            let disk = DiskFiles::unconfined();
            let plugins: Vec<PathBuf> = open
                .iter()
                .filter_map(|p| crate::analysis::plugin::folder_of(p, &disk))
                .collect();
            crate::analysis::python::cache::retain(|p| plugins.iter().any(|f| p.starts_with(f)));
            release_free_memory();
        });
    }
}

/// Hands the heap's free pages back to the system: after the workspace
/// check, most of what it allocated is free, and the allocator would keep
/// some of it for a while.
pub(super) fn release_free_memory() {
    // SAFETY: mi_collect only returns free memory; it takes no pointer.
    unsafe { libmimalloc_sys::mi_collect(true) }
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
