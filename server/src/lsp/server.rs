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

/// One file per notification: `lsp/server/notifications/<method>.rs`.
mod notifications;
/// Pull diagnostics: a document's and the workspace's.
mod pull;
/// What an edit or a file event makes the server check again.
mod refresh;
/// The server's state, its publication queue and the check of one document.
mod state;
/// The editor's settings, and the workspace's listing and check.
mod workspace_check;

use state::{check_and_publish, is_on_disk, ClientCaps, Pulled, State};
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
