//! The protocol's lifecycle rules and the binary's command line.

use std::process::Command;

use serde_json::{json, Value};

use crate::harness::*;

#[test]
fn requests_before_initialize_are_refused() {
    let mut server = Server::spawn();
    let err = server
        .request("textDocument/hover", json!({ "textDocument": { "uri": "file:///x/MANIFEST" }, "position": { "line": 0, "character": 0 } }))
        .unwrap_err();
    assert_eq!(err["code"], -32002);
}

#[test]
fn unknown_methods_are_not_found() {
    let mut server = Server::start(&["utf-16"], None);
    let err = server.request("sps/doesNotExist", json!({})).unwrap_err();
    assert_eq!(err["code"], -32601);
}

#[test]
fn shutdown_then_exit_ends_with_status_0() {
    let server = Server::start(&["utf-16"], None);
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let mut server = Server::start(&["utf-16"], None);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), 1);
}

#[test]
fn end_of_input_ends_the_server() {
    let mut server = Server::start(&["utf-16"], None);
    server.close_stdin();
    assert_eq!(server.wait_exit(), 1);
}

#[test]
fn utf8_is_chosen_when_offered_and_utf16_otherwise() {
    let mut server = Server::spawn();
    let r = server.initialize(&["utf-32", "utf-8", "utf-16"], None);
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-8");
    let mut server = Server::spawn();
    let r = server.initialize(&[], None);
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn version_help_and_stdio_flag() {
    let out = Command::new(bin()).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("sps-plugin-ls "));
    let out = Command::new(bin()).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("check"));
    let out = Command::new(bin()).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // `--stdio` serves the protocol, as VS Code's client starts it.
    let server = {
        let mut s = Server::spawn_with_args(&["--stdio", "--log-level", "debug"]);
        s.initialize(&["utf-16"], None);
        s
    };
    assert_eq!(server.shutdown(), 0);
}
