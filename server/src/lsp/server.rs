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

use super::documents::{Document, Snapshot};
use super::handlers;
use crate::text::Encoding;
use crate::workspace::{DiskFiles, DocKind, Files, Overlay, ScanCache};

/// Everything a request handler may read: one document's snapshot and the
/// texts of all open documents (which take precedence over the disk).
pub struct RequestSnapshot {
    pub uri: Uri,
    pub path: PathBuf,
    pub kind: DocKind,
    pub doc: Snapshot,
    pub encoding: Encoding,
    open: HashMap<PathBuf, Arc<str>>,
    scans: Arc<ScanCache>,
}

impl RequestSnapshot {
    /// Runs `f` with a view of the files that overlays the open documents.
    pub fn with_files<R>(&self, f: impl FnOnce(&dyn Files) -> R) -> R {
        let disk = DiskFiles::unconfined();
        f(&Overlay {
            open: &self.open,
            below: &disk,
            scans: Some(&self.scans),
        })
    }

    pub fn convert(&self) -> super::convert::Text<'_> {
        super::convert::Text {
            text: &self.doc.text,
            index: &self.doc.index,
            encoding: self.encoding,
        }
    }
}

#[derive(Default)]
struct State {
    docs: Mutex<HashMap<Uri, Document>>,
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
    super::transport::serve(tokio::io::stdin(), tokio::io::stdout(), service, socket).await;
    if state.shutdown_requested.load(Ordering::SeqCst) {
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
        self.state.encoding.get().copied().unwrap_or_default()
    }

    fn snapshot(&self, uri: &Uri) -> Option<RequestSnapshot> {
        let mut docs = self.state.docs.lock().unwrap_or_else(|e| e.into_inner());
        let open: HashMap<PathBuf, Arc<str>> = docs
            .values_mut()
            .map(|d| (d.path.clone(), d.snapshot().text))
            .collect();
        let doc = docs.get_mut(uri)?;
        Some(RequestSnapshot {
            uri: uri.clone(),
            path: doc.path.clone(),
            kind: doc.kind?,
            doc: doc.snapshot(),
            encoding: self.encoding(),
            open,
            scans: self.state.scans.clone(),
        })
    }

    /// Runs a request handler on a snapshot of the document it names.
    async fn request<T: Send + 'static>(
        &self,
        method: &'static str,
        uri: &Uri,
        f: impl FnOnce(&RequestSnapshot) -> Result<Option<T>> + Send + 'static,
    ) -> Result<Option<T>> {
        let Some(snapshot) = self.snapshot(uri) else {
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
            let docs = self.state.docs.lock().unwrap_or_else(|e| e.into_inner());
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

    /// Analyses a document in the background and publishes the result,
    /// unless the document has changed meanwhile (a newer run publishes
    /// then), so the last publication always matches the latest version.
    fn publish(&self, uri: Uri) {
        let Some(snapshot) = self.snapshot(&uri) else {
            return;
        };
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let version = snapshot.doc.version;
            let is_current = |state: &State| {
                let docs = state.docs.lock().unwrap_or_else(|e| e.into_inner());
                docs.get(&uri).is_some_and(|d| d.version == version)
            };
            if !is_current(&state) {
                return;
            }
            let snapshot = Arc::new(snapshot);
            let analysed = snapshot.clone();
            let result = guard("textDocument/publishDiagnostics", move || {
                Ok(handlers::diagnostics::analyse(&analysed))
            })
            .await;
            let Ok(diags) = result else { return };
            let mut published = state.published.lock().await;
            if !is_current(&state) {
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
        });
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
        self.state
            .scans
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
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
            let kind = DocKind::detect(&path, &DiskFiles::unconfined());
            let dir = Self::changed_dirs([path.clone()]);
            if kind.is_none() {
                // A file the editor just created may not be on disk yet.
                self.forget_scans();
            }
            {
                let mut docs = self.state.docs.lock().unwrap_or_else(|e| e.into_inner());
                docs.insert(
                    doc.uri.clone(),
                    Document::new(path, kind, doc.version, &doc.text),
                );
            }
            self.refresh(Some(&dir));
        })
        .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        guard_notification("textDocument/didChange", async {
            let enc = self.encoding();
            let uri = params.text_document.uri;
            let (path, kind, type_changed) = {
                let mut docs = self.state.docs.lock().unwrap_or_else(|e| e.into_inner());
                let Some(doc) = docs.get_mut(&uri) else {
                    tracing::warn!("change to a document that is not open: {}", uri.as_str());
                    return;
                };
                for change in &params.content_changes {
                    doc.apply(change, enc);
                }
                doc.version = params.text_document.version;
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
                let mut docs = self.state.docs.lock().unwrap_or_else(|e| e.into_inner());
                docs.remove(&uri).map(|d| d.path)
            };
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

    async fn did_change_workspace_folders(&self, _: DidChangeWorkspaceFoldersParams) {
        self.refresh(None);
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
