//! The LSP client that the end-to-end tests and the round-trip benchmark
//! drive language servers with, over stdio as an editor does:
//! Content-Length framing, requests with ids, notifications, and a reader
//! thread that stamps each message with the moment it was read and answers
//! the server's own requests at once.
//!
//! It knows the protocol's mechanics only; what a test sends (capabilities,
//! documents) and what it expects is the caller's.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a wait lasts by default before it gives up.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// One framed message: the `Content-Length` header, then the body.
pub fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Reads one framed message's body; `None` at the end of the input or on a
/// header without a length.
pub fn read_frame(reader: &mut impl BufRead) -> Option<Vec<u8>> {
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
    Some(body)
}

/// The `file://` URI of an absolute path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A request from the server to the client: it has both a method and an id.
pub fn is_request(msg: &Value) -> bool {
    msg.get("method").is_some() && msg.get("id").is_some()
}

/// Messages a test need not consume: the server's log lines. They say
/// nothing about behaviour (a test that cares waits for them by name).
pub fn is_noise(msg: &Value) -> bool {
    msg["method"] == "window/logMessage" || msg["method"] == "$/logTrace"
}

type Stdin = Arc<Mutex<Option<ChildStdin>>>;

/// Writes the pieces in order, as one message: the lock keeps the reader
/// thread's answers from coming between them.
fn write_to(stdin: &Stdin, pieces: &[&[u8]]) {
    let mut stdin = stdin.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = stdin.as_mut() {
        for piece in pieces {
            if s.write_all(piece).is_err() {
                return;
            }
        }
        let _ = s.flush();
    }
}

/// Writes one message, framed: the header, then the body (not copied).
fn write_message(stdin: &Stdin, msg: &Value) {
    let body = msg.to_string();
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    write_to(stdin, &[header.as_bytes(), body.as_bytes()]);
}

/// A running language server and the client's side of the conversation.
pub struct Client {
    child: Child,
    stdin: Stdin,
    incoming: Receiver<(Instant, Value)>,
    close_stdout: Option<Sender<()>>,
    /// Messages read but not yet consumed by a wait, with when they arrived.
    pending: VecDeque<(Instant, Value)>,
    next_id: i64,
    timeout: Duration,
}

impl Client {
    /// Starts `command` (stdin and stdout piped, stderr discarded); the
    /// server's requests are answered with `null`.
    pub fn spawn(command: Command) -> Client {
        Self::spawn_answering(command, |_| Value::Null)
    }

