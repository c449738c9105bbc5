//! The soak benchmark: how resident memory behaves over a long session. The
//! release binary gets 50,000 one-character edits on a 300 KB default.cfg and
//! 20,000 on a 100 KB MANIFEST, in bursts of 10 (the last of each burst is
//! waited for), and the server's resident memory (`VmRSS`) is printed every
//! 5,000 edits, then once settled (2 s after the last edit), with the peak
//! (`VmHWM`).
//!
//! `cargo bench --bench soak` (about 3 minutes). `SPS_BENCH_BIN=path` runs
//! another build of the binary (to compare two builds). Figures in
//! docs/BENCHMARKS.md.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
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
    fn start(bin: &Path, root: &Path) -> Server {
        let mut child = Command::new(bin)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(m) = read_message(&mut reader) {
                if tx.send(m).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take().unwrap();
        let mut s = Server {
            child,
            stdin,
            incoming,
            next_id: 1,
        };
        let id = s.request(
            "initialize",
            json!({ "processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {} }),
        );
        s.wait(|m| m["id"] == id);
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self.incoming.recv_timeout(left).expect("an answer in time");
            if pred(&m) {
                return m;
            }
        }
    }

    fn status_mib(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
            .unwrap_or(0.0);
        kib / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One soak: `edits` edits typing and deleting `x` at `at` in `text`.
fn soak(bin: &Path, root: &Path, name: &str, text: &str, at: usize, edits: usize) {
    let dir = root.join(format!("soak-{}", name.replace('.', "-")));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.py"),
        "#!/usr/bin/env pluginwrapper3\nfrom lib.plugin import Plugin\n",
    )
    .unwrap();
    let mut s = Server::start(bin, &dir);
    let uri = format!("file://{}", dir.join(name).display());
    s.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "plaintext", "version": 1, "text": text } }),
    );
    let published = |v: i64| {
        let uri = uri.clone();
        move |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == v
        }
    };
    s.wait(published(1));
    println!(
        "{name} ({} KB), {edits} edits: RSS after open {:.1} MiB",
        text.len() / 1000,
        s.status_mib("VmRSS")
    );
    let (line, col) = common::line_col(text, at);
    let started = Instant::now();
    for i in 1..=edits {
        let version = i as i64 + 1;
        let range = if i % 2 == 1 {
            json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col } })
        } else {
            json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col + 1 } })
        };
        let insert = if i % 2 == 1 { "x" } else { "" };
        s.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": insert }] }),
        );
        if i % 10 == 0 {
            s.wait(published(version));
        }
        if i % 5_000 == 0 {
            println!(
                "  {i:>6} edits: RSS {:6.1} MiB ({:.0} s)",
                s.status_mib("VmRSS"),
                started.elapsed().as_secs_f64()
            );
        }
    }
    std::thread::sleep(Duration::from_secs(2));
    println!(
        "  settled: RSS {:.1} MiB, peak {:.1} MiB",
        s.status_mib("VmRSS"),
        s.status_mib("VmHWM")
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let bin = common::bin();
    let root = std::env::temp_dir().join(format!("sps-plugin-ls-soak-{}", std::process::id()));
    println!("binary: {}", bin.display());
    let config = common::config(300_000);
    let at = common::end_of_line_with(&config, "server=", config.len() / 2);
    soak(&bin, &root, "default.cfg", &config, at, 50_000);
    let manifest = common::manifest(100_000);
    let at = common::end_of_line_with(&manifest, "  Paragraph", manifest.len() / 2);
    soak(&bin, &root, "MANIFEST", &manifest, at, 20_000);
    let _ = std::fs::remove_dir_all(&root);
}
