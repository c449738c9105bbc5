//! The server's state (`State`): the open documents, the workspace's closed
//! ones, the editor settings, what was published and pulled, the queue of
//! checks; and the check of one document that publishes its result.
//! Today behind several mutexes (see docs/architecture.md, "Who owns the
//! state"); issue 23 moves it to one owner.

use super::*;

/// What the client said it supports, at `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ClientCaps {
    /// Pull diagnostics (`textDocument/diagnostic`, and `workspace.diagnostics`
    /// declared too): nothing is pushed then.
    pub(super) pull: bool,
    /// `workspace/diagnostic/refresh`.
    pub(super) refresh: bool,
    /// `workspace/configuration`.
    pub(super) configuration: bool,
    /// `window/workDoneProgress/create`.
    pub(super) progress: bool,
}

/// The last pull report of a document: its result id, and the generation
/// it was computed at (of any change for an open document, of the disk and
/// settings for a closed one).
pub(super) struct Pulled {
    pub(super) open: bool,
    pub(super) generation: u64,
    pub(super) result_id: String,
    /// For a closed document: the stamp of the file analysed. The result
    /// stands only while the file is as it was: a watcher can miss an event
    /// (a file deleted in a folder made after the start), and a deleted
    /// file's findings would then stay in the editor.
    pub(super) stamp: Option<u64>,
}

/// Re-checks asked for and not yet started. A document has at most one
/// queued task, which holds only its URI and builds its snapshot when it
/// starts; asking again while one is queued joins it. Every request gets a
/// ticket: a result is published only if no later request was made for the
/// document meanwhile (a later one publishes then), so two analyses of the
/// same version cannot publish out of order.
#[derive(Default)]
pub(super) struct Queue {
    /// The latest request's ticket per document.
    pub(super) wanted: HashMap<Uri, u64>,
    /// Documents whose task has not started yet.
    pub(super) queued: HashSet<Uri>,
    pub(super) tickets: u64,
}

/// A publication: the version (none for a closed document) and the
/// diagnostics, serialised (a JSON array).
pub(super) type Published = (Option<i32>, String);

/// The open documents' texts and the memo of that view, built once per
/// change; after a MANIFEST-only edit, the memo the next view starts from.
#[derive(Default)]
pub(super) struct OpenView {
    pub(super) current: Option<(OpenTexts, Arc<Memo>)>,
    pub(super) carried: Option<Arc<Memo>>,
}

pub(super) struct State {
    pub(super) docs: Mutex<HashMap<Uri, Document>>,
    /// The open documents' texts, shared by every snapshot until one
    /// changes (`None`: to be built again), and the results kept for that
    /// view of the files until it or the disk changes.
    pub(super) open: Mutex<OpenView>,
    pub(super) queue: Mutex<Queue>,
    /// Analyses running at once, so that requests always find a thread.
    pub(super) analyses: tokio::sync::Semaphore,
    pub(super) encoding: OnceLock<Encoding>,
    pub(super) shutdown_requested: AtomicBool,
    /// What was last published per document (version, none for a closed
    /// one, and diagnostics), so that re-checking a neighbour that did not
    /// change sends nothing.
    pub(super) published: tokio::sync::Mutex<HashMap<Uri, Published>>,
    pub(super) watching: AtomicBool,
    /// Folder walks for the layout rules, kept until files change on disk:
    /// a keystroke never walks the plugin folder again.
    pub(super) scans: Arc<ScanCache>,
    pub(super) caps: OnceLock<ClientCaps>,
    /// The workspace folders.
    pub(super) folders: Mutex<Vec<PathBuf>>,
    /// The documents under the workspace folders, open or not, found by
    /// the scan at start and kept up by watched-file events.
    pub(super) workspace_docs: Mutex<HashMap<Uri, (PathBuf, DocKind)>>,
    pub(super) editor: Mutex<EditorConfig>,
    /// Bumped by every change a diagnostic may depend on: a pull report of
    /// the current generation is still true.
    pub(super) generation: AtomicU64,
    /// Bumped by changes on disk and of the settings only: what a closed
    /// document's diagnostics depend on (a keystroke in an open document
    /// reaches the closed ones when it is saved).
    pub(super) disk_generation: AtomicU64,
    pub(super) pulled: Mutex<HashMap<Uri, Pulled>>,
    /// Workspace scans started (each later one makes the earlier stale).
    pub(super) scan_runs: AtomicU64,
    /// Workspace-folder changes not yet re-listed; while it is above 0 one
    /// task re-lists the workspace, once per burst of changes, not once per
    /// change (see `did_change_workspace_folders`).
    pub(super) folder_changes: AtomicU64,
    /// Whether the workspace's documents were listed once: the first
    /// `workspace/diagnostic` pull waits for it, so that a client that
    /// pulls once at start gets every finding.
    pub(super) listed: tokio::sync::watch::Sender<bool>,
    /// Where `publishDiagnostics` bodies go, serialised here (the
    /// transport's output).
    pub(super) outgoing: OnceLock<futures::channel::mpsc::Sender<String>>,
}

