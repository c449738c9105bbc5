//! The plugin as a whole: layout rules on folders and .zip files, the
//! watcher-driven re-check, and the output formats of `check`.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::cli::check;
use crate::harness::*;

/// `check --format json` on a path: (status, [(file name suffix, code, severity)]).
fn findings(path: &Path) -> (i32, Vec<(String, String, String)>) {
    let (status, stdout, stderr) = check(&["--format", "json", path.to_str().unwrap()]);
    assert!(status != 2, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let mut out: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let short = file.rsplit(['/', '!']).next().unwrap_or(file).to_string();
            (
                short,
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    (status, out)
}

fn one(file: &str, code: &str, severity: &str) -> (String, String, String) {
    (file.to_string(), code.to_string(), severity.to_string())
}

#[test]
fn every_layout_rule_on_a_folder() {
    let no_class = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", "#!/usr/bin/env pluginwrapper3\nimport os\n"),
    ]);
    assert_eq!(
        findings(&no_class.dir),
        (1, vec![one("MANIFEST", "plugin/no-plugin-class", "error")])
    );

    let no_init = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("lib/plugin.py", "class Plugin: pass\n"),
        ("tests/test_x.py", ""),
    ]);
    assert_eq!(
        findings(&no_init.dir),
        (0, vec![one("MANIFEST", "layout/missing-init", "warning")])
    );

    let sdk = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("safeguard/__init__.py", ""),
        ("safeguard/sessions/__init__.py", ""),
        ("safeguard/sessions/plugin/__init__.py", ""),
    ]);
    assert_eq!(
        findings(&sdk.dir),
        (1, vec![one("MANIFEST", "layout/sdk-bundled", "error")])
    );

    let sync = Plugin::new(&[
        (
            "MANIFEST",
            &GOOD_MANIFEST.replace("type: aa", "type: configuration_sync"),
        ),
        ("main.py", MAIN_PY),
    ]);
    assert_eq!(
        findings(&sync.dir),
        (
            0,
            vec![one("MANIFEST", "layout/configuration-sync", "info")]
        )
    );

    let missing = Plugin::new(&[("MANIFEST", GOOD_MANIFEST)]);
    assert_eq!(
        findings(&missing.dir),
        (
            1,
            vec![one("MANIFEST", "manifest/entry-point-missing", "error")]
        )
    );

    let shebang = Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", "class Plugin:\n    pass\n"),
    ]);
    assert_eq!(
        findings(&shebang.dir),
        (
            0,
            vec![one("MANIFEST", "manifest/entry-point-shebang", "warning")]
        )
    );
}

#[test]
fn size_limits_count_what_would_be_zipped() {
    let sized = |mib: u64| {
        let p = Plugin::new(&[
            ("MANIFEST", GOOD_MANIFEST),
            ("main.py", MAIN_PY),
            ("lib/__init__.py", ""),
        ]);
        // Sparse files: sizes without writing the bytes.
        std::fs::File::create(p.path("lib/data.bin"))
            .unwrap()
            .set_len(mib * 1024 * 1024)
            .unwrap();
        std::fs::create_dir_all(p.path(".git")).unwrap();
        std::fs::File::create(p.path(".git/pack"))
            .unwrap()
            .set_len(30 * 1024 * 1024)
            .unwrap();
        p
    };
    let big = sized(21);
    assert_eq!(
        findings(&big.dir),
        (1, vec![one("MANIFEST", "layout/too-large", "error")])
    );
    let close = sized(17);
    assert_eq!(
        findings(&close.dir),
        (0, vec![one("MANIFEST", "layout/too-large", "warning")])
    );
    // .git is left out, as pluginv leaves it out.
    let fine = sized(1);
    assert_eq!(findings(&fine.dir), (0, vec![]));
}

#[cfg(unix)]
#[test]
fn links_out_of_the_plugin_folder_are_not_followed() {
    let outside = Plugin::new(&[("main.py", MAIN_PY)]);
    let p = Plugin::new(&[("MANIFEST", GOOD_MANIFEST)]);
    std::os::unix::fs::symlink(outside.path("main.py"), p.path("main.py")).unwrap();
    assert_eq!(
        findings(&p.dir),
        (
            1,
            vec![one("MANIFEST", "manifest/entry-point-missing", "error")]
        )
    );
    // A link inside the folder is fine.
    let inside = Plugin::new(&[("MANIFEST", GOOD_MANIFEST), ("real.py", MAIN_PY)]);
    std::os::unix::fs::symlink(inside.path("real.py"), inside.path("main.py")).unwrap();
    assert_eq!(findings(&inside.dir), (0, vec![]));
}

