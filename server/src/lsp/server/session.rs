//! The server's state ([`Session`]): the open documents, the workspace's
//! closed ones, the editor settings, what was published and pulled, the
//! queue of checks. One owner, the loop; no lock.

use std::sync::atomic::{AtomicBool, Ordering};

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

/// The server's state. Owned by the loop ([`Session::run`]): a
/// notification gets `&mut Session`, a request or a check a snapshot built
/// from it; a task reports back as an [`Event::Apply`]. Nothing in it is
/// behind a lock.
pub(super) struct Session {
    pub(super) client: super::client::Client,
    /// Where tasks send what they found, to be applied on the loop.
    pub(super) events: UnboundedSender<Event>,
    /// `initialize` was answered.
    pub(super) initialized: bool,
    pub(super) shutdown_requested: bool,
    pub(super) docs: HashMap<Uri, Document>,
    /// The open documents' texts, shared by every snapshot until one
    /// changes (`None`: to be built again), and the results kept for that
    /// view of the files until it or the disk changes.
    pub(super) open: OpenView,
    pub(super) checks: super::checks::Checks,
    pub(super) encoding: Encoding,
    pub(super) caps: ClientCaps,
    /// The client can watch files for us (dynamic registration).
    pub(super) watching: bool,
    /// What was last published per document (version, none for a closed
    /// one, and diagnostics), so that re-checking a neighbour that did not
    /// change sends nothing.
    pub(super) published: HashMap<Uri, Published>,
    /// Folder walks for the layout rules, kept until files change on disk:
    /// a keystroke never walks the plugin folder again. Shared with the
    /// snapshots, which fill it.
    /// Made at the first check, not at the start.
    scans: OnceLock<Arc<ScanCache>>,
    /// What was read of the disk, kept until it changes (a keystroke reads
    /// none of the plugin's other files again); emptied by `disk_changed`.
    /// Made at the first check, as `scans`.
    disk_cache: OnceLock<Arc<crate::workspace::DiskCache>>,
    /// The workspace folders.
    pub(super) folders: Vec<PathBuf>,
    /// The documents under the workspace folders, open or not, found by
    /// the scan at start and kept up by watched-file events.
    pub(super) workspace_docs: HashMap<Uri, (PathBuf, DocKind)>,
    pub(super) editor: EditorConfig,
    /// Bumped by every change a diagnostic may depend on: a pull report of
    /// the current generation is still true.
    pub(super) generation: u64,
    /// Bumped by changes on disk and of the settings only: what a closed
    /// document's diagnostics depend on (a keystroke in an open document
    /// reaches the closed ones when it is saved).
    pub(super) disk_generation: u64,
    pub(super) pulled: HashMap<Uri, Pulled>,
    pub(super) listing: super::workspace_check::Listing,
    /// Requests being answered off the loop, by id: `$/cancelRequest` sets
    /// the flag, and the answer is then the cancellation error.
    pub(super) in_flight: HashMap<String, Arc<AtomicBool>>,
    /// Pulled analyses running at once, so that requests always find a thread.
    pub(super) pull_permits: Arc<tokio::sync::Semaphore>,
}