impl Default for State {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            docs: Default::default(),
            open: Default::default(),
            queue: Default::default(),
            analyses: tokio::sync::Semaphore::new(cores.clamp(1, 4)),
            encoding: Default::default(),
            shutdown_requested: Default::default(),
            published: Default::default(),
            watching: Default::default(),
            scans: Default::default(),
            caps: Default::default(),
            folders: Default::default(),
            workspace_docs: Default::default(),
            editor: Default::default(),
            generation: Default::default(),
            disk_generation: Default::default(),
            pulled: Default::default(),
            scan_runs: Default::default(),
            folder_changes: Default::default(),
            listed: tokio::sync::watch::Sender::new(false),
            outgoing: Default::default(),
        }
    }
}

impl State {
    pub(super) fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    /// The open texts, built once per change of any document, with the
    /// memo of that view.
    pub(super) fn open_texts(&self, docs: &mut HashMap<Uri, Document>) -> (OpenTexts, Arc<Memo>) {
        let mut open = lock(&self.open);
        if let Some(o) = &open.current {
            return o.clone();
        }
        let texts: OpenTexts = Arc::new(
            docs.iter_mut()
                .filter(|(u, _)| is_on_disk(u))
                .map(|(_, d)| (d.path.clone(), d.snapshot().text))
                .collect(),
        );
        let memo = open.carried.take().unwrap_or_default();
        let view = (texts, memo);
        open.current = Some(view.clone());
        view
    }

    pub(super) fn caps(&self) -> ClientCaps {
        self.caps.get().copied().unwrap_or_default()
    }

    /// A document's text changed, or a document opened or closed.
    pub(super) fn texts_changed(&self) {
        *lock(&self.open) = OpenView::default();
        self.changed();
    }

    /// A MANIFEST's text changed, and nothing else: the next view keeps
    /// what follows from MANIFEST facts ([`Memo::after_manifest_edit`]).
    pub(super) fn manifest_text_changed(&self) {
        let mut open = lock(&self.open);
        if let Some((_, memo)) = open.current.take() {
            open.carried = Some(Arc::new(memo.after_manifest_edit()));
        }
        drop(open);
        self.changed();
    }

    /// Something a diagnostic may depend on changed.
    pub(super) fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Files changed on disk, or the settings did.
    pub(super) fn disk_changed(&self) {
        // A new view: nothing computed from the old disk is kept.
        *lock(&self.open) = OpenView::default();
        self.disk_generation.fetch_add(1, Ordering::SeqCst);
        self.changed();
    }

    /// The generation a document's pulled diagnostics are valid for.
    pub(super) fn generation_of(&self, open: bool) -> u64 {
        if open {
            self.generation.load(Ordering::SeqCst)
        } else {
            self.disk_generation.load(Ordering::SeqCst)
        }
    }

    pub(super) fn editor_for(&self, path: &Path) -> EditorSettings {
        lock(&self.editor).for_path(path).clone()
    }

    /// A document's kind: by its name, or a configuration for an instance
    /// configuration that `instance-configs` names (in the configuration
    /// file found for it, over the editor's settings).
    pub(super) fn kind_of(
        &self,
        path: &Path,
        files: &dyn crate::workspace::Files,
    ) -> Option<DocKind> {
        let dir = path.parent().unwrap_or(Path::new(""));
        let found = crate::settings::discovered(dir, files);
        let settings = match self.editor_for(path).settings {
            Some(editor) => (*found).clone().over(&editor),
            None => (*found).clone(),
        };
        crate::analysis::plugin::document_kind(path, files, &settings)
    }

    pub(super) fn scope(&self, path: &Path) -> Scope {
        lock(&self.editor).for_path(path).scope
    }

    pub(super) fn snapshot(&self, uri: &Uri) -> Option<RequestSnapshot> {
        let mut docs = lock(&self.docs);
        let (open, memo) = self.open_texts(&mut docs);
        let doc = docs.get_mut(uri)?;
        let editor = self.editor_for(&doc.path).settings;
        Some(RequestSnapshot {
            uri: uri.clone(),
            path: doc.path.clone(),
            kind: doc.kind?,
            doc: doc.snapshot(),
            encoding: self.encoding(),
            on_disk: is_on_disk(uri),
            open,
            scans: self.scans.clone(),
            memo,
            editor,
        })
    }

