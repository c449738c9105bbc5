//! MANIFEST diagnostics, completion, hover, code actions and symbols.

use serde_json::{json, Value};

use crate::harness::*;

/// Opens `manifest` in a fresh plugin folder holding `files` and returns
/// (code, severity, the text each diagnostic covers), sorted.
fn diagnose(
    server: &mut Server,
    manifest: &str,
    files: &[(&str, &str)],
) -> Vec<(String, i64, String)> {
    let plugin = Plugin::new(files);
    let uri = server.open(&plugin.path("MANIFEST"), manifest);
    covered(server, &uri, manifest)
}

/// (code, severity, the text the diagnostic covers).
type Expected = (&'static str, i64, &'static str);

const ERROR: i64 = 1;
const WARNING: i64 = 2;

fn with_main(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![("main.py", MAIN_PY)];
    v.extend_from_slice(extra);
    v
}

#[test]
fn every_manifest_rule_reports_at_the_right_place() {
    let mut server = Server::start(&["utf-16"], None);
    let good = |replace: &str, with: &str| GOOD_MANIFEST.replace(replace, with);
    // Every rule and its message is pinned by the fixture tests beside the
    // rules (`server/src/analysis/manifest_tests.rs`); over stdio, a few
    // cases show that ranges and codes arrive as the analysis made them.
    let cases: Vec<(String, Vec<Expected>)> = vec![
        (GOOD_MANIFEST.into(), vec![]),
        (
            good("entry_point: main.py", "entry_point=main.py"),
            vec![("yaml/syntax", ERROR, "entry_point=main.py")],
        ),
        ("".into(), vec![("manifest/empty", ERROR, "")]),
        (
            "- a\n- b\n".into(),
            vec![("manifest/not-a-mapping", ERROR, "- a\n- b\n")],
        ),
        (
            good("description: A plugin", "description: ''"),
            vec![("manifest/empty-value", WARNING, "''")],
        ),
        (
            good("type: aa", "type: AA"),
            vec![("manifest/invalid-type", ERROR, "AA")],
        ),
    ];
    for (manifest, expected) in &cases {
        let got = diagnose(&mut server, manifest, &with_main(&[]));
        let mut want: Vec<(String, i64, String)> = expected
            .iter()
            .map(|(c, s, t)| (c.to_string(), *s, t.to_string()))
            .collect();
        want.sort();
        assert_eq!(got, want, "for MANIFEST:\n{manifest}");
    }
    // The entry point's first line.
    let got = diagnose(
        &mut server,
        GOOD_MANIFEST,
        &[("main.py", "from lib.plugin import Plugin\n")],
    );
    assert_eq!(
        got,
        vec![(
            "manifest/entry-point-shebang".to_string(),
            WARNING,
            "main.py".to_string()
        )]
    );
}

#[test]
fn missing_keys_are_errors_each() {
    let mut server = Server::start(&["utf-16"], None);
    let got = diagnose(&mut server, "name: My_Plugin\n", &with_main(&[]));
    let codes: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
    assert_eq!(codes, vec!["manifest/missing-key"; 5]);
}

#[test]
fn errors_after_an_emoji_land_on_the_right_column_in_both_encodings() {
    let manifest = "name: My_Plugin\ndescription: 😀 A plugin\nversion: '1.0.0'\ntype: 😀aa\napi: '1.9'\nentry_point: main.py\n";
    for encoding in ["utf-8", "utf-16"] {
        let mut server = Server::start(&[encoding], None);
        assert_eq!(server.encoding, encoding);
        let plugin = Plugin::new(&with_main(&[]));
        let uri = server.open(&plugin.path("MANIFEST"), manifest);
        let diags = server.diagnostics(&uri, 1);
        assert_eq!(codes(&diags), vec!["manifest/invalid-type"]);
        let start = manifest.find("😀aa").unwrap();
        assert_eq!(
            diags[0]["range"]["start"],
            position(manifest, start, encoding)
        );
        assert_eq!(
            diags[0]["range"]["end"],
            position(manifest, start + "😀aa".len(), encoding)
        );
        let want_end = if encoding == "utf-8" { 12 } else { 10 };
        assert_eq!(
            diags[0]["range"]["end"]["character"], want_end,
            "{encoding}"
        );
    }
}

fn complete(server: &mut Server, marked: &str, files: &[(&str, &str)]) -> Vec<Value> {
    let plugin = Plugin::new(files);
    completion_at(server, &plugin.path("MANIFEST"), marked)
}

#[test]
fn completion_offers_keys_values_and_files() {
    let mut server = Server::start(&["utf-16"], None);
    let files = with_main(&[("other.py", "")]);

    let items = complete(&mut server, "name: My_Plugin\n$0", &files);
    let l = labels(&items);
    for key in [
        "description",
        "version",
        "type",
        "api",
        "entry_point",
        "author_name",
    ] {
        assert!(l.contains(&key.to_string()), "{key} in {l:?}");
    }
    assert!(!l.contains(&"name".to_string()));
    let entry = items.iter().find(|i| i["label"] == "entry_point").unwrap();
    assert_eq!(entry["insertTextFormat"], 2, "a snippet");
    assert!(entry["textEdit"]["newText"]
        .as_str()
        .unwrap()
        .starts_with("entry_point: "));

    let l = labels(&complete(&mut server, "type: $0", &files));
    assert_eq!(
        l,
        vec!["aa", "configuration_sync", "credentialstore", "signingca"]
    );

    let items = complete(&mut server, "api: $0", &files);
    let newest = items
        .iter()
        .find(|i| i["label"] == "1.9")
        .expect("1.9 offered");
    assert!(
        newest["detail"].as_str().unwrap().contains("SPS 9.0"),
        "{newest}"
    );
    assert_eq!(newest["textEdit"]["newText"], "'1.9'");

    let l = labels(&complete(&mut server, "entry_point: $0", &files));
    assert_eq!(l, vec!["main.py", "other.py"]);

    let items = complete(&mut server, "version: 1.10$0", &files);
    assert_eq!(items[0]["textEdit"]["newText"], "'1.10'");

    // Broken text: completion still works.
    let l = labels(&complete(
        &mut server,
        "name: x\nentry_point=main.py\ntype: $0",
        &files,
    ));
    assert!(l.contains(&"credentialstore".to_string()));
}

