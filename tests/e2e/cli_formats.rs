//! `sps-plugin-ls check`'s CI formats and flags: github workflow commands
//! against GitHub's documented grammar, the GitLab Code Quality report
//! against its JSON schema, JUnit XML through a real JUnit reader
//! (junitparser), `--statistics`, `--exit-zero`, `-q`, colours, `exclude`,
//! an unreadable configuration, a closed pipe, and `--fix` / `--diff` for
//! every code that has fixes.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use sps_plugin_ls::analysis::codes::{self, Fixable};

use crate::cli::check;
use crate::harness::*;

/// A plugin with a warning, two errors (one with a `%` and a `:` in its
/// message) and a default.cfg, in a folder whose name needs escaping in a
/// workflow command's property.
fn broken() -> (Plugin, PathBuf) {
    let plugin = Plugin::new(&[]);
    let dir = plugin.dir.parent().unwrap().join("a,b:c%d");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.py"), MAIN_PY).unwrap();
    std::fs::write(
        dir.join("MANIFEST"),
        GOOD_MANIFEST
            .replace("'1.0.0'", "1.10")
            .replace("type: aa", "type: AA"),
    )
    .unwrap();
    std::fs::write(dir.join("default.cfg"), "[my_section]\nrate = 50%\n").unwrap();
    (plugin, dir)
}

fn json_diagnostics(dir: &Path) -> Vec<Value> {
    let (_, stdout, _) = check(&["--format", "json", dir.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    v["diagnostics"].as_array().unwrap().clone()
}

/// GitHub's workflow command syntax (docs: "Workflow commands for GitHub
/// Actions"): `::command parameter1={data},parameter2={data}::{command
/// value}`; for annotations the command is `error`, `warning` or `notice`
/// and the parameters `file`, `line`, `endLine`, `col`, `endColumn`,
/// `title`. In values `%`, CR and LF are written `%25`, `%0D`, `%0A`; in
/// parameters also `:` and `,` as `%3A`, `%2C`.
fn unescape(s: &str, property: bool) -> String {
    let allowed: &[(&str, char)] = if property {
        &[
            ("%25", '%'),
            ("%0D", '\r'),
            ("%0A", '\n'),
            ("%3A", ':'),
            ("%2C", ','),
        ]
    } else {
        &[("%25", '%'), ("%0D", '\r'), ("%0A", '\n')]
    };
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let (_, c) = allowed
            .iter()
            .find(|(e, _)| rest[at..].starts_with(e))
            .unwrap_or_else(|| panic!("a bare % in {s:?}"));
        out.push(*c);
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

#[test]
fn github_output_is_workflow_commands_line_by_line() {
    let (_plugin, dir) = broken();
    let line_re = regex::Regex::new(
        r"^::(error|warning|notice) ((?:file|line|endLine|col|endColumn|title)=[^,:\r\n]*(?:,(?:file|line|endLine|col|endColumn|title)=[^,:\r\n]*)*)::([^\r\n]*)$",
    )
    .unwrap();
    let (status, stdout, stderr) = check(&["--format", "github", dir.to_str().unwrap()]);
    assert_eq!(status, 1, "{stderr}");
    let expected = json_diagnostics(&dir);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{stdout}");
    for (line, want) in lines.iter().zip(&expected) {
        let caps = line_re
            .captures(line)
            .unwrap_or_else(|| panic!("not a workflow command: {line}"));
        let level = match want["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(&caps[1], level);
        let mut props = std::collections::HashMap::new();
        for p in caps[2].split(',') {
            let (k, v) = p.split_once('=').unwrap();
            assert!(props.insert(k, unescape(v, true)).is_none(), "{k} twice");
        }
        let file = want["file"].as_str().unwrap();
        assert_eq!(props["file"], file);
        assert_eq!(props["line"], want["line"].to_string());
        assert_eq!(props["endLine"], want["end_line"].to_string());
        if want["line"] == want["end_line"] {
            assert_eq!(props["col"], want["column"].to_string());
            assert_eq!(props["endColumn"], want["end_column"].to_string());
        }
        assert_eq!(
            props["title"],
            format!("sps-plugin-ls: {}", want["code"].as_str().unwrap())
        );
        assert_eq!(unescape(&caps[3], false), want["message"].as_str().unwrap());
    }
    // The folder name's `,`, `:` and `%` are escaped, and so is the `%`
    // of the interpolation message.
    assert!(stdout.contains("a%2Cb%3Ac%25d"), "{stdout}");
    assert!(
        expected
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains('%')),
        "a message with a % is tested"
    );
}

/// The oracle virtualenv's Python when it has these modules; `None` (the
/// test is skipped) without it, unless CI is set.
fn python_with(modules: &str) -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    let ok = python.exists()
        && Command::new(&python)
            .args(["-c", &format!("import {modules}")])
            .output()
            .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{modules} missing in .venv: ./scripts/test installs it");
    }
    eprintln!("skipped: no .venv with {modules} (./scripts/test sets it up)");
    None
}

fn run_python(python: &Path, script: &str, args: &[&str]) -> String {
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn gitlab_report_matches_the_code_quality_schema() {
    let (_plugin, dir) = broken();
    let (status, stdout, _) = check(&["--format", "gitlab", dir.to_str().unwrap()]);
    assert_eq!(status, 1);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let issues = report.as_array().unwrap();
    let expected = json_diagnostics(&dir);
    assert_eq!(issues.len(), expected.len());
    for (issue, want) in issues.iter().zip(&expected) {
        assert_eq!(issue["check_name"], want["code"]);
        assert_eq!(issue["description"], want["message"]);
        assert_eq!(issue["location"]["lines"]["begin"], want["line"]);
    }
    // Fingerprints are unique, and the same on every run.
    let prints: std::collections::HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), issues.len());
    assert_eq!(
        check(&["--format", "gitlab", dir.to_str().unwrap()]).1,
        stdout
    );

    // Two identical problems on identical lines still differ.
    let twice = Plugin::new(&[
        ("main.py", MAIN_PY),
        (
            "MANIFEST",
            &format!("{GOOD_MANIFEST}# sps-plugin-ls: ignore[x/y]\n# sps-plugin-ls: ignore[x/y]\n"),
        ),
    ]);
    let (_, out, _) = check(&["--format", "gitlab", twice.dir.to_str().unwrap()]);
    let issues: Value = serde_json::from_str(&out).unwrap();
    let issues = issues.as_array().unwrap();
    assert!(issues.len() >= 2, "{out}");
    let prints: std::collections::HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), issues.len(), "{out}");

    let Some(python) = python_with("jsonschema") else {
        return;
    };
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/schemas/gitlab-code-quality.json");
    let report_file = dir.join("gl-code-quality-report.json");
    std::fs::write(&report_file, &stdout).unwrap();
    let script = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        jsonschema.Draft7Validator.check_schema(schema)\n\
        jsonschema.validate(json.load(open(sys.argv[2])), schema, cls=jsonschema.Draft7Validator)\n\
        bad = [{'description': 'x', 'check_name': 'c', 'fingerprint': 'f', 'severity': 'fatal', 'location': {'path': 'p', 'lines': {'begin': 1}}}]\n\
        try:\n    jsonschema.validate(bad, schema)\nexcept jsonschema.ValidationError:\n    print('valid; a wrong severity is refused')\n";
    let out = run_python(
        &python,
        script,
        &[schema.to_str().unwrap(), report_file.to_str().unwrap()],
    );
    assert_eq!(out.trim(), "valid; a wrong severity is refused");
}

