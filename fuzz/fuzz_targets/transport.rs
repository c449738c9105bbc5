//! The transport's framing: random bytes, broken headers and wrong lengths
//! with valid messages spliced in. Every valid message is decoded, in
//! order, whatever came before it (garbage never holds a `Content-Length`
//! header of its own, which would rightly frame what follows).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::lsp::transport::{Decoder, Frame};

fn frame(body: &str, length: usize) -> Vec<u8> {
    format!("Content-Length: {length}\r\n\r\n{body}").into_bytes()
}

/// Garbage with every `content-length` (any case) broken up.
fn garbage(bytes: &[u8]) -> Vec<u8> {
    let mut g = bytes.to_vec();
    let needle = b"content-length";
    let mut i = 0;
    while i + needle.len() <= g.len() {
        if g[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            g[i] = b'#';
        }
        i += 1;
    }
    g
}

fuzz_target!(|data: &[u8]| {
    let mut stream = Vec::new();
    let mut expected = Vec::new();
    let mut rest = data;
    let mut id = 0;
    while let [op, arg, tail @ ..] = rest {
        rest = tail;
        let n = (*arg as usize).min(rest.len());
        match op % 5 {
            0 | 1 => {
                id += 1;
                let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"m","params":{{"t":"Content-Length: 5\r\n\r\n"}}}}"#);
                stream.extend(frame(&body, body.len()));
                expected.push(body);
            }
            2 => {
                let g = garbage(&rest[..n]);
                stream.extend(g);
                rest = &rest[n..];
            }
            3 => {
                // A wrong length, off by up to 127 either way.
                let body = r#"{"jsonrpc":"2.0","id":"broken","method":"m"}"#;
                let delta = (*arg as i64 & 0x7f) * if *arg & 0x80 != 0 { -1 } else { 1 };
                let length = (body.len() as i64 + delta).max(0) as usize;
                stream.extend(frame(body, length));
            }
            _ => {
                let header: &[u8] = match arg % 4 {
                    0 => b"Content-Length: 3000000000\r\n\r\n",
                    1 => b"Content-Length: -5\r\n\r\n",
                    2 => b"Content-Length: 12\r\n",
                    _ => b"X-Foo: bar\r\nContent-Type: x\r\n",
                };
                stream.extend_from_slice(header);
            }
        }
    }
    // Fed in chunks of sizes taken from the input.
    let mut decoder = Decoder::default();
    let mut decoded = Vec::new();
    let mut take = |f: Frame, d: &mut Decoder| {
        if let Frame::Body(b) = f {
            if serde_json::from_slice::<serde_json::Value>(&b).is_ok() {
                decoded.push(String::from_utf8_lossy(&b).into_owned());
            } else {
                d.reject();
            }
        }
    };
    let mut at = 0;
    let mut sizes = data.iter().cycle();
    while at < stream.len() {
        let step = (*sizes.next().unwrap_or(&64) as usize % 97 + 1).min(stream.len() - at);
        decoder.feed(&stream[at..at + step]);
        at += step;
        while let Some(f) = decoder.next_frame() {
            take(f, &mut decoder);
        }
    }
    for f in decoder.finish() {
        take(f, &mut decoder);
    }
    // The valid messages are a subsequence of what was decoded.
    let mut found = decoded.iter();
    for e in &expected {
        assert!(found.any(|d| d == e), "lost {e}; decoded {decoded:?}");
    }
});
