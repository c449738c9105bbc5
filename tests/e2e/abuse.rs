//! Abuse: malformed traffic, impossible positions and hostile documents.
//! Each is answered in bounded time, and the server goes on working.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::*;

/// The server still answers a hover on a MANIFEST, and checks it.
fn still_works(server: &mut Server) {
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    let u = server.open(&plugin.path("MANIFEST"), "api: '1.9'\n");
    let r = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 1 } }),
        )
        .expect("hover answers");
    assert!(r["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("plugin API"));
    assert!(codes(&server.diagnostics(&u, 1)).contains(&"manifest/missing-key".to_string()));
}

#[test]
fn malformed_messages_are_answered_and_survived() {
    let mut server = Server::start(&["utf-16"], None);
    // Invalid JSON with a correct length: a parse error, then business as usual.
    server.send_raw(&frame("{ this is not json"));
    let err = server
        .wait_for(|m| m["error"]["code"] == -32700)
        .expect("parse error reported");
    assert_eq!(err["id"], Value::Null);
    // Valid JSON that is no JSON-RPC message.
    server.send_raw(&frame("[1, 2, 3]"));
    let err = server
        .wait_for(|m| m["error"]["code"] == -32600)
        .expect("invalid request reported");
    assert_eq!(err["id"], Value::Null);
    // A header without a length (the reader looks for the next
    // `Content-Length`), then a well-formed message.
    server.send_raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n");
    still_works(&mut server);
}

/// After each malformed header, all of 20 requests that follow are
/// answered, sent one by one (each waiting for its answer) or all at once.
#[test]
fn every_request_after_a_malformed_header_is_answered() {
    let body = r#"{"jsonrpc":"2.0","id":"broken","method":"sps/doesNotExist"}"#;
    let malformed = [
        format!("Content-Length: -5\r\n\r\n{body}"),
        format!("Content-Length: {}\r\n\r\n{body}", body.len() + 10),
        format!("Content-Length: {}\r\n\r\n{body}", body.len() + 1000),
        format!("Content-Length: {}\r\n\r\n{body}", body.len() - 5),
        format!("X-Foo: bar\r\nContent-Length: {}\r\n\r\n{body}", body.len()),
        format!("Content-Length: {}\r\nX-Foo: bar\r\n\r\n{body}", body.len()),
        "Content-Length: 2000000000\r\n\r\n".to_string(),
        "Content-Length: 12\r\n".to_string(),
        "\u{0}\u{1}\u{2} not a header at all".to_string(),
    ];
    let hover = json!({ "textDocument": { "uri": "file:///nowhere/MANIFEST" }, "position": { "line": 0, "character": 0 } });
    for bad in &malformed {
        for at_once in [false, true] {
            let mut server = Server::start(&["utf-16"], None);
            server.send_raw(bad.as_bytes());
            let answered = if at_once {
                let ids: Vec<i64> = (0..20)
                    .map(|_| server.send_request("textDocument/hover", hover.clone()))
                    .collect();
                ids.into_iter()
                    .filter(|&id| {
                        server
                            .wait_quiet(Duration::from_secs(5), |m| {
                                m["id"] == json!(id) && m.get("method").is_none()
                            })
                            .is_some()
                    })
                    .count()
            } else {
                (0..20)
                    .filter(|_| {
                        let id = server.send_request("textDocument/hover", hover.clone());
                        server
                            .wait_quiet(Duration::from_secs(5), |m| {
                                m["id"] == json!(id) && m.get("method").is_none()
                            })
                            .is_some()
                    })
                    .count()
            };
            assert_eq!(answered, 20, "after {bad:?} (all at once: {at_once})");
            // The broken message itself was answered with an error.
            assert!(
                server
                    .wait_quiet(Duration::from_millis(1), |m| m["error"]["code"] == -32700
                        || m["id"] == "broken")
                    .is_some(),
                "{bad:?}: no error answered"
            );
        }
    }
}

#[test]
fn impossible_positions_and_unknown_documents() {
    let mut server = Server::start(&["utf-16"], None);
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    // A change to a document never opened is ignored.
    server.change(&uri(&plugin.path("MANIFEST")), 2, json!([{ "text": "x" }]));
    // Requests on a document never opened answer nothing.
    let r = server
        .request("textDocument/hover", json!({ "textDocument": { "uri": "file:///nowhere/MANIFEST" }, "position": { "line": 0, "character": 0 } }))
        .unwrap();
    assert_eq!(r, Value::Null);

    let u = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    server.diagnostics(&u, 1);
    // A range far past the end appends at the end.
    server.change(
        &u,
        2,
        json!([{ "range": { "start": { "line": 999, "character": 5 }, "end": { "line": 1000, "character": 0 } }, "text": "bogus: 1\n" }]),
    );
    assert_eq!(
        codes(&server.diagnostics(&u, 2)),
        vec!["manifest/unknown-key"]
    );
    // A column past the end of a line means its end; an inverted range is empty.
    server.change(
        &u,
        3,
        json!([{ "range": { "start": { "line": 0, "character": 500 }, "end": { "line": 0, "character": 2 } }, "text": "X" }]),
    );
    let d = server.diagnostics(&u, 3);
    assert!(codes(&d).contains(&"manifest/unknown-key".to_string()));
    for position in [
        json!({ "line": 0, "character": 100_000 }),
        json!({ "line": 4_000_000_000u32, "character": 4_000_000_000u32 }),
    ] {
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
        ] {
            let r = server.request(
                method,
                json!({ "textDocument": { "uri": u }, "position": position }),
            );
            assert!(r.is_ok(), "{method}: {r:?}");
        }
    }
    let r = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": { "start": { "line": 9, "character": 9 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    assert!(r.is_ok());
    still_works(&mut server);
}

