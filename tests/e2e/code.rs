//! The plugin's Python code in the editor: `.py` documents get diagnostics,
//! an edit in one re-checks the MANIFEST, and a module deleted on disk is
//! reported where it is imported.

use serde_json::json;

use crate::harness::*;

const OLD_API_MANIFEST: &str = "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: credentialstore\napi: '1.2'\nentry_point: main.py\n";

const PLUGIN_PY: &str = "from safeguard.sessions.plugin import CredentialStorePlugin\nfrom safeguard.sessions.plugin.requests_tls import RequestsTLS\n\n\nclass Plugin(CredentialStorePlugin):\n    def do_get_password_list(self):\n        return {\"passwords\": []}\n";

const AA_PLUGIN_PY: &str = "from safeguard.sessions.plugin import AAPlugin\n\n\n# Ünïcode before the class: positions are UTF-16.\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return None\n";

fn main_py() -> String {
    "#!/usr/bin/env pluginwrapper3\nfrom lib.plugin import Plugin  # noqa: F401\n".to_string()
}

#[test]
fn a_py_edit_updates_its_own_and_the_manifests_diagnostics() {
    let main = main_py();
    let plugin = Plugin::new(&[
        ("MANIFEST", OLD_API_MANIFEST),
        ("main.py", &main),
        ("lib/__init__.py", ""),
        ("lib/plugin.py", PLUGIN_PY),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let m = server.open(&plugin.path("MANIFEST"), OLD_API_MANIFEST);
    assert_eq!(codes(&server.diagnostics(&m, 1)), ["sdk/needs-newer-api"]);
    let p = server.open(&plugin.path("lib/plugin.py"), PLUGIN_PY);
    let diags = server.diagnostics(&p, 1);
    assert_eq!(codes(&diags), ["sdk/needs-newer-api"]);
    assert_eq!(
        diags[0]["message"],
        "`safeguard.sessions.plugin.requests_tls` needs api 1.3 or newer; the MANIFEST says 1.2, so an SPS of API 1.2 accepts the plugin and it fails there: raise `api` in the MANIFEST"
    );
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": 1, "character": 5})
    );

    // Removing the import clears the .py file first, then the MANIFEST.
    let fixed = PLUGIN_PY.replace(
        "from safeguard.sessions.plugin.requests_tls import RequestsTLS\n",
        "",
    );
    server.change(&p, 2, json!([{ "text": fixed }]));
    let mut order = Vec::new();
    for _ in 0..2 {
        let msg = server
            .wait_for(|msg| {
                msg["method"] == "textDocument/publishDiagnostics"
                    && msg["params"]["diagnostics"] == json!([])
                    && (msg["params"]["uri"] == m.as_str() || msg["params"]["uri"] == p.as_str())
            })
            .expect("diagnostics cleared");
        order.push((
            msg["params"]["uri"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string(),
            msg["params"]["version"].clone(),
        ));
    }
    order.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        order,
        [
            ("MANIFEST".to_string(), json!(1)),
            ("plugin.py".to_string(), json!(2))
        ]
    );

    // Breaking it again brings both back, the MANIFEST's with its fix.
    server.change(&p, 3, json!([{ "text": PLUGIN_PY }]));
    assert_eq!(codes(&server.diagnostics(&p, 3)), ["sdk/needs-newer-api"]);
    let back = server
        .wait_for(|msg| {
            msg["method"] == "textDocument/publishDiagnostics"
                && msg["params"]["uri"] == m.as_str()
                && msg["params"]["diagnostics"] != json!([])
        })
        .expect("the MANIFEST's diagnostic back");
    assert_eq!(
        back["params"]["diagnostics"][0]["message"],
        "the plugin's code needs api 1.3 or newer (`safeguard.sessions.plugin.requests_tls` at lib/plugin.py:2); the MANIFEST says 1.2"
    );
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn deleting_the_plugin_module_on_disk_reports_the_broken_import() {
    let main = main_py();
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", &main),
        ("lib/__init__.py", ""),
        (
            "lib/plugin.py",
            "from safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return None\n",
        ),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let u = server.open(&plugin.path("main.py"), &main);
    assert_eq!(codes(&server.diagnostics(&u, 1)), Vec::<String>::new());

    std::fs::remove_file(plugin.path("lib/plugin.py")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&plugin.path("lib/plugin.py")), "type": 3 }] }),
    );
    let broken = server
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == u.as_str()
                && m["params"]["diagnostics"] != json!([])
        })
        .expect("the broken import reported");
    let d = &broken["params"]["diagnostics"][0];
    assert_eq!(d["code"], "import/module-not-found");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"], json!({"line": 1, "character": 5}));
    assert_eq!(
        d["message"],
        "the plugin has no module `lib.plugin` that pluginv would package (no lib/plugin.py or lib/plugin/__init__.py, or a folder above it lacks __init__.py): SPS cannot import it"
    );
    assert_eq!(server.shutdown(), 0);
}

