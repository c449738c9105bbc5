//! Reading and writing the protocol on stdin/stdout. Replaces
//! tower-lsp-server's own loop, which stops reading for good after one
//! malformed message: here a bad header or body is answered (`-32700` parse
//! error, `-32600` invalid request) and reading goes on at the next
//! `Content-Length` header.

use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ClientSocket;
use tower_service::Service;

/// A body larger than this is skipped unread and answered with an error:
/// a 50 MiB document fits, a runaway length does not.
const MAX_BODY: usize = 256 * 1024 * 1024;
/// A header line longer than this is garbage.
const MAX_HEADER_LINE: usize = 8 * 1024;
/// Requests handled at once (as in tower-lsp-server).
const CONCURRENCY: usize = 4;

/// What one read from the input gave.
enum Frame {
    Body(Vec<u8>),
    /// Unusable input; answered with this error and skipped.
    Bad(&'static str),
    Eof,
}

async fn read_frame<R: AsyncRead + Unpin>(input: &mut BufReader<R>) -> Frame {
    let mut length: Option<usize> = None;
    let mut bad_header = false;
    let mut headers = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = match (&mut *input)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(n) => n,
            Err(_) => return Frame::Eof,
        };
        if read == 0 {
            return Frame::Eof;
        }
        if line.len() >= MAX_HEADER_LINE && !line.ends_with(b"\n") {
            bad_header = true;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if headers == 0 && !bad_header {
                // Blank lines between messages are harmless.
                continue;
            }
            break;
        }
        headers += 1;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = true,
                }
            }
            Some((name, _)) if name.trim().eq_ignore_ascii_case("content-type") => {}
            _ => bad_header = true,
        }
    }
    let Some(length) = length.filter(|_| !bad_header) else {
        return Frame::Bad("malformed header: expected `Content-Length: N` and a blank line");
    };
    if length > MAX_BODY {
        let _ = tokio::io::copy(
            &mut (&mut *input).take(length as u64),
            &mut tokio::io::sink(),
        )
        .await;
        return Frame::Bad("message too large");
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body).await {
        Ok(_) => Frame::Body(body),
        Err(_) => Frame::Eof,
    }
}

/// What a body holds.
enum Incoming {
    Request(Request),
    Response(Response),
    /// Not JSON-RPC; answered with this error.
    Invalid(Value),
}

fn classify(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Invalid(error(-32700, &format!("parse error: {e}"), Value::Null))
        }
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let has = |k: &str| value.get(k).is_some();
    if has("method") {
        match serde_json::from_value(value) {
            Ok(r) => Incoming::Request(r),
            Err(e) => Incoming::Invalid(error(-32600, &format!("invalid request: {e}"), id)),
        }
    } else if has("result") || has("error") {
        match serde_json::from_value(value) {
            Ok(r) => Incoming::Response(r),
            Err(e) => Incoming::Invalid(error(-32600, &format!("invalid response: {e}"), id)),
        }
    } else {
        Incoming::Invalid(error(-32600, "invalid request: not a JSON-RPC message", id))
    }
}

fn error(code: i64, message: &str, id: Value) -> Value {
    json!({ "jsonrpc": "2.0", "error": { "code": code, "message": message }, "id": id })
}

/// Writes framed messages; a closed output ends the process, since nobody
/// is left to read.
async fn write_all<W: AsyncWrite + Unpin>(mut output: W, mut messages: mpsc::Receiver<String>) {
    while let Some(body) = messages.next().await {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body.as_bytes());
        let written = async {
            output.write_all(&frame).await?;
            output.flush().await
        };
        if let Err(e) = written.await {
            tracing::error!("cannot write to the client ({e}); exiting");
            std::process::exit(1);
        }
    }
}

/// Serves `service` until `exit` or the end of the input.
pub async fn serve<S, R, W>(input: R, output: W, mut service: S, socket: ClientSocket)
where
    S: Service<Request, Response = Option<Response>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: std::fmt::Debug + Send + 'static,
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (out_tx, out_rx) = mpsc::channel::<String>(64);
    let writer = tokio::spawn(write_all(output, out_rx));

    // Requests from the server to the client, and the client's answers.
    let (mut to_client, mut client_answers) = socket.split();
    let mut out = out_tx.clone();
    let forward = tokio::spawn(async move {
        while let Some(req) = to_client.next().await {
            if let Ok(body) = serde_json::to_string(&req) {
                if out.send(body).await.is_err() {
                    break;
                }
            }
        }
    });

    // Handlers run CONCURRENCY at a time; each starts in arrival order, so
    // text changes (applied at the start of their handler) keep their order.
    let (mut calls_tx, calls_rx) = mpsc::channel::<S::Future>(0);
    let mut out = out_tx.clone();
    let handlers = tokio::spawn(async move {
        let mut responses = calls_rx.buffer_unordered(CONCURRENCY);
        while let Some(result) = responses.next().await {
            if let Ok(Some(response)) = result {
                if let Ok(body) = serde_json::to_string(&response) {
                    if out.send(body).await.is_err() {
                        break;
                    }
                }
            }
        }
    });

    let mut input = BufReader::new(input);
    let mut out = out_tx;
    loop {
        let message = match read_frame(&mut input).await {
            Frame::Eof => break,
            Frame::Bad(why) => {
                tracing::warn!("{why}");
                let _ = out.send(error(-32700, why, Value::Null).to_string()).await;
                continue;
            }
            Frame::Body(body) => classify(&body),
        };
        match message {
            Incoming::Invalid(answer) => {
                tracing::warn!("bad message: {answer}");
                let _ = out.send(answer.to_string()).await;
            }
            Incoming::Response(response) => {
                let _ = client_answers.send(response).await;
            }
            Incoming::Request(request) => {
                let exit = request.method() == "exit";
                if futures::future::poll_fn(|cx| service.poll_ready(cx))
                    .await
                    .is_err()
                {
                    break;
                }
                let call = service.call(request);
                if calls_tx.send(call).await.is_err() {
                    break;
                }
                if exit {
                    break;
                }
            }
        }
    }
    // Let what is under way finish briefly, then stop.
    calls_tx.close_channel();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), handlers).await;
    forward.abort();
    drop(out);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), writer).await;
}