#[test]
fn junit_report_reads_in_junitparser() {
    let (_plugin, dir) = broken();
    // A clean plugin beside the broken one: a passing testcase.
    let clean = dir.parent().unwrap().join("Clean_Plugin");
    std::fs::create_dir_all(&clean).unwrap();
    std::fs::write(clean.join("main.py"), MAIN_PY).unwrap();
    std::fs::write(clean.join("MANIFEST"), GOOD_MANIFEST).unwrap();
    let (status, stdout, _) = check(&[
        "--format",
        "junit",
        dir.to_str().unwrap(),
        clean.to_str().unwrap(),
    ]);
    assert_eq!(status, 1);
    assert!(stdout.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    let Some(python) = python_with("junitparser") else {
        return;
    };
    let file = dir.parent().unwrap().join("junit.xml");
    std::fs::write(&file, &stdout).unwrap();
    let script = "import sys, json\n\
        from junitparser import JUnitXml, Failure\n\
        xml = JUnitXml.fromfile(sys.argv[1])\n\
        out = []\n\
        for suite in xml:\n    \
            for case in suite:\n        \
                fails = [r for r in case.result if isinstance(r, Failure)]\n        \
                out.append([suite.name, case.name, case.is_passed, [[f.type, f.message] for f in fails]])\n\
        print(json.dumps(out))\n";
    let cases: Value =
        serde_json::from_str(&run_python(&python, script, &[file.to_str().unwrap()])).unwrap();
    let cases = cases.as_array().unwrap();
    let expected = json_diagnostics(&dir);
    let failing: Vec<&Value> = cases.iter().filter(|c| c[2] == false).collect();
    assert_eq!(failing.len(), expected.len(), "{cases:?}");
    for (case, want) in failing.iter().zip(&expected) {
        assert_eq!(case[0], want["file"]);
        assert_eq!(
            case[1],
            format!(
                "{} at {}:{}",
                want["code"].as_str().unwrap(),
                want["line"],
                want["column"]
            )
        );
        assert_eq!(case[3][0][0], want["severity"]);
        assert_eq!(case[3][0][1], want["message"]);
    }
    // Every clean file is one passing testcase.
    let passing: Vec<String> = cases
        .iter()
        .filter(|c| c[2] == true)
        .map(|c| format!("{} {}", c[0].as_str().unwrap(), c[1].as_str().unwrap()))
        .collect();
    let clean = clean.display().to_string();
    let main = dir.join("main.py").display().to_string();
    assert_eq!(
        passing,
        [
            format!("{main} no problems"),
            format!("{clean}/MANIFEST no problems"),
            format!("{clean}/main.py no problems"),
        ]
    );
}

#[test]
fn statistics_count_per_code_most_frequent_first() {
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        (
            "MANIFEST",
            &GOOD_MANIFEST
                .replace("'1.0.0'", "1.10")
                .replace("type: aa", "type: AA")
                .replace("description: A plugin", "description: 1.20"),
        ),
    ]);
    let dir = plugin.dir.to_str().unwrap();
    let (status, stdout, _) = check(&["--statistics", dir]);
    assert_eq!(status, 1);
    assert_eq!(
        stdout,
        "2\tmanifest/number-changes-text\t[*] An unquoted number does not keep what was written.\n\
         1\tmanifest/invalid-type       \t[ ] `type` is not a plugin type.\n"
    );
    // With --unsafe-fixes the type's fix counts as one --fix applies.
    let (_, stdout, _) = check(&["--statistics", "--unsafe-fixes", dir]);
    assert!(stdout.contains("\t[*] `type` is not"), "{stdout}");
    let (_, stdout, _) = check(&["--statistics", "--format", "json", dir]);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v[0]["code"], "manifest/number-changes-text");
    assert_eq!(v[0]["count"], 2);
    assert_eq!(v[0]["fixable"], true);
    assert_eq!(
        v[1]["url"],
        "https://github.com/sps-plugin-ls/sps-plugin-ls/blob/main/docs/rules.md#manifest-invalid-type"
    );
    assert_eq!(check(&["--statistics", "--format", "sarif", dir]).0, 2);
}