/// Writes a zip of `files` (name, bytes) into `dir` and returns its path.
fn make_zip(dir: &Path, name: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (n, bytes) in files {
        zip.start_file(*n, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

#[test]
fn zips_are_checked_as_uploaded() {
    let tmp = Plugin::new(&[]);
    let cfg = b"[logging]\nlog_level=info\n";
    let good = make_zip(
        &tmp.dir,
        "good.zip",
        &[
            ("MANIFEST", GOOD_MANIFEST.as_bytes()),
            ("main.py", MAIN_PY.as_bytes()),
            ("default.cfg", cfg),
        ],
    );
    let (status, stdout, _) = check(&[good.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}");

    let broken = make_zip(
        &tmp.dir,
        "broken.zip",
        &[
            ("MANIFEST", b"name: x-y\n"),
            ("main.py", MAIN_PY.as_bytes()),
        ],
    );
    let (status, stdout, _) = check(&["--format", "json", broken.to_str().unwrap()]);
    assert_eq!(status, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["diagnostics"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("broken.zip!/MANIFEST"));

    let nested = make_zip(
        &tmp.dir,
        "nested.zip",
        &[
            ("repo-master/MANIFEST", GOOD_MANIFEST.as_bytes()),
            ("repo-master/main.py", MAIN_PY.as_bytes()),
        ],
    );
    let (status, stdout, _) = check(&[nested.to_str().unwrap()]);
    assert_eq!(status, 1);
    assert!(
        stdout.contains("zip/nested") && stdout.contains("`repo-master/`"),
        "{stdout}"
    );

    let empty = make_zip(&tmp.dir, "empty.zip", &[("README", b"x")]);
    assert_eq!(
        findings(&empty),
        (1, vec![one("empty.zip", "zip/no-manifest", "error")])
    );

    let no_init = make_zip(
        &tmp.dir,
        "noinit.zip",
        &[
            ("MANIFEST", GOOD_MANIFEST.as_bytes()),
            ("main.py", MAIN_PY.as_bytes()),
            ("lib/plugin.py", b""),
        ],
    );
    assert_eq!(
        findings(&no_init),
        (0, vec![one("MANIFEST", "layout/missing-init", "warning")])
    );

    let zeros = vec![0u8; 21 * 1024 * 1024];
    let big = make_zip(
        &tmp.dir,
        "big.zip",
        &[
            ("MANIFEST", GOOD_MANIFEST.as_bytes()),
            ("main.py", MAIN_PY.as_bytes()),
            ("blob", &zeros),
        ],
    );
    assert_eq!(
        findings(&big),
        (1, vec![one("big.zip", "zip/too-large", "error")])
    );

    let corrupt = tmp.dir.join("corrupt.zip");
    std::fs::write(&corrupt, b"PK\x03\x04 this is not really a zip").unwrap();
    let (status, _, stderr) = check(&[corrupt.to_str().unwrap()]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("corrupt.zip") && stderr.contains("not a readable .zip"),
        "{stderr}"
    );
}

#[test]
fn every_corpus_plugin_checks_clean_as_a_zip() {
    let Some((root, dirs)) = corpus_plugins() else {
        return;
    };
    for dir in &dirs {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for f in std::fs::read_dir(dir).unwrap() {
            let f = f.unwrap();
            files.push((
                f.file_name().to_string_lossy().into_owned(),
                std::fs::read(f.path()).unwrap(),
            ));
        }
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let name = format!("{}.zip", dir.file_name().unwrap().to_string_lossy());
        let zip = make_zip(&root.dir, &name, &refs);
        let (status, stdout, stderr) = check(&[zip.to_str().unwrap()]);
        assert_eq!(status, 0, "{name}: {stdout}{stderr}");
    }
}

/// The Microsoft SARIF validator, installed by scripts/test from npm.
fn sarif_validator() -> Option<std::path::PathBuf> {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if tool.exists() {
        return Some(tool);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the SARIF validator is missing: scripts/test runs npm ci in tests/tools"
    );
    eprintln!("skipped: SARIF validation needs `cd tests/tools && npm ci`");
    None
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let p = Plugin::new(&[
        (
            "MANIFEST",
            "name: x-y\ntype: AA\ndescription: d\nversion: v\napi: 3\nentry_point: lib/x.py\n",
        ),
        ("main.py", MAIN_PY),
    ]);
    let (status, stdout, _) = check(&["--format", "sarif", p.dir.to_str().unwrap()]);
    assert_eq!(status, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 5);
    assert!(results
        .iter()
        .all(|r| r["level"] == "error" || r["level"] == "warning" || r["level"] == "note"));
    let Some(tool) = sarif_validator() else {
        return;
    };
    let file = p.dir.join("out.sarif");
    std::fs::write(&file, &stdout).unwrap();
    let log = p.dir.join("validation.sarif");
    let out = std::process::Command::new(tool)
        .args([
            "validate",
            file.to_str().unwrap(),
            "--output",
            log.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let errors: Vec<&Value> = report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .collect();
    assert!(errors.is_empty(), "SARIF validation errors: {errors:#?}");
}

#[test]
fn creating_the_entry_point_clears_its_diagnostic_after_the_watcher_notification() {
    let plugin = Plugin::new(&[]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let u = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    assert_eq!(
        codes(&server.diagnostics(&u, 1)),
        vec!["manifest/entry-point-missing"]
    );
    let registration = server
        .wait_for(|m| m["method"] == "client/registerCapability")
        .expect("the server registers file watchers");
    assert_eq!(
        registration["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );

    std::fs::write(plugin.path("main.py"), MAIN_PY).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&plugin.path("main.py")), "type": 1 }] }),
    );
    let cleared = server
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == u
                && m["params"]["diagnostics"] == json!([])
        })
        .expect("diagnostics cleared");
    assert_eq!(cleared["params"]["version"], 1);

    // Deleting it brings the error back.
    std::fs::remove_file(plugin.path("main.py")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&plugin.path("main.py")), "type": 3 }] }),
    );
    let back = server
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == u
                && m["params"]["diagnostics"] != json!([])
        })
        .expect("diagnostic back");
    assert_eq!(
        codes(back["params"]["diagnostics"].as_array().unwrap()),
        vec!["manifest/entry-point-missing"]
    );
}

