//! The server: state, lifecycle, and the table from protocol methods to
//! handlers. Text changes are applied synchronously on arrival, before any
//! `.await`, so they are applied in order; analysis runs on snapshots.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use futures::FutureExt;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService};

use super::documents::Document;
use super::handlers;
use super::snapshot::{OpenTexts, RequestSnapshot};
use crate::text::Encoding;
use crate::workspace::{lock, DiskFiles, DocKind, NoFiles, ScanCache};

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

struct State {
    docs: Mutex<HashMap<Uri, Document>>,
    /// The open documents' texts, shared by every snapshot until one
    /// changes (`None`: to be built again).
    open: Mutex<Option<OpenTexts>>,
    queue: Mutex<Queue>,
    /// Analyses running at once, so that requests always find a thread.
    analyses: tokio::sync::Semaphore,
    encoding: OnceLock<Encoding>,
    shutdown_requested: AtomicBool,
    /// What was last published per document (version and diagnostics), so
    /// that re-checking a neighbour that did not change sends nothing.
    published: tokio::sync::Mutex<HashMap<Uri, (i32, Vec<Diagnostic>)>>,
    watching: AtomicBool,
    /// Folder walks for the layout rules, kept until files change on disk:
    /// a keystroke never walks the plugin folder again.
    scans: Arc<ScanCache>,
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
        }
    }
}

impl State {
    fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    /// The open texts, built once per change of any document.
    fn open_texts(&self, docs: &mut HashMap<Uri, Document>) -> OpenTexts {
        let mut open = lock(&self.open);
        if let Some(o) = &*open {
            return o.clone();
        }
        let texts: OpenTexts = Arc::new(
            docs.iter_mut()
                .filter(|(u, _)| is_on_disk(u))
                .map(|(_, d)| (d.path.clone(), d.snapshot().text))
                .collect(),
        );
        *open = Some(texts.clone());
        texts
    }

    /// A document's text changed, or a document opened or closed.
    fn texts_changed(&self) {
        *lock(&self.open) = None;
    }

    fn snapshot(&self, uri: &Uri) -> Option<RequestSnapshot> {
        let mut docs = lock(&self.docs);
        let open = self.open_texts(&mut docs);
        let doc = docs.get_mut(uri)?;
        Some(RequestSnapshot {
            uri: uri.clone(),
            path: doc.path.clone(),
            kind: doc.kind?,
            doc: doc.snapshot(),
            encoding: self.encoding(),
            on_disk: is_on_disk(uri),
            open,
            scans: self.scans.clone(),
        })
    }

    fn is_wanted(&self, uri: &Uri, ticket: u64) -> bool {
        lock(&self.queue).wanted.get(uri) == Some(&ticket)
    }
}

/// Analyses a document queued by [`Backend::publish`] and publishes the
/// result, unless a later request for it was made meanwhile.
async fn check_and_publish(state: Arc<State>, client: Client, uri: Uri) {
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
    let Some(snapshot) = state.snapshot(&uri) else {
        return;
    };
    let version = snapshot.doc.version;
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
    let entry = (version, converted);
    if published.get(&uri) == Some(&entry) {
        return;
    }
    let converted = entry.1.clone();
    published.insert(uri.clone(), entry);
    client
        .publish_diagnostics(uri, converted, Some(version))
        .await;
}

