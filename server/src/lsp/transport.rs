//! Reading and writing the protocol on stdin/stdout: messages in, in
//! order, to the server's loop; bodies out. Unlike tower-lsp-server's
//! loop, which stops reading for good after one malformed message. Framing is a [`Decoder`] that finds the next
//! `Content-Length:` header anywhere in the stream: a bad header or body is
//! answered at once (`-32700` parse error, `-32600` invalid request) and
//! reading goes on at the next header, also when that header sits inside
//! the body of a message whose length was wrong.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc::{UnboundedReceiver, WeakUnboundedSender};

use super::rpc::{error_body, Error, Message};

/// A body larger than this is answered with an error at once and never
/// read as one: a 50 MiB document fits, a runaway length does not.
pub const MAX_BODY: usize = 256 * 1024 * 1024;
/// A header block (from `Content-Length:` to the blank line) longer than
/// this is garbage.
const MAX_HEADER: usize = 8 * 1024;
/// The header that starts every message, matched without regard to case.
const CONTENT_LENGTH: &[u8] = b"content-length:";
/// How long a body that is still short of its length may wait for input
/// when another header already follows inside it: its length was wrong.
const STALL: Duration = Duration::from_secs(1);

const GARBAGE: &str = "bytes outside a message skipped: expected `Content-Length: N`";
const BAD_HEADER: &str =
    "malformed header: expected `Content-Length: N`, other `Name: value` headers, and a blank line";

/// What the decoder found next in the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A message body, framed by a well-formed header.
    Body(Vec<u8>),
    /// Unusable input, answered with this error; reading has moved past it.
    Bad(&'static str),
}

/// Splits a byte stream into message bodies. It is fed whatever the input
/// gives ([`Decoder::feed`]) and yields frames as they complete
/// ([`Decoder::next_frame`]). Bytes before a `Content-Length:` header are skipped
/// (one error for each run of them that is not blank lines or headers),
/// headers other than `Content-Length` are ignored, and a body that turns
/// out not to be a message can be handed back ([`Decoder::reject`]) to be
/// searched for the next header: a wrong length costs one message, never
/// the stream. Nothing larger than one message and its header is held.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    pos: usize,
    /// Where reading goes on if the last body returned is handed back.
    last_body: Option<usize>,
    /// Non-header bytes were skipped and not yet answered.
    garbage: bool,
    /// Skipped bytes are not answered until the next good header: they
    /// belong to a message already answered with an error.
    quiet: bool,
    /// While a header or body is incomplete: where reading would go on if
    /// it never completes.
    waiting: Option<usize>,
    /// For [`Decoder::stalled_on_wrong_length`]: the incomplete body it
    /// looked at and how far it found no header in it, so that a large
    /// body arriving in chunks is searched once, not once per chunk.
    searched: (usize, usize),
}

enum Header {
    /// Not complete yet: more input is needed.
    Partial,
    Bad,
    /// The length (`None`: too large to be one) and where the body starts,
    /// relative to the header's start.
    Good(Option<usize>, usize),
}

