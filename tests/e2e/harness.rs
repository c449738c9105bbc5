//! What the end-to-end tests share: the server under test, driven over
//! stdio by the workspace's LSP client (`sps-lsp-client`, re-exported here),
//! and the project's helpers: plugin folders, the corpus, positions, and
//! the diagnostics, completion, hover and code-action steps.

#![allow(dead_code)]

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
pub use sps_lsp_client::*;

/// The server binary under test: the one Cargo built, or `SPS_PLUGIN_LS_BIN`
/// (to run these tests against another build, such as an older commit's).
pub fn bin() -> String {
    std::env::var("SPS_PLUGIN_LS_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_sps-plugin-ls").to_string())
}

/// The server under test, driven by the client. The client's usual steps
/// are methods of its own (below), so that arguments may read the server,
/// as in `server.request(m, json!({ .. position(t, at, &server.encoding) }))`
/// (a call through `DerefMut` would borrow it first); the rest of the
/// client is at hand through `Deref`.
///
/// When it goes out of scope, the session is ended (`shutdown`, `exit`)
/// and every message the server sent must have been consumed by a wait:
/// a publication, a response or an error that no test looked at fails the
/// test, as in ruff's server tests. Not counted: the server's requests
/// (the client has answered them: that is their consumption) and its log
/// lines (`window/logMessage`, `$/logTrace`), which say nothing about
/// behaviour.
pub struct Server {
    client: Client,
    pub encoding: String,
}

impl Deref for Server {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

impl Server {
    /// Starts the binary without initializing it.
    pub fn spawn() -> Server {
        Self::spawn_with_args(&[])
    }

    pub fn spawn_with_args(args: &[&str]) -> Server {
        Self::spawn_full(args, &[])
    }

    pub fn spawn_with_env(env: &[(&str, &str)]) -> Server {
        Self::spawn_full(&[], env)
    }

    fn spawn_full(args: &[&str], env: &[(&str, &str)]) -> Server {
        Server {
            client: Client::spawn(Self::command(args, env)),
            encoding: "utf-16".into(),
        }
    }

    fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(bin());
        command
            .args(args)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied());
        command
    }

    /// Starts the binary; the client answers each request of the server
    /// with what `answer` gives for it (`workspace/configuration` …).
    pub fn spawn_answering(answer: impl Fn(&Value) -> Value + Send + 'static) -> Server {
        Server {
            client: Client::spawn_answering(Self::command(&[], &[]), answer),
            encoding: "utf-16".into(),
        }
    }

    /// Starts and initializes a server; `encodings` is what the client offers.
    pub fn start(encodings: &[&str], root: Option<&Path>) -> Server {
        let mut s = Self::spawn();
        s.initialize(encodings, root);
        s
    }

    /// Starts a server for the workspace folder `root` whose diagnostics
    /// scope is the open documents only (`diagnostics.scope = "open"`): for
    /// the tests about open documents, which then see no publication for
    /// the plugin's closed files.
    pub fn start_open_scope(root: &Path) -> Server {
        let mut s = Self::spawn();
        s.initialize_full(
            &["utf-16"],
            Some(root),
            json!({}),
            json!({ "diagnostics": { "scope": "open" } }),
        );
        s
    }

    pub fn initialize(&mut self, encodings: &[&str], root: Option<&Path>) -> Value {
        self.initialize_full(encodings, root, json!({}), Value::Null)
    }

    /// `initialize` with more client capabilities (merged into the usual
    /// ones) and `initializationOptions`, then `initialized`.
    pub fn initialize_full(
        &mut self,
        encodings: &[&str],
        root: Option<&Path>,
        capabilities: Value,
        options: Value,
    ) -> Value {
        let folders = root.map(|r| json!([{ "uri": uri(r), "name": "root" }]));
        let mut caps = json!({
            "general": { "positionEncodings": encodings },
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
            "textDocument": {
                "publishDiagnostics": { "versionSupport": true, "relatedInformation": true },
                "completion": { "completionItem": { "snippetSupport": true } },
                "hover": { "contentFormat": ["markdown", "plaintext"] }
            }
        });
        merge(&mut caps, capabilities);
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root.map(uri),
                "workspaceFolders": folders,
                "capabilities": caps,
                "initializationOptions": options,
            }),
        );
        let result = result.expect("initialize succeeds");
        self.encoding = result["capabilities"]["positionEncoding"]
            .as_str()
            .unwrap_or("utf-16")
            .to_string();
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let u = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": u, "languageId": "plaintext", "version": 1, "text": text } }),
        );
        u
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    /// Closes a document whose diagnostics were published, and waits for
    /// the server to clear them.
    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
        self.wait_for(|m| {
            is_publication(m, uri)
                && m["params"]["version"].is_null()
                && m["params"]["diagnostics"] == json!([])
        })
        .unwrap_or_else(|| panic!("diagnostics of {uri} not cleared on close"));
    }

    /// The diagnostics published for `uri` at `version` or later: the last
    /// such publication once the server has been quiet for a moment. The
    /// publications for earlier versions of it, read meanwhile, are consumed
    /// too: they are superseded.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let is_it = |m: &Value| {
            is_publication(m, uri)
                && m["params"]["version"]
                    .as_i64()
                    .is_some_and(|v| v >= version)
        };
        let mut last = self
            .wait_for(is_it)
            .unwrap_or_else(|| panic!("no diagnostics for {uri} at version {version}"));
        // Later publications for the same version replace the first one.
        while let Some(m) = self.wait_quiet(Duration::from_millis(150), is_it) {
            last = m;
        }
        self.take_read(|m| {
            is_publication(m, uri) && m["params"]["version"].as_i64().is_some_and(|v| v < version)
        });
        last["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown(mut self) -> i32 {
        self.client.shutdown()
    }

    // The client's steps, see the type's comment.

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.client.send_raw(bytes)
    }

    pub fn send(&mut self, msg: &Value) {
        self.client.send(msg)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.client.notify(method, params)
    }

    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.client.send_request(method, params)
    }

    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.client.request(method, params)
    }

    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        self.client.response(id)
    }

    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.client.wait_for(pred)
    }

    pub fn wait_quiet(&mut self, quiet: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.client.wait_quiet(quiet, pred)
    }

    pub fn seen(&self, method: &str) -> Vec<Value> {
        self.client.seen(method)
    }

    pub fn close_stdout(&mut self) {
        self.client.close_stdout()
    }

    pub fn close_stdin(&mut self) {
        self.client.close_stdin()
    }

    pub fn wait_exit(&mut self) -> i32 {
        self.client.wait_exit()
    }

    /// Drops what was read and whatever arrives until the server is quiet
    /// for `quiet`: for tests about load, not about each message.
    pub fn discard(&mut self, quiet: Duration) {
        self.client.discard(quiet)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let left = self.client.finish();
        assert!(
            left.is_empty(),
            "the test left {} message(s) of the server unread:\n{}",
            left.len(),
            left.iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Merges `extra` into `base`, object by object.
pub fn merge(base: &mut Value, extra: Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, e) => *b = e,
    }
}

/// A `publishDiagnostics` notification for `uri`.
pub fn is_publication(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

/// A fresh plugin folder holding the given files.
pub struct Plugin {
    pub dir: PathBuf,
}

impl Plugin {
    pub fn new(files: &[(&str, &str)]) -> Plugin {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir()
            .join(format!("sps-plugin-ls-e2e-{}-{n}", std::process::id()))
            .join("My_Plugin");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Plugin { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        if let Some(parent) = self.dir.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

/// An entry point that is a whole plugin: its `Plugin` class defined in it.
pub const MAIN_PY: &str = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return None\n";

pub const GOOD_MANIFEST: &str = "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n";

/// The text with `$0` removed and the byte offset where it stood.
pub fn cursor(marked: &str) -> (String, usize) {
    let at = marked.find("$0").expect("a $0 cursor mark");
    (marked.replacen("$0", "", 1), at)
}

/// An LSP position of a byte offset in the given encoding.
pub fn position(text: &str, offset: usize, encoding: &str) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_text = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let character: usize = match encoding {
        "utf-8" => line_text.len(),
        _ => line_text.chars().map(char::len_utf16).sum(),
    };
    json!({ "line": line, "character": character })
}

/// Codes of a list of diagnostics, sorted.
pub fn codes(diags: &[Value]) -> Vec<String> {
    let mut c: Vec<String> = diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    c.sort();
    c
}

/// The byte offset of an LSP position.
pub fn offset(text: &str, pos: &Value, encoding: &str) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let character = pos["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += if encoding == "utf-8" {
            c.len_utf8()
        } else {
            c.len_utf16()
        };
    }
    text.len()
}

/// The quick fixes over the whole of an open document, as (title, the
/// text after applying the action's edits).
pub fn code_actions(server: &mut Server, uri: &str, text: &str) -> Vec<(String, String)> {
    server.diagnostics(uri, 1);
    let end = position(text, text.len(), &server.encoding);
    let result = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": { "line": 0, "character": 0 }, "end": end },
                "context": { "diagnostics": [], "only": ["quickfix"] }
            }),
        )
        .unwrap();
    let encoding = server.encoding.clone();
    result
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|a| {
            // Actions that edit only another file leave this text as it is.
            let edits = a["edit"]["changes"][uri]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut spans: Vec<(usize, usize, String)> = edits
                .iter()
                .map(|e| {
                    (
                        offset(text, &e["range"]["start"], &encoding),
                        offset(text, &e["range"]["end"], &encoding),
                        e["newText"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            spans.sort_by_key(|s| std::cmp::Reverse(s.0));
            let mut edited = text.to_string();
            for (s, e, t) in spans {
                edited.replace_range(s..e, &t);
            }
            (a["title"].as_str().unwrap().to_string(), edited)
        })
        .collect()
}

/// Opens `marked` (with a `$0` cursor) at `path` and returns the hover's
/// Markdown there ("" for none). The document's diagnostics are consumed.
pub fn hover_at(server: &mut Server, path: &Path, marked: &str) -> String {
    let (text, at) = cursor(marked);
    let uri = server.open(path, &text);
    let result = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position(&text, at, &server.encoding) }),
        )
        .unwrap();
    server.diagnostics(&uri, 1);
    result["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The configuration files (`*.cfg`, `*.cfg.plugin`) below a folder, sorted.
pub fn config_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(read) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut entries: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(config_files_under(&p));
        } else if p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(".cfg") || n.ends_with(".cfg.plugin"))
        {
            out.push(p);
        }
    }
    out
}

