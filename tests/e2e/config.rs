//! default.cfg: diagnostics of every family, completion, hover, code
//! actions, symbols and folding over stdio; and the corpus, checked through
//! the library with the MANIFEST beside each file.

use std::path::PathBuf;

use serde_json::{json, Value};
use sps_plugin_ls::analysis::{self, codes, Context, Severity};
use sps_plugin_ls::workspace::{DiskFiles, DocKind, Files, MemoryFiles};

use crate::harness::*;

const ERROR: i64 = 1;
const WARNING: i64 = 2;
const INFO: i64 = 3;

/// (plugin type, default.cfg, expected (code, severity, covered text)).
type DiagnosticCase<'a> = (Option<&'a str>, &'a str, Vec<(&'a str, i64, &'a str)>);
/// (plugin type, text with a `$0` cursor, offered labels, labels not offered).
type CompletionCase<'a> = (Option<&'a str>, &'a str, Vec<&'a str>, Vec<&'a str>);

fn manifest(ptype: &str) -> String {
    GOOD_MANIFEST.replace("type: aa", &format!("type: {ptype}"))
}

/// A plugin folder with a MANIFEST of type `ptype` (none for `None`).
fn plugin(ptype: Option<&str>) -> Plugin {
    let m = ptype.map(manifest);
    let mut files: Vec<(&str, &str)> = vec![("main.py", MAIN_PY)];
    if let Some(m) = &m {
        files.push(("MANIFEST", m));
    }
    Plugin::new(&files)
}

/// (code, severity, covered text) of the diagnostics of `text` opened as
/// default.cfg, sorted.
fn diagnose(server: &mut Server, ptype: Option<&str>, text: &str) -> Vec<(String, i64, String)> {
    let plugin = plugin(ptype);
    let uri = server.open(&plugin.path("default.cfg"), text);
    covered(server, &uri, text)
}

/// What the protocol adds to the rules (each rule's message and range are
/// pinned by the fixture tests beside it, `analysis/config/fixture_tests.rs`):
/// severities as numbers, ranges in UTF-16 over CRLF text and a byte-order
/// mark, information for commented-out options.
#[test]
fn diagnostics_reach_the_client_with_severity_and_range() {
    let mut server = Server::start(&["utf-16"], None);
    let aa = Some("aa");
    #[rustfmt::skip]
    let cases: Vec<DiagnosticCase> = vec![
        (aa, "\u{feff}[logging]\n", vec![("config/missing-section-header", ERROR, "\u{feff}")]),
        (aa, "[a]\r\nk=1\r\n\r\n[b]\r\nj = %(k)s\r\n", vec![("config/interpolation", ERROR, "%(k)s"), ("config/unread-section", WARNING, "a"), ("config/unread-section", WARNING, "b")]),
        (aa, "[h\u{e9}t\u{f6}]\nk=\u{1f600} 50%off\n", vec![("config/interpolation", ERROR, "%o"), ("config/unread-section", WARNING, "h\u{e9}t\u{f6}")]),
        (aa, "[ignore_upn_suffix_for_rdp]\nignore=yes\n", vec![("config/invalid-enum", WARNING, "yes")]),
        (aa, "[onelogin]\n; enable_factor_selection=true\n", vec![("config/template-option", INFO, "true"), ("config/unread-section", WARNING, "onelogin")]),
        // The plugin's main.py reads nothing.
        (aa, "[my_plugin]\nanything = goes here\nflag=true\n", vec![("config/unread-section", WARNING, "my_plugin")]),
    ];
    for (ptype, text, expected) in &cases {
        let got = diagnose(&mut server, *ptype, text);
        let mut want: Vec<(String, i64, String)> = expected
            .iter()
            .map(|(c, s, t)| (c.to_string(), *s, t.to_string()))
            .collect();
        want.sort();
        assert_eq!(got, want, "for {ptype:?} default.cfg:\n{text}");
    }
}

#[test]
fn duplicates_point_at_the_first_one() {
    let mut server = Server::start(&["utf-16"], None);
    let plugin = plugin(Some("aa"));
    let text = "[logging]\nLog_Level=info\nlog_level=debug\n";
    let uri = server.open(&plugin.path("default.cfg"), text);
    let diags = server.diagnostics(&uri, 1);
    assert_eq!(codes(&diags), vec!["config/duplicate-option"]);
    let related = &diags[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 1, "character": 0})
    );
    assert!(diags[0]["message"].as_str().unwrap().contains("line 2"));
}