#[test]
fn open_documents_win_over_the_disk() {
    // An unsaved main.py in the editor counts; the disk has none.
    let plugin = Plugin::new(&[]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let m = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    assert_eq!(
        codes(&server.diagnostics(&m, 1)),
        vec!["manifest/entry-point-missing"]
    );
    server.open(&plugin.path("main.py"), "import os\n");
    let next = server
        .wait_for(|msg| {
            msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == m
        })
        .unwrap();
    let mut got = codes(next["params"]["diagnostics"].as_array().unwrap());
    got.sort();
    assert_eq!(
        got,
        vec!["manifest/entry-point-shebang", "plugin/no-plugin-class"]
    );
    let _ = server.wait_quiet(Duration::from_millis(100), |_| false);
}

#[test]
fn changing_the_plugin_type_rechecks_the_default_cfg() {
    let manifest = GOOD_MANIFEST.replace("type: aa", "type: credentialstore");
    let plugin = Plugin::new(&[("main.py", MAIN_PY), ("MANIFEST", &manifest)]);
    let mut server = Server::start_open_scope(&plugin.dir);
    let m = server.open(&plugin.path("MANIFEST"), &manifest);
    let cfg_text = "[auth]\ndisable_echo=yes\n";
    let c = server.open(&plugin.path("default.cfg"), cfg_text);
    assert_eq!(
        codes(&server.diagnostics(&c, 1)),
        vec!["config/wrong-plugin-type-section"]
    );
    // Typing elsewhere in the MANIFEST leaves the default.cfg alone...
    server.change(&m, 2, json!([{ "text": format!("{manifest}# note\n") }]));
    server.diagnostics(&m, 2);
    let republished = server.wait_quiet(Duration::from_millis(300), |msg| {
        msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == c
    });
    assert!(republished.is_none(), "{republished:?}");
    // ...changing `type` checks it again.
    server.change(&m, 3, json!([{ "text": GOOD_MANIFEST }]));
    assert!(server.diagnostics(&m, 3).is_empty());
    let again = server
        .wait_for(|msg| {
            msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == c
        })
        .expect("default.cfg checked again");
    assert_eq!(again["params"]["diagnostics"], json!([]));
}
