//! The conventions of a linter in the editor (issue 14): settings from the
//! editor and from the configuration file, changed while the server runs;
//! diagnostics of closed files (`diagnostics.scope`); pull diagnostics with
//! result ids; fix all; methods the server does not offer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::*;

/// A MANIFEST with one warning, `manifest/unknown-key` on `colour`.
fn manifest_with_unknown_key() -> String {
    format!("{GOOD_MANIFEST}colour: red\n")
}

fn plugin_with_unknown_key() -> Plugin {
    Plugin::new(&[
        ("MANIFEST", &manifest_with_unknown_key()),
        ("main.py", MAIN_PY),
    ])
}

/// The next publication for `uri` with `version` (null: a closed file's).
fn publication(server: &mut Server, uri: &str, version: Value) -> Vec<Value> {
    let m = server
        .wait_for(|m| is_publication(m, uri) && m["params"]["version"] == version)
        .unwrap_or_else(|| panic!("no publication for {uri} at version {version}"));
    m["params"]["diagnostics"].as_array().cloned().unwrap()
}

fn did_change_file(server: &mut Server, path: &std::path::Path, typ: u8) {
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(path), "type": typ }] }),
    );
}

#[test]
fn a_closed_files_error_is_published_at_start_and_gone_after_its_fix_on_disk() {
    let manifest = GOOD_MANIFEST.replace("type: aa", "type: AA");
    let plugin = Plugin::new(&[("MANIFEST", &manifest), ("main.py", MAIN_PY)]);
    let mut server = Server::start(&["utf-16"], Some(&plugin.dir));
    let m = uri(&plugin.path("MANIFEST"));
    // Never opened: checked from the disk, with no version. main.py, clean,
    // gets no publication at all.
    let diags = publication(&mut server, &m, Value::Null);
    assert_eq!(codes(&diags), ["manifest/invalid-type"]);
    assert_eq!(
        diags[0]["codeDescription"]["href"],
        "https://github.com/sps-plugin-ls/sps-plugin-ls/blob/main/docs/rules.md#manifest-invalid-type"
    );

    std::fs::write(plugin.path("MANIFEST"), GOOD_MANIFEST).unwrap();
    did_change_file(&mut server, &plugin.path("MANIFEST"), 2);
    assert_eq!(
        publication(&mut server, &m, Value::Null),
        Vec::<Value>::new()
    );

    // Opened, it is the editor's text; closed, the disk's again.
    let broken = GOOD_MANIFEST.replace("type: aa", "type: AA");
    server.open(&plugin.path("MANIFEST"), &broken);
    assert_eq!(codes(&server.diagnostics(&m, 1)), ["manifest/invalid-type"]);
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": m } }),
    );
    assert_eq!(
        publication(&mut server, &m, Value::Null),
        Vec::<Value>::new()
    );
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn a_closed_python_file_keeps_its_diagnostics_and_a_deleted_one_is_cleared() {
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("lib/__init__.py", ""),
        ("lib/broken.py", "def f(:\n"),
    ]);
    let mut server = Server::start(&["utf-16"], Some(&plugin.dir));
    let b = uri(&plugin.path("lib/broken.py"));
    let syntax_errors = |diags: &[Value]| {
        let c = codes(diags);
        !c.is_empty() && c.iter().all(|c| c == "python/syntax-error")
    };
    assert!(syntax_errors(&publication(&mut server, &b, Value::Null)));
    // Opened and closed: back to what the disk says, not cleared.
    server.open(&plugin.path("lib/broken.py"), "def f(:\n");
    assert!(syntax_errors(&server.diagnostics(&b, 1)));
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": b } }),
    );
    assert!(syntax_errors(&publication(&mut server, &b, Value::Null)));
    std::fs::remove_file(plugin.path("lib/broken.py")).unwrap();
    did_change_file(&mut server, &plugin.path("lib/broken.py"), 3);
    assert_eq!(
        publication(&mut server, &b, Value::Null),
        Vec::<Value>::new()
    );
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn the_open_scope_clears_a_closed_file() {
    let plugin = plugin_with_unknown_key();
    let mut server = Server::start_open_scope(&plugin.dir);
    let m = server.open(&plugin.path("MANIFEST"), &manifest_with_unknown_key());
    assert_eq!(codes(&server.diagnostics(&m, 1)), ["manifest/unknown-key"]);
    // `close` waits for the publication of nothing, with no version.
    server.close(&m);
    let more = server.wait_quiet(Duration::from_millis(300), |msg| is_publication(msg, &m));
    assert!(more.is_none(), "{more:?}");
}