#[test]
fn any_cfg_beside_a_manifest_is_a_config() {
    let mut server = Server::start(&["utf-16"], None);
    let plugin = plugin(Some("aa"));
    let uri = server.open(&plugin.path("extra.cfg"), "[auth]\ndisable_echo=on\n");
    assert_eq!(
        codes(&server.diagnostics(&uri, 1)),
        vec!["config/invalid-boolean"]
    );
    let uri = server.open(&plugin.path("default.cfg.plugin"), "oops\n");
    assert_eq!(
        codes(&server.diagnostics(&uri, 1)),
        vec!["config/missing-section-header"]
    );
}

fn complete(server: &mut Server, ptype: Option<&str>, marked: &str) -> Vec<Value> {
    let plugin = plugin(ptype);
    completion_at(server, &plugin.path("default.cfg"), marked)
}

#[test]
fn completion_offers_sections_options_and_values() {
    let mut server = Server::start(&["utf-16"], None);
    let cs = Some("credentialstore");
    let aa = Some("aa");
    #[rustfmt::skip]
    let cases: Vec<CompletionCase> = vec![
        // (type, text with cursor, offered, not offered); the items
        // themselves are pinned in `features/config/fixture_tests.rs`.
        (cs, "[logging]\n[$0", vec!["check-in-trigger", "tls"], vec!["auth", "logging"]),
        (aa, "[https-proxy]\nserver=x\n$0", vec!["port", "password"], vec!["server", "enabled"]),
        (aa, "[logging]\n# $0", vec![], vec!["log_level"]),
    ];
    for (ptype, marked, want, not) in &cases {
        let l = labels(&complete(&mut server, *ptype, marked));
        for w in want {
            assert!(l.contains(&w.to_string()), "{w} in {l:?} for {marked:?}");
        }
        for n in not {
            assert!(
                !l.contains(&n.to_string()),
                "{n} not in {l:?} for {marked:?}"
            );
        }
    }
    // Options come with their default, as a snippet.
    let items = complete(&mut server, aa, "[logging]\nlo$0");
    let ll = items.iter().find(|i| i["label"] == "log_level").unwrap();
    assert_eq!(ll["insertTextFormat"], 2);
    assert_eq!(ll["textEdit"]["newText"], "log_level=${1:info}");
    // Section names get their closing bracket.
    let items = complete(&mut server, aa, "[lo$0");
    let l = items.iter().find(|i| i["label"] == "logging").unwrap();
    assert_eq!(l["textEdit"]["newText"], "logging]");
    // `$` explains itself.
    let items = complete(&mut server, aa, "[https-proxy]\npassword=$0");
    let d = items.iter().find(|i| i["label"] == "$").unwrap();
    assert!(d.to_string().contains("Credential Store"), "{d}");
}

fn hover(server: &mut Server, ptype: Option<&str>, marked: &str) -> String {
    let plugin = plugin(ptype);
    hover_at(server, &plugin.path("default.cfg"), marked)
}

#[test]
fn hover_explains_sections_options_and_special_values() {
    let mut server = Server::start(&["utf-16"], None);
    let aa = Some("aa");
    #[rustfmt::skip]
    let cases: Vec<(Option<&str>, &str, &str)> = vec![
        // The markdown is pinned in `features/config/fixture_tests.rs`.
        (aa, "[https_pro$0xy]\n", "https-proxy"),
        (aa, "[logging]\nlog_le$0vel=info ; quiet\n", "`info ; quiet`"),
        (Some("credentialstore"), "[au$0th]\n", "does not read this section"),
    ];
    for (ptype, marked, want) in &cases {
        let h = hover(&mut server, *ptype, marked);
        assert!(h.contains(want), "{want:?} in hover of {marked:?}:\n{h}");
    }
}

/// The code actions over the whole document, as (title, edited text).
fn actions(server: &mut Server, ptype: Option<&str>, text: &str) -> Vec<(String, String)> {
    let plugin = plugin(ptype);
    let uri = server.open(&plugin.path("default.cfg"), text);
    code_actions(server, &uri, text)
}