#[test]
fn exit_zero_quiet_and_colours() {
    let (_plugin, dir) = broken();
    let dir = dir.to_str().unwrap();
    assert_eq!(check(&[dir]).0, 1);
    assert_eq!(check(&["--exit-zero", dir]).0, 0);
    assert_eq!(check(&["-e", "--format", "json", dir]).0, 0);
    // Usage errors are still 2.
    assert_eq!(check(&["--exit-zero", "--bogus", dir]).0, 2);
    assert_eq!(check(&["--exit-zero", "--fix=yes", dir]).0, 2);
    // `--format=X` and ruff's `--output-format X` are the same option.
    assert_eq!(
        check(&["--format=github", dir]).1,
        check(&["--output-format", "github", dir]).1
    );

    let (_, full, _) = check(&[dir]);
    let (_, quiet, stderr) = check(&["-q", dir]);
    assert!(full.ends_with("in 3 files\n"), "{full}");
    assert!(full.starts_with(&quiet));
    assert!(
        !quiet.contains(" in 3 files") && !quiet.contains("fixable"),
        "{quiet}"
    );
    assert!(quiet.contains("error[manifest/invalid-type]"));
    assert_eq!(stderr, "");

    // Not a terminal: no colour unless asked for; NO_COLOR does not
    // override --color always.
    assert!(!full.contains('\x1b'));
    let (_, always, _) = check(&["--color", "always", dir]);
    assert!(always.contains("\x1b[1;31merror\x1b[0m"), "{always:?}");
    assert!(
        always.contains("\x1b[1mMANIFEST") || always.contains("\x1b[1m/"),
        "{always:?}"
    );
    let out = Command::new(bin())
        .args(["check", "--color=always", dir])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\x1b'));
    let (_, never, _) = check(&["--color", "never", dir]);
    assert_eq!(never, full);
    assert_eq!(check(&["--color", "sometimes", dir]).0, 2);
}

/// `--color auto` on a terminal: colour, unless NO_COLOR is set to
/// anything but the empty string. Driven through `script`, which gives the
/// command a pseudo-terminal; skipped where util-linux's `script` is
/// missing.
#[test]
fn colour_on_a_terminal_and_no_color() {
    let (_plugin, dir) = broken();
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        if std::env::var_os("CI").is_some() {
            panic!("`script` is missing: apt-get install bsdutils (util-linux)");
        }
        eprintln!("skipped: no `script` (util-linux) to give check a terminal");
        return;
    }
    let on_terminal = |no_color: Option<&str>| {
        let mut cmd = Command::new("script");
        cmd.args(["-qec"])
            .arg(format!("{} check '{}'", bin(), dir.display()))
            .arg("/dev/null")
            .stdin(Stdio::null());
        match no_color {
            Some(v) => cmd.env("NO_COLOR", v),
            None => cmd.env_remove("NO_COLOR"),
        };
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    };
    assert!(on_terminal(None).contains("\x1b[1;31merror"));
    assert!(on_terminal(Some("")).contains("\x1b[1;31merror"));
    let off = on_terminal(Some("1"));
    assert!(
        off.contains("error[manifest/invalid-type]") && !off.contains('\x1b'),
        "{off:?}"
    );
}