impl Session {
    pub(super) fn new(out: UnboundedSender<String>, events: UnboundedSender<Event>) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            client: super::client::Client::new(out),
            events,
            initialized: false,
            shutdown_requested: false,
            docs: HashMap::new(),
            open: OpenView::default(),
            checks: super::checks::Checks::new(cores.clamp(1, 4)),
            encoding: Encoding::default(),
            caps: ClientCaps::default(),
            watching: false,
            published: HashMap::new(),
            scans: OnceLock::new(),
            disk_cache: OnceLock::new(),
            folders: Vec::new(),
            workspace_docs: HashMap::new(),
            editor: EditorConfig::default(),
            generation: 0,
            disk_generation: 0,
            pulled: HashMap::new(),
            listing: Default::default(),
            in_flight: HashMap::new(),
            pull_permits: Arc::new(tokio::sync::Semaphore::new(cores.clamp(1, 4))),
        }
    }

    /// The folder walks kept, made at first use.
    pub(super) fn scans(&self) -> &Arc<ScanCache> {
        self.scans.get_or_init(Arc::default)
    }

    /// What was read of the disk, made at first use.
    pub(super) fn disk_cache(&self) -> &Arc<crate::workspace::DiskCache> {
        self.disk_cache.get_or_init(Arc::default)
    }

    /// Forgets what was read of the disk (the walks stay).
    pub(super) fn forget_disk_texts(&self) {
        if let Some(cache) = self.disk_cache.get() {
            cache.clear();
        }
    }

    /// Forgets the folder walks (what was read of the disk goes with
    /// `disk_changed`).
    pub(super) fn forget_walks(&mut self) {
        if let Some(scans) = self.scans.get() {
            scans.pin().clear();
        }
    }

    /// Sends a task's result to the loop.
    pub(super) fn apply_later(
        events: &UnboundedSender<Event>,
        apply: impl FnOnce(&mut Session) + Send + 'static,
    ) {
        let _ = events.send(Event::Apply(Box::new(apply)));
    }

    /// Answers a request now, on the loop.
    pub(super) fn answer<T: serde::Serialize>(&self, id: &Id, result: Result<T>) {
        self.client
            .send(super::super::rpc::response_body(id, result));
    }

    /// Answers a request off the loop: `f` runs on a blocking thread, a
    /// panic in it is answered as an error, and a request cancelled before
    /// its answer is sent is answered as cancelled.
    pub(super) fn spawn_request<T: serde::Serialize + Send + 'static>(
        &mut self,
        id: Id,
        method: &'static str,
        f: impl FnOnce() -> Result<T> + Send + 'static,
    ) {
        let key = id.to_string();
        let cancelled = Arc::new(AtomicBool::new(false));
        self.in_flight.insert(key.clone(), cancelled.clone());
        let out = self.client.out.clone();
        let events = self.events.clone();
        tokio::task::spawn_blocking(move || {
            let result = if cancelled.load(Ordering::SeqCst) {
                Err(Error::request_cancelled())
            } else {
                contained(method, f)
            };
            let result = if cancelled.load(Ordering::SeqCst) {
                Err(Error::request_cancelled())
            } else {
                result
            };
            let _ = out.send(super::super::rpc::response_body(&id, result));
            Self::apply_later(&events, move |s| {
                s.in_flight.remove(&key);
            });
        });
    }

    /// The open texts, built once per change of any document, with the
    /// memo of that view.
    pub(super) fn open_texts(&mut self) -> (OpenTexts, Arc<Memo>) {
        if let Some(o) = &self.open.current {
            return o.clone();
        }
        let texts: OpenTexts = Arc::new(
            self.docs
                .iter_mut()
                .filter(|(u, _)| is_on_disk(u))
                .map(|(_, d)| (d.path.clone(), d.snapshot().text))
                .collect(),
        );
        let memo = self.open.carried.take().unwrap_or_default();
        let view = (texts, memo);
        self.open.current = Some(view.clone());
        view
    }

    /// A document's text changed, or a document opened or closed.
    pub(super) fn texts_changed(&mut self) {
        self.open = OpenView::default();
        self.changed();
    }

    /// A MANIFEST's text changed, and nothing else: the next view keeps
    /// what follows from MANIFEST facts ([`Memo::after_manifest_edit`]).
    pub(super) fn manifest_text_changed(&mut self) {
        if let Some((_, memo)) = self.open.current.take() {
            self.open.carried = Some(Arc::new(memo.after_manifest_edit()));
        }
        self.changed();
    }

    /// A `.py` text changed, and nothing else: the next view keeps what
    /// no Python goes into ([`Memo::after_python_edit`]).
    pub(super) fn python_text_changed(&mut self) {
        if let Some((_, memo)) = self.open.current.take() {
            self.open.carried = Some(Arc::new(memo.after_python_edit()));
        }
        self.changed();
    }

    /// Something a diagnostic may depend on changed.
    pub(super) fn changed(&mut self) {
        self.generation += 1;
    }

    /// Files changed on disk, or the settings did.
    pub(super) fn disk_changed(&mut self) {
        // A new view: nothing computed from the old disk is kept.
        self.open = OpenView::default();
        self.forget_disk_texts();
        self.disk_generation += 1;
        self.changed();
    }

    /// The generation a document's pulled diagnostics are valid for.
    pub(super) fn generation_of(&self, open: bool) -> u64 {
        if open {
            self.generation
        } else {
            self.disk_generation
        }
    }

    /// A document's kind: by its name, or a configuration for an instance
    /// configuration that `instance-configs` names (in the configuration
    /// file found for it, over the editor's settings).
    pub(super) fn kind_of(&self, path: &Path, files: &dyn Files) -> Option<DocKind> {
        let dir = path.parent().unwrap_or(Path::new(""));
        let found = crate::settings::discovered(dir, files);
        let settings = match &self.editor.for_path(path).settings {
            Some(editor) => (*found).clone().over(editor),
            None => (*found).clone(),
        };
        crate::analysis::plugin::document_kind(path, files, &settings)
    }

    pub(super) fn scope(&self, path: &Path) -> Scope {
        self.editor.for_path(path).scope
    }

    pub(super) fn snapshot(&mut self, uri: &Uri) -> Option<RequestSnapshot> {
        let (open, memo) = self.open_texts();
        let encoding = self.encoding;
        let scans = self.scans().clone();
        let disk_cache = self.disk_cache().clone();
        let doc = self.docs.get_mut(uri)?;
        let kind = doc.kind?;
        let (path, doc) = (doc.path.clone(), doc.snapshot());
        let editor = self.editor.for_path(&path).settings.clone();
        Some(RequestSnapshot {
            uri: uri.clone(),
            path,
            kind,
            doc,
            encoding,
            on_disk: is_on_disk(uri),
            open,
            scans,
            disk_cache,
            memo,
            editor,
        })
    }

    /// What it takes to check a workspace document that is not open, to be
    /// read from the disk off the loop; none if it is open or not one of
    /// the workspace's.
    pub(super) fn disk_document(
        &mut self,
        uri: &Uri,
    ) -> Option<crate::lsp::snapshot::DiskDocument> {
        if self.docs.contains_key(uri) {
            return None;
        }
        let (path, kind) = self.workspace_docs.get(uri).cloned()?;
        let (open, memo) = self.open_texts();
        Some(crate::lsp::snapshot::DiskDocument {
            uri: uri.clone(),
            editor: self.editor.for_path(&path).settings.clone(),
            path,
            kind,
            encoding: self.encoding,
            open,
            scans: self.scans().clone(),
            disk_cache: self.disk_cache().clone(),
            memo,
        })
    }

    pub(super) fn is_open(&self, uri: &Uri) -> bool {
        self.docs.contains_key(uri)
    }

    /// Sends `textDocument/publishDiagnostics` with `diagnostics` already
    /// serialised (a JSON array): the body is written around it, with no
    /// JSON tree of thousands of diagnostics built and dropped on the way.
    pub(super) fn publish_serialised(&self, uri: &Uri, diagnostics: &str, version: Option<i32>) {
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
        self.client.send(body);
    }
}

/// Whether a document is a file on the disk.
pub(super) fn is_on_disk(uri: &Uri) -> bool {
    uri.scheme().as_str().eq_ignore_ascii_case("file")
}
