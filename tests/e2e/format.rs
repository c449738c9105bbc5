//! Formatting never changes what is read: every default.cfg and MANIFEST of
//! the corpus and of the real plugins, formatted, reads the same in CPython's
//! configparser (every section and raw value, or the same error) and in
//! PyYAML and the SDK's validator (the same data, the same verdict); and
//! formatting it again changes nothing. Over stdio, `textDocument/formatting`
//! answers with those edits.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;
use sps_plugin_ls::features::format::{apply, format};
use sps_plugin_ls::workspace::DocKind;

use crate::harness::*;

const CONFIGPARSER_SAME: &str = r#"
import configparser, json, sys
def read(text):
    p = configparser.ConfigParser()
    try:
        p.read_string(text)
    except Exception as e:
        return ["error", type(e).__name__]
    return [[s, sorted(p.items(s, raw=True))] for s in p.sections()]
print(json.dumps([read(a) == read(b) for a, b in json.load(sys.stdin)]))
"#;

const MANIFEST_SAME: &str = r#"
import json, sys, yaml
from safeguard.sessions.plugin_impl.tasks.manifest import Manifest
def judge(text):
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return ["FileFormatError"]
    try:
        Manifest(data, "MANIFEST").check_api_version("1.9.1")
        verdict = None
    except Exception as e:
        verdict = type(e).__name__
    return [repr(data), verdict]
print(json.dumps([judge(a) == judge(b) for a, b in json.load(sys.stdin)]))
"#;

fn files_named(dir: &Path, names: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_named(&path, names, out);
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| names.contains(&n))
        {
            out.push(path);
        }
    }
}

/// (path, before, after) for every file so named under the shared data.
fn formatted(kind: DocKind, names: &[&str]) -> Option<Vec<(PathBuf, String, String)>> {
    let corpus = corpus()?;
    let mut paths = Vec::new();
    files_named(&corpus, names, &mut paths);
    files_named(&corpus.parent().unwrap().join("plugins"), names, &mut paths);
    paths.sort();
    assert!(paths.len() >= 20, "{paths:?}");
    Some(
        paths
            .into_iter()
            .map(|p| {
                let before = std::fs::read_to_string(&p).unwrap();
                let after = apply(&before, &format(kind, &before, None));
                assert_eq!(
                    apply(&after, &format(kind, &after, None)),
                    after,
                    "formatting {} twice",
                    p.display()
                );
                (p, before, after)
            })
            .collect(),
    )
}

fn same_reading(python: &Path, script: &str, pairs: &[(PathBuf, String, String)]) {
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the oracle");
    let input: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(_, a, b)| (a.as_str(), b.as_str()))
        .collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&input).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let same: Vec<bool> = serde_json::from_slice(&out.stdout).unwrap();
    for ((path, _, _), same) in pairs.iter().zip(same) {
        assert!(same, "{} reads differently once formatted", path.display());
    }
}

#[test]
fn formatting_default_cfg_changes_nothing_configparser_reads() {
    let Some(pairs) = formatted(DocKind::Config, &["default.cfg", "default.cfg.plugin"]) else {
        return;
    };
    // Some files do change: the test is not vacuous.
    assert!(pairs.iter().any(|(_, a, b)| a != b));
    same_reading(Path::new("python3"), CONFIGPARSER_SAME, &pairs);
}

#[test]
fn formatting_a_manifest_changes_nothing_pyyaml_or_the_validator_reads() {
    let Some(pairs) = formatted(DocKind::Manifest, &["MANIFEST"]) else {
        return;
    };
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    if !python.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the SDK validator oracle is missing: scripts/test creates .venv"
        );
        eprintln!("skipped: no .venv with the SDK validator");
        return;
    }
    same_reading(&python, MANIFEST_SAME, &pairs);
}

#[test]
fn formatting_over_stdio() {
    let cfg = "[my_plugin]\ntimeout=10  \n\n\n\nurl = x\n";
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("default.cfg", cfg),
    ]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let c = server.open(&plugin.path("default.cfg"), cfg);
    server.diagnostics(&c, 1);
    let edits = server
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": c }, "options": { "tabSize": 4, "insertSpaces": true } }),
        )
        .unwrap();
    let edits = edits.as_array().unwrap();
    let mut text = cfg.to_string();
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(cfg, &e["range"]["start"], "utf-16"),
                offset(cfg, &e["range"]["end"], "utf-16"),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (start, end, new) in spans {
        text.replace_range(start..end, new);
    }
    assert_eq!(text, "[my_plugin]\ntimeout = 10\n\nurl = x\n");
    assert_eq!(server.shutdown(), 0);
}