#[test]
fn sarif_rules_link_their_documentation() {
    let (_plugin, dir) = broken();
    let (_, stdout, _) = check(&["--format", "sarif", dir.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(
            rule["helpUri"],
            format!(
                "https://github.com/sps-plugin-ls/sps-plugin-ls/blob/main/docs/rules.md#{}",
                id.replace('/', "-")
            )
        );
        assert!(rule["shortDescription"]["text"].is_string());
    }
}

#[test]
fn an_unreadable_configuration_stops_check_and_says_where() {
    let plugin = Plugin::new(&[("main.py", MAIN_PY), ("MANIFEST", GOOD_MANIFEST)]);
    let root = plugin.dir.parent().unwrap();
    // A folder where the file should be: not a regular file.
    let config = root.join("sps-plugin-ls.toml");
    std::fs::create_dir_all(&config).unwrap();
    let (status, stdout, stderr) = check(&[plugin.dir.to_str().unwrap()]);
    assert_eq!(status, 2, "{stdout}");
    assert_eq!(
        stderr,
        format!(
            "sps-plugin-ls: {}: cannot read this configuration file: is a folder, not a regular file; only regular files are read\n",
            config.display()
        )
    );
    std::fs::remove_dir(&config).unwrap();
    // TOML that cannot be read: none of its settings would apply.
    std::fs::write(&config, "ignore = [\"config\"\nselect = 3\n").unwrap();
    let (status, _, stderr) = check(&[plugin.path("MANIFEST").to_str().unwrap()]);
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with(&format!(
            "sps-plugin-ls: {}:2:1: cannot read this configuration file, so none of its settings would apply: ",
            config.display()
        )),
        "{stderr}"
    );
    // A pyproject.toml without our table is not ours, broken or not.
    std::fs::remove_file(&config).unwrap();
    std::fs::write(root.join("pyproject.toml"), "[project\n").unwrap();
    assert_eq!(check(&[plugin.dir.to_str().unwrap()]).0, 0);
}

#[test]
fn exclude_skips_what_a_walk_finds_but_not_what_is_named() {
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        ("MANIFEST", GOOD_MANIFEST),
        ("default.cfg", "[logging]\nlog_level = loud\n"),
    ]);
    let root = plugin.dir.parent().unwrap();
    let other = root.join("Other_Plugin");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("main.py"), MAIN_PY).unwrap();
    std::fs::write(
        other.join("MANIFEST"),
        GOOD_MANIFEST.replace("type: aa", "type: AA"),
    )
    .unwrap();
    std::fs::write(
        root.join("sps-plugin-ls.toml"),
        "exclude = [\"Other_Plugin\", \"My_Plugin/*.cfg\"]\n",
    )
    .unwrap();
    let files = |args: &[&str]| -> Vec<String> {
        let mut args = args.to_vec();
        args.extend(["--format", "junit"]);
        let (_, stdout, stderr) = check(&args);
        assert!(stderr.is_empty(), "{stderr}");
        stdout
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<testsuite name=\""))
            .map(|l| {
                let name = &l[..l.find('"').unwrap()];
                Path::new(name)
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect()
    };
    // The walk of the folder of plugins skips both.
    assert_eq!(
        files(&[root.to_str().unwrap()]),
        ["My_Plugin/MANIFEST", "My_Plugin/main.py"]
    );
    // Named on the command line: checked, as ruff does, unless
    // --force-exclude.
    let cfg = plugin.path("default.cfg");
    let cfg = cfg.to_str().unwrap();
    assert_eq!(files(&[cfg]), ["My_Plugin/default.cfg"]);
    assert_eq!(
        files(&[other.to_str().unwrap()]),
        ["Other_Plugin/MANIFEST", "Other_Plugin/main.py"]
    );
    assert!(files(&["--force-exclude", cfg, other.to_str().unwrap()]).is_empty());
    assert_eq!(check(&["--force-exclude", cfg]).0, 0);
}

