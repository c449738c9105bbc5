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

/// `check` reads the plugins of a folder in parallel: whatever the number of
/// threads, the same diagnostics in the same order.
#[test]
fn a_parallel_check_prints_what_a_single_threaded_one_does() {
    let mut files: Vec<(String, String)> = Vec::new();
    for k in 0..24 {
        let manifest = match k % 4 {
            0 => GOOD_MANIFEST.to_string(),
            1 => GOOD_MANIFEST.replace("type: aa", "type: aaa"),
            2 => format!("{GOOD_MANIFEST}autor: someone\n"),
            _ => GOOD_MANIFEST.replace("api: '1.9'", "api: 1.10"),
        };
        let config = if k % 3 == 0 {
            "[logging]\nlog_level=loud\n"
        } else {
            "[logging]\nlog_level=info\n"
        };
        let main = if k % 5 == 0 {
            "#!/usr/bin/env pluginwrapper3\nfrom lib.missing import Plugin\n"
        } else {
            "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        pass\n"
        };
        files.push((format!("p{k:02}/MANIFEST"), manifest));
        files.push((format!("p{k:02}/default.cfg"), config.to_string()));
        files.push((format!("p{k:02}/main.py"), main.to_string()));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let root = Plugin::new(&refs);
    let dir = root.dir.to_str().unwrap();
    let run = |threads: &str, format: &str| {
        let out = Command::new(bin())
            .env("SPS_PLUGIN_LS_THREADS", threads)
            .args(["check", "--format", format, dir])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    for format in ["human", "json"] {
        let (status, one) = run("1", format);
        assert_eq!(status, Some(1));
        assert!(one.contains("manifest/invalid-type") && one.contains("import/module-not-found"));
        for threads in ["2", "7", "64"] {
            assert_eq!(
                run(threads, format),
                (Some(1), one.clone()),
                "{threads} threads, {format}"
            );
        }
    }
}

/// A finding whose only fix edits another file (a `.py` read documented in
/// default.cfg) is not counted as fixable: `--fix` writes one file at a
/// time and leaves it out, and the report's count asks the same question
/// (`Fix::applies_in_fix_all`) as the fixing does.
#[test]
fn a_fix_that_edits_another_file_is_not_counted_as_fixable() {
    let main_py = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        self.plugin_configuration.get(\"my\", \"opt\")\n        return None\n";
    let plugin = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", main_py),
        ("default.cfg", "[my]\n"),
    ]);
    let dir = plugin.dir.to_str().unwrap();
    let (status, stdout, _) = check(&["--color", "never", dir]);
    assert_eq!(status, 0);
    assert!(stdout.contains("python/undocumented-option"), "{stdout}");
    assert!(!stdout.contains("fixable"), "{stdout}");
    let (status, stdout, stderr) = check(&["--fix", "--color", "never", dir]);
    assert_eq!(status, 0);
    assert!(!stdout.contains("fixable"), "{stdout}");
    assert!(!stderr.contains("fixed"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(plugin.path("default.cfg")).unwrap(),
        "[my]\n"
    );
}
