//! Writing to stdout and stderr without panicking. `print!` panics when the
//! reader has gone (`check . | head -1`: EPIPE, exit 101); here a closed
//! stdout ends the output quietly and the command still exits with the
//! status it would have had.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// `--output-file`: the file the report goes to, and the report so far.
static REDIRECT: Mutex<Option<(PathBuf, String)>> = Mutex::new(None);

/// Sends what [`print`] prints to `file` from now on (written by
/// [`finish`]); fails when the file cannot be written.
pub fn redirect(file: &Path) -> std::io::Result<()> {
    std::fs::write(file, "")?;
    *REDIRECT.lock().unwrap_or_else(|e| e.into_inner()) = Some((file.to_path_buf(), String::new()));
    Ok(())
}

/// Writes the report to the `--output-file`, if there is one (and starts
/// the next one empty).
pub fn finish() -> std::io::Result<()> {
    let mut guard = REDIRECT.lock().unwrap_or_else(|e| e.into_inner());
    match guard.as_mut() {
        Some((file, text)) => std::fs::write(file, std::mem::take(text)),
        None => Ok(()),
    }
}

/// Set once stdout cannot be written to; later output is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout and flushes it. A closed pipe (or any other
/// failure to write) stops all further output, silently: the reader asked
/// for no more.
pub fn print(text: &str) {
    if let Some((_, report)) = REDIRECT.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        report.push_str(text);
        return;
    }
    if text.is_empty() || STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Whether stdout was found closed.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Writes `text` to stderr; a failure to do so is ignored (there is no one
/// left to tell).
pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}