#[test]
fn a_large_workspace_is_checked_with_progress() {
    let root = Plugin::new(&[]);
    let manifest = manifest_with_unknown_key();
    for i in 0..12 {
        let dir = root.dir.join(format!("p{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("MANIFEST"), &manifest).unwrap();
        std::fs::write(dir.join("main.py"), MAIN_PY).unwrap();
    }
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&root.dir),
        json!({ "window": { "workDoneProgress": true } }),
        Value::Null,
    );
    let create = server
        .wait_for(|m| m["method"] == "window/workDoneProgress/create")
        .expect("a progress token asked for");
    let token = create["params"]["token"].clone();
    let mut kinds = Vec::new();
    loop {
        let p = server
            .wait_for(|m| m["method"] == "$/progress" && m["params"]["token"] == token)
            .expect("progress");
        let kind = p["params"]["value"]["kind"].as_str().unwrap().to_string();
        kinds.push(kind.clone());
        if kind == "end" {
            assert_eq!(p["params"]["value"]["message"], "24 files checked");
            break;
        }
    }
    assert_eq!(kinds.first().map(String::as_str), Some("begin"));
    // Every MANIFEST was published before the end; the main.py files,
    // clean, were not.
    for i in 0..12 {
        let m = uri(&root.dir.join(format!("p{i:02}")).join("MANIFEST"));
        assert_eq!(
            codes(&publication(&mut server, &m, Value::Null)),
            ["manifest/unknown-key"]
        );
    }
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn settings_from_initialization_options_and_did_change_configuration() {
    let plugin = plugin_with_unknown_key();
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&plugin.dir),
        json!({}),
        json!({ "ignore": ["manifest/unknown-key"], "diagnostics": { "scope": "open" } }),
    );
    let m = server.open(&plugin.path("MANIFEST"), &manifest_with_unknown_key());
    assert_eq!(codes(&server.diagnostics(&m, 1)), Vec::<String>::new());
    // A client without `workspace/configuration` sends the settings.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "spsPluginLs": { "severity": { "manifest/unknown-key": "error" }, "diagnostics": { "scope": "open" } } } }),
    );
    let diags = server.diagnostics(&m, 1);
    assert_eq!(codes(&diags), ["manifest/unknown-key"]);
    assert_eq!(diags[0]["severity"], 1);
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn settings_from_workspace_configuration_changed_while_running() {
    let plugin = plugin_with_unknown_key();
    let settings = Arc::new(Mutex::new(json!({ "ignore": ["manifest"] })));
    let answer = {
        let settings = settings.clone();
        move |req: &Value| {
            if req["method"] != "workspace/configuration" {
                return Value::Null;
            }
            let s = settings.lock().unwrap().clone();
            let items = req["params"]["items"].as_array().unwrap();
            Value::Array(items.iter().map(|_| s.clone()).collect())
        }
    };
    let mut server = Server::spawn_answering(answer);
    server.initialize_full(
        &["utf-16"],
        Some(&plugin.dir),
        json!({ "workspace": { "configuration": true } }),
        Value::Null,
    );
    let asked = server
        .wait_for(|m| m["method"] == "workspace/configuration")
        .expect("the settings asked for");
    let items = asked["params"]["items"].as_array().unwrap();
    assert_eq!(items[0], json!({ "section": "spsPluginLs" }));
    assert_eq!(
        items[1],
        json!({ "scopeUri": uri(&plugin.dir), "section": "spsPluginLs" })
    );
    let m = server.open(&plugin.path("MANIFEST"), &manifest_with_unknown_key());
    assert_eq!(codes(&server.diagnostics(&m, 1)), Vec::<String>::new());

    *settings.lock().unwrap() = json!({});
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    server
        .wait_for(|m| m["method"] == "workspace/configuration")
        .expect("the settings asked for again");
    assert_eq!(codes(&server.diagnostics(&m, 1)), ["manifest/unknown-key"]);
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn the_configuration_file_wins_and_is_watched() {
    let plugin = plugin_with_unknown_key();
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&plugin.dir),
        json!({}),
        json!({ "ignore": ["manifest/unknown-key"], "diagnostics": { "scope": "open" } }),
    );
    let registration = server
        .wait_for(|m| m["method"] == "client/registerCapability")
        .expect("file watchers");
    let globs: Vec<Value> = registration["params"]["registrations"][0]["registerOptions"]
        ["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].clone())
        .collect();
    for name in [
        "**/sps-plugin-ls.toml",
        "**/.sps-plugin-ls.toml",
        "**/pyproject.toml",
    ] {
        assert!(globs.contains(&json!(name)), "{globs:?}");
    }
    let m = server.open(&plugin.path("MANIFEST"), &manifest_with_unknown_key());
    assert_eq!(codes(&server.diagnostics(&m, 1)), Vec::<String>::new());

    // The file sets `ignore` too: its list wins, and it ignores nothing.
    let file = plugin.path("sps-plugin-ls.toml");
    std::fs::write(&file, "ignore = []\n").unwrap();
    did_change_file(&mut server, &file, 1);
    assert_eq!(codes(&server.diagnostics(&m, 1)), ["manifest/unknown-key"]);

    // A file that does not set `ignore` leaves the editor's in force.
    std::fs::write(&file, "[severity]\nmanifest = \"info\"\n").unwrap();
    did_change_file(&mut server, &file, 2);
    assert_eq!(codes(&server.diagnostics(&m, 1)), Vec::<String>::new());
    assert_eq!(server.shutdown(), 0);
}