#[test]
fn definition_from_entry_point_lands_on_the_plugin_class() {
    let main = main_py();
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", &main),
        ("lib/__init__.py", ""),
        ("lib/plugin.py", AA_PLUGIN_PY),
    ]);
    let mut server = Server::start(&["utf-16"], Some(&plugin.dir));
    let m = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    server.diagnostics(&m, 1);
    let at = GOOD_MANIFEST.find("main.py").unwrap();
    let def = server
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": m }, "position": position(GOOD_MANIFEST, at, "utf-16") }),
        )
        .unwrap();
    assert_eq!(def["uri"], json!(uri(&plugin.path("lib/plugin.py"))));
    assert_eq!(
        def["range"],
        json!({"start": {"line": 4, "character": 6}, "end": {"line": 4, "character": 12}})
    );
    assert_eq!(server.shutdown(), 0);
}

/// "Document in default.cfg" on a read that default.cfg never documents: a
/// workspace edit of default.cfg (the other file), as the server sees it.
#[test]
fn documenting_an_option_edits_default_cfg_from_the_py() {
    let main = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.getint(\"my_plugin\", \"timeout\", default=15)\n";
    let cfg = "[my_plugin]\nretries=3\n";
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", main),
        ("default.cfg", cfg),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let u = server.open(&plugin.path("main.py"), main);
    let diags = server.diagnostics(&u, 1);
    assert!(
        codes(&diags).contains(&"python/undocumented-option".to_string()),
        "{diags:?}"
    );
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": u },
                "range": { "start": { "line": 6, "character": 0 }, "end": { "line": 6, "character": 80 } },
                "context": { "diagnostics": [], "only": ["quickfix"] }
            }),
        )
        .unwrap();
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").contains("default.cfg"))
        .expect("a Document in default.cfg action");
    let changes = action["edit"]["changes"].as_object().unwrap();
    let cfg_uri = uri(&plugin.path("default.cfg"));
    assert_eq!(changes.keys().collect::<Vec<_>>(), [&cfg_uri]);
    let edits = changes[&cfg_uri].as_array().unwrap();
    let mut edited = cfg.to_string();
    for e in edits.iter().rev() {
        let (s, t) = (
            offset(cfg, &e["range"]["start"], "utf-16"),
            offset(cfg, &e["range"]["end"], "utf-16"),
        );
        edited.replace_range(s..t, e["newText"].as_str().unwrap());
    }
    assert!(edited.contains("; timeout=15\n"), "{edited}");
    assert!(edited.starts_with("[my_plugin]\n"), "{edited}");
    assert_eq!(server.shutdown(), 0);
}