#[test]
fn code_actions_repair_the_config() {
    let mut server = Server::start(&["utf-16"], None);
    let aa = Some("aa");
    #[rustfmt::skip]
    let cases: Vec<(&str, &str, &str)> = vec![
        ("[tls]\nenabled=true\n", "Change to `yes`", "[tls]\nenabled=yes\n"),
        ("[a]\nk=50% of 10%\n", "Double every lone `%`", "[a]\nk=50%% of 10%%\n"),
        ("[credential_store]\nname=cs\n[my_db]\npassword=$\n", "Rename to `[my-db]`", "[credential_store]\nname=cs\n[my-db]\npassword=$\n"),
        ("[a-b]\npassword=$\n", "Add a `[credential_store]` section", "[a-b]\npassword=$\n\n[credential_store]\nname=\n"),
        ("[credential_store]\n[a-b]\npassword=$\n", "Add `name=` to `[credential_store]`", "[credential_store]\nname=\n[a-b]\npassword=$\n"),
        ("[onelogin]\n; enable_factor_selection=true\n", "Uncomment as `enable_factor_selection=yes`", "[onelogin]\nenable_factor_selection=yes\n"),
        ("[logging]\n; log_level=info\n", "Uncomment `log_level=info`", "[logging]\nlog_level=info\n"),
        ("[logging]\nlog_level=info ; quieter\n", "Move the comment to its own line", "[logging]\n; quieter\nlog_level=info\n"),
        ("\u{feff}[a]\n", "Remove the byte-order mark", "[a]\n"),
        ("[Logging]\n", "Rename to `[logging]`", "[logging]\n"),
        ("[logging]\nlog_levle=info\n", "Change to `log_level`", "[logging]\nlog_level=info\n"),
        ("[a]\nurl=x\n  port=1\n", "Remove the indentation", "[a]\nurl=x\nport=1\n"),
        ("[a]\n[b\n", "Add `]`", "[a]\n[b]\n"),
    ];
    for (text, title, want) in &cases {
        let got = actions(&mut server, aa, text);
        let found = got.iter().find(|(t, _)| t == title);
        assert_eq!(
            found.map(|(_, e)| e.as_str()),
            Some(*want),
            "{title:?} on {text:?}; offered {got:?}"
        );
    }
}

#[test]
fn symbols_and_folding_follow_sections() {
    let mut server = Server::start(&["utf-16"], None);
    // The code uses the SDK's RequestsTLS, which reads `[tls]`.
    let manifest = manifest("aa");
    let plugin = Plugin::new(&[
        ("MANIFEST", &manifest),
        ("main.py", "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\nfrom safeguard.sessions.plugin.requests_tls import RequestsTLS\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return RequestsTLS.from_config(self.plugin_configuration)\n"),
    ]);
    let text = "# head\n[logging]\nlog_level=info\n\n[tls]\nca_cert = -----BEGIN CERTIFICATE-----\n MIIB\n -----END CERTIFICATE-----\nenabled=yes\n";
    let uri = server.open(&plugin.path("default.cfg"), text);
    assert!(server.diagnostics(&uri, 1).is_empty());
    let symbols = server
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let names: Vec<String> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["[logging]", "[tls]"]);
    let tls: Vec<&str> = symbols[1]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(tls, vec!["ca_cert", "enabled"]);
    let folds = server
        .request(
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let mut lines: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    lines.sort();
    assert_eq!(lines, vec![(1, 2), (4, 8), (5, 7)]);
}

// ---------------------------------------------------------------------------
// The corpus, through the library.

/// Every config file of the corpus, checked with the MANIFEST beside it
/// (the SDK templates get the type their file is named after); `None`
/// without the corpus.
fn corpus_configs() -> Option<Vec<(PathBuf, String, Vec<analysis::Diagnostic>)>> {
    let paths = config_files_under(&corpus()?);
    assert!(
        paths.len() >= 25,
        "only {} config files in {CORPUS}",
        paths.len()
    );
    let checked = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            let disk = DiskFiles::unconfined();
            let mut memory = MemoryFiles::default();
            let (path, files): (PathBuf, &dyn Files) = match name.strip_suffix(".default.cfg") {
                Some(t) => {
                    memory
                        .files
                        .insert("/sdk/MANIFEST".into(), manifest(t).into_bytes());
                    ("/sdk/default.cfg".into(), &memory)
                }
                None => (p.clone(), &disk),
            };
            let cx = Context::new(&path, files);
            let d = analysis::analyze(DocKind::Config, &text, &cx);
            (p, text, d)
        })
        .collect();
    Some(checked)
}