const PULL: &str = r#"{ "textDocument": { "diagnostic": { "dynamicRegistration": false } }, "workspace": { "diagnostics": { "refreshSupport": true } } }"#;

#[test]
fn pull_diagnostics_with_result_ids() {
    let plugin = plugin_with_unknown_key();
    let mut server = Server::spawn();
    let init = server.initialize_full(
        &["utf-16"],
        Some(&plugin.dir),
        serde_json::from_str(PULL).unwrap(),
        Value::Null,
    );
    assert_eq!(
        init["capabilities"]["diagnosticProvider"],
        json!({ "identifier": "sps-plugin-ls", "interFileDependencies": true, "workspaceDiagnostics": true })
    );
    let text = manifest_with_unknown_key();
    let m = server.open(&plugin.path("MANIFEST"), &text);
    let first = server
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": m } }),
        )
        .unwrap();
    assert_eq!(first["kind"], "full");
    assert_eq!(
        codes(first["items"].as_array().unwrap()),
        ["manifest/unknown-key"]
    );
    let id = first["resultId"].as_str().unwrap().to_string();
    let again = server
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": m }, "previousResultId": id }),
        )
        .unwrap();
    assert_eq!(again, json!({ "kind": "unchanged", "resultId": id }));

    // The workspace: the open MANIFEST (with its version) and main.py
    // (closed, clean).
    let ws = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    let items = ws["items"].as_array().unwrap();
    let by_name = |name: &str| {
        items
            .iter()
            .find(|i| i["uri"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} in {items:?}"))
            .clone()
    };
    let main = by_name("/main.py");
    assert_eq!(main["kind"], "full");
    assert_eq!(main["version"], Value::Null);
    assert_eq!(main["items"], json!([]));
    assert_eq!(by_name("/MANIFEST")["version"], 1);
    let previous = result_ids(&ws);
    let ws = server
        .request(
            "workspace/diagnostic",
            json!({ "previousResultIds": previous }),
        )
        .unwrap();
    for item in ws["items"].as_array().unwrap() {
        assert_eq!(item["kind"], "unchanged", "{item}");
    }

    // An edit changes the report; nothing was ever pushed.
    server.change(&m, 2, json!([{ "text": GOOD_MANIFEST }]));
    let after = server
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": m }, "previousResultId": id }),
        )
        .unwrap();
    assert_eq!(after["kind"], "full");
    assert_eq!(after["items"], json!([]));
    assert!(server.seen("textDocument/publishDiagnostics").is_empty());

    // A change on disk asks the client to pull again.
    std::fs::write(plugin.path("main.py"), "import os\n").unwrap();
    did_change_file(&mut server, &plugin.path("main.py"), 2);
    server
        .wait_for(|m| m["method"] == "workspace/diagnostic/refresh")
        .expect("a refresh asked for");
    assert_eq!(server.shutdown(), 0);
}