/// A reader that goes away early: `check` stops writing and exits with the
/// status it would have had, saying nothing.
#[test]
fn a_closed_pipe_ends_check_quietly() {
    let (_plugin, dir) = broken();
    // The reading end is closed before check writes anything.
    let closed = |args: &[&str]| {
        let mut child = Command::new(bin())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (child.wait().unwrap().code(), stderr)
    };
    let dir = dir.to_str().unwrap();
    assert_eq!(closed(&["check", dir]), (Some(1), String::new()));
    assert_eq!(
        closed(&["check", "--exit-zero", "--format", "sarif", dir]),
        (Some(0), String::new())
    );
    assert_eq!(closed(&["--help"]), (Some(0), String::new()));
    assert_eq!(closed(&["check", "--help"]), (Some(0), String::new()));
    assert_eq!(closed(&["--version"]), (Some(0), String::new()));

    // `check . | head -1` with more output than a pipe holds.
    let many = Plugin::new(&[]);
    let root = many.dir.parent().unwrap();
    for i in 0..60 {
        let p = root.join(format!("P{i}"));
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("main.py"), MAIN_PY).unwrap();
        let keys: String = (0..20).map(|k| format!("unknown_key_{k}: x\n")).collect();
        std::fs::write(p.join("MANIFEST"), format!("{GOOD_MANIFEST}{keys}")).unwrap();
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' check '{}' | head -1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
            bin(),
            root.display()
        ))
        .output()
        .unwrap();
    // Warnings only: 0, as without the pipe.
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// A plugin whose code reads `[my_plugin] timeout` (default 15).
const READS_TIMEOUT: &str = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.getint(\"my_plugin\", \"timeout\", default=15)\n";

/// Codes whose fixes edit another file than the diagnostic's (documenting
/// an option in default.cfg from the `.py` that reads it): editor actions,
/// which `--fix` and fix-all leave alone (tests/e2e/code.rs applies it).
const FIXED_IN_ANOTHER_FILE: &[&str] = &["python/undocumented-option"];

/// One small plugin per code whose registry entry has fixes: the files
/// that differ from a good plugin.
const FIX_CASES: &[(&str, &[(&str, &str)])] = &[
    ("yaml/syntax", &[("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point=main.py\n")]),
    ("manifest/empty", &[("MANIFEST", "")]),
    ("manifest/missing-key", &[("MANIFEST", "name: My_Plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n")]),
    ("manifest/unknown-key", &[("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\nauthor: Jane\n")]),
    ("manifest/invalid-name", &[("MANIFEST", "name: My-Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n")]),
    ("manifest/invalid-type", &[("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: AA\napi: '1.9'\nentry_point: main.py\n")]),
    ("manifest/invalid-entry-point", &[("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: src/main.py\n")]),
    ("manifest/entry-point-missing", &[("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: mian.py\n")]),
    ("manifest/yaml11-reading", &[("MANIFEST", "name: My_Plugin\ndescription: on\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n")]),
    ("manifest/number-changes-text", &[("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: 1.10\ntype: aa\napi: '1.9'\nentry_point: main.py\n")]),
    ("config/missing-section-header", &[("default.cfg", "log_level = info\n[logging]\nlog_level = info\n")]),
    ("config/no-delimiter", &[("default.cfg", "[logging]\nlog_level\n")]),
    ("config/unclosed-section", &[("default.cfg", "[logging]\nlog_level = info\n[tls\n")]),
    ("config/empty-option-name", &[("default.cfg", "[logging]\n= info\n")]),
    ("config/interpolation", &[("default.cfg", "[my_section]\nrate = 50%\n")]),
    ("config/invalid-boolean", &[("default.cfg", "[tls]\nenabled = true\n")]),
    ("config/invalid-int", &[("default.cfg", "[memory-cache]\nttl = 60 ; seconds\n")]),
    ("config/invalid-float", &[("default.cfg", "[authentication_cache]\nsoft_timeout = 1.5 ; seconds\n")]),
    ("config/invalid-enum", &[("default.cfg", "[logging]\nlog_level = infoo\n")]),
    ("config/invalid-pem", &[("default.cfg", "[tls]\nclient_cert = $ ; from the store\n[credential_store]\nname = store\n")]),
    ("config/unknown-option", &[("default.cfg", "[logging]\nlog_levl = info\n")]),
    ("config/missing-option", &[("default.cfg", "[question_1]\nprompt = Ticket?\n")]),
    ("config/section-case", &[("default.cfg", "[Logging]\nlog_level = info\n")]),
    ("config/inline-comment", &[("default.cfg", "[my_section]\nname = value ; a note\n")]),
    ("config/swallowed-line", &[("default.cfg", "[logging]\nlog_level = info\n  [auth]\n")]),
    ("config/placeholder", &[("default.cfg", "[my_section]\nhost = <hostname>\n")]),
    ("config/credential-store-missing", &[("default.cfg", "[my-host]\npassword = $\n")]),
    ("config/section-not-hostname", &[("default.cfg", "[my_host]\npassword = $\n[credential_store]\nname = store\n")]),
    ("config/section-needs-newer-api", &[("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.3'\nentry_point: main.py\n"), ("main.py", READS_TIMEOUT), ("default.cfg", "[my_plugin]\ntimeout=10\n[https-proxy]\nserver=proxy.example.com\nport=3128\n")]),
    ("config/unread-option", &[("main.py", READS_TIMEOUT), ("default.cfg", "[my_plugin]\ntimeout=10\ntimeuot=2\n")]),
    ("config/unread-section", &[("main.py", READS_TIMEOUT), ("default.cfg", "[my_plugn]\ntimeout=10\n")]),
    ("config/missing-required", &[("main.py", "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.get(\"my_plugin\", \"api_key\", required=True)\n"), ("default.cfg", "[my_plugin]\n")]),
    ("config/default-differs", &[("main.py", READS_TIMEOUT), ("default.cfg", "[my_plugin]\n; timeout=10\n")]),
    ("config/template-option", &[("default.cfg", "[tls]\n; enabled = true\n")]),
    ("settings/unknown-key", &[("sps-plugin-ls.toml", "selct = [\"config\"]\n")]),
    ("settings/unknown-code", &[("sps-plugin-ls.toml", "ignore = [\"manifest/unknown-kye\"]\n")]),
    ("suppression/unused", &[("MANIFEST", "name: My_Plugin  # sps-plugin-ls: ignore[manifest/unknown-key]\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n")]),
    ("suppression/unknown-code", &[("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\nauthor: Jane  # sps-plugin-ls: ignore[manifest/unknown-kye]\n")]),
    ("python/unset-dereferenced", &[
        ("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n"),
        ("main.py", "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.get('auth', 'address').split(',')\n"),
        ("default.cfg", "[auth]\n; address=<address>\n"),
    ]),
    ("sdk/needs-newer-api", &[
        ("MANIFEST", "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.2'\nentry_point: main.py\n"),
        ("main.py", "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return self.plugin_configuration.get_options('auth')\n"),
    ]),
];

fn codes_of(dir: &Path) -> Vec<String> {
    json_diagnostics(dir)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// `--fix` for every code with fixes: the plugin has the code before, and
/// after `check --fix` (with `--unsafe-fixes` for unsafe ones) the fixed
/// files check clean of it; a safe code's fix needs no `--unsafe-fixes`.
#[test]
fn fix_repairs_every_fixable_code() {
    let fixable: Vec<&str> = codes::ALL
        .iter()
        .filter(|c| c.fix != Fixable::No)
        .map(|c| c.id)
        .filter(|id| !FIXED_IN_ANOTHER_FILE.contains(id))
        .collect();
    let tested: Vec<&str> = FIX_CASES.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        tested, fixable,
        "FIX_CASES must have one case per fixable code, in registry order"
    );
    let mut failures = Vec::new();
    for (code, files) in FIX_CASES {
        let mut all: Vec<(&str, &str)> = vec![("main.py", MAIN_PY), ("MANIFEST", GOOD_MANIFEST)];
        for (name, text) in *files {
            all.retain(|(n, _)| n != name);
            all.push((name, text));
        }
        let plugin = Plugin::new(&all);
        let dir = plugin.dir.to_str().unwrap();
        let before = codes_of(&plugin.dir);
        if !before.iter().any(|c| c == code) {
            failures.push(format!("{code}: not found before the fix: {before:?}"));
            continue;
        }
        let safe = codes::by_id(code).unwrap().fix == Fixable::Safe;
        let originals: Vec<(String, String)> = all
            .iter()
            .map(|(n, _)| {
                let p = plugin.path(n).display().to_string();
                (p.clone(), std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        let diff_args: &[&str] = if safe {
            &["--diff", dir]
        } else {
            &["--diff", "--unsafe-fixes", dir]
        };
        let (_, diff, _) = check(diff_args);
        let args: &[&str] = if safe {
            &["--fix", "--format", "json", dir]
        } else {
            &["--fix", "--unsafe-fixes", "--format", "json", dir]
        };
        let (status, stdout, stderr) = check(args);
        // What --diff showed is what --fix wrote.
        for (path, old) in &originals {
            let now = std::fs::read_to_string(path).unwrap();
            let patched = apply_diff(&diff, path, old);
            if patched != now {
                failures.push(format!(
                    "{code}: --diff does not give what --fix wrote in {path}:\n{diff}"
                ));
            }
        }
        if status == 2
            || !stderr.starts_with("sps-plugin-ls: fixed ")
            || stderr.starts_with("sps-plugin-ls: fixed 0 ")
        {
            failures.push(format!("{code}: check --fix: {status} {stderr}"));
            continue;
        }
        let remaining: Vec<String> = serde_json::from_str::<Value>(&stdout).unwrap()["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        let after = codes_of(&plugin.dir);
        assert_eq!(
            remaining, after,
            "{code}: what --fix reports remaining is what a new check finds"
        );
        if *code == "config/credential-store-missing" {
            // The fix adds `[credential_store]` with an empty `name=` for
            // the user to fill in (no name can be guessed): the warning
            // then says the name is empty.
            let (_, out, _) = check(&[dir]);
            assert!(out.contains("`[credential_store] name` is empty"), "{out}");
            assert!(std::fs::read_to_string(plugin.path("default.cfg"))
                .unwrap()
                .contains("[credential_store]\nname=\n"));
        } else if after.iter().any(|c| c == code) {
            let texts: Vec<String> = files
                .iter()
                .map(|(n, _)| std::fs::read_to_string(plugin.path(n)).unwrap_or_default())
                .collect();
            failures.push(format!(
                "{code}: still there after --fix: {after:?}\n{}",
                texts.join("\n---\n")
            ));
        }
        if !safe {
            // Without --unsafe-fixes, an unsafe code's fix is not applied.
            let again = Plugin::new(&all);
            check(&["--fix", again.dir.to_str().unwrap()]);
            if !codes_of(&again.dir).iter().any(|c| c == code) {
                failures.push(format!(
                    "{code}: an unsafe fix was applied without --unsafe-fixes"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `old` with the hunks of `file` in the unified diff `diff` applied
/// (checking that the context and removed lines are `old`'s).
fn apply_diff(diff: &str, file: &str, old: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut lines = diff.lines().peekable();
    let mut out = String::new();
    let mut at = 0; // lines of `old` consumed
    while let Some(l) = lines.next() {
        if l != format!("--- {file}") {
            continue;
        }
        assert_eq!(lines.next(), Some(format!("+++ {file}").as_str()));
        while let Some(h) = lines.peek().copied().filter(|h| h.starts_with("@@ ")) {
            let start: usize = h[4..].split([',', ' ']).next().unwrap().parse().unwrap();
            lines.next();
            // Lines before the hunk (a hunk that only adds is numbered by
            // the line before it).
            let upto = if h[4..].split(' ').next().unwrap().ends_with(",0") {
                start
            } else {
                start - 1
            };
            for l in &old_lines[at..upto] {
                out.push_str(l);
            }
            at = upto;
            while let Some(body) = lines.peek().copied().filter(|b| {
                b.starts_with(' ')
                    || b.starts_with('-')
                    || b.starts_with('+')
                    || b.starts_with('\\')
            }) {
                if body.starts_with("--- ") {
                    break;
                }
                lines.next();
                let text = &body[1..];
                let no_newline = lines.peek().is_some_and(|n| n.starts_with('\\'));
                if no_newline {
                    lines.next();
                }
                let line = if no_newline {
                    text.to_string()
                } else {
                    format!("{text}\n")
                };
                match &body[..1] {
                    " " | "-" => {
                        assert_eq!(old_lines[at], line, "{diff}");
                        at += 1;
                        if body.starts_with(' ') {
                            out.push_str(&line);
                        }
                    }
                    _ => out.push_str(&line),
                }
            }
        }
    }
    for l in &old_lines[at..] {
        out.push_str(l);
    }
    out
}

/// `--diff`: the fixes as a unified diff (pinned), nothing written, exit 1;
/// exit 0 and no output when there is nothing to fix.
#[test]
fn diff_prints_the_fixes_without_writing() {
    let manifest = "name: My_Plugin\ndescription: A plugin\nversion: 1.10\ntype: AA\napi: '1.9'\nentry_point=main.py\n";
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        ("MANIFEST", manifest),
        ("default.cfg", "[logging]\nlog_level = info ; note\n"),
    ]);
    let out = Command::new(bin())
        .args(["check", "--diff", "My_Plugin"])
        .current_dir(plugin.dir.parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--- My_Plugin/MANIFEST\n\
         +++ My_Plugin/MANIFEST\n\
         @@ -1,6 +1,6 @@\n \
         name: My_Plugin\n \
         description: A plugin\n\
         -version: 1.10\n\
         +version: '1.10'\n \
         type: AA\n \
         api: '1.9'\n\
         -entry_point=main.py\n\
         +entry_point: main.py\n\
         --- My_Plugin/default.cfg\n\
         +++ My_Plugin/default.cfg\n\
         @@ -1,2 +1,3 @@\n \
         [logging]\n\
         -log_level = info ; note\n\
         +; note\n\
         +log_level = info\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "sps-plugin-ls: would fix 3 problems in 2 files, 1 would remain\n"
    );
    assert_eq!(
        std::fs::read_to_string(plugin.path("MANIFEST")).unwrap(),
        manifest
    );
    // With unsafe fixes the type is fixed too.
    let (_, stdout, _) = check(&[
        "--diff",
        "--unsafe-fixes",
        "-q",
        plugin.dir.to_str().unwrap(),
    ]);
    assert!(
        stdout.contains("-type: AA\n") && stdout.contains("+type: aa\n"),
        "{stdout}"
    );
    // --exit-zero: 0 all the same.
    assert_eq!(
        check(&["--diff", "--exit-zero", plugin.dir.to_str().unwrap()]).0,
        0
    );
    let clean = Plugin::new(&[("main.py", MAIN_PY), ("MANIFEST", GOOD_MANIFEST)]);
    let (status, stdout, stderr) = check(&["--diff", clean.dir.to_str().unwrap()]);
    assert_eq!((status, stdout.as_str()), (0, ""));
    assert_eq!(
        stderr,
        "sps-plugin-ls: would fix 0 problems in 0 files, 0 would remain\n"
    );
}

/// `--fix` writes through a temporary file renamed over the original: the
/// permissions stay, no temporary file is left, and the summary counts.
#[cfg(unix)]
#[test]
fn fix_writes_atomically_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        (
            "MANIFEST",
            &GOOD_MANIFEST
                .replace("'1.0.0'", "1.10")
                .replace("type: aa", "type: AA"),
        ),
    ]);
    let manifest = plugin.path("MANIFEST");
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o640)).unwrap();
    // As root (CI), the file belongs to someone else: it still does after.
    let as_root = std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    if as_root {
        std::os::unix::fs::chown(&manifest, Some(4321), Some(4321)).unwrap();
    }
    let (status, stdout, stderr) = check(&["--fix", plugin.dir.to_str().unwrap()]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stdout.ends_with(
            "fixed 1 problem in 1 file, 1 remaining\n\
             1 more fixable with `--fix --unsafe-fixes` (unsafe fixes: look at them before you keep them)\n\
             1 error, 0 warnings, 0 notes in 2 files\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("error[manifest/invalid-type]"));
    assert!(std::fs::read_to_string(&manifest)
        .unwrap()
        .contains("version: '1.10'\n"));
    let mode = std::fs::metadata(&manifest).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    if as_root {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(&manifest).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    }
    let names: Vec<String> = std::fs::read_dir(&plugin.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    // Nothing more to fix: nothing written, quiet says nothing but the rest.
    let (_, stdout, _) = check(&["--fix", "-q", plugin.dir.to_str().unwrap()]);
    assert!(!stdout.contains("fixed"), "{stdout}");
}

/// A .zip is checked but never written; `check` says so.
#[test]
fn fix_never_writes_inside_a_zip() {
    let plugin = Plugin::new(&[]);
    let zip_path = plugin.dir.parent().unwrap().join("p.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("MANIFEST", opts).unwrap();
    std::io::Write::write_all(&mut w, GOOD_MANIFEST.replace("'1.0.0'", "1.10").as_bytes()).unwrap();
    w.start_file("main.py", opts).unwrap();
    std::io::Write::write_all(&mut w, MAIN_PY.as_bytes()).unwrap();
    w.finish().unwrap();
    let before = std::fs::read(&zip_path).unwrap();
    let (status, stdout, stderr) = check(&["--fix", zip_path.to_str().unwrap()]);
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("warning[manifest/number-changes-text]"),
        "{stdout}"
    );
    assert_eq!(
        stderr,
        format!(
            "sps-plugin-ls: {}: files inside a .zip are never fixed; fix the plugin folder and zip it again\n",
            zip_path.display()
        )
    );
    assert_eq!(std::fs::read(&zip_path).unwrap(), before);
}

/// `check .` inside a plugin folder finds the configuration file in a
/// folder above (the repository's root), as ruff does, and still names the
/// files as given.
#[test]
fn the_configuration_above_the_current_folder_applies() {
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        ("MANIFEST", &GOOD_MANIFEST.replace("type: aa", "type: AA")),
        ("default.cfg", "[logging]\nlog_level = loud\n"),
    ]);
    let root = plugin.dir.parent().unwrap();
    std::fs::write(
        root.join("sps-plugin-ls.toml"),
        "ignore = [\"manifest/invalid-type\"]\nexclude = [\"*.cfg\"]\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(bin())
            .arg("check")
            .args(args)
            .current_dir(&plugin.dir)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(
        run(&["."]),
        (
            Some(0),
            "0 errors, 0 warnings, 0 notes in 2 files\n".to_string()
        )
    );
    // A file named directly is checked, and shown as named.
    let (status, stdout) = run(&["default.cfg"]);
    assert_eq!(status, Some(1));
    assert!(
        stdout.starts_with("default.cfg:2:13: error[config/invalid-enum]"),
        "{stdout}"
    );
    let (_, stdout) = run(&["--format", "junit", "../My_Plugin"]);
    assert!(
        stdout.contains("<testsuite name=\"../My_Plugin/MANIFEST\""),
        "{stdout}"
    );
}

/// `source.fixAll.sps-plugin-ls` in the server, for every code whose fixes
/// are safe: the edit it answers leaves each file of the case as
/// `check --fix` writes it.
#[test]
fn fix_all_in_the_server_fixes_what_check_fix_does() {
    for (code, files) in FIX_CASES {
        if codes::by_id(code).unwrap().fix != Fixable::Safe {
            continue;
        }
        let mut all: Vec<(&str, &str)> = vec![("main.py", MAIN_PY), ("MANIFEST", GOOD_MANIFEST)];
        for (name, text) in *files {
            all.retain(|(n, _)| n != name);
            all.push((name, text));
        }
        let by_cli = Plugin::new(&all);
        check(&["--fix", by_cli.dir.to_str().unwrap()]);
        let by_server = Plugin::new(&all);
        let mut server = Server::start_open_scope(&by_server.dir);
        for (name, text) in *files {
            let u = server.open(&by_server.path(name), text);
            server.diagnostics(&u, 1);
            let end = position(text, text.len(), "utf-16");
            let actions = server
                .request(
                    "textDocument/codeAction",
                    json!({
                        "textDocument": { "uri": u },
                        "range": { "start": { "line": 0, "character": 0 }, "end": end },
                        "context": { "diagnostics": [], "only": ["source.fixAll.sps-plugin-ls"] }
                    }),
                )
                .unwrap();
            let mut fixed = text.to_string();
            if let Some(a) = actions.as_array().unwrap().first() {
                let mut edits: Vec<(usize, usize, String)> = a["edit"]["changes"][&u]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| {
                        (
                            offset(text, &e["range"]["start"], "utf-16"),
                            offset(text, &e["range"]["end"], "utf-16"),
                            e["newText"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                edits.sort_by_key(|e| std::cmp::Reverse(e.0));
                for (s, e, t) in edits {
                    fixed.replace_range(s..e, &t);
                }
            }
            let written = std::fs::read_to_string(by_cli.path(name)).unwrap();
            assert_eq!(
                fixed, written,
                "{code}: {name}: fix-all and check --fix differ"
            );
        }
        assert_eq!(server.shutdown(), 0);
    }
}
