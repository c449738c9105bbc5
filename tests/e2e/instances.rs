//! Instance configurations (issue 27): `check --instance FILE PLUGIN` on
//! ten configurations written for the real plugins of `../shared/plugins`
//! (`tests/instances/<plugin>/`), each with seeded mistakes and a clean
//! twin. Every seeded mistake is reported (the report is pinned in
//! `tests/instances/seeded.txt`), nothing is reported on the clean twins,
//! and every claim about what the plugin would read is confirmed by SDK
//! 1.9.1's own `PluginConfiguration` getters (the oracle
//! `tests/oracles/sdk_getters_oracle.py`, in `.venv` or
//! `SPS_ORACLE_PYTHON`); and an instance configuration opened in the
//! editor, named by `instanceConfigs`, gets the same diagnostics.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::cli::check;
use crate::harness::*;
use crate::manifest_differential::oracle_python;

const INSTANCES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/instances");

/// The real plugins, or None without the shared data (a failure with CI).
fn plugins() -> Option<PathBuf> {
    Some(corpus()?.parent().unwrap().join("plugins"))
}

/// The plugins that have instance configurations here, sorted.
fn instance_plugins() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(INSTANCES)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `check --instance` of one file: the exit status and the JSON report's
/// diagnostics.
fn check_instance(file: &Path, plugin: &Path) -> (i32, Vec<Value>) {
    let (status, stdout, stderr) = check(&[
        "--format",
        "json",
        "--instance",
        file.to_str().unwrap(),
        plugin.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}{stderr}"));
    (status, v["diagnostics"].as_array().unwrap().clone())
}

#[test]
fn every_seeded_mistake_is_reported_and_the_clean_twins_check_clean() {
    let Some(plugins) = plugins() else { return };
    let names = instance_plugins();
    assert_eq!(names.len(), 10, "ten plugins have instance configurations");
    let mut report = String::new();
    for name in &names {
        let dir = Path::new(INSTANCES).join(name);
        let (status, seeded) = check_instance(&dir.join("seeded.cfg"), &plugins.join(name));
        assert_eq!(status, 1, "{name}: seeded mistakes are errors");
        report.push_str(&format!("{name}/seeded.cfg\n"));
        for d in &seeded {
            report.push_str(&format!(
                "  {}:{} {}[{}]: {}\n",
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            ));
        }
        let (status, clean) = check_instance(&dir.join("clean.cfg"), &plugins.join(name));
        assert!(clean.is_empty(), "{name}/clean.cfg: {clean:#?}");
        assert_eq!(status, 0);
    }
    expect_test::expect_file!["../instances/seeded.txt"].assert_eq(&report);
}

/// The section and option of the line `line` (1-based) of an INI text,
/// as configparser names them (the option lower-cased).
fn place(text: &str, line: usize) -> (String, Option<String>) {
    let mut section = String::new();
    let mut option = None;
    for (i, l) in text.lines().enumerate().take(line) {
        let t = l.trim();
        if let Some(s) = t.strip_prefix('[') {
            section = s.trim_end_matches(']').to_string();
            option = None;
        } else if i + 1 == line {
            option = t.split('=').next().map(|k| k.trim().to_lowercase());
        }
    }
    (section, option)
}

/// The first backquoted word after `after` in a message.
fn quoted_after<'m>(message: &'m str, after: &str) -> Option<&'m str> {
    let rest = &message[message.find(after)? + after.len()..];
    let start = rest.find('`')? + 1;
    let end = start + rest[start..].find('`')?;
    Some(&rest[start..end])
}

/// One getter call on a text, and what the SDK must answer.
struct Claim {
    what: String,
    case: Value,
    /// The class raised, or `None` for a call that must not raise.
    raises: Option<&'static str>,
    /// What a call that does not raise returns (`NoneType`, `str`).
    returns: Option<&'static str>,
}