/// The diagnostics published for a document just opened, as (code,
/// severity, the text each covers), sorted.
pub fn covered(server: &mut Server, uri: &str, text: &str) -> Vec<(String, i64, String)> {
    let encoding = server.encoding.clone();
    let mut out: Vec<(String, i64, String)> = server
        .diagnostics(uri, 1)
        .iter()
        .map(|d| {
            let start = offset(text, &d["range"]["start"], &encoding);
            let end = offset(text, &d["range"]["end"], &encoding);
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_i64().unwrap(),
                text[start..end].to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Opens `marked` (with a `$0` cursor) at `path` and returns the completion
/// items offered there (a list or a completion list's items). The
/// document's diagnostics are consumed.
pub fn completion_at(server: &mut Server, path: &Path, marked: &str) -> Vec<Value> {
    let (text, at) = cursor(marked);
    let uri = server.open(path, &text);
    let result = server
        .request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": position(&text, at, &server.encoding) }),
        )
        .unwrap();
    server.diagnostics(&uri, 1);
    match &result {
        Value::Array(a) => a.clone(),
        Value::Object(o) => o["items"].as_array().cloned().unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The labels of completion items.
pub fn labels(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

/// The corpus of real plugins (MANIFEST, default.cfg, the head of main.py),
/// in the shared data beside the repository: the one place its path is
/// spelled.
pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

/// The corpus folder. A clone without `../shared` beside it has none: then
/// the test says so and is skipped (`None`), unless `CI` is set, where it
/// fails.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(CORPUS);
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    if std::env::var_os("CI").is_some() {
        panic!("the corpus is missing at {CORPUS} (the shared data beside the repository)");
    }
    eprintln!("skipped: no corpus at {CORPUS} (the shared data beside the repository; set CI to make this a failure)");
    None
}

/// The corpus plugins, each copied to a folder with a `main.py` made from
/// its `main.py.head`; `None` without the corpus (see [`corpus`]).
pub fn corpus_plugins() -> Option<(Plugin, Vec<PathBuf>)> {
    let corpus = corpus()?;
    let root = Plugin::new(&[]);
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(corpus).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('_') || !entry.path().is_dir() {
            continue;
        }
        let dir = root.dir.join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        for file in std::fs::read_dir(entry.path()).unwrap() {
            let file = file.unwrap();
            let fname = file.file_name().to_string_lossy().into_owned();
            if fname == "main.py.head" {
                // The corpus keeps only the entry point's first lines: a
                // class of its own stands for the rest of the plugin.
                let head = std::fs::read_to_string(file.path()).unwrap();
                std::fs::write(
                    dir.join("main.py"),
                    format!("{head}\n\nclass Plugin:\n    pass\n"),
                )
                .unwrap();
                continue;
            }
            std::fs::copy(file.path(), dir.join(fname)).unwrap();
        }
        dirs.push(dir);
    }
    dirs.sort();
    Some((root, dirs))
}

/// A copy of the folder `from` at `to` (files and folders; the test data
/// has no links).
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