/// The `previousResultIds` a client sends after the workspace report `ws`.
fn result_ids(ws: &Value) -> Vec<Value> {
    ws["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({ "uri": i["uri"], "value": i["resultId"] }))
        .collect()
}

/// A server started on `dir` with a client that pulls diagnostics.
fn pull_server(dir: &std::path::Path) -> Server {
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(dir),
        serde_json::from_str(PULL).unwrap(),
        Value::Null,
    );
    server
}

/// The workspace report `ws` clears `uri`: one full report of it, empty.
fn assert_cleared(ws: &Value, uri: &str) {
    let reports: Vec<&Value> = ws["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["uri"] == uri)
        .collect();
    assert_eq!(reports.len(), 1, "{ws}");
    assert_eq!(reports[0]["kind"], "full", "{ws}");
    assert_eq!(reports[0]["items"], json!([]), "{ws}");
}

/// A deleted file's diagnostics leave the editor under pull too: the next
/// workspace pull reports an empty list for every file the client still
/// holds a result for and the workspace no longer has (VS Code keeps a
/// file's last result until a report replaces it).
#[test]
fn a_workspace_pull_clears_a_file_deleted_since_the_last_one() {
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("lib/__init__.py", ""),
        ("lib/broken.py", "def f(:\n"),
    ]);
    let mut server = pull_server(&plugin.dir);
    let ws = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    let items = ws["items"].as_array().unwrap();
    let b = uri(&plugin.path("lib/broken.py"));
    let broken = items
        .iter()
        .find(|i| i["uri"] == b)
        .expect("broken.py reported");
    assert_eq!(
        codes(broken["items"].as_array().unwrap())[0],
        "python/syntax-error"
    );
    let previous = result_ids(&ws);

    std::fs::remove_file(plugin.path("lib/broken.py")).unwrap();
    did_change_file(&mut server, &plugin.path("lib/broken.py"), 3);
    server
        .wait_for(|m| m["method"] == "workspace/diagnostic/refresh")
        .expect("a refresh asked for");
    let ws = server
        .request(
            "workspace/diagnostic",
            json!({ "previousResultIds": previous }),
        )
        .unwrap();
    assert_cleared(&ws, &b);
    assert_eq!(server.shutdown(), 0);
}