    /// Starts `command`; each request the server sends is answered at once,
    /// from the reader thread, with the result `answer` gives for it. The
    /// request is kept too, for [`Client::seen`] and the waits.
    pub fn spawn_answering(
        mut command: Command,
        answer: impl Fn(&Value) -> Value + Send + 'static,
    ) -> Client {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {:?}: {e}", command.get_program()));
        let stdout = child.stdout.take().unwrap();
        let stdin: Stdin = Arc::new(Mutex::new(child.stdin.take()));
        let (tx, rx) = channel();
        let (close_tx, close_rx) = channel::<()>();
        let answer_to = stdin.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 20, stdout);
            while let Some(body) = read_frame(&mut reader) {
                let at = Instant::now();
                // Asked to close stdout: drop the reader, closing the pipe.
                if close_rx.try_recv().is_ok() {
                    return;
                }
                // A body that is no JSON is kept as a string: no wait
                // matches it, so it is left over and reported.
                let msg = serde_json::from_slice::<Value>(&body)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
                if is_request(&msg) {
                    let reply =
                        json!({ "jsonrpc": "2.0", "id": msg["id"], "result": answer(&msg) });
                    write_message(&answer_to, &reply);
                }
                if tx.send((at, msg)).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming: rx,
            close_stdout: Some(close_tx),
            pending: VecDeque::new(),
            next_id: 1,
            timeout: TIMEOUT,
        }
    }

    /// How long the waits without their own limit last ([`TIMEOUT`] unless
    /// set).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes bytes as they are (nothing once stdin is closed).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        write_to(&self.stdin, &[bytes]);
    }

    /// Writes one message, framed.
    pub fn send(&mut self, msg: &Value) {
        write_message(&self.stdin, msg);
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

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        self.response_timed(id).1
    }

    /// Waits for the response to request `id`; also returns when it was read.
    pub fn response_timed(&mut self, id: i64) -> (Instant, Result<Value, Value>) {
        let (at, msg) = self
            .wait_for_timed(self.timeout, |m| {
                m["id"] == json!(id) && m.get("method").is_none()
            })
            .unwrap_or_else(|| panic!("no response to request {id}"));
        let result = match msg.get("error") {
            Some(e) => Err(e.clone()),
            None => Ok(msg["result"].clone()),
        };
        (at, result)
    }

    /// Waits (up to the timeout) for a message matching `pred` and consumes
    /// it. Other messages are kept for later waits.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.wait_for_timed(self.timeout, pred).map(|(_, m)| m)
    }

    /// Waits up to `quiet` for a message matching `pred`.
    pub fn wait_quiet(&mut self, quiet: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.wait_for_timed(quiet, pred).map(|(_, m)| m)
    }

    /// Waits up to `limit` for a message matching `pred`; returns it with
    /// the moment the reader thread read it.
    pub fn wait_for_timed(
        &mut self,
        limit: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<(Instant, Value)> {
        if let Some(i) = self.pending.iter().position(|(_, m)| pred(m)) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let (at, msg) = self.incoming.recv_timeout(left).ok()?;
            if pred(&msg) {
                return Some((at, msg));
            }
            self.pending.push_back((at, msg));
        }
    }

    /// The server's messages with this method read so far and not consumed
    /// (e.g. its `client/registerCapability` requests).
    pub fn seen(&self, method: &str) -> Vec<Value> {
        self.pending
            .iter()
            .filter(|(_, m)| m["method"] == method)
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// Consumes the messages read so far that match `pred`, without waiting.
    pub fn take_read(&mut self, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
        let (taken, kept) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(_, m)| pred(m));
        self.pending = kept;
        taken.into_iter().map(|(_, m)| m).collect::<Vec<_>>()
    }

    /// Drops what was read so far and whatever arrives until the server has
    /// been quiet for `quiet`.
    pub fn discard(&mut self, quiet: Duration) {
        self.pending.clear();
        while self.incoming.recv_timeout(quiet).is_ok() {}
    }

    /// Closes our end of the server's stdout: the reader thread drops it at
    /// the next message it reads.
    pub fn close_stdout(&mut self) {
        if let Some(tx) = self.close_stdout.take() {
            let _ = tx.send(());
        }
    }

    /// Closes the server's stdin: it sees the end of its input.
    pub fn close_stdin(&mut self) {
        self.stdin.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Whether the server process has ended.
    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Waits for the server to end and returns its exit status (-1 for a
    /// signal); kills it and panics after the timeout.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// `shutdown` (which must be answered without error), then `exit`;
    /// returns the exit status.
    pub fn shutdown(&mut self) -> i32 {
        self.request("shutdown", Value::Null)
            .unwrap_or_else(|e| panic!("shutdown answered {e}"));
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Ends the session and returns every message the server sent that no
    /// wait consumed, in order; the answered requests of the server and
    /// [noise](is_noise) aside. Unless the server has ended already it gets
    /// `shutdown` (an answer, even an error, is required) and `exit`; then
    /// everything it wrote up to its end is read, so nothing sent late
    /// escapes.
    pub fn finish(&mut self) -> Vec<Value> {
        if !self.has_exited() {
            let id = self.send_request("shutdown", Value::Null);
            let _ = self.response(id);
            self.notify("exit", Value::Null);
            self.wait_exit();
        }
        let deadline = Instant::now() + self.timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.incoming.recv_timeout(left) {
                Ok(m) => self.pending.push_back(m),
                Err(_) => break,
            }
        }
        std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(_, m)| m)
            .filter(|m| !is_request(m) && !is_noise(m))
            .collect()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_read_back_and_a_header_without_length_ends_the_input() {
        let mut bytes = frame(r#"{"a":"é"}"#);
        bytes.extend(b"Content-Type: x\r\nContent-Length: 2\r\n\r\n{}");
        bytes.extend(b"Content-Type: x\r\n\r\n");
        let mut reader = &bytes[..];
        assert_eq!(read_frame(&mut reader).unwrap(), r#"{"a":"é"}"#.as_bytes());
        assert_eq!(read_frame(&mut reader).unwrap(), b"{}");
        assert_eq!(read_frame(&mut reader), None);
    }
}
