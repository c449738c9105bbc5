//! `check --watch`: check, then check again whenever a file under the
//! PATHs changes, until stopped (Ctrl-C), as ruff's `--watch`. Changes come
//! from the operating system (`notify`: inotify, FSEvents, ReadDirectoryChangesW),
//! not from polling; a burst of them (an editor's save, a `git checkout`)
//! is one new check.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

use super::out;

/// Quiet time after a change before checking again: the rest of a burst
/// of changes arrives within it.
const SETTLE: Duration = Duration::from_millis(200);

/// Runs `once` (a check, printed; its exit status), then again after each
/// change. Returns only when the changes can no longer be watched (2), or
/// could not be watched at all.
pub fn run(paths: &[PathBuf], mut once: impl FnMut() -> u8) -> u8 {
    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    }) {
        Ok(w) => w,
        Err(e) => return cannot_watch(&e),
    };
    for path in paths {
        // A file's plugin is its folder: its other files change what is
        // reported in it.
        let (target, mode) = if path.is_dir() {
            (path.as_path(), RecursiveMode::Recursive)
        } else {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            (
                parent.unwrap_or(Path::new(".")),
                RecursiveMode::NonRecursive,
            )
        };
        if let Err(e) = watcher.watch(target, mode) {
            out::eprint(&format!("sps-plugin-ls: {}: ", target.display()));
            return cannot_watch(&e);
        }
    }
    loop {
        let _status = once();
        if let Err(e) = out::finish() {
            out::eprint(&format!("sps-plugin-ls: cannot write the report: {e}\n"));
        }
        out::eprint("sps-plugin-ls: watching for changes; Ctrl-C to stop\n");
        // Wait for a change, then for the burst to settle.
        loop {
            match rx.recv() {
                Ok(Ok(event)) if changes(&event.kind) => break,
                Ok(_) => continue,
                Err(_) => return 2,
            }
        }
        while rx.recv_timeout(SETTLE).is_ok() {}
        out::eprint("sps-plugin-ls: files changed; checking again\n");
    }
}

/// Whether an event can change what a check reports (a read does not).
fn changes(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
}

fn cannot_watch(e: &notify::Error) -> u8 {
    out::eprint(&format!("sps-plugin-ls: cannot watch for changes: {e}\n"));
    2
}