#[test]
fn cancellation_is_answered() {
    let mut server = Server::start(&["utf-16"], None);
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    let u = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    let id = server.send_request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 0 } }),
    );
    server.notify("$/cancelRequest", json!({ "id": id }));
    // Either the answer or the cancellation error, but an answer.
    match server.response(id) {
        Ok(_) => {}
        Err(e) => assert_eq!(e["code"], -32800),
    }
    // Cancelling what is long done, or never was, is harmless.
    server.notify("$/cancelRequest", json!({ "id": 99_999 }));
    assert!(server.diagnostics(&u, 1).is_empty());
    still_works(&mut server);
}

#[test]
fn several_workspace_folders() {
    let a = Plugin::new(&[("main.py", MAIN_PY)]);
    let b = Plugin::new(&[]);
    let mut server = Server::spawn();
    server
        .request(
            "initialize",
            json!({
                "capabilities": {},
                "workspaceFolders": [{ "uri": uri(&a.dir), "name": "a" }, { "uri": uri(&b.dir), "name": "b" }]
            }),
        )
        .unwrap();
    server.notify("initialized", json!({}));
    let ua = server.open(&a.path("MANIFEST"), GOOD_MANIFEST);
    let ub = server.open(&b.path("MANIFEST"), GOOD_MANIFEST);
    assert!(server.diagnostics(&ua, 1).is_empty());
    assert_eq!(
        codes(&server.diagnostics(&ub, 1)),
        vec!["manifest/entry-point-missing"]
    );
    server.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [{ "uri": uri(&b.dir), "name": "b" }] } }),
    );
    still_works(&mut server);
}

#[test]
fn a_panicking_handler_answers_an_error_and_the_server_goes_on() {
    let mut server = Server::spawn_with_env(&[("SPS_PLUGIN_LS_TEST_PANIC", "textDocument/hover")]);
    server.initialize(&["utf-16"], None);
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    let u = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    let err = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 1 } }),
        )
        .unwrap_err();
    assert_eq!(err["code"], -32603);
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("textDocument/hover"));
    // Other requests and the diagnostics still work, and so does hover again.
    assert!(server.diagnostics(&u, 1).is_empty());
    let r = server.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": { "line": 6, "character": 0 } }),
    );
    assert!(r.is_ok());
    assert!(server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 1 } })
        )
        .is_err());
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn a_panicking_notification_is_contained() {
    let mut server =
        Server::spawn_with_env(&[("SPS_PLUGIN_LS_TEST_PANIC", "textDocument/didChange")]);
    server.initialize(&["utf-16"], None);
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    let u = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    server.diagnostics(&u, 1);
    server.change(&u, 2, json!([{ "text": "x" }]));
    still_works(&mut server);
}

