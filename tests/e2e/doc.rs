//! `sps-plugin-ls doc PLUGIN`: the configuration reference of the ten real
//! plugins (`../shared/plugins`) pinned as Markdown (and two as JSON) under
//! `tests/e2e/doc/` (`UPDATE_EXPECT=1` rewrites them), the JSON validated
//! against `schemas/plugin-doc.schema.json`, a .zip read as its folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use expect_test::expect_file;

use crate::harness::*;

fn doc(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin()).arg("doc").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The ten real plugins, sorted; `None` (skipped) without them, unless
/// `CI` is set.
fn real_plugins() -> Option<Vec<PathBuf>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/plugins");
    if !root.is_dir() {
        if std::env::var_os("CI").is_some() {
            panic!("the real plugins are missing at {}", root.display());
        }
        eprintln!("skipped: no {}", root.display());
        return None;
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("MANIFEST").is_file())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 10);
    Some(dirs)
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn the_real_plugins_references_are_pinned() {
    let Some(dirs) = real_plugins() else { return };
    for dir in &dirs {
        let name = name(dir);
        let (status, md, err) = doc(&[dir.to_str().unwrap()]);
        assert_eq!(status, 0, "{name}: {err}");
        expect_file![format!("doc/{name}.md")].assert_eq(&md);
        // JSON for an aa and a credentialstore plugin (every one is
        // validated against the schema below).
        if ["duo-mfa", "safeguard"].contains(&name.as_str()) {
            let (status, json, err) = doc(&["--format", "json", dir.to_str().unwrap()]);
            assert_eq!(status, 0, "{name}: {err}");
            expect_file![format!("doc/{name}.json")].assert_eq(&json);
        }
    }
}

/// A Python with `jsonschema`: the oracle virtualenv's, else the system's
/// (`None`, skipped, when neither has it, unless `CI` is set).
fn python_with_jsonschema() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    for python in [venv, PathBuf::from("python3")] {
        let ok = Command::new(&python)
            .args(["-c", "import jsonschema"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(python);
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("jsonschema missing in .venv: ./scripts/test installs it");
    }
    eprintln!("skipped: no Python with jsonschema");
    None
}

#[test]
fn the_json_reference_matches_its_schema() {
    let Some(dirs) = real_plugins() else { return };
    let Some(python) = python_with_jsonschema() else {
        return;
    };
    let scratch = Plugin::new(&[]);
    let mut args: Vec<String> = Vec::new();
    for dir in &dirs {
        let (status, json, err) = doc(&["--format", "json", dir.to_str().unwrap()]);
        assert_eq!(status, 0, "{err}");
        let file = scratch.dir.join(format!("{}.json", name(dir)));
        std::fs::write(&file, json).unwrap();
        args.push(file.to_string_lossy().into_owned());
    }
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/plugin-doc.schema.json");
    // Every reference is valid; a wrong reader and a missing field are not.
    let script = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        jsonschema.Draft202012Validator.check_schema(schema)\n\
        v = jsonschema.Draft202012Validator(schema)\n\
        for path in sys.argv[2:]:\n    v.validate(json.load(open(path)))\n\
        doc = json.load(open(sys.argv[2]))\n\
        doc['sections'][0]['read_by'] = ['nobody']\n\
        assert not v.is_valid(doc)\n\
        doc = json.load(open(sys.argv[2]))\n\
        del doc['sections'][0]['options'][0]['required']\n\
        assert not v.is_valid(doc)\n\
        print(len(sys.argv) - 2, 'valid; broken ones refused')\n";
    let out = Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&schema)
        .args(&args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "10 valid; broken ones refused"
    );
}

#[test]
fn a_zip_s_reference_is_its_folder_s() {
    let Some(dirs) = real_plugins() else { return };
    let dir = dirs.iter().find(|d| name(d) == "duo-mfa").unwrap();
    let scratch = Plugin::new(&[]);
    let zip_path = scratch.dir.join("SPS_Duo.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                zip.start_file(rel, options).unwrap();
                zip.write_all(&std::fs::read(&p).unwrap()).unwrap();
            }
        }
    }
    zip.finish().unwrap();
    let folder = doc(&[dir.to_str().unwrap()]);
    let zipped = doc(&[zip_path.to_str().unwrap()]);
    assert_eq!(zipped.0, 0, "{}", zipped.2);
    assert_eq!(zipped.1, folder.1);
    // Its MANIFEST names it too.
    let manifest = doc(&[dir.join("MANIFEST").to_str().unwrap()]);
    assert_eq!(manifest.1, folder.1);
}

#[test]
fn what_is_no_plugin_is_refused() {
    let empty = Plugin::new(&[("notes.txt", "x")]);
    let (status, out, err) = doc(&[empty.dir.to_str().unwrap()]);
    assert_eq!(status, 2);
    assert_eq!(out, "");
    assert!(err.contains("no MANIFEST here"), "{err}");
    let (status, _, err) = doc(&[empty.path("notes.txt").to_str().unwrap()]);
    assert_eq!(status, 2);
    assert!(err.contains("not a plugin folder"), "{err}");
    let (status, _, err) = doc(&[empty.path("missing").to_str().unwrap()]);
    assert_eq!(status, 2, "{err}");
}