/// The claims a seeded file's diagnostic makes about what the plugin would
/// read, on the seeded text and on its clean twin.
fn claims(name: &str, seeded: &str, clean: &str, d: &Value) -> Vec<Claim> {
    let code = d["code"].as_str().unwrap();
    let message = d["message"].as_str().unwrap();
    let line = d["line"].as_u64().unwrap() as usize;
    let (section, option) = place(seeded, line);
    let what = format!("{name}:{line} {code}");
    let call = |text: &str, section: &str, option: &str, getter: &str| json!({"text": text, "section": section, "option": option, "getter": getter});
    let claim = |case: Value, raises, returns| Claim {
        what: what.clone(),
        case,
        raises,
        returns,
    };
    let typed = |getter: &str, values: Option<Vec<String>>| {
        let option = option.clone().unwrap();
        let mut bad = call(seeded, &section, &option, getter);
        let mut good = call(clean, &section, &option, getter);
        if let Some(v) = values {
            bad["values"] = json!(v);
            good["values"] = json!(v);
        }
        vec![
            claim(bad, Some("PluginSDKValueError"), None),
            claim(good, None, None),
        ]
    };
    match code {
        "config/invalid-boolean" => typed("getboolean", None),
        "config/invalid-int" => typed("getint", None),
        "config/invalid-enum" => {
            let list = &message[message.find("one of ").unwrap() + 7..];
            let list = list.split([';', '(']).next().unwrap();
            let values = list
                .split(',')
                .map(|v| v.trim().trim_matches('`').to_string())
                .collect();
            typed("getienum", Some(values))
        }
        "config/required-missing" => {
            let named = message
                .strip_prefix("the plugin requires ")
                .and_then(|m| quoted_after(m, ""));
            let (section, option) = match named {
                // "the plugin requires `[s] o`": not set at all.
                Some(named) => {
                    let (s, o) = named.trim_start_matches('[').split_once("] ").unwrap();
                    (s.to_string(), o.to_string())
                }
                None => (section.clone(), option.clone().unwrap()),
            };
            let mut bad = call(seeded, &section, &option, "get");
            bad["required"] = json!(true);
            let mut good = call(clean, &section, &option, "get");
            good["required"] = json!(true);
            let empty = message.contains("is empty");
            vec![
                // Left out: the getter raises; set empty: it accepts it.
                claim(
                    bad,
                    (!empty).then_some("RequiredConfigurationSettingNotFound"),
                    empty.then_some("str"),
                ),
                claim(good, None, Some("str")),
            ]
        }
        "config/unread-option" | "config/unknown-option" => {
            // The option meant is not what the plugin gets: it reads
            // nothing there; the clean twin sets it.
            let meant = quoted_after(message, "did you mean").unwrap();
            vec![
                claim(call(seeded, &section, meant, "get"), None, Some("NoneType")),
                claim(call(clean, &section, meant, "get"), None, Some("str")),
            ]
        }
        "config/unread-section" => {
            let meant = quoted_after(message, "did you mean").unwrap();
            let meant = meant.trim_matches(['[', ']']);
            let option = place(seeded, line + 1).1.unwrap();
            vec![
                claim(call(seeded, meant, &option, "get"), None, Some("NoneType")),
                claim(call(clean, meant, &option, "get"), None, Some("str")),
            ]
        }
        "config/trusted-ca-list-elsewhere" => {
            // No Trusted CA list is looked up: the text comes back as is.
            vec![claim(
                call(seeded, &section, &option.unwrap(), "get"),
                None,
                Some("str"),
            )]
        }
        "config/credential-store-missing" => {
            // `$` is looked up at the first read, and there is no store.
            vec![claim(
                call(seeded, &section, &option.unwrap(), "get"),
                Some("RequiredConfigurationSettingNotFound"),
                None,
            )]
        }
        other => panic!("{what}: no claim is known for {other}"),
    }
}

