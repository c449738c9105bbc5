//! The server: one loop owns its state ([`Session`]) and applies the
//! client's notifications to it in the order they came; requests and checks
//! run on snapshots off the loop and report back to it as events. The
//! table from protocol methods to handlers is `dispatch.rs`; one file per
//! notification is in `notifications/`. See docs/architecture.md, "Who
//! owns the state".

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use ls_types::*;
use serde_json::Value;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use super::documents::Document;
use super::editor_settings::{self, EditorConfig, Scope};
use super::handlers;
use super::rpc::{Error, Id, Message, Result};
use super::snapshot::{OpenTexts, RequestSnapshot};
use crate::analysis::plugin::Plugin;
use crate::text::Encoding;
use crate::workspace::{DiskFiles, DocKind, Files, Memo, NoFiles, ScanCache};

/// The section of the editor's settings the server reads.
const SECTION: &str = "spsPluginLs";

/// A workspace of at least this many documents to check shows progress.
const PROGRESS_AT: usize = 20;

/// The queue of checks: what runs, in which order, and what it publishes.
mod checks;
/// Requests to the client, and their answers.
mod client;
/// The table from protocol methods to handlers.
mod dispatch;
/// One file per notification: `lsp/server/notifications/<method>.rs`.
mod notifications;
/// Pull diagnostics: a document's and the workspace's.
mod pull;
/// What an edit or a file event makes the server check again.
mod refresh;
/// The requests answered on the loop: `initialize`, `willRenameFiles`.
mod requests;
/// The server's state, owned by the loop.
mod session;
/// The editor's settings, and the workspace's listing and check.
mod workspace_check;

use session::{is_on_disk, ClientCaps, Pulled, Session};
use workspace_check::{by_plugin, LISTING_WAIT};

/// What the loop is woken by.
enum Event {
    /// A message from the client, in the order it came.
    Message(Message),
    /// The client's input ended.
    InputEnded,
    /// A task's result, applied to the state on the loop.
    Apply(Box<dyn FnOnce(&mut Session) + Send>),
}

/// Serves LSP on stdin/stdout until `exit` or end of input. Returns the
/// process exit status: 0 after `shutdown` then `exit`, 1 otherwise.
pub async fn run() -> i32 {
    let (out, out_rx) = unbounded_channel::<String>();
    let writer = match std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || super::transport::write_all(std::io::stdout().lock(), out_rx))
    {
        Ok(w) => w,
        Err(e) => {
            tracing::error!("cannot start the thread that writes to the client ({e}); exiting");
            return 1;
        }
    };
    let (events, mut inbox) = unbounded_channel::<Event>();
    // The reader is a thread of its own, blocked in `read`: it is left
    // behind at the end (the process exits), as ruff's server leaves it.
    let reader = {
        let (out, events) = (out.downgrade(), events.clone());
        std::thread::Builder::new()
            .name("lsp-reader".into())
            .spawn(move || {
                super::transport::read_all(
                    std::io::stdin().lock(),
                    super::transport::stdin_ready_within,
                    out,
                    |m| {
                        let _ = events.send(Event::Message(m));
                    },
                );
                let _ = events.send(Event::InputEnded);
            })
    };
    if let Err(e) = reader {
        tracing::error!("cannot start the thread that reads from the client ({e}); exiting");
        return 1;
    }
    let mut session = Session::new(out, events);
    let status = session.run(&mut inbox).await;
    drop(session);
    drop(inbox);
    // What is under way may still answer, briefly: the writer ends when
    // the last task holding the output is done.
    let done = tokio::task::spawn_blocking(move || writer.join());
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), done).await;
    status
}

impl Session {
    /// The loop: every change to the state happens here, one event at a
    /// time. Ends at `exit` or at the end of the input.
    async fn run(&mut self, inbox: &mut UnboundedReceiver<Event>) -> i32 {
        while let Some(event) = inbox.recv().await {
            match event {
                Event::Message(Message::Notification { method, .. }) if method == "exit" => break,
                Event::Message(message) => self.on_message(message),
                Event::InputEnded => break,
                Event::Apply(apply) => {
                    let _ = contained("a task's result", || {
                        apply(self);
                        Ok(())
                    });
                }
            }
        }
        if self.shutdown_requested {
            0
        } else {
            1
        }
    }

    fn on_message(&mut self, message: Message) {
        match message {
            Message::Response { id, result } => {
                if let Some(on_answer) = self.client.answered(&id) {
                    let _ = contained("an answer of the client", || {
                        on_answer(self, result);
                        Ok(())
                    });
                }
            }
            Message::Notification { method, params } => {
                // Before `initialize`, notifications are dropped (`exit`
                // ends the loop above).
                if !self.initialized {
                    tracing::debug!(method, "notification before initialize; ignored");
                    return;
                }
                dispatch::notification(self, &method, params);
            }
            Message::Request { id, method, params } => {
                let refused = if method == "initialize" && self.initialized {
                    Some(Error::invalid_request("initialize was already received"))
                } else if !self.initialized && method != "initialize" {
                    Some(Error::not_initialized())
                } else if self.shutdown_requested {
                    Some(Error::invalid_request("the server is shutting down"))
                } else {
                    None
                };
                match refused {
                    Some(e) => self.answer::<()>(&id, Err(e)),
                    None => dispatch::request(self, id, &method, params),
                }
            }
        }
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
    Error::new(-32603, format!("internal error in {method}: {what}"))
}

/// Runs a handler, answering a panic with an error instead of taking the
/// server down.
fn contained<T>(method: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let f = move || {
        if panics_on_purpose(method) {
            panic!("panic on purpose in {method}");
        }
        f()
    };
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(panic) => Err(internal_error(method, panic.as_ref())),
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