/// As VS Code does it: a file opened, pulled, closed (a last document pull,
/// then the workspace's), then deleted with no file event (a watcher can
/// miss one): the next workspace pull clears it all the same, because a
/// closed file's result is kept only while its file is as it was.
#[test]
fn a_closed_file_deleted_without_a_file_event_is_cleared_by_the_next_pull() {
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("lib/__init__.py", ""),
        ("lib/broken.py", "def f(:\n"),
    ]);
    let mut server = pull_server(&plugin.dir);
    let b = server.open(&plugin.path("lib/broken.py"), "def f(:\n");
    let doc_pull = |server: &mut Server| {
        server
            .request(
                "textDocument/diagnostic",
                json!({ "textDocument": { "uri": b } }),
            )
            .unwrap()
    };
    assert_eq!(
        codes(doc_pull(&mut server)["items"].as_array().unwrap())[0],
        "python/syntax-error"
    );
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": b } }),
    );
    assert_eq!(
        codes(doc_pull(&mut server)["items"].as_array().unwrap())[0],
        "python/syntax-error"
    );
    let ws = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    let previous = result_ids(&ws);
    assert!(ws.to_string().contains("broken.py"), "{ws}");

    std::fs::remove_file(plugin.path("lib/broken.py")).unwrap();
    let ws = server
        .request(
            "workspace/diagnostic",
            json!({ "previousResultIds": previous }),
        )
        .unwrap();
    assert_cleared(&ws, &b);
    assert_eq!(server.shutdown(), 0);
}

/// A closed file changed on disk with no file event: the next workspace
/// pull checks it again rather than answer "unchanged".
#[test]
fn a_closed_file_changed_without_a_file_event_is_checked_again_by_the_next_pull() {
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("lib/__init__.py", ""),
        ("lib/m.py", "X = 1\n"),
    ]);
    let mut server = pull_server(&plugin.dir);
    let ws = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    let previous = result_ids(&ws);
    std::fs::write(plugin.path("lib/m.py"), "def f(:\n").unwrap();
    let ws = server
        .request(
            "workspace/diagnostic",
            json!({ "previousResultIds": previous }),
        )
        .unwrap();
    let m = uri(&plugin.path("lib/m.py"));
    let report = ws["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["uri"] == m)
        .unwrap_or_else(|| panic!("{ws}"));
    assert_eq!(report["kind"], "full", "{ws}");
    assert_eq!(
        codes(report["items"].as_array().unwrap())[0],
        "python/syntax-error"
    );
    assert_eq!(server.shutdown(), 0);
}

/// VS Code's whole sequence for a module made after the start: created
/// with no file event, opened, pulled, closed (a last document pull), then
/// deleted with no file event; its findings must leave with it.
#[test]
fn a_module_made_after_the_start_opened_closed_and_deleted_is_cleared() {
    let plugin = Plugin::new(&[("MANIFEST", GOOD_MANIFEST), ("main.py", MAIN_PY)]);
    let mut server = pull_server(&plugin.dir);
    let mut previous: HashMap<String, Value> = HashMap::new();
    let mut workspace_pull = |server: &mut Server| {
        let ids: Vec<Value> = previous
            .iter()
            .map(|(u, id)| json!({ "uri": u, "value": id }))
            .collect();
        let ws = server
            .request("workspace/diagnostic", json!({ "previousResultIds": ids }))
            .unwrap();
        for i in ws["items"].as_array().unwrap() {
            let u = i["uri"].as_str().unwrap().to_string();
            match &i["resultId"] {
                Value::Null => previous.remove(&u),
                id => previous.insert(u, id.clone()),
            };
        }
        ws
    };
    workspace_pull(&mut server);
    std::fs::create_dir(plugin.path("lib")).unwrap();
    std::fs::write(plugin.path("lib/__init__.py"), "").unwrap();
    std::fs::write(plugin.path("lib/broken.py"), "def f(:\n").unwrap();
    let b = server.open(&plugin.path("lib/broken.py"), "def f(:\n");
    let doc_pull = |server: &mut Server| {
        server
            .request(
                "textDocument/diagnostic",
                json!({ "textDocument": { "uri": b } }),
            )
            .unwrap()
    };
    assert!(!doc_pull(&mut server)["items"]
        .as_array()
        .unwrap()
        .is_empty());
    let ws = workspace_pull(&mut server);
    assert!(ws.to_string().contains("broken.py"), "{ws}");
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": b } }),
    );
    doc_pull(&mut server);
    workspace_pull(&mut server);
    std::fs::remove_file(plugin.path("lib/broken.py")).unwrap();
    let ws = workspace_pull(&mut server);
    assert_cleared(&ws, &b);
    assert_eq!(server.shutdown(), 0);
}