#[test]
fn what_the_seeded_findings_say_the_plugin_reads_the_sdk_confirms() {
    let Some(plugins) = plugins() else { return };
    let Some(python) = oracle_python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the SDK getters oracle is missing: .ci/run creates .venv"
        );
        eprintln!("skipped: no .venv with the SDK (SPS_ORACLE_PYTHON names another python)");
        return;
    };
    let mut all: Vec<Claim> = Vec::new();
    for name in instance_plugins() {
        let dir = Path::new(INSTANCES).join(&name);
        let seeded = std::fs::read_to_string(dir.join("seeded.cfg")).unwrap();
        let clean = std::fs::read_to_string(dir.join("clean.cfg")).unwrap();
        let (_, diags) = check_instance(&dir.join("seeded.cfg"), &plugins.join(&name));
        for d in &diags {
            all.extend(claims(&name, &seeded, &clean, d));
        }
    }
    assert!(all.len() >= 80, "{} claims", all.len());
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/oracles/sdk_getters_oracle.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the oracle");
    {
        let mut stdin = child.stdin.take().unwrap();
        for c in &all {
            writeln!(stdin, "{}", c.case).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the oracle failed");
    let answers: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), all.len());
    let mut wrong = Vec::new();
    for (c, a) in all.iter().zip(&answers) {
        let ok = match c.raises {
            Some(class) => a["raises"] == true && a["class"] == class,
            None => a["raises"] == false && c.returns.is_none_or(|r| a["returns"] == r),
        };
        if !ok {
            wrong.push(format!("{}: {} -> {a}", c.what, c.case));
        }
    }
    assert!(wrong.is_empty(), "the SDK disagrees:\n{}", wrong.join("\n"));
}

#[test]
fn an_instance_configuration_opened_in_the_editor_is_checked_as_one() {
    let Some(plugins) = plugins() else { return };
    // A copy of the plugin with the instance configuration in it.
    let root = Plugin::new(&[]);
    let dir = root.dir.join("radius-mfa");
    copy_tree(&plugins.join("radius-mfa"), &dir);
    std::fs::create_dir_all(dir.join("instances")).unwrap();
    let seeded =
        std::fs::read_to_string(Path::new(INSTANCES).join("radius-mfa/seeded.cfg")).unwrap();
    let path = dir.join("instances/prod.cfg");
    std::fs::write(&path, &seeded).unwrap();
    let mut server = Server::spawn();
    server.initialize_full(
        &["utf-16"],
        Some(&root.dir),
        json!({}),
        json!({ "instanceConfigs": ["radius-mfa/instances/*.cfg"], "diagnostics": { "scope": "open" } }),
    );
    let uri = server.open(&path, &seeded);
    let diags = server.diagnostics(&uri, 1);
    let mut got = codes(&diags);
    got.sort();
    let (_, cli) = check_instance(&path, &dir);
    let mut want: Vec<String> = cli
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    assert!(
        want.contains(&"config/required-missing".to_string()),
        "{want:?}"
    );
    assert_eq!(got, want, "the editor reports what check --instance does");
    server.shutdown();
}

#[test]
fn a_cfg_named_in_a_plugin_folder_and_one_instance_configs_names_are_instances() {
    let Some(plugins) = plugins() else { return };
    let root = Plugin::new(&[]);
    let dir = root.dir.join("radius-mfa");
    copy_tree(&plugins.join("radius-mfa"), &dir);
    let seeded =
        std::fs::read_to_string(Path::new(INSTANCES).join("radius-mfa/seeded.cfg")).unwrap();
    std::fs::create_dir_all(dir.join("instances")).unwrap();
    std::fs::write(dir.join("instances/prod.cfg"), &seeded).unwrap();
    let codes_of = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        let (_, stdout, stderr) = check(&all);
        let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}{stderr}"));
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with("prod.cfg"))
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let named = dir.join("instances/prod.cfg");
    let by_name = codes_of(&[named.to_str().unwrap()]);
    assert!(
        by_name.contains(&"config/required-missing".to_string()),
        "{by_name:?}"
    );
    // A folder's check leaves it alone until `instance-configs` names it.
    assert!(codes_of(&[dir.to_str().unwrap()]).is_empty());
    std::fs::write(
        dir.join("sps-plugin-ls.toml"),
        "instance-configs = [\"instances/*.cfg\"]\n",
    )
    .unwrap();
    assert_eq!(codes_of(&[dir.to_str().unwrap()]), by_name);
}