#[test]
fn the_corpus_has_no_errors() {
    let Some(all) = corpus_configs() else {
        return;
    };
    for (path, text, diags) in all {
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} {:?}", d.code, &text[d.range.start..d.range.end]))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        let warnings: Vec<String> = diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| format!("{} {:?}", d.code, &text[d.range.start..d.range.end]))
            .collect();
        // The true warnings of the corpus: pingid declares api 1.3, whose SDK
        // (1.3.4) reads only `[https_proxy]`; thycotic's `in_progress` branch
        // declares 1.2, whose SDK (1.2.2) has `[check-in-trigger]` in its
        // template but reads it only from 1.3 (its `master` says 1.3).
        let folder = path.parent().unwrap();
        let known: &[&str] = if folder.ends_with("safeguard-sessions-plugin-pingid") {
            &["config/section-needs-newer-api \"https-proxy\""]
        } else if folder.ends_with("safeguard-sessions-plugin-thycotic-secret-server")
            && path.file_name().is_some_and(|n| n == "default.cfg")
        {
            &["config/section-needs-newer-api \"check-in-trigger\""]
        } else {
            &[]
        };
        assert_eq!(warnings, known, "{}", path.display());
    }
}

#[test]
fn the_corpus_true_templates_get_their_information() {
    let Some(all) = corpus_configs() else {
        return;
    };
    for (plugin, option) in [
        (
            "safeguard-sessions-plugin-onelogin",
            "enable_factor_selection",
        ),
        (
            "safeguard-sessions-plugin-pingid",
            "enable_device_selection",
        ),
    ] {
        let (_, text, diags) = all
            .iter()
            .find(|(p, _, _)| p.parent().unwrap().ends_with(plugin))
            .unwrap();
        let line = format!("; {option}=true");
        let at = text.find(&line).unwrap();
        let d = diags
            .iter()
            .find(|d| {
                d.code == codes::config::TEMPLATE_OPTION
                    && d.range.start >= at
                    && d.range.end <= at + line.len()
            })
            .unwrap_or_else(|| panic!("{plugin}: no information on `{line}`: {diags:?}"));
        assert_eq!(d.severity, Severity::Info);
        assert_eq!(&text[d.range.start..d.range.end], "true");
        assert!(d.message.contains("yes"), "{}", d.message);
    }
}

/// Completion and hover in default.cfg from what the plugin's code reads,
/// over stdio.
#[test]
fn completion_and_hover_from_what_the_code_reads() {
    let mut server = Server::start(&["utf-16"], None);
    let main = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\nfrom lib.client import Client\n\n\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        return Client.from_config(self.plugin_configuration)\n";
    let client = "class Client:\n    @classmethod\n    def from_config(cls, plugin_configuration, section=\"duo\"):\n        return plugin_configuration.getint(section, \"timeout\", 60)\n";
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", main),
        ("lib/__init__.py", ""),
        ("lib/client.py", client),
    ]);
    let cfg = plugin.path("default.cfg");
    let l = labels(&completion_at(&mut server, &cfg, "[duo]\n$0"));
    assert!(l.contains(&"timeout".to_string()), "{l:?}");
    let l = labels(&completion_at(&mut server, &cfg, "[$0"));
    assert!(l.contains(&"duo".to_string()), "{l:?}");
    let h = hover_at(&mut server, &cfg, "[duo]\n; time$0out=60\n");
    assert!(
        h.contains("`lib/client.py:4`") && h.contains("default: `60`"),
        "{h}"
    );
}

