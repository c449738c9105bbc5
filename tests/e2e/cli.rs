//! `sps-plugin-ls check`: formats, exit statuses, and the corpus.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::*;

pub fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).arg("check").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// The corpus plugins, each copied to a folder with a `main.py` made from
/// its `main.py.head`.
pub fn corpus_plugins() -> (Plugin, Vec<PathBuf>) {
    let root = Plugin::new(&[]);
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(corpus()).expect("../shared/corpus beside the repository") {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('_') || !entry.path().is_dir() {
            continue;
        }
        let dir = root.dir.join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        for file in std::fs::read_dir(entry.path()).unwrap() {
            let file = file.unwrap();
            let fname = file.file_name().to_string_lossy().into_owned();
            if fname == "main.py.head" {
                // The corpus keeps only the entry point's first lines: a
                // class of its own stands for the rest of the plugin.
                let head = std::fs::read_to_string(file.path()).unwrap();
                std::fs::write(
                    dir.join("main.py"),
                    format!("{head}\n\nclass Plugin:\n    pass\n"),
                )
                .unwrap();
                continue;
            }
            std::fs::copy(file.path(), dir.join(fname)).unwrap();
        }
        dirs.push(dir);
    }
    dirs.sort();
    (root, dirs)
}

#[test]
fn every_corpus_plugin_checks_clean() {
    let (_root, dirs) = corpus_plugins();
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