    /// A snapshot of a workspace document that is not open, read from the
    /// disk; none if it is open, not one of the workspace's, or unreadable.
    pub(super) fn disk_snapshot(&self, uri: &Uri) -> Option<RequestSnapshot> {
        let (path, kind) = lock(&self.workspace_docs).get(uri).cloned()?;
        let text = DiskFiles::unconfined().read(&path)?;
        let mut docs = lock(&self.docs);
        if docs.contains_key(uri) {
            return None;
        }
        let (open, memo) = self.open_texts(&mut docs);
        drop(docs);
        let editor = self.editor_for(&path).settings;
        Some(RequestSnapshot {
            uri: uri.clone(),
            doc: Document::new(path.clone(), Some(kind), 0, &text).snapshot(),
            path,
            kind,
            encoding: self.encoding(),
            on_disk: true,
            open,
            scans: self.scans.clone(),
            memo,
            editor,
        })
    }

    pub(super) fn is_open(&self, uri: &Uri) -> bool {
        lock(&self.docs).contains_key(uri)
    }

    pub(super) fn is_wanted(&self, uri: &Uri, ticket: u64) -> bool {
        lock(&self.queue).wanted.get(uri) == Some(&ticket)
    }

    /// Sends `textDocument/publishDiagnostics` with `diagnostics` already
    /// serialised (a JSON array): the body is written around it, with no
    /// JSON tree of thousands of diagnostics built and dropped on the way.
    /// Every publication goes this way, so they keep their order.
    pub(super) async fn publish_serialised(
        &self,
        uri: &Uri,
        diagnostics: &str,
        version: Option<i32>,
    ) {
        let Some(tx) = self.outgoing.get() else {
            return;
        };
        let uri = serde_json::to_string(uri).unwrap_or_default();
        let mut body = String::with_capacity(diagnostics.len() + uri.len() + 128);
        body.push_str(
            r#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
        );
        body.push_str(&uri);
        body.push_str(r#","diagnostics":"#);
        body.push_str(diagnostics);
        if let Some(v) = version {
            body.push_str(&format!(r#","version":{v}"#));
        }
        body.push_str("}}");
        let _ = tx.clone().send(body).await;
    }
}

/// Analyses a document queued by [`Backend::publish`] and publishes the
/// result, unless a later request for it was made meanwhile. A document
/// that is not open is read from the disk if it is one of the workspace's
/// and its scope is the workspace; otherwise what it had is cleared.
pub(super) async fn check_and_publish(state: Arc<State>, uri: Uri) {
    let Ok(_permit) = state.analyses.acquire().await else {
        return;
    };
    let ticket = {
        let mut q = lock(&state.queue);
        q.queued.remove(&uri);
        match q.wanted.get(&uri) {
            Some(&t) => t,
            None => return,
        }
    };
    // Taken after the ticket: a change after it asks for a later one.
    let snapshot = match state.snapshot(&uri) {
        Some(s) => Some((Some(s.doc.version), s)),
        None => {
            let workspace = lock(&state.workspace_docs)
                .get(&uri)
                .is_some_and(|(p, _)| state.scope(p) == Scope::Workspace);
            if workspace && !state.is_open(&uri) {
                state.disk_snapshot(&uri).map(|s| (None, s))
            } else {
                None
            }
        }
    };
    let Some((version, snapshot)) = snapshot else {
        if state.is_open(&uri) {
            return;
        }
        let mut published = state.published.lock().await;
        if state.is_wanted(&uri, ticket) && published.remove(&uri).is_some() {
            state.publish_serialised(&uri, "[]", None).await;
        }
        return;
    };
    let snapshot = Arc::new(snapshot);
    let analysed = snapshot.clone();
    let result = guard("textDocument/publishDiagnostics", move || {
        Ok(handlers::diagnostics::analyse(&analysed))
    })
    .await;
    let Ok(diags) = result else { return };
    let mut published = state.published.lock().await;
    if !state.is_wanted(&uri, ticket) {
        return;
    }
    let converted = handlers::diagnostics::to_lsp(&snapshot, &diags);
    let Ok(json) = serde_json::to_string(&converted) else {
        return;
    };
    let entry = (version, json);
    if published.get(&uri) == Some(&entry) {
        return;
    }
    // A closed document with nothing to say and nothing shown: silence, so
    // that a clean workspace costs no message per file.
    if version.is_none() && converted.is_empty() && !published.contains_key(&uri) {
        return;
    }
    state.publish_serialised(&uri, &entry.1, version).await;
    published.insert(uri, entry);
}

/// Whether a document is a file on the disk.
pub(super) fn is_on_disk(uri: &Uri) -> bool {
    uri.scheme().as_str().eq_ignore_ascii_case("file")
}