impl Decoder {
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            if let Some(w) = &mut self.waiting {
                *w -= self.pos;
            }
            self.searched.0 = self.searched.0.saturating_sub(self.pos);
            self.searched.1 = self.searched.1.saturating_sub(self.pos);
            self.pos = 0;
        }
        self.last_body = None;
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The last body returned was not a message (it is not JSON): read it
    /// again, looking for the next header inside it.
    pub fn reject(&mut self) {
        if let Some(start) = self.last_body.take() {
            self.pos = start;
            self.quiet = true;
        }
    }

    /// Whether an incomplete body already holds another message's header.
    pub fn stalled_on_wrong_length(&mut self) -> bool {
        let Some(w) = self.waiting else {
            return false;
        };
        let from = match self.searched {
            (body, upto) if body == w => upto.saturating_sub(CONTENT_LENGTH.len()).max(w),
            _ => w,
        };
        if find_header(&self.buf[from..]).is_some() {
            return true;
        }
        self.searched = (w, self.buf.len());
        false
    }

    /// Gives up waiting for an incomplete header or body (the input ended or
    /// stalled): reading goes on inside it. The error to answer, if any.
    pub fn give_up(&mut self) -> Option<Frame> {
        let at = self.waiting.take()?;
        self.pos = at;
        self.quiet = true;
        Some(Frame::Bad(
            "message shorter than its Content-Length: reading goes on at the next header",
        ))
    }

    /// The frames left at the end of the input.
    pub fn finish(&mut self) -> Vec<Frame> {
        let mut out = Vec::new();
        loop {
            match self.next_frame() {
                Some(f) => out.push(f),
                None => match self.give_up() {
                    Some(f) => out.push(f),
                    None => return out,
                },
            }
        }
    }

    /// The next frame, or `None` when more input is needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        self.last_body = None;
        self.waiting = None;
        let rest = &self.buf[self.pos..];
        let Some(at) = find_header(rest) else {
            // Skip whole lines; a line too long to be a header goes too.
            let (skip, garbage) = match rest.iter().rposition(|&b| b == b'\n') {
                Some(nl) => (nl + 1, !is_blank_or_headers(&rest[..nl + 1], false)),
                None if rest.len() > MAX_HEADER => (rest.len() - (CONTENT_LENGTH.len() - 1), true),
                None => (0, false),
            };
            self.garbage |= garbage && !self.quiet;
            self.pos += skip;
            return None;
        };
        if !self.quiet && !is_blank_or_headers(&rest[..at], true) {
            self.garbage = true;
        }
        let start = self.pos + at;
        if std::mem::take(&mut self.garbage) {
            self.pos = start;
            return Some(Frame::Bad(GARBAGE));
        }
        match parse_header(&self.buf[start..]) {
            Header::Partial => {
                self.pos = start;
                self.waiting = Some(start + CONTENT_LENGTH.len());
                None
            }
            Header::Bad => {
                self.pos = start + CONTENT_LENGTH.len();
                self.quiet = true;
                Some(Frame::Bad(BAD_HEADER))
            }
            Header::Good(None, body_at) => {
                self.pos = start + body_at;
                self.quiet = true;
                Some(Frame::Bad(
                    "message too large (over 256 MiB): reading goes on at the next header",
                ))
            }
            Header::Good(Some(length), body_at) => {
                let body = start + body_at;
                if self.buf.len() - body < length {
                    self.pos = start;
                    self.waiting = Some(body);
                    return None;
                }
                self.quiet = false;
                self.pos = body + length;
                // Handed back, the search starts right after this header's
                // name: a header line that swallowed the next message's
                // header (`XContent-Length: 5`) is searched too.
                self.last_body = Some(start + CONTENT_LENGTH.len());
                Some(Frame::Body(self.buf[body..self.pos].to_vec()))
            }
        }
    }
}

/// Where the next `Content-Length:` starts, in any case.
fn find_header(bytes: &[u8]) -> Option<usize> {
    let n = CONTENT_LENGTH.len();
    let mut from = 0;
    while from + n <= bytes.len() {
        // `l` and `L` are the only first bytes to look at.
        let i = from + bytes[from..].iter().position(|b| b | 0x20 == b'c')?;
        if i + n > bytes.len() {
            return None;
        }
        if bytes[i..i + n].eq_ignore_ascii_case(CONTENT_LENGTH) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Whether skipped bytes are only blank lines and `Name: value` headers
/// (such as a `Content-Type` before `Content-Length`). With `open_end`, the
/// last line is the start of a header's line and must be blank.
fn is_blank_or_headers(bytes: &[u8], open_end: bool) -> bool {
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let last = lines.pop().unwrap_or_default();
    if open_end && !last.iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    lines.into_iter().all(|l| {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        l.iter().all(u8::is_ascii_whitespace) || header_line(l).is_some()
    })
}

/// A `Name: value` line's name and value.
fn header_line(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    let token = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    (!name.is_empty() && name.iter().all(token)).then_some((name, value))
}

/// Reads the header block starting at `Content-Length:`: that header, then
/// any other `Name: value` lines (`Content-Type` and the rest are ignored),
/// then a blank line. Lines end with `\r\n` (a bare `\n` is taken too).
fn parse_header(bytes: &[u8]) -> Header {
    let mut length = None;
    let mut at = 0;
    loop {
        let Some(nl) = bytes[at..].iter().position(|&b| b == b'\n') else {
            return if bytes.len() > MAX_HEADER {
                Header::Bad
            } else {
                Header::Partial
            };
        };
        let line = &bytes[at..at + nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at += nl + 1;
        if at > MAX_HEADER {
            return Header::Bad;
        }
        if line.is_empty() {
            return match length {
                Some(n) => Header::Good(n, at),
                None => Header::Bad,
            };
        }
        let Some((name, value)) = header_line(line) else {
            return Header::Bad;
        };
        if name.eq_ignore_ascii_case(b"content-length") {
            let digits = value.trim_ascii();
            if length.is_some() || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Header::Bad;
            }
            // A length past any limit is too large, not malformed.
            let n = std::str::from_utf8(digits)
                .ok()
                .and_then(|d| d.parse::<usize>().ok())
                .filter(|&n| n <= MAX_BODY);
            length = Some(n);
        }
    }
}

/// What a body holds.
enum Incoming {
    Message(Message),
    /// Not a JSON-RPC message; answered with this error.
    Invalid(Value),
    /// Not JSON at all: perhaps not a body (its length was wrong).
    NotJson(Value),
}

fn classify(body: &[u8]) -> Incoming {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => match Message::from_value(value) {
            Ok(message) => Incoming::Message(message),
            Err(answer) => Incoming::Invalid(answer),
        },
        Err(e) => Incoming::NotJson(error_body(
            &Value::Null,
            &Error::new(-32700, format!("parse error: {e}")),
        )),
    }
}

/// Writes framed messages, each in one write, until every sender is gone;
/// a closed output ends the process, since nobody is left to read. Blocking:
/// it runs on a thread of its own, as ruff's server writes (tokio's stdout
/// hands every write and flush to its blocking pool, two thread hops per
/// message on the keystroke path).
pub fn write_all<W: std::io::Write>(mut output: W, mut messages: UnboundedReceiver<String>) {
    while let Some(body) = messages.blocking_recv() {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body.as_bytes());
        if let Err(e) = output.write_all(&frame).and_then(|()| output.flush()) {
            tracing::error!("cannot write to the client ({e}); exiting");
            std::process::exit(1);
        }
    }
}

