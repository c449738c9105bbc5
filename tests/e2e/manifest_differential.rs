//! Differential test against the Plugin SDK's own MANIFEST validator (the
//! oracle of spec section 7) on the corpus and on generated MANIFESTs: an
//! error exactly when the validator rejects, except where YAML 1.1 and 1.2
//! read a value differently (a warning then) and where this tool is
//! deliberately stricter or more lenient (listed below).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use sps_plugin_ls::analysis::{self, Context, Severity};
use sps_plugin_ls::workspace::{DocKind, MemoryFiles};

use crate::edits::Rng;

/// Error codes that stand for a rule of the validator.
const VALIDATOR_CODES: &[&str] = &[
    "yaml/syntax",
    "manifest/empty",
    "manifest/not-a-mapping",
    "manifest/missing-key",
    "manifest/empty-value",
    "manifest/invalid-name",
    "manifest/invalid-type",
    "manifest/invalid-version",
    "manifest/invalid-api",
    "manifest/invalid-entry-point",
    "manifest/invalid-email",
];

/// Where this tool and the validator disagree on purpose: a value YAML 1.1
/// reads differently, and an `api` newer than SDK 1.9.1 (a warning, since a
/// newer SPS may have it).
const DELIBERATE: &[&str] = &["manifest/yaml11-reading", "manifest/api-newer"];

pub fn oracle_python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SPS_ORACLE_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    venv.exists().then_some(venv)
}

/// Runs the validator on all texts at once.
fn validator(texts: &[String]) -> Option<Vec<Option<String>>> {
    let Some(python) = oracle_python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the SDK validator oracle is missing: .ci/run creates .venv"
        );
        eprintln!("skipped: no .venv with the SDK validator (python3 -m venv .venv && .venv/bin/pip install --no-deps oneidentity-safeguard-sessions-plugin-sdk==1.9.1 pyyaml semantic_version)");
        return None;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/oracles/manifest_oracle.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the oracle");
    serde_json::to_writer(child.stdin.take().unwrap(), texts).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the oracle failed");
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    Some(
        v.into_iter()
            .map(|x| x.as_str().map(str::to_string))
            .collect(),
    )
}

/// What the server says: (rejects, deliberately different, codes).
fn ours(text: &str) -> (bool, bool, Vec<&'static str>) {
    let mut files = MemoryFiles::default();
    files.files.insert(
        PathBuf::from("/p/main.py"),
        b"#!/usr/bin/env pluginwrapper3\n".to_vec(),
    );
    files.files.insert(
        PathBuf::from("/p/main"),
        b"#!/usr/bin/env pluginwrapper3\n".to_vec(),
    );
    let cx = Context::new(Path::new("/p/MANIFEST"), &files);
    let diags = analysis::analyze(DocKind::Manifest, text, &cx);
    let rejects = diags
        .iter()
        .any(|d| d.severity == Severity::Error && VALIDATOR_CODES.contains(&d.code.id));
    let deliberate = diags.iter().any(|d| DELIBERATE.contains(&d.code.id));
    (
        rejects,
        deliberate,
        diags.iter().map(|d| d.code.id).collect(),
    )
}

const BASE: &[(&str, &str)] = &[
    ("name", "My_Plugin"),
    ("description", "A plugin"),
    ("version", "'1.0.0'"),
    ("type", "aa"),
    ("api", "'1.9'"),
    ("entry_point", "main.py"),
];