#[test]
fn a_closed_stdout_ends_the_server() {
    let mut server = Server::start(&["utf-16"], None);
    server.close_stdout();
    // The reader closes the pipe after the next message; the server's
    // next write then fails, and it exits.
    let hover = json!({ "textDocument": { "uri": "file:///x/MANIFEST" }, "position": { "line": 0, "character": 0 } });
    server.send_request("textDocument/hover", hover.clone());
    std::thread::sleep(Duration::from_millis(300));
    server.send_request("textDocument/hover", hover);
    assert_eq!(server.wait_exit(), 1);
}

/// Opens a hostile text and requires diagnostics within a few seconds.
fn hostile(server: &mut Server, name: &str, text: &str, within: Duration) -> Vec<Value> {
    let plugin = Plugin::new(&[("main.py", MAIN_PY), ("MANIFEST", GOOD_MANIFEST)]);
    let started = Instant::now();
    let u = server.open(&plugin.path(name), text);
    let d = server.diagnostics(&u, 1);
    let took = started.elapsed();
    eprintln!("{name} ({} bytes): diagnostics after {took:?}", text.len());
    assert!(took < within, "{name}: {took:?}");
    d
}

#[test]
fn hostile_documents_are_answered_in_bounded_time() {
    let mut server = Server::start(&["utf-16"], None);
    // Generous for a debug build on a loaded machine; the point is that
    // each is answered at all, and within seconds.
    let limit = Duration::from_secs(30);
    let deep = format!("name: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert!(!hostile(&mut server, "MANIFEST", &deep, limit).is_empty());
    let deep_map = (0..5_000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect::<String>();
    hostile(&mut server, "MANIFEST", &deep_map, limit);
    let bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n".to_string()
        + &(b'b'..=b'z')
            .map(|c| {
                let prev = (c - 1) as char;
                format!("{0}: &{0} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n", c as char)
            })
            .collect::<String>();
    hostile(&mut server, "MANIFEST", &bomb, limit);
    hostile(&mut server, "MANIFEST", "name: a\0b\ntype: \0\n", limit);
    hostile(&mut server, "default.cfg", "[a]\nk=\0\0\0\n\0\n", limit);
    let long_line = format!("description: {}\n", "é".repeat(2_500_000));
    hostile(&mut server, "MANIFEST", &long_line, limit);
    let long_cfg = format!("[s]\nk={}\n", "x%".repeat(2_500_000));
    hostile(&mut server, "default.cfg", &long_cfg, limit);
    // Past the size limit, one diagnostic says so.
    let huge = "# padding\n".repeat(5_300_000);
    let d = hostile(&mut server, "MANIFEST", &huge, Duration::from_secs(40));
    assert_eq!(codes(&d), vec!["file/too-large"]);
    still_works(&mut server);
}

#[test]
fn invalid_utf8_on_disk_is_reported_by_check() {
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    let mut bytes = GOOD_MANIFEST.replace("A plugin", "A plug").into_bytes();
    let at = bytes.len() - 10;
    bytes.insert(at, 0xff);
    std::fs::write(plugin.path("MANIFEST"), &bytes).unwrap();
    std::fs::write(
        plugin.path("default.cfg"),
        b"[logging]\nlog_level=info\xc3\n",
    )
    .unwrap();
    let (status, stdout, _) =
        crate::cli::check(&["--format", "json", plugin.dir.to_str().unwrap()]);
    assert_eq!(status, 1, "{stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let bad: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "file/invalid-utf8")
        .collect();
    assert_eq!(bad.len(), 2, "{stdout}");
}