/// Reads messages until the end of the input and hands each to `deliver`
/// in the order they came; what is not a message is answered on `out` here,
/// and reading goes on. Blocking: it runs on a thread of its own (tokio's
/// stdin hands every read to its blocking pool, thread hops on the
/// keystroke path). `wait(limit)` says whether input is ready within
/// `limit`; it bounds the wait for the rest of a body shorter than its
/// `Content-Length` said.
pub fn read_all<R: std::io::Read>(
    mut input: R,
    mut wait: impl FnMut(Duration) -> bool,
    out: WeakUnboundedSender<String>,
    mut deliver: impl FnMut(Message),
) {
    // Weak: the reader, blocked in `read` to the end, must not keep the
    // writer waiting for more once the server is done.
    let send = |answer: String| {
        if let Some(out) = out.upgrade() {
            let _ = out.send(answer);
        }
    };
    let mut decoder = Decoder::default();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let frame = match decoder.next_frame() {
            Some(f) => f,
            None => {
                if decoder.stalled_on_wrong_length() && !wait(STALL) {
                    if let Some(f) = decoder.give_up() {
                        answer_bad(&send, f);
                    }
                    continue;
                }
                match input.read(&mut chunk) {
                    Ok(0) => return,
                    Ok(n) => decoder.feed(&chunk[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
                continue;
            }
        };
        let body = match frame {
            Frame::Bad(_) => {
                answer_bad(&send, frame);
                continue;
            }
            Frame::Body(body) => body,
        };
        match classify(&body) {
            Incoming::NotJson(answer) => {
                decoder.reject();
                tracing::warn!("bad message: {answer}");
                send(answer.to_string());
            }
            Incoming::Invalid(answer) => {
                tracing::warn!("bad message: {answer}");
                send(answer.to_string());
            }
            Incoming::Message(message) => deliver(message),
        }
    }
}

/// Whether the standard input has something to read (or has ended) within
/// `limit`.
#[cfg(unix)]
pub fn stdin_ready_within(limit: Duration) -> bool {
    let mut fd = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = limit.as_millis().min(i32::MAX as u128) as i32;
    loop {
        // SAFETY: one valid pollfd, its count, a timeout.
        let n = unsafe { libc::poll(&mut fd, 1, ms) };
        if n >= 0 {
            return n > 0;
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            // Cannot tell: read, as before this check existed.
            return true;
        }
    }
}

/// Elsewhere the read waits for the input, however long.
#[cfg(not(unix))]
pub fn stdin_ready_within(_: Duration) -> bool {
    true
}

fn answer_bad(send: &impl Fn(String), frame: Frame) {
    if let Frame::Bad(why) = frame {
        tracing::warn!("{why}");
        send(error_body(&Value::Null, &Error::new(-32700, why)).to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// Decodes a whole stream as the server does (bodies that are not JSON
    /// are handed back), fed `step` bytes at a time.
    fn decode(stream: &[u8], step: usize) -> Vec<Result<String, &'static str>> {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        let take = |f: Frame, d: &mut Decoder, out: &mut Vec<_>| match f {
            Frame::Body(b) => {
                if serde_json::from_slice::<Value>(&b).is_err() {
                    d.reject();
                    out.push(Err("not json"));
                } else {
                    out.push(Ok(String::from_utf8(b).unwrap()));
                }
            }
            Frame::Bad(why) => out.push(Err(why)),
        };
        for chunk in stream.chunks(step.max(1)) {
            d.feed(chunk);
            while let Some(f) = d.next_frame() {
                take(f, &mut d, &mut out);
            }
        }
        for f in d.finish() {
            take(f, &mut d, &mut out);
        }
        out
    }

    fn bodies(out: &[Result<String, &str>]) -> Vec<String> {
        out.iter().filter_map(|r| r.clone().ok()).collect()
    }

    const A: &str = r#"{"jsonrpc":"2.0","id":1,"method":"a"}"#;
    const B: &str = r#"{"jsonrpc":"2.0","id":2,"method":"b"}"#;

    #[test]
    fn resyncs_after_every_kind_of_broken_header() {
        let bad = [
            format!("Content-Length: -5\r\n\r\n{A}"),
            format!("Content-Length: {}\r\n\r\n{A}", A.len() + 10),
            format!("Content-Length: {}\r\n\r\n{A}", A.len() - 3),
            "Content-Length: 2000000000\r\n\r\n".to_string(),
            "Content-Length: 99999999999999999999999999\r\n\r\n{}".to_string(),
            "Content-Length: 12\r\n".to_string(),
            "Content-Length: x\r\nContent-Length: 3\r\n\r\n".to_string(),
            // Found by the fuzzer: the next header glued to an unknown one.
            "Content-Length: 12\r\nV".to_string(),
            "garbage\r\n".to_string(),
            "\u{0}\u{1}binary".to_string(),
        ];
        for bad in &bad {
            let stream = format!("{bad}{}{}", framed(A), framed(B));
            for step in [1, 7, 1 << 20] {
                let out = decode(stream.as_bytes(), step);
                let got = bodies(&out);
                assert!(
                    got.ends_with(&[A.to_string(), B.to_string()]),
                    "{bad:?} step {step}: {out:?}"
                );
                assert!(out.iter().any(Result::is_err), "{bad:?}: no error answered");
            }
        }
    }

    #[test]
    fn other_headers_are_accepted_or_ignored() {
        let stream = format!(
            "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\nX-Foo: bar\r\n\r\n{A}Content-Type: x\r\n{}\n\n{B}",
            A.len(),
            format_args!("content-length: {}", B.len())
        );
        assert_eq!(
            decode(stream.as_bytes(), 3),
            vec![Ok(A.to_string()), Ok(B.to_string())]
        );
    }

    #[test]
    fn a_huge_length_is_answered_at_once_without_reading_on() {
        let mut d = Decoder::default();
        d.feed(b"Content-Length: 2000000000\r\n\r\n");
        assert!(matches!(d.next_frame(), Some(Frame::Bad(_))));
        d.feed(framed(A).as_bytes());
        assert_eq!(d.next_frame(), Some(Frame::Body(A.as_bytes().to_vec())));
    }

    #[test]
    fn a_body_inside_a_too_long_one_is_found_when_input_stalls() {
        let mut d = Decoder::default();
        d.feed(format!("Content-Length: 500\r\n\r\n{A}{}", framed(B)).as_bytes());
        assert_eq!(d.next_frame(), None);
        assert!(d.stalled_on_wrong_length());
        assert!(matches!(d.give_up(), Some(Frame::Bad(_))));
        assert_eq!(d.next_frame(), Some(Frame::Body(B.as_bytes().to_vec())));
    }

    #[test]
    fn garbage_is_answered_once_and_blank_lines_not_at_all() {
        let stream = format!(
            "\r\n\r\n{}junk junk\r\nmore junk\r\n{}",
            framed(A),
            framed(B)
        );
        assert_eq!(
            decode(stream.as_bytes(), 1),
            vec![Ok(A.to_string()), Err(GARBAGE), Ok(B.to_string())]
        );
    }
}