/// The workspace pull goes plugin by plugin, the plugins sharing the cores:
/// what it reports for each document is what that document's own pull
/// reports, and the reports come in the order of their URIs.
#[test]
fn a_workspace_pull_reports_what_each_documents_own_pull_does_in_uri_order() {
    let Some((root, _)) = corpus_plugins() else {
        return;
    };
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&root.dir),
        serde_json::from_str(PULL).unwrap(),
        Value::Null,
    );
    // The workspace is listed: the server asks for a pull.
    server
        .wait_for(|m| m["method"] == "workspace/diagnostic/refresh")
        .expect("a refresh asked for");
    let ws = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    let items = ws["items"].as_array().unwrap();
    // 20 plugins: each a MANIFEST, a main.py and most a default.cfg.
    assert!(items.len() >= 40, "{} reports", items.len());
    let uris: Vec<&str> = items.iter().map(|i| i["uri"].as_str().unwrap()).collect();
    let mut sorted = uris.clone();
    sorted.sort();
    assert_eq!(uris, sorted);
    assert!(items
        .iter()
        .any(|i| !i["items"].as_array().unwrap().is_empty()));
    for item in items {
        let alone = server
            .request(
                "textDocument/diagnostic",
                json!({ "textDocument": { "uri": item["uri"] } }),
            )
            .unwrap();
        assert_eq!(alone["items"], item["items"], "{}", item["uri"]);
    }
    assert_eq!(server.shutdown(), 0);
}

