//! `sps-plugin-ls check`: formats, exit statuses, and the corpus.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::*;

pub fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_corpus_plugin_checks_clean() {
    let Some((_root, dirs)) = corpus_plugins() else {
        return;
    };
    assert_eq!(dirs.len(), 20);
    for dir in &dirs {
        let (status, stdout, stderr) = check(&["--format", "json", dir.to_str().unwrap()]);
        assert_eq!(status, 0, "{}:\n{stdout}{stderr}", dir.display());
        let v: Value = serde_json::from_str(&stdout).unwrap();
        let errors: Vec<&Value> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}

#[test]
fn human_output_shows_the_line_and_a_caret() {
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        (
            "MANIFEST",
            &GOOD_MANIFEST.replace("type: aa", "type: 😀aaa"),
        ),
    ]);
    let (status, stdout, _) = check(&[plugin.dir.to_str().unwrap()]);
    assert_eq!(status, 1);
    let manifest = plugin.path("MANIFEST");
    let expected = format!(
        "{}:4:7: error[manifest/invalid-type]: `type` must be one of aa, configuration_sync, credentialstore, signingca; did you mean `aa`?\n  |\n4 | type: 😀aaa\n  |       ^^^^\n",
        manifest.display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");
    assert!(
        stdout.ends_with("1 error, 0 warnings, 0 notes in 2 files\n"),
        "{stdout}"
    );
}

#[test]
fn json_output_counts_columns_in_characters() {
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        (
            "MANIFEST",
            &GOOD_MANIFEST.replace("type: aa", "type: 😀aaa"),
        ),
    ]);
    let (status, stdout, _) = check(&[
        "--format",
        "json",
        plugin.path("MANIFEST").to_str().unwrap(),
    ]);
    assert_eq!(status, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["line"], 4);
    assert_eq!(d["column"], 7);
    assert_eq!(d["end_line"], 4);
    assert_eq!(d["end_column"], 11);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "manifest/invalid-type");
    assert!(d["file"].as_str().unwrap().ends_with("MANIFEST"));
}

#[test]
fn exit_statuses() {
    let plugin = Plugin::new(&[("main.py", MAIN_PY), ("MANIFEST", GOOD_MANIFEST)]);
    assert_eq!(check(&[plugin.dir.to_str().unwrap()]).0, 0);
    // Warnings alone do not fail.
    let warn = Plugin::new(&[
        ("main.py", MAIN_PY),
        ("MANIFEST", &GOOD_MANIFEST.replace("'1.0.0'", "1.10")),
    ]);
    assert_eq!(check(&[warn.dir.to_str().unwrap()]).0, 0);
    let (status, _, stderr) = check(&["/nonexistent/plugin"]);
    assert_eq!(status, 2);
    assert!(stderr.contains("/nonexistent/plugin"));
    assert_eq!(check(&[]).0, 2);
    assert_eq!(
        check(&["--format", "xml", plugin.dir.to_str().unwrap()]).0,
        2
    );
    let not_plugin = Plugin::new(&[("README", "x")]);
    let (status, _, stderr) = check(&[not_plugin.dir.to_str().unwrap()]);
    assert_eq!(status, 2);
    assert!(stderr.contains("no MANIFEST"), "{stderr}");
}

#[test]
fn the_example_plugin_in_the_repository_checks_clean() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello-mfa");
    let (status, stdout, stderr) = check(&[example.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}{stderr}");
}

/// `check --plugins-of FILE...` (what the pre-commit hook runs): each file
/// stands for the nearest plugin folder above it; others are skipped.
#[test]
fn plugins_of_checks_the_plugin_folders_holding_the_files() {
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        ("lib/__init__.py", ""),
        ("lib/plugin.py", "class Plugin: pass\n"),
        ("MANIFEST", &GOOD_MANIFEST.replace("type: aa", "type: aaa")),
    ]);
    let outside = plugin.dir.parent().unwrap().join("setup.py");
    std::fs::write(&outside, "").unwrap();
    let file = |name: &str| plugin.path(name).display().to_string();
    let (status, stdout, stderr) = check(&[
        "--format",
        "json",
        "--plugins-of",
        &file("lib/plugin.py"),
        &file("main.py"),
        &file("MANIFEST"),
        outside.to_str().unwrap(),
    ]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let diagnostics = v["diagnostics"].as_array().unwrap();
    // The plugin is checked once, however many of its files are named.
    let invalid_type: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["code"] == "manifest/invalid-type")
        .collect();
    assert_eq!(invalid_type.len(), 1, "{stdout}");

    // Only files outside any plugin: nothing to check, success.
    let (status, stdout, stderr) = check(&["--plugins-of", outside.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert_eq!(check(&["--plugins-of"]).0, 0);

    // Relative paths, as pre-commit passes them, from the folder above.
    let out = Command::new(bin())
        .args(["check", "--plugins-of", "My_Plugin/lib/plugin.py"])
        .current_dir(plugin.dir.parent().unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("My_Plugin/MANIFEST:4:7: error[manifest/invalid-type]"),
        "{stdout}"
    );
}