fn hover(server: &mut Server, marked: &str) -> String {
    let plugin = Plugin::new(&with_main(&[]));
    hover_at(server, &plugin.path("MANIFEST"), marked)
}

#[test]
fn hover_explains_keys_and_values() {
    let mut server = Server::start(&["utf-16"], None);
    assert!(hover(&mut server, "a$0pi: '1.9'\n").contains("plugin API"));
    assert!(hover(&mut server, "api: '1.$06'\n").contains("SPS 6.7"));
    assert!(hover(&mut server, "type: credential$0store\n").contains("Credential Store"));
    assert!(hover(&mut server, "entry_$0point: main.py\n").contains("pluginwrapper3"));
    assert_eq!(hover(&mut server, "unknown$0: 1\n"), "");
}

/// The code actions over the whole document, as (title, edited text),
/// without the "Ignore `<code>` on this line" assists.
fn actions(server: &mut Server, text: &str) -> Vec<(String, String)> {
    let plugin = Plugin::new(&with_main(&[]));
    let uri = server.open(&plugin.path("MANIFEST"), text);
    let mut all = code_actions(server, &uri, text);
    all.retain(|(title, _)| !title.starts_with("Ignore `"));
    all
}

#[test]
fn code_actions_offer_a_suppression_comment() {
    let mut server = Server::start(&["utf-16"], None);
    let plugin = Plugin::new(&with_main(&[]));
    let text = GOOD_MANIFEST.replace("type: aa", "type: AA");
    let uri = server.open(&plugin.path("MANIFEST"), &text);
    let got = code_actions(&mut server, &uri, &text);
    assert!(
        got.contains(&(
            "Ignore `manifest/invalid-type` on this line".to_string(),
            text.replace(
                "type: AA",
                "type: AA  # sps-plugin-ls: ignore[manifest/invalid-type]"
            )
        )),
        "{got:?}"
    );
}

#[test]
fn code_actions_repair_the_manifest() {
    let mut server = Server::start(&["utf-16"], None);
    let good = |replace: &str, with: &str| GOOD_MANIFEST.replace(replace, with);

    let got = actions(&mut server, &good("entry_point: main.py\n", ""));
    assert_eq!(
        got,
        vec![("Add `entry_point`".to_string(), GOOD_MANIFEST.to_string())]
    );

    let got = actions(&mut server, "name: My_Plugin\n");
    let all = got
        .iter()
        .find(|(t, _)| t == "Add all missing required keys")
        .unwrap();
    assert_eq!(
        all.1,
        "name: My_Plugin\ndescription: Describe what the plugin does\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n"
    );

    let got = actions(&mut server, &good("entry_point:", "entrypoint:"));
    assert!(
        got.contains(&(
            "Rename to `entry_point`".to_string(),
            GOOD_MANIFEST.to_string()
        )),
        "{got:?}"
    );

    let got = actions(&mut server, &good("type: aa", "type: AA"));
    assert_eq!(
        got,
        vec![("Change to `aa`".to_string(), GOOD_MANIFEST.to_string())]
    );

    let got = actions(&mut server, &good("version: '1.0.0'", "version: 1.10"));
    assert_eq!(
        got,
        vec![(
            "Quote it: '1.10'".to_string(),
            good("version: '1.0.0'", "version: '1.10'")
        )]
    );

    let got = actions(
        &mut server,
        &good("entry_point: main.py", "entry_point=main.py"),
    );
    assert_eq!(
        got,
        vec![(
            "Write `entry_point: main.py`".to_string(),
            GOOD_MANIFEST.to_string()
        )]
    );
}

#[test]
fn symbols_definition_and_links() {
    let mut server = Server::start(&["utf-16"], None);
    let plugin = Plugin::new(&with_main(&[]));
    let uri = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    assert!(server.diagnostics(&uri, 1).is_empty());
    let symbols = server
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "name",
            "description",
            "version",
            "type",
            "api",
            "entry_point"
        ]
    );

    let at = GOOD_MANIFEST.find("main.py").unwrap() + 2;
    let def = server
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": uri }, "position": position(GOOD_MANIFEST, at, "utf-16") }),
        )
        .unwrap();
    assert_eq!(
        def["uri"],
        json!(crate::harness::uri(&plugin.path("main.py")))
    );

    let links = server
        .request(
            "textDocument/documentLink",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    assert_eq!(links.as_array().unwrap().len(), 1);
}

#[test]
fn the_language_id_does_not_matter_the_file_name_does() {
    let mut server = Server::start(&["utf-16"], None);
    let plugin = Plugin::new(&with_main(&[]));
    let u = uri(&plugin.path("MANIFEST"));
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "yaml", "version": 1, "text": "name: x-y\n" } }),
    );
    assert!(!server.diagnostics(&u, 1).is_empty());
    // Any other file name is left alone.
    let other = uri(&plugin.path("notes.yaml"));
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": other, "languageId": "sps-manifest", "version": 1, "text": "name: x-y\n" } }),
    );
    let published = server.wait_quiet(std::time::Duration::from_millis(500), |m| {
        m["params"]["uri"] == other
    });
    assert!(published.is_none());
}