/// A module written into a new folder after the plugin was walked, with no
/// watched-file event for it (a watcher misses files written into a folder
/// it has not watched yet): opening it is enough for its diagnostics.
#[test]
fn a_module_created_after_start_without_a_file_event_is_checked_when_opened() {
    let plugin = Plugin::new(&[("MANIFEST", GOOD_MANIFEST), ("main.py", MAIN_PY)]);
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&plugin.dir),
        serde_json::from_str(PULL).unwrap(),
        Value::Null,
    );
    // The workspace's pull walks the plugin folder, before lib/ exists.
    let ws = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    assert!(!ws.to_string().contains("broken.py"), "{ws}");

    std::fs::create_dir(plugin.path("lib")).unwrap();
    std::fs::write(plugin.path("lib/__init__.py"), "").unwrap();
    let text = "def broken(:\n    pass\n";
    std::fs::write(plugin.path("lib/broken.py"), text).unwrap();
    let b = server.open(&plugin.path("lib/broken.py"), text);
    let report = server
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": b } }),
        )
        .unwrap();
    let items = report["items"].as_array().unwrap();
    // The parser goes on after an error, as ruff's does: two here.
    assert_eq!(codes(items), ["python/syntax-error", "python/syntax-error"]);
    assert_eq!(
        items[0]["message"],
        "Expected a parameter or the end of the parameter list: SPS cannot import this module"
    );
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn fix_all_answers_source_requests_and_quick_fixes_the_others() {
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    let text = GOOD_MANIFEST
        .replace("version: '1.0.0'", "version: 1.10")
        .replace("entry_point: main.py", "entry_point=main.py");
    std::fs::write(plugin.path("MANIFEST"), &text).unwrap();
    let mut server = Server::start_open_scope(&plugin.dir);
    let m = server.open(&plugin.path("MANIFEST"), &text);
    server.diagnostics(&m, 1);
    let end = position(&text, text.len(), "utf-16");
    let mut ask = |only: Value| {
        server
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": { "uri": m },
                    "range": { "start": { "line": 0, "character": 0 }, "end": end },
                    "context": { "diagnostics": [], "only": only }
                }),
            )
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    for only in [
        json!(["source.fixAll"]),
        json!(["source.fixAll.sps-plugin-ls"]),
        json!(["source"]),
    ] {
        let actions = ask(only.clone());
        assert_eq!(actions.len(), 1, "{only}: {actions:?}");
        let a = &actions[0];
        assert_eq!(a["kind"], "source.fixAll.sps-plugin-ls");
        assert_eq!(a["title"], "Fix all safely fixable problems (2 fixes)");
        let edits = a["edit"]["changes"][&m].as_array().unwrap();
        assert_eq!(edits.len(), 1);
        let (s, e) = (
            offset(&text, &edits[0]["range"]["start"], "utf-16"),
            offset(&text, &edits[0]["range"]["end"], "utf-16"),
        );
        let mut fixed = text.clone();
        fixed.replace_range(s..e, edits[0]["newText"].as_str().unwrap());
        assert_eq!(fixed, GOOD_MANIFEST.replace("'1.0.0'", "'1.10'"));
    }
    let quick = ask(json!(["quickfix"]));
    assert!(!quick.is_empty());
    assert!(quick.iter().all(|a| a["kind"] == "quickfix"), "{quick:?}");
    assert!(ask(json!(["refactor"])).is_empty());
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn methods_the_server_does_not_offer() {
    let mut server = Server::start(&["utf-16"], None);
    let err = server.request("$/foo", json!({})).unwrap_err();
    assert_eq!(err["code"], -32601);
    let err = server.request("custom/thing", json!({})).unwrap_err();
    assert_eq!(err["code"], -32601);
    // A notification nobody handles gets no answer at all.
    server.notify("$/setTrace", json!({ "value": "off" }));
    server.notify("custom/event", json!({}));
    let caps = server
        .request("textDocument/hover", json!({ "textDocument": { "uri": "file:///none" }, "position": { "line": 0, "character": 0 } }))
        .unwrap();
    assert_eq!(caps, Value::Null);
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn a_client_that_cannot_pull_the_workspace_gets_diagnostics_pushed() {
    // As Neovim 0.11: `textDocument.diagnostic` without `workspace.diagnostics`.
    let plugin = plugin_with_unknown_key();
    let mut server = Server::spawn();
    let init = server.initialize_full(
        &["utf-16"],
        Some(&plugin.dir),
        json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } }),
        Value::Null,
    );
    assert_eq!(init["capabilities"]["diagnosticProvider"], Value::Null);
    let m = uri(&plugin.path("MANIFEST"));
    assert_eq!(
        codes(&publication(&mut server, &m, Value::Null)),
        ["manifest/unknown-key"]
    );
    assert_eq!(server.shutdown(), 0);
}