/// Whether a document is a file on the disk.
fn is_on_disk(uri: &Uri) -> bool {
    uri.scheme().as_str().eq_ignore_ascii_case("file")
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

/// Serves LSP on stdin/stdout until `exit` or end of input. Returns the
/// process exit status: 0 after `shutdown` then `exit`, 1 otherwise.
pub async fn run() -> i32 {
    let state = Arc::new(State::default());
    let (service, socket) = LspService::new(|client| Backend {
        client,
        state: state.clone(),
    });
    let served =
        super::transport::serve(tokio::io::stdin(), tokio::io::stdout(), service, socket).await;
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

    /// Re-checks the open documents in `dirs` (all of them when `None`) and
    /// publishes their diagnostics.
    fn refresh(&self, dirs: Option<&HashSet<PathBuf>>) {
        self.refresh_where(dirs, |_| true);
    }

    /// Re-checks the open documents of one kind in `dirs`.
    fn refresh_kind(&self, dirs: &HashSet<PathBuf>, kind: DocKind) {
        self.refresh_where(Some(dirs), |k| k == kind);
    }

    fn refresh_where(&self, dirs: Option<&HashSet<PathBuf>>, wanted: impl Fn(DocKind) -> bool) {
        let uris: Vec<Uri> = {
            let docs = lock(&self.state.docs);
            docs.iter()
                .filter(|(_, d)| d.kind.is_some_and(&wanted))
                .filter(|(_, d)| {
                    dirs.is_none_or(|dirs| d.path.parent().is_some_and(|p| dirs.contains(p)))
                })
                .map(|(u, _)| u.clone())
                .collect()
        };
        for uri in uris {
            self.publish(uri);
        }
    }

    /// Asks for a document to be checked again and its diagnostics
    /// published; requests made before the check starts are one check.
    fn publish(&self, uri: Uri) {
        let start = {
            let mut q = lock(&self.state.queue);
            q.tickets += 1;
            let ticket = q.tickets;
            q.wanted.insert(uri.clone(), ticket);
            q.queued.insert(uri.clone())
        };
        if start {
            let (state, client) = (self.state.clone(), self.client.clone());
            tokio::spawn(check_and_publish(state, client, uri));
        }
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
        let now = crate::analysis::plugin::manifest_type(&doc.snapshot().text);
        let changed = now != doc.plugin_type;
        doc.plugin_type = now;
        changed
    }

    /// Re-checks the open `.py` documents of the plugin around `path` (the
    /// plugin folder is the nearest above holding a MANIFEST), and with
    /// `manifest` its open MANIFEST and the changed document itself too.
    fn refresh_plugin_code(&self, path: &Path, manifest: bool) {
        let folder = crate::analysis::code::plugin_folder(path, &DiskFiles::unconfined())
            .or_else(|| path.parent().map(Path::to_path_buf));
        let Some(folder) = folder else { return };
        let uris: Vec<Uri> = {
            let docs = self.state.docs.lock().unwrap_or_else(|e| e.into_inner());
            docs.iter()
                .filter(|(_, d)| match d.kind {
                    Some(DocKind::Python) => d.path.starts_with(&folder),
                    Some(DocKind::Manifest) => manifest && d.path.parent() == Some(&folder),
                    _ => false,
                })
                .map(|(u, _)| u.clone())
                .collect()
        };
        for uri in uris {
            self.publish(uri);
        }
    }

    /// Forgets the folder walks: files changed on disk.
    fn forget_scans(&self) {
        lock(&self.state.scans).clear();
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

fn uri_path(uri: &Uri) -> PathBuf {
    uri.to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_else(|| PathBuf::from(uri.path().as_str()))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = super::convert::negotiate_encoding(&params.capabilities);
        let _ = self.state.encoding.set(encoding);
        let dynamic_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.state.watching.store(dynamic_watch, Ordering::SeqCst);
        Ok(handlers::initialize::result(encoding))
    }

    async fn initialized(&self, _: InitializedParams) {
        self.register_watchers();
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
                DocKind::detect(&path, &DiskFiles::unconfined())
            } else {
                DocKind::detect(&path, &NoFiles)
            };
            let dir = Self::changed_dirs([path.clone()]);
            if kind.is_none() {
                // A file the editor just created may not be on disk yet.
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
            self.refresh(Some(&dir));
        })
        .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        guard_notification("textDocument/didChange", async {
            let enc = self.encoding();
            let uri = params.text_document.uri;
            let (path, kind, type_changed) = {
                let mut docs = lock(&self.state.docs);
                let Some(doc) = docs.get_mut(&uri) else {
                    tracing::warn!("change to a document that is not open: {}", uri.as_str());
                    return;
                };
                for change in &params.content_changes {
                    doc.apply(change, enc);
                }
                doc.version = params.text_document.version;
                self.state.texts_changed();
                let (path, kind) = (doc.path.clone(), doc.kind);
                let type_changed = kind == Some(DocKind::Manifest)
                    && Self::has_open_config_beside(&docs, &path)
                    && Self::update_plugin_type(&mut docs, &uri);
                (path, kind, type_changed)
            };
            // Only what the change can affect is checked again: a MANIFEST
            // matters to its default.cfg only through `type`, a .cfg to
            // nothing else, any other file (the entry point) to the MANIFEST.
            let dirs = Self::changed_dirs([path.clone()]);
            match kind {
                // A module of the plugin matters to its MANIFEST and to the
                // plugin's other modules (imports, the `Plugin` class).
                Some(DocKind::Python) => self.refresh_plugin_code(&path, true),
                Some(DocKind::Manifest) => {
                    if type_changed {
                        self.refresh(Some(&dirs));
                    } else {
                        self.publish(uri);
                    }
                    // `api`, `type` and `entry_point` matter to the code.
                    self.refresh_plugin_code(&path, false);
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
            self.refresh(Some(&Self::changed_dirs([path])));
        })
        .await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        guard_notification("textDocument/didClose", async {
            let uri = params.text_document.uri;
            let path = {
                let mut docs = lock(&self.state.docs);
                docs.remove(&uri).map(|d| d.path)
            };
            self.state.texts_changed();
            // A check under way for it publishes nothing.
            lock(&self.state.queue).wanted.remove(&uri);
            let had = self.state.published.lock().await.remove(&uri).is_some();
            if had {
                self.client.publish_diagnostics(uri, Vec::new(), None).await;
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
            let paths: Vec<PathBuf> = params
                .changes
                .iter()
                .map(|c| uri_path(&c.uri))
                .filter(|p| !p.components().any(|c| c.as_os_str() == ".git"))
                .collect();
            if paths.is_empty() {
                return;
            }
            self.forget_scans();
            let dirs = Self::changed_dirs(paths);
            // A file in a sub-folder can matter to the plugin above it.
            let mut all = dirs.clone();
            for d in &dirs {
                all.extend(d.ancestors().skip(1).take(8).map(Path::to_path_buf));
            }
            self.refresh(Some(&all));
        })
        .await;
    }

    /// Nothing to re-check: a document's diagnostics depend on the files
    /// beside it, never on which folders the workspace holds.
    async fn did_change_workspace_folders(&self, _: DidChangeWorkspaceFoldersParams) {}

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