/// A keystroke in default.cfg re-checks the open code that reads it, and a
/// keystroke in the code re-checks default.cfg.
#[test]
fn default_cfg_and_the_code_that_reads_it_recheck_each_other() {
    let main = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.getint(\"my_plugin\", \"timeout\", default=15)\n";
    let cfg = "[my_plugin]\nretries=3\n";
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", main),
        ("default.cfg", cfg),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let p = server.open(&plugin.path("main.py"), main);
    assert_eq!(
        codes(&server.diagnostics(&p, 1)),
        ["python/undocumented-option"]
    );
    let c = server.open(&plugin.path("default.cfg"), cfg);
    assert_eq!(codes(&server.diagnostics(&c, 1)), ["config/unread-option"]);

    // Documenting the option in default.cfg clears the code's finding.
    let documented = "[my_plugin]\n; timeout=15\n";
    server.change(&c, 2, json!([{ "text": documented }]));
    assert_eq!(codes(&server.diagnostics(&c, 2)), Vec::<String>::new());
    let code = server
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == p.as_str()
        })
        .expect("main.py checked again");
    assert_eq!(code["params"]["diagnostics"], json!([]));

    // Reading another option in the code makes the documented one unread.
    let renamed = main.replace("\"timeout\", default=15", "\"deadline\", default=15");
    server.change(&p, 2, json!([{ "text": renamed }]));
    assert_eq!(
        codes(&server.diagnostics(&p, 2)),
        ["python/undocumented-option"]
    );
    let cfg_again = server
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == c.as_str()
        })
        .expect("default.cfg checked again");
    let d = &cfg_again["params"]["diagnostics"];
    assert_eq!(d[0]["code"], "config/unread-option", "{d}");
    // The MANIFEST is not open: nothing else is published.
    assert_eq!(server.shutdown(), 0);
}

/// Over stdio: find references from a default.cfg option to the code that
/// reads it, and inlay hints in default.cfg and the MANIFEST.
#[test]
fn references_and_inlay_hints_across_py_and_default_cfg() {
    let main = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.getint(\"my_plugin\", \"timeout\", default=15)\n";
    let cfg = "[my_plugin]\n; timeout=10\n";
    let manifest = GOOD_MANIFEST.replace("version: '1.0.0'", "version: 1.10");
    let plugin = Plugin::new(&[
        ("MANIFEST", &manifest),
        ("main.py", main),
        ("default.cfg", cfg),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let c = server.open(&plugin.path("default.cfg"), cfg);
    server.diagnostics(&c, 1);
    let at = cfg.find("timeout").unwrap() + 2;
    let refs = server
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": c }, "position": position(cfg, at, "utf-16"), "context": { "includeDeclaration": true } }),
        )
        .unwrap();
    assert_eq!(
        refs,
        json!([
            { "uri": c, "range": { "start": { "line": 1, "character": 2 }, "end": { "line": 1, "character": 9 } } },
            { "uri": uri(&plugin.path("main.py")), "range": { "start": { "line": 6, "character": 61 }, "end": { "line": 6, "character": 70 } } }
        ])
    );
    let hints = server
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": c }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 2, "character": 0 } } }),
        )
        .unwrap();
    assert_eq!(hints[0]["label"], "code: 15");
    assert_eq!(hints[0]["position"], json!({ "line": 1, "character": 12 }));

    let m = server.open(&plugin.path("MANIFEST"), &manifest);
    server.diagnostics(&m, 1);
    let hints = server
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": m }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 9, "character": 0 } } }),
        )
        .unwrap();
    assert_eq!(hints.as_array().unwrap().len(), 1, "{hints}");
    assert_eq!(hints[0]["label"], "SPS reads float 1.1");
    assert_eq!(hints[0]["position"], json!({ "line": 2, "character": 13 }));
    assert_eq!(server.shutdown(), 0);
}

