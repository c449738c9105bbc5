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

/// One file per notification: `lsp/server/notifications/<method>.rs`.
mod notifications;
/// Pull diagnostics: a document's and the workspace's.
mod pull;
/// The editor's settings, and the workspace's listing and check.
mod workspace_check;

use workspace_check::{by_plugin, settle_after_workspace_check, LISTING_WAIT};

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
        self.on_did_open(params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.on_did_change(params).await
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.on_did_save(params).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.on_did_close(params).await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.on_did_change_watched_files(params).await
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        self.on_did_change_workspace_folders(params).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.on_did_change_configuration(params).await
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        self.on_diagnostic(params).await
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        self.on_workspace_diagnostic(params).await
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