fn values(key: &str) -> &'static [&'static str] {
    match key {
        "name" => &[
            "My_Plugin",
            "my-plugin",
            "a",
            "1abc",
            "yes",
            "123",
            "''",
            "\"x y\"",
            "Ab",
            "SPS_é",
            "~",
            "[a]",
            "No",
            "'on'",
        ],
        "description" => &[
            "Does things",
            "''",
            "~",
            "yes",
            "'a: b'",
            "a: b",
            "\"quoted\"",
            "|\n  block\n  text",
            "123",
            "a # comment",
        ],
        "version" => &[
            "1.0",
            "'1.10'",
            "1.10",
            "v1",
            "010",
            "0x10",
            "1:20",
            "''",
            "~",
            "'.5'",
            ".5",
            "1e3",
            "-1",
            "\"1\\n2\"",
            "2.0.1-a",
            "1_0",
            "0o17",
            ".inf",
            "'x1'",
            "true",
            "2021-01-01",
        ],
        "type" => &[
            "aa",
            "AA",
            "credentialstore",
            "signingca",
            "configuration_sync",
            "ticketing",
            "1",
            "[aa]",
            "'aa'",
            "~",
            "Aa",
        ],
        "api" => &[
            "1.9",
            "'1.10'",
            "1.10",
            "2.0",
            "1",
            "1.2.3",
            "1.2.3.4",
            "v1.2",
            "'1.7.0'",
            "0.9",
            "1.02",
            "1.2.3-rc1",
            "yes",
            "~",
            "1.0",
            "'1.6'",
            "1.9.9",
            "1.9.2-rc",
            "1.6.0+build",
            "''",
            "1.",
        ],
        "entry_point" => &[
            "main.py",
            "lib/main.py",
            "main",
            "'main.py'",
            "'my main.py'",
            "''",
            "~",
            "0",
            "[main.py]",
            "main.py # the entry",
        ],
        "author_email" => &[
            "me@example.com",
            "not an email",
            "''",
            "yes",
            "5",
            "a@b.",
            "a+b@c-d.e_f",
            "@x.com",
            "0",
        ],
        _ => &["x"],
    }
}

/// A MANIFEST built from the base by a few random mutations.
fn generate(rng: &mut Rng) -> String {
    let mut entries: Vec<(String, String)> = BASE
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for _ in 0..rng.below(3) + 1 {
        match rng.below(10) {
            0 => {
                let i = rng.below(entries.len());
                entries.remove(i);
            }
            1 => entries.push((
                "author_email".into(),
                rng.pick(values("author_email")).to_string(),
            )),
            2 => entries.push((
                rng.pick(&["entrypoint", "author", "scb_max_version", "Name"])
                    .to_string(),
                "x".into(),
            )),
            _ => {
                if entries.is_empty() {
                    continue;
                }
                let i = rng.below(entries.len());
                let key = entries[i].0.clone();
                entries[i].1 = rng.pick(values(&key)).to_string();
            }
        }
    }
    let mut text: String = entries.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
    match rng.below(12) {
        0 => text = text.replacen(": ", "=", 1),
        1 => text = format!("# a comment\n{text}"),
        2 => text = text.replace('\n', "\r\n"),
        3 => text = format!("---\n{text}"),
        4 => text.push_str("  indented: oops\n"),
        5 => text = format!("\u{feff}{text}"),
        _ => {}
    }
    text
}

#[test]
fn the_server_rejects_exactly_what_the_sdk_validator_rejects() {
    let mut texts: Vec<String> = Vec::new();
    let corpus = crate::cli::corpus();
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("MANIFEST").is_file() {
            texts.push(std::fs::read_to_string(dir.join("MANIFEST")).unwrap());
        }
    }
    for entry in std::fs::read_dir(corpus.join("_variants")).unwrap() {
        let m = entry.unwrap().path().join("MANIFEST");
        if m.is_file() {
            texts.push(std::fs::read_to_string(m).unwrap());
        }
    }
    texts.extend([
        "".to_string(),
        "- a\n- b\n".into(),
        "just text\n".into(),
        "{}\n".into(),
        "[}\n".into(),
    ]);
    let mut rng = Rng::new(2026);
    while texts.len() < 800 {
        texts.push(generate(&mut rng));
    }
    let Some(verdicts) = validator(&texts) else {
        return;
    };
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (text, verdict) in texts.iter().zip(&verdicts) {
        let (rejects, deliberate, codes) = ours(text);
        if deliberate {
            continue;
        }
        compared += 1;
        if rejects != verdict.is_some() {
            mismatches.push(format!(
                "{text:?}\n  validator: {verdict:?}\n  ours: {codes:?}"
            ));
        }
    }
    let rejected = verdicts.iter().filter(|v| v.is_some()).count();
    eprintln!(
        "{compared} of {} inputs compared ({rejected} rejected by the validator)",
        texts.len()
    );
    assert!(
        rejected > 100 && texts.len() - rejected > 100,
        "the generator lacks variety"
    );
    assert!(compared >= 500, "only {compared} inputs compared");
    assert!(
        mismatches.is_empty(),
        "{} of {compared} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
