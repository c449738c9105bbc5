//! The server: state, lifecycle, and the table from protocol methods to
//! handlers. Text changes are applied synchronously on arrival, before any
//! `.await`, so they are applied in order; analysis runs on snapshots.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use futures::{FutureExt, SinkExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService};

use super::documents::Document;
use super::editor_settings::{self, EditorConfig, EditorSettings, Scope};
use super::handlers;
use super::snapshot::{OpenTexts, RequestSnapshot};
use crate::analysis::plugin::Plugin;
use crate::text::Encoding;
use crate::workspace::{lock, DiskFiles, DocKind, Files, Memo, NoFiles, ScanCache};

/// The methods the server handles; a request for any other is answered
/// MethodNotFound by the transport, any other notification dropped.
const OFFERED: &[&str] = &[
    "initialize",
    "initialized",
    "shutdown",
    "exit",
    "$/cancelRequest",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didSave",
    "textDocument/didClose",
    "workspace/didChangeWatchedFiles",
    "workspace/didChangeWorkspaceFolders",
    "workspace/didChangeConfiguration",
    "textDocument/completion",
    "textDocument/hover",
    "textDocument/signatureHelp",
    "textDocument/codeAction",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/definition",
    "textDocument/inlayHint",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/formatting",
    "textDocument/rangeFormatting",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/documentLink",
    "workspace/willRenameFiles",
    "textDocument/diagnostic",
    "workspace/diagnostic",
];

fn offers(method: &str) -> bool {
    OFFERED.contains(&method)
}

/// The section of the editor's settings the server reads.
const SECTION: &str = "spsPluginLs";

/// A workspace of at least this many documents to check shows progress.
const PROGRESS_AT: usize = 20;

/// What the client said it supports, at `initialize`.
#[derive(Clone, Copy, Debug, Default)]
struct ClientCaps {
    /// Pull diagnostics (`textDocument/diagnostic`, and `workspace.diagnostics`
    /// declared too): nothing is pushed then.
    pull: bool,
    /// `workspace/diagnostic/refresh`.
    refresh: bool,
    /// `workspace/configuration`.
    configuration: bool,
    /// `window/workDoneProgress/create`.
    progress: bool,
}

/// The last pull report of a document: its result id, and the generation
/// it was computed at (of any change for an open document, of the disk and
/// settings for a closed one).
struct Pulled {
    open: bool,
    generation: u64,
    result_id: String,
    /// For a closed document: the stamp of the file analysed. The result
    /// stands only while the file is as it was: a watcher can miss an event
    /// (a file deleted in a folder made after the start), and a deleted
    /// file's findings would then stay in the editor.
    stamp: Option<u64>,
}

/// Re-checks asked for and not yet started. A document has at most one
/// queued task, which holds only its URI and builds its snapshot when it
/// starts; asking again while one is queued joins it. Every request gets a
/// ticket: a result is published only if no later request was made for the
/// document meanwhile (a later one publishes then), so two analyses of the
/// same version cannot publish out of order.
#[derive(Default)]
struct Queue {
    /// The latest request's ticket per document.
    wanted: HashMap<Uri, u64>,
    /// Documents whose task has not started yet.
    queued: HashSet<Uri>,
    tickets: u64,
}

/// A publication: the version (none for a closed document) and the
/// diagnostics, serialised (a JSON array).
type Published = (Option<i32>, String);

/// The open documents' texts and the memo of that view, built once per
/// change; after a MANIFEST-only edit, the memo the next view starts from.
#[derive(Default)]
struct OpenView {
    current: Option<(OpenTexts, Arc<Memo>)>,
    carried: Option<Arc<Memo>>,
}

