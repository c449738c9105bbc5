//! The requests answered on the loop, for the state they read or change:
//! `initialize` and `workspace/willRenameFiles` (the pulls are `pull.rs`).

use super::*;

impl Session {
    pub(super) fn initialize(&mut self, id: Id, params: InitializeParams) {
        let encoding = super::super::convert::negotiate_encoding(&params.capabilities);
        self.encoding = encoding;
        let c = &params.capabilities;
        let workspace = c.workspace.as_ref();
        self.watching = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
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
        self.caps = caps;
        #[allow(deprecated)] // `root_uri`: for clients without workspace folders.
        let folders: Vec<PathBuf> = match &params.workspace_folders {
            Some(f) => f.iter().map(|f| uri_path(&f.uri)).collect(),
            None => params.root_uri.iter().map(uri_path).collect(),
        };
        let root = folders.first().cloned().unwrap_or_default();
        self.folders = folders;
        if let Some(options) = &params.initialization_options {
            let read = editor_settings::read(section(options), &root);
            for p in &read.problems {
                tracing::warn!("initializationOptions: {p}");
            }
            self.editor.global = read;
        }
        self.initialized = true;
        let client = params.client_info.as_ref();
        tracing::info!(
            client = client.map_or("unknown", |c| c.name.as_str()),
            version = client.and_then(|c| c.version.as_deref()).unwrap_or(""),
            encoding = ?encoding,
            pull = caps.pull,
            "initialize"
        );
        self.answer(&id, Ok(handlers::initialize::result(encoding, caps.pull)));
    }

    pub(super) fn will_rename_files(&mut self, id: Id, params: RenameFilesParams) {
        let open: HashMap<PathBuf, Arc<str>> = self
            .docs
            .iter_mut()
            .filter(|(_, d)| d.kind == Some(DocKind::Manifest))
            .map(|(_, d)| (d.path.clone(), d.snapshot().text))
            .collect();
        let encoding = self.encoding;
        self.spawn_request(id, "workspace/willRenameFiles", move || {
            Ok(handlers::will_rename_files::handle(params, &open, encoding))
        });
    }
}
