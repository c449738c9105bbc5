//! Renaming a plugin's option or section over stdio, on copies of real
//! plugins (`../shared/plugins`): the server's workspace edit is applied to
//! the files, after which `check` reports nothing new and a fresh server's
//! references find the new name where the old one was.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::cli::check;
use crate::harness::*;

/// A copy of a real plugin in a fresh folder, or None without the shared
/// data (a failure when CI is set).
pub(crate) fn real_plugin(name: &str) -> Option<(Plugin, PathBuf)> {
    let corpus = corpus()?;
    let source = corpus.parent().unwrap().join("plugins").join(name);
    let root = Plugin::new(&[]);
    let dir = root.dir.join(name);
    copy_tree(&source, &dir);
    Some((root, dir))
}

/// (file, code) of every finding of `check` on the plugin.
fn findings(dir: &Path) -> Vec<String> {
    let (_, stdout, stderr) = check(&["--format", "json", dir.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}{stderr}"));
    let mut out: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["file"].as_str().unwrap(),
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

/// Applies a workspace edit's `changes` to the files on disk.
fn apply(edit: &Value) -> Vec<String> {
    let mut touched = Vec::new();
    for (uri, edits) in edit["changes"].as_object().unwrap() {
        let path = PathBuf::from(uri.strip_prefix("file://").unwrap());
        let mut text = std::fs::read_to_string(&path).unwrap();
        let mut edits: Vec<(usize, usize, String)> = edits
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    offset(&text, &e["range"]["start"], "utf-16"),
                    offset(&text, &e["range"]["end"], "utf-16"),
                    e["newText"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (start, end, new) in edits {
            text.replace_range(start..end, &new);
        }
        std::fs::write(&path, text).unwrap();
        touched.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    touched.sort();
    touched
}

/// Renames the name at `marked` (a `$0` in a line of `file`) to `new`,
/// checks that `check` finds the same problems after (with the new name),
/// and returns the edited files' names and the new text of `file`.
fn rename_in(
    dir: &Path,
    file: &str,
    line: &str,
    marked: &str,
    new: &str,
) -> (Vec<String>, Vec<String>) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text
        .find(line)
        .unwrap_or_else(|| panic!("{line} in {file}"))
        + marked.find("$0").unwrap();
    let before = findings(dir);
    let mut server = Server::start_open_scope(dir);
    let u = server.open(&path, &text);
    server.diagnostics(&u, 1);
    let pos = position(&text, at, "utf-16");
    let prepared = server
        .request(
            "textDocument/prepareRename",
            json!({ "textDocument": { "uri": u }, "position": pos }),
        )
        .unwrap();
    assert!(prepared["placeholder"].is_string(), "{prepared}");
    let edit = server
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": u }, "position": pos, "newName": new }),
        )
        .unwrap();
    assert_eq!(server.shutdown(), 0);
    let touched = apply(&edit);
    assert_eq!(findings(dir), before, "check reports something new");
    // A fresh server finds every place of the new name from default.cfg.
    let cfg = dir.join("default.cfg");
    let cfg_text = std::fs::read_to_string(&cfg).unwrap();
    let mut server = Server::start_open_scope(dir);
    let c = server.open(&cfg, &cfg_text);
    server.diagnostics(&c, 1);
    let at = cfg_text.find(new).expect("the new name in default.cfg");
    let refs = server
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": c }, "position": position(&cfg_text, at, "utf-16"), "context": { "includeDeclaration": false } }),
        )
        .unwrap();
    assert_eq!(server.shutdown(), 0);
    let places: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let p = r["uri"].as_str().unwrap();
            format!(
                "{}:{}",
                p.rsplit('/').next().unwrap(),
                r["range"]["start"]["line"].as_i64().unwrap() + 1
            )
        })
        .collect();
    (touched, places)
}

#[test]
fn rename_an_option_of_tpam_in_default_cfg_and_the_code() {
    let Some((_root, dir)) = real_plugin("tpam") else {
        return;
    };
    let (touched, places) = rename_in(
        &dir,
        "default.cfg",
        "; system_prefix",
        "; sys$0",
        "system_name_prefix",
    );
    assert_eq!(touched, ["default.cfg", "plugin.py"]);
    assert_eq!(places, ["plugin.py:79"]);
    let code = std::fs::read_to_string(dir.join("lib/plugin.py")).unwrap();
    assert!(code.contains(r#"get("tpam", "system_name_prefix", default="")"#));
}

#[test]
fn rename_the_duo_section_follows_the_parameter_default() {
    let Some((_root, dir)) = real_plugin("duo-mfa") else {
        return;
    };
    let (touched, places) = rename_in(&dir, "default.cfg", "[duo]", "[d$0", "duo-api");
    assert_eq!(touched, ["client.py", "default.cfg"]);
    assert!(!places.is_empty());
    let client = std::fs::read_to_string(dir.join("lib/client.py")).unwrap();
    assert!(client.contains(r#"section="duo-api""#), "{client}");
    assert!(std::fs::read_to_string(dir.join("default.cfg"))
        .unwrap()
        .starts_with("[duo-api]"));
}

#[test]
fn rename_an_option_of_sra_initiated_read_through_its_section_constant() {
    let Some((_root, dir)) = real_plugin("sra-initiated") else {
        return;
    };
    let code = std::fs::read_to_string(dir.join("plugin/plugin.py")).unwrap();
    assert!(code.contains("get(PLUGIN_SECTION, 'replace_domain')"));
    let (touched, places) = rename_in(
        &dir,
        "plugin/plugin.py",
        "'replace_domain'",
        "'repl$0",
        "new_domain",
    );
    assert_eq!(touched, ["default.cfg", "plugin.py"]);
    assert!(
        places.iter().any(|p| p.starts_with("plugin.py:")),
        "{places:?}"
    );
    let code = std::fs::read_to_string(dir.join("plugin/plugin.py")).unwrap();
    assert!(code.contains("get(PLUGIN_SECTION, 'new_domain')"));
}

/// What cannot be renamed safely is refused with a message: an option the
/// SDK reads, and the options of a section the code reads as data.
#[test]
fn prepare_rename_refuses_sdk_options_and_options_read_as_data() {
    let Some((_root, dir)) = real_plugin("fqdnauth") else {
        return;
    };
    let cfg = dir.join("default.cfg");
    // An option set in a section the code reads with get_options.
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "[hosts_for_groups]\n",
        "[hosts_for_groups]\nwebadmins = apache.example.com\n",
    );
    std::fs::write(&cfg, &text).unwrap();
    let mut server = Server::start_open_scope(&dir);
    let c = server.open(&cfg, &text);
    server.diagnostics(&c, 1);
    let mut refusal = |needle: &str| {
        let at = text.find(needle).unwrap() + 2;
        server
            .request(
                "textDocument/prepareRename",
                json!({ "textDocument": { "uri": c }, "position": position(&text, at, "utf-16") }),
            )
            .unwrap_err()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        refusal("log_level"),
        "the SDK reads `log_level` of `[logging]` under this name: it cannot be renamed"
    );
    assert_eq!(
        refusal("webadmins ="),
        "`lib/plugin.py:49` reads the options of `[hosts_for_groups]` as data (their names are values to the code): rename it by hand"
    );
    assert_eq!(server.shutdown(), 0);
}