struct State {
    docs: Mutex<HashMap<Uri, Document>>,
    /// The open documents' texts, shared by every snapshot until one
    /// changes (`None`: to be built again), and the results kept for that
    /// view of the files until it or the disk changes.
    open: Mutex<OpenView>,
    queue: Mutex<Queue>,
    /// Analyses running at once, so that requests always find a thread.
    analyses: tokio::sync::Semaphore,
    encoding: OnceLock<Encoding>,
    shutdown_requested: AtomicBool,
    /// What was last published per document (version, none for a closed
    /// one, and diagnostics), so that re-checking a neighbour that did not
    /// change sends nothing.
    published: tokio::sync::Mutex<HashMap<Uri, Published>>,
    watching: AtomicBool,
    /// Folder walks for the layout rules, kept until files change on disk:
    /// a keystroke never walks the plugin folder again.
    scans: Arc<ScanCache>,
    caps: OnceLock<ClientCaps>,
    /// The workspace folders.
    folders: Mutex<Vec<PathBuf>>,
    /// The documents under the workspace folders, open or not, found by
    /// the scan at start and kept up by watched-file events.
    workspace_docs: Mutex<HashMap<Uri, (PathBuf, DocKind)>>,
    editor: Mutex<EditorConfig>,
    /// Bumped by every change a diagnostic may depend on: a pull report of
    /// the current generation is still true.
    generation: AtomicU64,
    /// Bumped by changes on disk and of the settings only: what a closed
    /// document's diagnostics depend on (a keystroke in an open document
    /// reaches the closed ones when it is saved).
    disk_generation: AtomicU64,
    pulled: Mutex<HashMap<Uri, Pulled>>,
    /// Workspace scans started (each later one makes the earlier stale).
    scan_runs: AtomicU64,
    /// Workspace-folder changes not yet re-listed; while it is above 0 one
    /// task re-lists the workspace, once per burst of changes, not once per
    /// change (see `did_change_workspace_folders`).
    folder_changes: AtomicU64,
    /// Whether the workspace's documents were listed once: the first
    /// `workspace/diagnostic` pull waits for it, so that a client that
    /// pulls once at start gets every finding.
    listed: tokio::sync::watch::Sender<bool>,
    /// Where `publishDiagnostics` bodies go, serialised here (the
    /// transport's output).
    outgoing: OnceLock<futures::channel::mpsc::Sender<String>>,
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
    fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    /// The open texts, built once per change of any document, with the
    /// memo of that view.
    fn open_texts(&self, docs: &mut HashMap<Uri, Document>) -> (OpenTexts, Arc<Memo>) {
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

    fn caps(&self) -> ClientCaps {
        self.caps.get().copied().unwrap_or_default()
    }

    /// A document's text changed, or a document opened or closed.
    fn texts_changed(&self) {
        *lock(&self.open) = OpenView::default();
        self.changed();
    }

    /// A MANIFEST's text changed, and nothing else: the next view keeps
    /// what follows from MANIFEST facts ([`Memo::after_manifest_edit`]).
    fn manifest_text_changed(&self) {
        let mut open = lock(&self.open);
        if let Some((_, memo)) = open.current.take() {
            open.carried = Some(Arc::new(memo.after_manifest_edit()));
        }
        drop(open);
        self.changed();
    }

    /// Something a diagnostic may depend on changed.
    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Files changed on disk, or the settings did.
    fn disk_changed(&self) {
        // A new view: nothing computed from the old disk is kept.
        *lock(&self.open) = OpenView::default();
        self.disk_generation.fetch_add(1, Ordering::SeqCst);
        self.changed();
    }

    /// The generation a document's pulled diagnostics are valid for.
    fn generation_of(&self, open: bool) -> u64 {
        if open {
            self.generation.load(Ordering::SeqCst)
        } else {
            self.disk_generation.load(Ordering::SeqCst)
        }
    }

    fn editor_for(&self, path: &Path) -> EditorSettings {
        lock(&self.editor).for_path(path).clone()
    }

    /// A document's kind: by its name, or a configuration for an instance
    /// configuration that `instance-configs` names (in the configuration
    /// file found for it, over the editor's settings).
    fn kind_of(&self, path: &Path, files: &dyn crate::workspace::Files) -> Option<DocKind> {
        let dir = path.parent().unwrap_or(Path::new(""));
        let found = crate::settings::discovered(dir, files);
        let settings = match self.editor_for(path).settings {
            Some(editor) => (*found).clone().over(&editor),
            None => (*found).clone(),
        };
        crate::analysis::plugin::document_kind(path, files, &settings)
    }

    fn scope(&self, path: &Path) -> Scope {
        lock(&self.editor).for_path(path).scope
    }

    fn snapshot(&self, uri: &Uri) -> Option<RequestSnapshot> {
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
    fn disk_snapshot(&self, uri: &Uri) -> Option<RequestSnapshot> {
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

    fn is_open(&self, uri: &Uri) -> bool {
        lock(&self.docs).contains_key(uri)
    }

    fn is_wanted(&self, uri: &Uri, ticket: u64) -> bool {
        lock(&self.queue).wanted.get(uri) == Some(&ticket)
    }

    /// Sends `textDocument/publishDiagnostics` with `diagnostics` already
    /// serialised (a JSON array): the body is written around it, with no
    /// JSON tree of thousands of diagnostics built and dropped on the way.
    /// Every publication goes this way, so they keep their order.
    async fn publish_serialised(&self, uri: &Uri, diagnostics: &str, version: Option<i32>) {
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
async fn check_and_publish(state: Arc<State>, uri: Uri) {
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
fn is_on_disk(uri: &Uri) -> bool {
    uri.scheme().as_str().eq_ignore_ascii_case("file")
}

#[derive(Clone)]
pub struct Backend {
    client: Client,
    state: Arc<State>,
}

/// Serves LSP on stdin/stdout until `exit` or end of input. Returns the
/// process exit status: 0 after `shutdown` then `exit`, 1 otherwise.
pub async fn run() -> i32 {
    let state = Arc::new(State::default());
    let (raw_tx, raw) = futures::channel::mpsc::channel(64);
    let _ = state.outgoing.set(raw_tx);
    let (service, socket) = LspService::new(|client| Backend {
        client,
        state: state.clone(),
    });
    let served = super::transport::serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        service,
        socket,
        raw,
        offers,
    )
    .await;
    // The status depends on `shutdown` having been received, not on its
    // handler having run before `exit` ended the loop.
    if served.shutdown || state.shutdown_requested.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

/// The method whose handler panics on purpose, for the tests that prove a
/// panic is contained (`SPS_PLUGIN_LS_TEST_PANIC=textDocument/hover`).
fn panics_on_purpose(method: &str) -> bool {
    static METHOD: OnceLock<Option<String>> = OnceLock::new();
    METHOD
        .get_or_init(|| std::env::var("SPS_PLUGIN_LS_TEST_PANIC").ok())
        .as_deref()
        == Some(method)
}

fn internal_error(method: &str, panic: &(dyn std::any::Any + Send)) -> Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(method, panic = %what, "handler panicked; the server goes on");
    Error {
        code: ErrorCode::InternalError,
        message: format!("internal error in {method}: {what}").into(),
        data: None,
    }
}

/// Runs a request handler off the async threads, answering a panic with an
/// error instead of taking the server down.
async fn guard<T: Send + 'static>(
    method: &'static str,
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let f = move || {
        if panics_on_purpose(method) {
            panic!("panic on purpose in {method}");
        }
        f()
    };
    match tokio::task::spawn_blocking(move || std::panic::catch_unwind(AssertUnwindSafe(f))).await {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => Err(internal_error(method, panic.as_ref())),
        Err(join) if join.is_panic() => Err(internal_error(method, join.into_panic().as_ref())),
        Err(_) => Err(Error::request_cancelled()),
    }
}

/// Catches a panic in a notification handler, which has no one to answer.
async fn guard_notification(method: &'static str, fut: impl Future<Output = ()>) {
    let fut = async {
        if panics_on_purpose(method) {
            panic!("panic on purpose in {method}");
        }
        fut.await
    };
    if let Err(panic) = AssertUnwindSafe(fut).catch_unwind().await {
        internal_error(method, panic.as_ref());
    }
}

impl Backend {
    fn encoding(&self) -> Encoding {
        self.state.encoding()
    }

    /// Runs a request handler on a snapshot of the document it names.
    async fn request<T: Send + 'static>(
        &self,
        method: &'static str,
        uri: &Uri,
        f: impl FnOnce(&RequestSnapshot) -> Result<Option<T>> + Send + 'static,
    ) -> Result<Option<T>> {
        let Some(snapshot) = self.state.snapshot(uri) else {
            return Ok(None);
        };
        guard(method, move || f(&snapshot)).await
    }

    /// Re-checks the documents in `dirs` (all of them when `None`), the
    /// workspace's closed ones too, and publishes their diagnostics: for
    /// changes on disk.
    fn refresh(&self, dirs: Option<&HashSet<PathBuf>>) {
        self.refresh_where(dirs, |_| true, true);
    }

    /// Re-checks the open documents in `dirs`: for a change of an open
    /// document's text, which the closed ones see when it is saved (a
    /// keystroke re-checks no closed file).
    fn refresh_open(&self, dirs: &HashSet<PathBuf>) {
        self.refresh_where(Some(dirs), |_| true, false);
    }

    /// Re-checks the open documents of one kind in `dirs`.
    fn refresh_kind(&self, dirs: &HashSet<PathBuf>, kind: DocKind) {
        self.refresh_where(Some(dirs), |k| k == kind, false);
    }

    fn refresh_where(
        &self,
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
    fn documents_where(&self, keep: impl Fn(&Path, DocKind) -> bool, closed: bool) -> Vec<Uri> {
        let mut uris: Vec<Uri> = {
            let docs = lock(&self.state.docs);
            docs.iter()
                .filter(|(_, d)| d.kind.is_some_and(|k| keep(&d.path, k)))
                .map(|(u, _)| u.clone())
                .collect()
        };
        if !closed {
            return uris;
        }
        let open: HashSet<Uri> = uris.iter().cloned().collect();
        let closed: Vec<Uri> = lock(&self.state.workspace_docs)
            .iter()
            .filter(|(u, (p, k))| keep(p, *k) && !open.contains(*u))
            .map(|(u, _)| u.clone())
            .collect();
        uris.extend(closed);
        uris
    }

    /// Asks for a document to be checked again and its diagnostics
    /// published; requests made before the check starts are one check.
    /// A client that pulls diagnostics gets none pushed.
    fn publish(&self, uri: Uri) {
        if let Some(check) = self.queue_check(uri) {
            tokio::spawn(check);
        }
    }

    /// Queues a check of `uri`; the task to run, unless one is queued
    /// already (which then does it).
    fn queue_check(&self, uri: Uri) -> Option<impl Future<Output = ()> + Send + 'static> {
        if self.state.caps().pull {
            // The client pulls; the change that asked for this was counted.
            return None;
        }
        let start = {
            let mut q = lock(&self.state.queue);
            q.tickets += 1;
            let ticket = q.tickets;
            q.wanted.insert(uri.clone(), ticket);
            q.queued.insert(uri.clone())
        };
        let state = self.state.clone();
        start.then(|| check_and_publish(state, uri))
    }

    fn has_open_config_beside(docs: &HashMap<Uri, Document>, manifest: &Path) -> bool {
        docs.values()
            .any(|d| d.kind == Some(DocKind::Config) && d.path.parent() == manifest.parent())
    }

    /// Reads the plugin type of an open MANIFEST; true when it changed.
    fn update_plugin_type(docs: &mut HashMap<Uri, Document>, uri: &Uri) -> bool {
        let Some(doc) = docs.get_mut(uri) else {
            return false;
        };
        let now =
            crate::analysis::plugin::Plugin::from_manifest(PathBuf::new(), &doc.snapshot().text)
                .plugin_type;
        let changed = now != doc.plugin_type;
        doc.plugin_type = now;
        changed
    }

    /// Re-checks the open `.py` documents of the plugin around `path` (the
    /// plugin folder is the nearest above holding a MANIFEST), and with
    /// `manifest` its open MANIFEST and the changed document itself too.
    fn refresh_plugin_code(&self, path: &Path, manifest: bool) {
        self.refresh_plugin(path, manifest, false, false);
    }

    /// The plugin's code and its `.cfg` files after a keystroke in one of
    /// its `.py` files: what the code reads is checked in default.cfg.
    fn refresh_after_code_edit(&self, path: &Path) {
        self.refresh_plugin(path, true, true, false);
    }

    /// The same for open and closed documents, for a saved file.
    fn refresh_plugin(&self, path: &Path, manifest: bool, config: bool, closed: bool) {
        let folder = crate::analysis::plugin::folder_of(path, &DiskFiles::unconfined())
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
    async fn redetect_kinds(&self, manifests: &[PathBuf]) {
        let folders: Vec<&Path> = manifests.iter().filter_map(|m| m.parent()).collect();
        let lost: Vec<Uri> = {
            let disk = DiskFiles::unconfined();
            let mut docs = lock(&self.state.docs);
            let mut lost = Vec::new();
            for (uri, doc) in docs.iter_mut() {
                if !is_on_disk(uri) || !folders.iter().any(|f| doc.path.starts_with(f)) {
                    continue;
                }
                let now = self.state.kind_of(&doc.path, &disk);
                if now.is_none() && doc.kind.is_some() {
                    lost.push(uri.clone());
                }
                doc.kind = now;
            }
            lost
        };
        self.state.texts_changed();
        if !lost.is_empty() {
            let mut published = self.state.published.lock().await;
            for uri in lost {
                if published.remove(&uri).is_some() {
                    self.state.publish_serialised(&uri, "[]", None).await;
                }
            }
        }
        for manifest in manifests {
            self.refresh_plugin(manifest, true, true, true);
        }
    }

    /// Forgets the folder walks: files changed on disk.
    fn forget_scans(&self) {
        lock(&self.state.scans).clear();
        // Parsed configuration files too: their stamps would tell, but a
        // watched-file event is the editor's word that files changed.
        crate::settings::forget();
        self.state.disk_changed();
    }

    fn changed_dirs(paths: impl IntoIterator<Item = PathBuf>) -> HashSet<PathBuf> {
        paths
            .into_iter()
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect()
    }

    /// Asks the client to watch plugin files. The request is sent from its
    /// own task: a client that never answers must not hold up `exit`.
    fn register_watchers(&self) {
        if !self.state.watching.load(Ordering::SeqCst) {
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
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(e) = client.register_capability(vec![registration]).await {
                tracing::warn!("client refused file watchers: {e}");
            }
        });
    }
}

/// The settings the editor sends for the server: its `spsPluginLs`
/// section when the value holds one, else the value itself.
fn section(value: &serde_json::Value) -> &serde_json::Value {
    value.get(SECTION).unwrap_or(value)
}

/// A result id for a list of diagnostics: the same diagnostics, the same id.
fn result_id(items: &[Diagnostic]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(items)
        .unwrap_or_default()
        .hash(&mut h);
    format!("{:016x}", h.finish())
}

/// What a pull of one document's diagnostics gives.
enum PullReport {
    Unchanged(String),
    Full(Option<String>, Vec<Diagnostic>),
}

impl Backend {
    /// Reads the editor's settings again: by `workspace/configuration` for
    /// each folder and for all of them, when the client answers it.
    async fn load_settings(&self) {
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

    async fn report_problems(&self, problems: Vec<String>) {
        for p in problems {
            tracing::warn!("editor settings: {p}");
            self.client
                .log_message(MessageType::WARNING, format!("sps-plugin-ls settings: {p}"))
                .await;
        }
    }

    /// Every document checked again (the settings changed): the open ones
    /// and those of the workspace (cleared where the scope is `open`).
    async fn recheck_all(&self) {
        self.forget_scans();
        self.redetect_instance_configs();
        for uri in self.documents_where(|_, _| true, true) {
            self.publish(uri);
        }
        self.refresh_pulls().await;
    }

    /// The settings changed: which open `.cfg` files are instance
    /// configurations (`instance-configs`) may have too.
    fn redetect_instance_configs(&self) {
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
    async fn refresh_pulls(&self) {
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
    async fn scan_workspace(&self) {
        let run = self.state.scan_runs.fetch_add(1, Ordering::SeqCst) + 1;
        let folders = lock(&self.state.folders).clone();
        let editor = lock(&self.state.editor).clone();
        let found = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for folder in &folders {
                let files = DiskFiles::confined(folder);
                let (docs, truncated) = super::scan::documents(folder, &files);
                if truncated {
                    tracing::warn!(
                        "{}: the workspace folder is larger than a walk covers; only what it \
                         reached is checked",
                        folder.display()
                    );
                }
                out.extend(super::scan::not_excluded(docs, &files, &editor));
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
    fn relist(&self, paths: &[PathBuf]) {
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
                    super::scan::not_excluded(docs, &files, &editor)
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

/// One document's diagnostics for a pull: `unchanged` when they are those
/// of `previous`, without analysing anything when nothing changed since
/// they were computed. The version of the document, if open.
async fn pull(
    state: &State,
    uri: &Uri,
    previous: Option<&str>,
) -> Result<(Option<i32>, PullReport)> {
    let version = lock(&state.docs).get(uri).map(|d| d.version);
    let open = version.is_some();
    let stamp = (!open)
        .then(|| DiskFiles::unconfined().stamp(&uri_path(uri)))
        .flatten();
    if !open && stamp.is_none() {
        // No such file (any more): nothing to report.
        lock(&state.pulled).remove(uri);
        return Ok((None, PullReport::Full(None, Vec::new())));
    }
    let kept = lock(&state.pulled).get(uri).map(|p| {
        (
            p.open == open && p.stamp == stamp,
            p.generation,
            p.result_id.clone(),
        )
    });
    if let Some((same_file, kept_generation, result_id)) = kept {
        if !same_file && !open {
            // The file changed with no event for it: what was computed from
            // the disk is stale, not only this document's result.
            state.disk_changed();
        }
        let generation = state.generation_of(open);
        if same_file && kept_generation == generation && previous == Some(result_id.as_str()) {
            return Ok((version, PullReport::Unchanged(result_id)));
        }
    }
    let generation = state.generation_of(open);
    let Some(snapshot) = state.snapshot(uri).or_else(|| state.disk_snapshot(uri)) else {
        return Ok((version, PullReport::Full(None, Vec::new())));
    };
    let version = open.then_some(snapshot.doc.version);
    let items = guard("textDocument/diagnostic", move || {
        let diags = handlers::diagnostics::analyse(&snapshot);
        Ok(handlers::diagnostics::to_lsp(&snapshot, &diags))
    })
    .await?;
    let id = result_id(&items);
    let report = if previous == Some(id.as_str()) {
        PullReport::Unchanged(id.clone())
    } else {
        PullReport::Full(Some(id.clone()), items)
    };
    lock(&state.pulled).insert(
        uri.clone(),
        Pulled {
            open,
            generation,
            result_id: id,
            stamp,
        },
    );
    Ok((version, report))
}

/// How long the first workspace pull waits for the workspace's listing.
const LISTING_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// After a check of the whole workspace: the indexes it left in the cache
/// are of the last plugins it went through; only the open plugins' are
/// worth keeping. Then the free heap goes back.
async fn settle_after_workspace_check(state: &State) {
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
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory; it takes no pointer.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The documents of the workspace check by plugin (the nearest folder above
/// holding a listed MANIFEST; a document under none is a group of its own),
/// each plugin's in the order MANIFEST, `.cfg`, code, then by path.
fn by_plugin(docs: Vec<(&Uri, &PathBuf, DocKind)>) -> Vec<Vec<Uri>> {
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
fn scan_rank(kind: DocKind) -> u8 {
    match kind {
        DocKind::Manifest => 0,
        DocKind::Config => 1,
        DocKind::Python => 2,
        DocKind::Settings => 3,
    }
}

fn uri_path(uri: &Uri) -> PathBuf {
    uri.to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_else(|| PathBuf::from(uri.path().as_str()))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = super::convert::negotiate_encoding(&params.capabilities);
        let _ = self.state.encoding.set(encoding);
        let c = &params.capabilities;
        let workspace = c.workspace.as_ref();
        let dynamic_watch = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.state.watching.store(dynamic_watch, Ordering::SeqCst);
        // Pull only for a client that can also pull the workspace's and be
        // told when to pull again (VS Code): Neovim 0.11 declares
        // `textDocument.diagnostic` but pulls for visible buffers only, and
        // would never see a closed file's or a change on disk.
        let caps = ClientCaps {
            pull: c
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some())
                && workspace.is_some_and(|w| w.diagnostics.is_some()),
            refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            progress: c
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
        };
        let _ = self.state.caps.set(caps);
        #[allow(deprecated)] // `root_uri`: for clients without workspace folders.
        let folders: Vec<PathBuf> = match &params.workspace_folders {
            Some(f) => f.iter().map(|f| uri_path(&f.uri)).collect(),
            None => params.root_uri.iter().map(uri_path).collect(),
        };
        let root = folders.first().cloned().unwrap_or_default();
        *lock(&self.state.folders) = folders;
        if let Some(options) = &params.initialization_options {
            let read = editor_settings::read(section(options), &root);
            for p in &read.problems {
                tracing::warn!("initializationOptions: {p}");
            }
            lock(&self.state.editor).global = read;
        }
        Ok(handlers::initialize::result(encoding, caps.pull))
    }

    async fn initialized(&self, _: InitializedParams) {
        self.register_watchers();
        let problems = lock(&self.state.editor).global.problems.clone();
        // The settings and the scan after the answer, in the background:
        // a check queued meanwhile is one check with the scan's.
        let this = self.clone();
        tokio::spawn(async move {
            this.report_problems(problems).await;
            this.load_settings().await;
            this.redetect_instance_configs();
            // Documents opened before the settings came are checked again
            // (nothing is sent for those whose diagnostics stay the same).
            this.refresh(None);
            this.scan_workspace().await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        guard_notification("textDocument/didOpen", async {
            let doc = params.text_document;
            let path = uri_path(&doc.uri);
            let kind = if is_on_disk(&doc.uri) {
                self.state.kind_of(&path, &DiskFiles::unconfined())
            } else {
                DocKind::detect(&path, &NoFiles)
            };
            let dir = Self::changed_dirs([path.clone()]);
            if kind.is_none()
                || (is_on_disk(&doc.uri) && crate::workspace::walks_miss(&self.state.scans, &path))
            {
                // A file the editor just created may not be on disk yet, or
                // be newer than the walks kept of its plugin.
                self.forget_scans();
            }
            {
                let mut docs = lock(&self.state.docs);
                docs.insert(
                    doc.uri.clone(),
                    Document::new(path, kind, doc.version, &doc.text),
                );
            }
            self.state.texts_changed();
            self.refresh_open(&dir);
        })
        .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        guard_notification("textDocument/didChange", async {
            let enc = self.encoding();
            let uri = params.text_document.uri;
            let (path, kind, type_changed, facts_changed) = {
                let mut docs = lock(&self.state.docs);
                let Some(doc) = docs.get_mut(&uri) else {
                    tracing::warn!("change to a document that is not open: {}", uri.as_str());
                    return;
                };
                let is_manifest = doc.kind == Some(DocKind::Manifest);
                let facts = |doc: &mut Document| {
                    Plugin::from_manifest(PathBuf::new(), &doc.snapshot().text).facts_key()
                };
                let before = is_manifest.then(|| facts(doc));
                for change in &params.content_changes {
                    doc.apply(change, enc);
                }
                doc.version = params.text_document.version;
                let facts_changed = before.is_none_or(|b| b != facts(doc));
                if is_manifest {
                    self.state.manifest_text_changed();
                } else {
                    self.state.texts_changed();
                }
                let (path, kind) = (doc.path.clone(), doc.kind);
                let type_changed = kind == Some(DocKind::Manifest)
                    && Self::has_open_config_beside(&docs, &path)
                    && Self::update_plugin_type(&mut docs, &uri);
                (path, kind, type_changed, facts_changed)
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
        })
        .await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        guard_notification("textDocument/didSave", async {
            self.forget_scans();
            let path = uri_path(&params.text_document.uri);
            // The closed files read it from the disk now.
            self.refresh(Some(&Self::changed_dirs([path.clone()])));
            let kind = lock(&self.state.docs)
                .get(&params.text_document.uri)
                .and_then(|d| d.kind);
            match kind {
                Some(DocKind::Python | DocKind::Manifest) => {
                    self.refresh_plugin(&path, true, true, true)
                }
                // A configuration file applies to every file below it.
                Some(DocKind::Settings) => self.recheck_all().await,
                _ => {}
            }
        })
        .await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        guard_notification("textDocument/didClose", async {
            let uri = params.text_document.uri;
            let closed = {
                let mut docs = lock(&self.state.docs);
                docs.remove(&uri).map(|d| (d.path, d.kind))
            };
            self.state.texts_changed();
            // A plugin's file made after the workspace was listed, with no
            // file event for it (a watcher can miss one), stays in the
            // workspace once closed, as the listing would have it: its
            // findings then come from the disk, and leave with the file.
            if let Some((path, Some(kind))) = &closed {
                // A regular file, not a link: the disk is read only inside.
                let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
                if is_on_disk(&uri) && regular {
                    lock(&self.state.workspace_docs)
                        .entry(uri.clone())
                        .or_insert_with(|| (path.clone(), *kind));
                }
            }
            let path = closed.map(|(p, _)| p);
            let from_disk = lock(&self.state.workspace_docs)
                .get(&uri)
                .is_some_and(|(p, _)| self.state.scope(p) == Scope::Workspace);
            if from_disk {
                // Back to its diagnostics from the disk.
                self.publish(uri.clone());
            } else {
                // A check under way for it publishes nothing.
                lock(&self.state.queue).wanted.remove(&uri);
                let had = self.state.published.lock().await.remove(&uri).is_some();
                if had {
                    self.state.publish_serialised(&uri, "[]", None).await;
                }
            }
            // Other documents now read this file from the disk.
            if let Some(path) = path {
                self.refresh(Some(&Self::changed_dirs([path])));
            }
        })
        .await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        guard_notification("workspace/didChangeWatchedFiles", async {
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
                self.redetect_kinds(&manifests).await;
            }
            if settings_changed {
                // Its settings apply to every file below it.
                self.recheck_all().await;
                return;
            }
            let dirs = Self::changed_dirs(changes.into_iter().map(|(p, _)| p));
            // A file in a sub-folder can matter to the plugin above it.
            let mut all = dirs.clone();
            for d in &dirs {
                all.extend(d.ancestors().skip(1).take(8).map(Path::to_path_buf));
            }
            self.refresh(Some(&all));
            self.refresh_pulls().await;
        })
        .await;
    }

    /// The workspace's documents are listed again; a document's diagnostics
    /// depend on the files beside it, not on the folders the workspace holds.
    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
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

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        guard_notification("workspace/didChangeConfiguration", async {
            if self.state.caps().configuration {
                self.load_settings().await;
            } else if section(&params.settings).is_object() {
                let root = lock(&self.state.folders)
                    .first()
                    .cloned()
                    .unwrap_or_default();
                let read = editor_settings::read(section(&params.settings), &root);
                let problems = read.problems.clone();
                lock(&self.state.editor).global = read;
                self.report_problems(problems).await;
            }
            self.recheck_all().await;
        })
        .await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let (_, report) = pull(&self.state, &uri, params.previous_result_id.as_deref()).await?;
        Ok(DocumentDiagnosticReportResult::Report(match report {
            PullReport::Unchanged(result_id) => {
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id,
                    },
                })
            }
            PullReport::Full(result_id, items) => {
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id,
                        items,
                    },
                })
            }
        }))
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        // Before the first listing there is nothing to report but the open
        // documents: wait for it (bounded, for a client that never sends
        // `initialized`).
        let mut listed = self.state.listed.subscribe();
        let _ = tokio::time::timeout(LISTING_WAIT, listed.wait_for(|done| *done)).await;
        let previous: HashMap<Uri, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri, p.value))
            .collect();
        let mut uris: Vec<Uri> =
            self.documents_where(|p, _| self.state.scope(p) == Scope::Workspace, true);
        let open: HashMap<Uri, (PathBuf, Option<DocKind>)> = lock(&self.state.docs)
            .iter()
            .map(|(u, d)| (u.clone(), (d.path.clone(), d.kind)))
            .collect();
        // An open document is the editor's to pull whatever the scope.
        uris.extend(
            open.iter()
                .filter(|(_, (_, k))| k.is_some())
                .map(|(u, _)| u.clone()),
        );
        uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        uris.dedup();
        // Plugin by plugin, the plugins sharing the cores as the push-mode
        // start does: a plugin's documents in turn find its code's results
        // kept.
        let closed = lock(&self.state.workspace_docs).clone();
        let located: Vec<(&Uri, &PathBuf, DocKind)> = uris
            .iter()
            .filter_map(|u| match open.get(u) {
                Some((p, k)) => k.map(|k| (u, p, k)),
                None => closed.get(u).map(|(p, k)| (u, p, *k)),
            })
            .collect();
        let plugins = by_plugin(located);
        let previous = Arc::new(previous);
        let mut pulls = tokio::task::JoinSet::new();
        for uris in plugins {
            let (state, previous) = (self.state.clone(), previous.clone());
            pulls.spawn(async move {
                let mut out = Vec::with_capacity(uris.len());
                for uri in uris {
                    let Ok(_permit) = state.analyses.acquire().await else {
                        break;
                    };
                    let pulled = pull(&state, &uri, previous.get(&uri).map(String::as_str)).await;
                    out.push((uri, pulled));
                }
                out
            });
        }
        let mut pulled = Vec::with_capacity(uris.len());
        while let Some(done) = pulls.join_next().await {
            pulled.extend(done.map_err(|_| Error::internal_error())?);
        }
        pulled.sort_by(|(a, _), (b, _)| a.as_str().cmp(b.as_str()));
        let reported: HashSet<Uri> = pulled.iter().map(|(u, _)| u.clone()).collect();
        let mut items = Vec::with_capacity(pulled.len());
        for (uri, result) in pulled {
            let (version, report) = result?;
            let version = version.map(i64::from);
            items.push(match report {
                PullReport::Unchanged(result_id) => WorkspaceDocumentDiagnosticReport::Unchanged(
                    WorkspaceUnchangedDocumentDiagnosticReport {
                        uri,
                        version,
                        unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                            result_id,
                        },
                    },
                ),
                PullReport::Full(result_id, items) => {
                    WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                        uri,
                        version,
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id,
                            items,
                        },
                    })
                }
            });
        }
        // A file the client holds a result for and the workspace no longer
        // has (deleted, or out of scope now) is cleared: a client keeps a
        // file's last result until a report replaces it.
        let mut gone: Vec<&Uri> = previous.keys().filter(|u| !reported.contains(u)).collect();
        gone.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        for uri in gone {
            items.push(WorkspaceDocumentDiagnosticReport::Full(
                WorkspaceFullDocumentDiagnosticReport {
                    uri: uri.clone(),
                    version: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items: Vec::new(),
                    },
                },
            ));
        }
        // Settled once the report is on its way: its serialisation reuses
        // the heap the pulls leave free, rather than new pages.
        let state = self.state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            settle_after_workspace_check(&state).await;
        });
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.request("textDocument/completion", &uri, move |s| {
            handlers::completion::handle(s, params)
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.request("textDocument/hover", &uri, move |s| {
            handlers::hover::handle(s, params)
        })
        .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.request("textDocument/signatureHelp", &uri, move |s| {
            handlers::signature_help::handle(s, params)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.request("textDocument/references", &uri, move |s| {
            handlers::references::handle(s, params)
        })
        .await
    }

    async fn will_rename_files(&self, params: RenameFilesParams) -> Result<Option<WorkspaceEdit>> {
        let open: HashMap<PathBuf, Arc<str>> = lock(&self.state.docs)
            .iter_mut()
            .filter(|(_, d)| d.kind == Some(DocKind::Manifest))
            .map(|(_, d)| (d.path.clone(), d.snapshot().text))
            .collect();
        let encoding = self.encoding();
        Ok(tokio::task::spawn_blocking(move || {
            handlers::will_rename_files::handle(params, &open, encoding)
        })
        .await
        .unwrap_or_default())
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/formatting", &uri, move |s| {
            handlers::formatting::document(s, params)
        })
        .await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/rangeFormatting", &uri, move |s| {
            handlers::formatting::range(s, params)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/prepareRename", &uri, move |s| {
            handlers::rename::prepare(s, params)
        })
        .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri.clone();
        self.request("textDocument/rename", &uri, move |s| {
            handlers::rename::handle(s, params)
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.request("textDocument/documentHighlight", &uri, move |s| {
            handlers::document_highlight::handle(s, params)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/inlayHint", &uri, move |s| {
            handlers::inlay_hint::handle(s, params)
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/codeAction", &uri, move |s| {
            handlers::code_action::handle(s, params)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/documentSymbol", &uri, move |s| {
            handlers::document_symbol::handle(s, params)
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/foldingRange", &uri, move |s| {
            handlers::folding_range::handle(s, params)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params
            .text_document_position_params
            .text_document
            .uri
            .clone();
        self.request("textDocument/definition", &uri, move |s| {
            handlers::definition::handle(s, params)
        })
        .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let uri = params.text_document.uri.clone();
        self.request("textDocument/documentLink", &uri, move |s| {
            handlers::document_link::handle(s, params)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workspace check's groups: one per plugin, its MANIFEST first,
    /// then its `.cfg`, then its code; a file under no plugin alone.
    #[test]
    fn the_workspace_check_goes_plugin_by_plugin_manifest_first() {
        let docs = [
            ("/w/b/lib/m.py", DocKind::Python),
            ("/w/a/main.py", DocKind::Python),
            ("/w/b/default.cfg", DocKind::Config),
            ("/w/sps-plugin-ls.toml", DocKind::Settings),
            ("/w/a/MANIFEST", DocKind::Manifest),
            ("/w/b/main.py", DocKind::Python),
            ("/w/b/MANIFEST", DocKind::Manifest),
            ("/w/a/inner/MANIFEST", DocKind::Manifest),
            ("/w/a/inner/x.py", DocKind::Python),
        ];
        let owned: Vec<(Uri, PathBuf, DocKind)> = docs
            .iter()
            .map(|(p, k)| (Uri::from_file_path(p).unwrap(), PathBuf::from(p), *k))
            .collect();
        let groups = by_plugin(owned.iter().map(|(u, p, k)| (u, p, *k)).collect());
        let names: Vec<Vec<&str>> = groups
            .iter()
            .map(|g| g.iter().map(|u| u.path().as_str()).collect())
            .collect();
        assert_eq!(
            names,
            [
                vec!["/w/a/MANIFEST", "/w/a/main.py"],
                vec!["/w/a/inner/MANIFEST", "/w/a/inner/x.py"],
                vec![
                    "/w/b/MANIFEST",
                    "/w/b/default.cfg",
                    "/w/b/lib/m.py",
                    "/w/b/main.py"
                ],
                vec!["/w/sps-plugin-ls.toml"],
            ]
        );
    }
}