/// Go to definition over stdio, both ways: from a commented-out option of
/// default.cfg to the getter call, and from the call's option to the line.
#[test]
fn definition_between_default_cfg_and_the_code_that_reads_it() {
    let main = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        return self.plugin_configuration.getint(\"hello\", \"timeout\", 60)\n";
    let cfg = "[hello]\n; timeout=60\n";
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", main),
        ("default.cfg", cfg),
    ]);
    let mut server = Server::start(&["utf-16"], Some(&plugin.dir));
    let c = server.open(&plugin.path("default.cfg"), cfg);
    server.diagnostics(&c, 1);
    let at = cfg.find("timeout").unwrap() + 2;
    let def = server
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": c }, "position": position(cfg, at, "utf-16") }),
        )
        .unwrap();
    assert_eq!(def["uri"], json!(uri(&plugin.path("main.py"))));
    assert_eq!(
        def["range"],
        json!({"start": {"line": 6, "character": 57}, "end": {"line": 6, "character": 66}})
    );
    let m = server.open(&plugin.path("main.py"), main);
    server.diagnostics(&m, 1);
    let at = main.find("\"timeout\"").unwrap() + 2;
    let def = server
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": m }, "position": position(main, at, "utf-16") }),
        )
        .unwrap();
    assert_eq!(def["uri"], json!(uri(&plugin.path("default.cfg"))));
    assert_eq!(
        def["range"],
        json!({"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 9}})
    );
    assert_eq!(server.shutdown(), 0);
}

/// A big default.cfg (checked chunk by chunk, each chunk's findings kept
/// between keystrokes): after each edit, the server publishes what a fresh
/// server publishes for the same text.
#[test]
fn a_big_default_cfg_edited_gets_the_diagnostics_of_a_fresh_server() {
    let main_py = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        self.plugin_configuration.get('extra', 'token', required=True)\n        for s in self.plugin_configuration.get_options('directories'):\n            self.plugin_configuration.get(s, 'server')\n";
    let plugin = Plugin::new(&[("MANIFEST", GOOD_MANIFEST), ("main.py", main_py)]);
    let path = plugin.path("default.cfg");
    let mut text = String::from("[credential_store]\nname=store\n\n");
    for n in 0..700 {
        let sep = if n % 3 == 0 { '_' } else { '-' };
        let bad = if n % 11 == 0 { " %(nope)s" } else { "" };
        text.push_str(&format!(
            "[directory{sep}{n}]\n# Directory {n}.\nserver=ldap{n}.example.com\nport=636\n\
             bind_password=$\ntimeout=30 ; seconds\nattributes=uid\n    mail\n\
             url=ldaps://%(server)s:%(port)s/{bad}\n\n"
        ));
    }
    assert!(text.len() > 100 * 1024);
    let fresh = |text: &str| {
        let mut server = Server::start(&["utf-16"], None);
        let u = server.open(&path, text);
        let d = server.diagnostics(&u, 1);
        server.shutdown();
        d
    };
    let mut server = Server::start(&["utf-16"], None);
    let u = server.open(&path, &text);
    let first = server.diagnostics(&u, 1);
    assert!(first.len() > 700, "{}", first.len());
    assert_eq!(first, fresh(&text));
    let middle = text.find("[directory-350]").unwrap();
    let edits: &[(&str, &str)] = &[
        // Typed into a value, then deleted; a line added above the rest.
        ("ldap350.example.com", "ldap350.example.comx"),
        ("ldap350.example.comx", "ldap350.example.com"),
        ("# Directory 350.\n", "# Directory 350.\n\n\n"),
        // A duplicate section, then a `[DEFAULT]` with `%`: the whole path.
        ("[directory-350]", "[directory-349]"),
        ("[directory-349]", "[DEFAULT]"),
        ("[DEFAULT]", "[directory-350]"),
        // The credential store loses its name.
        ("name=store", "nam=store"),
        ("nam=store", "name=store"),
    ];
    let mut version = 1;
    for (from, to) in edits {
        let at = if from.starts_with("name") || from.starts_with("nam=") {
            text.find(from).unwrap()
        } else {
            middle + text[middle..].find(from).unwrap()
        };
        let end = at + from.len();
        let change = json!([{
            "range": { "start": position(&text, at, "utf-16"), "end": position(&text, end, "utf-16") },
            "text": to,
        }]);
        text.replace_range(at..end, to);
        version += 1;
        server.change(&u, version, change);
        let got = server.diagnostics(&u, version);
        assert_eq!(got, fresh(&text), "after {from:?} -> {to:?}");
    }
    server.shutdown();
}
