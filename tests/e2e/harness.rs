//! A minimal LSP client that drives the real binary over stdio, as an
//! editor does: Content-Length framing, requests with ids, notifications,
//! and a reader thread collecting what the server sends.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_sps-plugin-ls");
pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    close_stdout: Option<std::sync::mpsc::Sender<()>>,
    /// Messages read but not yet consumed by a wait.
    pending: Vec<Value>,
    next_id: i64,
    pub encoding: String,
}

/// Writes one framed message.
pub fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
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
        let mut child = Command::new(BIN)
            .args(args)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sps-plugin-ls");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        let (close_tx, close_rx) = channel::<()>();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                // Asked to close stdout: drop the reader, closing the pipe.
                if close_rx.try_recv().is_ok() || tx.send(msg).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Server {
            child,
            stdin,
            incoming: rx,
            close_stdout: Some(close_tx),
            pending: Vec::new(),
            next_id: 1,
            encoding: "utf-16".into(),
        }
    }

    /// Starts and initializes a server; `encodings` is what the client offers.
    pub fn start(encodings: &[&str], root: Option<&Path>) -> Server {
        let mut s = Self::spawn();
        s.initialize(encodings, root);
        s
    }

    pub fn initialize(&mut self, encodings: &[&str], root: Option<&Path>) -> Value {
        let folders = root.map(|r| json!([{ "uri": uri(r), "name": "root" }]));
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root.map(uri),
                "workspaceFolders": folders,
                "capabilities": {
                    "general": { "positionEncodings": encodings },
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                    "textDocument": {
                        "publishDiagnostics": { "versionSupport": true, "relatedInformation": true },
                        "completion": { "completionItem": { "snippetSupport": true } },
                        "hover": { "contentFormat": ["markdown", "plaintext"] }
                    }
                }
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

    pub fn send_raw(&mut self, bytes: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(bytes);
            let _ = stdin.flush();
        }
    }

    pub fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        self.send_raw(&frame(&body));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its id without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and waits for its response: `Ok(result)` or
    /// `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let msg = self
            .wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
            .unwrap_or_else(|| panic!("no response to request {id}"));
        match msg.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(msg["result"].clone()),
        }
    }

    /// Waits for a message matching `pred`, answering server-to-client
    /// requests (registrations) on the way. Other messages are kept.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.pending.iter().position(&pred) {
            return Some(self.pending.remove(i));
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let msg = match self.incoming.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return None
                }
            };
            if msg.get("method").is_some() && msg.get("id").is_some() {
                // A request from the server: accept it.
                let reply = json!({ "jsonrpc": "2.0", "id": msg["id"], "result": null });
                self.send(&reply);
            }
            if pred(&msg) {
                return Some(msg);
            }
            self.pending.push(msg);
        }
    }

    /// The server's requests seen so far (e.g. `client/registerCapability`).
    pub fn seen(&self, method: &str) -> Vec<Value> {
        self.pending
            .iter()
            .filter(|m| m["method"] == method)
            .cloned()
            .collect()
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

    /// The diagnostics published for `uri` at `version` or later: the last
    /// such publication once the server has been quiet for a moment.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
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
        last["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits up to `quiet` for a matching message.
    pub fn wait_quiet(&mut self, quiet: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.pending.iter().position(&pred) {
            return Some(self.pending.remove(i));
        }
        let deadline = Instant::now() + quiet;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.incoming.recv_timeout(left) {
                Ok(m) if pred(&m) => return Some(m),
                Ok(m) => self.pending.push(m),
                Err(_) => return None,
            }
        }
        None
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown(mut self) -> i32 {
        self.request("shutdown", Value::Null).expect("shutdown");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Closes our end of the server's stdout: the reader thread drops it at
    /// the next message it reads.
    pub fn close_stdout(&mut self) {
        if let Some(tx) = self.close_stdout.take() {
            let _ = tx.send(());
        }
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
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

/// The code actions over the whole of an open document, as (title, the
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
                "context": { "diagnostics": [] }
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
            let edits = a["edit"]["changes"][uri].as_array().unwrap();
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
/// Markdown there ("" for none).
pub fn hover_at(server: &mut Server, path: &Path, marked: &str) -> String {
    let (text, at) = cursor(marked);
    let uri = server.open(path, &text);
    let result = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position(&text, at, &server.encoding) }),
        )
        .unwrap();
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
/// items offered there (a list or a completion list's items).
pub fn completion_at(server: &mut Server, path: &Path, marked: &str) -> Vec<Value> {
    let (text, at) = cursor(marked);
    let uri = server.open(path, &text);
    let result = server
        .request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": position(&text, at, &server.encoding) }),
        )
        .unwrap();
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