/// The plugin model's one rule for which plugin holds a file, in `check`
/// and in the server alike: plugins are found at any depth of a folder
/// (`team/plugins/p1`), and a plugin inside another's folder is its own
/// plugin, whose code is not the outer one's. Both report the same files
/// with the same codes.
#[test]
fn check_and_the_server_find_the_same_plugins_at_any_depth() {
    let unknown_key = format!("{GOOD_MANIFEST}colour: blue\n");
    let inner_main = format!("{MAIN_PY}import nowhere_to_be_found\n");
    let root = Plugin::new(&[
        ("team/plugins/p1/MANIFEST", &unknown_key),
        ("team/plugins/p1/main.py", MAIN_PY),
        ("outer/MANIFEST", GOOD_MANIFEST),
        ("outer/main.py", MAIN_PY),
        ("outer/lib/__init__.py", ""),
        ("outer/lib/inner/MANIFEST", &unknown_key),
        ("outer/lib/inner/main.py", &inner_main),
        ("outer/lib/inner/__init__.py", ""),
        // Left out as pluginv leaves it out: not searched.
        ("tests/fixture/MANIFEST", "{{{"),
    ]);
    let (status, stdout, stderr) =
        crate::cli::check(&["--format", "json", root.dir.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let mut from_check: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let rel = file.strip_prefix(root.dir.to_str().unwrap()).unwrap();
            format!("{rel} {}", d["code"].as_str().unwrap())
        })
        .collect();
    from_check.sort();

    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&root.dir),
        serde_json::from_str(PULL).unwrap(),
        Value::Null,
    );
    server
        .wait_for(|m| m["method"] == "workspace/diagnostic/refresh")
        .expect("a refresh asked for");
    let ws = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    let prefix = format!("file://{}", root.dir.display());
    let mut from_server: Vec<String> = Vec::new();
    for item in ws["items"].as_array().unwrap() {
        let rel = item["uri"]
            .as_str()
            .unwrap()
            .strip_prefix(&prefix)
            .unwrap()
            .to_string();
        for d in item["items"].as_array().unwrap() {
            from_server.push(format!("{rel} {}", d["code"].as_str().unwrap()));
        }
    }
    from_server.sort();
    assert_eq!(server.shutdown(), 0);
    expect_test::expect![[r#"
        /outer/lib/inner/MANIFEST manifest/unknown-key
        /outer/lib/inner/main.py import/not-provided
        /team/plugins/p1/MANIFEST manifest/unknown-key"#]]
    .assert_eq(&from_check.join("\n"));
    assert_eq!(from_check, from_server);
}

/// The VS Code client sends every `.py` (a static document selector): the
/// server says nothing about one in no plugin, and once a MANIFEST is made
/// beside it (a file event, no restart) the same open file is checked;
/// once it is deleted, nothing again.
#[test]
fn a_python_file_in_no_plugin_gets_nothing_until_a_manifest_makes_it_plugin_code() {
    let dir = Plugin::new(&[]);
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&dir.dir),
        serde_json::from_str(PULL).unwrap(),
        Value::Null,
    );
    let text = "#!/usr/bin/env pluginwrapper3\ndef broken(:\n    pass\n";
    std::fs::write(dir.path("main.py"), text).unwrap();
    let uri = server.open(&dir.path("main.py"), text);
    let pull = |server: &mut Server| {
        let report = server
            .request(
                "textDocument/diagnostic",
                json!({ "textDocument": { "uri": uri } }),
            )
            .unwrap();
        codes(report["items"].as_array().unwrap())
    };
    assert!(pull(&mut server).is_empty());

    std::fs::write(dir.path("MANIFEST"), GOOD_MANIFEST).unwrap();
    did_change_file(&mut server, &dir.path("MANIFEST"), 1);
    assert!(pull(&mut server).contains(&"python/syntax-error".to_string()));

    std::fs::remove_file(dir.path("MANIFEST")).unwrap();
    did_change_file(&mut server, &dir.path("MANIFEST"), 3);
    assert!(pull(&mut server).is_empty());
    assert_eq!(server.shutdown(), 0);
}

/// A client that pulls the workspace once, right after `initialized` (before
/// the server has listed it), gets every document's report: the first
/// pull waits for the listing instead of answering with what is open.
#[test]
fn the_first_workspace_pull_waits_for_the_listing() {
    let Some((root, _)) = corpus_plugins() else {
        return;
    };
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&root.dir),
        serde_json::from_str(PULL).unwrap(),
        Value::Null,
    );
    let first = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    let uris = |report: &Value| -> Vec<String> {
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["uri"].as_str().unwrap().to_string())
            .collect()
    };
    // 20 plugins: each a MANIFEST, a main.py and most a default.cfg.
    assert!(uris(&first).len() >= 40, "{first}");
    server
        .wait_for(|m| m["method"] == "workspace/diagnostic/refresh")
        .expect("a refresh asked for");
    let second = server
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .unwrap();
    assert_eq!(uris(&first), uris(&second));
    assert_eq!(server.shutdown(), 0);
}