/// Over stdio, in a `.py`: hover on a read's option shows what default.cfg
/// says of it, and completion inside a getter call offers default.cfg's
/// options of that section.
#[test]
fn hover_and_completion_in_the_code_from_default_cfg() {
    let cfg = "[my_plugin]\n# Seconds to wait for the service.\ntimeout=20\nretries=3\n";
    let main = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.getint(\"my_plugin\", \"timeout\", default=15)\n";
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", main),
        ("default.cfg", cfg),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let marked = main.replace("\"timeout\"", "\"time$0out\"");
    let md = hover_at(&mut server, &plugin.path("main.py"), &marked);
    assert!(md.contains("timeout=20"), "{md}");
    assert!(md.contains("Seconds to wait for the service."), "{md}");
    let on_section = main.replace("\"my_plugin\"", "\"my_pl$0ugin\"");
    let mut third = Server::start_open_scope(&plugin.dir);
    let md = hover_at(&mut third, &plugin.path("main.py"), &on_section);
    assert!(
        md.contains("`timeout`") && md.contains("default.cfg has `[my_plugin]`."),
        "{md}"
    );
    assert_eq!(third.shutdown(), 0);

    let typing = main.replace("\"timeout\", default=15", "\"$0");
    let mut again = Server::start_open_scope(&plugin.dir);
    let items = completion_at(&mut again, &plugin.path("main.py"), &typing);
    let names = labels(&items);
    assert!(
        names.contains(&"timeout".to_string()) && names.contains(&"retries".to_string()),
        "{names:?}"
    );
    assert_eq!(server.shutdown(), 0);
    assert_eq!(again.shutdown(), 0);
}

/// Over stdio, from the code side: references of a read's option reach
/// default.cfg, document highlights mark it, and the `.py` has an outline.
#[test]
fn references_highlights_and_outline_from_a_py() {
    let main = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.getint(\"my_plugin\", \"timeout\", default=15)\n";
    let cfg = "[my_plugin]\n; timeout=10\n";
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", main),
        ("default.cfg", cfg),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let p = server.open(&plugin.path("main.py"), main);
    server.diagnostics(&p, 1);
    let at = main.find("\"timeout\"").unwrap() + 3;
    let refs = server
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": p }, "position": position(main, at, "utf-16"), "context": { "includeDeclaration": false } }),
        )
        .unwrap();
    assert_eq!(
        refs,
        json!([
            { "uri": uri(&plugin.path("default.cfg")), "range": { "start": { "line": 1, "character": 2 }, "end": { "line": 1, "character": 9 } } }
        ])
    );
    let highlights = server
        .request(
            "textDocument/documentHighlight",
            json!({ "textDocument": { "uri": p }, "position": position(main, at, "utf-16") }),
        )
        .unwrap();
    assert_eq!(
        highlights,
        json!([{ "range": { "start": { "line": 6, "character": 61 }, "end": { "line": 6, "character": 70 } }, "kind": 1 }])
    );
    let symbols = server
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": p } }),
        )
        .unwrap();
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Plugin", "[my_plugin]"]);
    assert_eq!(symbols[0]["children"][0]["name"], "do_authenticate");
    assert_eq!(server.shutdown(), 0);
}

/// Renaming the entry point file in the editor edits `entry_point` in the
/// MANIFEST (the open text when it is open, in its quotes); a rename to
/// another folder, or of another file, edits nothing.
#[test]
fn renaming_the_entry_point_file_edits_the_manifest() {
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("lib/__init__.py", ""),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let rename = |server: &mut Server, from: &str, to: &str| {
        server
            .request(
                "workspace/willRenameFiles",
                json!({ "files": [{ "oldUri": uri(&plugin.path(from)), "newUri": uri(&plugin.path(to)) }] }),
            )
            .unwrap()
    };
    let m = uri(&plugin.path("MANIFEST"));
    assert_eq!(
        rename(&mut server, "main.py", "plugin_main.py"),
        json!({ "changes": { m.clone(): [
            { "range": { "start": { "line": 5, "character": 13 }, "end": { "line": 5, "character": 20 } }, "newText": "plugin_main.py" }
        ] } })
    );
    // The open MANIFEST's text, quotes kept.
    let quoted = GOOD_MANIFEST.replace("entry_point: main.py", "entry_point: 'main.py'");
    let opened = server.open(&plugin.path("MANIFEST"), &quoted);
    server.diagnostics(&opened, 1);
    assert_eq!(
        rename(&mut server, "main.py", "start.py")["changes"][&m][0]["newText"],
        "'start.py'"
    );
    assert_eq!(
        rename(&mut server, "main.py", "lib/main.py"),
        serde_json::Value::Null
    );
    assert_eq!(
        rename(&mut server, "lib/__init__.py", "lib/x.py"),
        serde_json::Value::Null
    );
    assert_eq!(server.shutdown(), 0);
}
