//! The command line itself: `--`, names that are not UTF-8, the
//! subcommands, usage errors, and the options of `check` that are not about
//! output formats (cli_formats.rs).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::*;

/// Runs the binary with `args` in `dir`; (status, stdout, stderr).
fn run_in(dir: &Path, args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(Into::into).collect()
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let args = os(args);
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    run_in(dir, &refs)
}

/// A plugin folder named `-legacy` (with a broken MANIFEST) beside the
/// plugin of `Plugin::new`; returns the folder holding both.
fn dash_plugin() -> (Plugin, std::path::PathBuf) {
    let plugin = Plugin::new(&[("main.py", MAIN_PY), ("MANIFEST", GOOD_MANIFEST)]);
    let parent = plugin.dir.parent().unwrap().to_path_buf();
    let legacy = parent.join("-legacy");
    std::fs::create_dir_all(&legacy).unwrap();
    std::fs::write(legacy.join("main.py"), MAIN_PY).unwrap();
    std::fs::write(
        legacy.join("MANIFEST"),
        GOOD_MANIFEST
            .replace("type: aa", "type: aaa")
            .replace("My_Plugin", "legacy"),
    )
    .unwrap();
    (plugin, parent)
}

/// `--` ends the options: a plugin folder named `-legacy` is a path after
/// it, for `check` and for `check --plugins-of`.
#[test]
fn double_dash_ends_the_options() {
    let (_plugin, parent) = dash_plugin();
    let (status, stdout, stderr) = run(&parent, &["check", "--", "-legacy"]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("-legacy/MANIFEST:4:7: error[manifest/invalid-type]"),
        "{stdout}"
    );
    let (status, stdout, stderr) = run(
        &parent,
        &[
            "check",
            "--plugins-of",
            "--",
            "-legacy/MANIFEST",
            "My_Plugin/main.py",
        ],
    );
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("-legacy/MANIFEST:4:7: error[manifest/invalid-type]"),
        "{stdout}"
    );
    // Without `--`, it is an option no one knows: a usage error.
    let (status, _, stderr) = run(&parent, &["check", "-legacy"]);
    assert_eq!(status, 2, "{stderr}");
}

/// The pre-commit hook as pre-commit runs it: `entry`, then `args`, then
/// the commit's files, from the repository's top. A file of `-legacy` is
/// one of them.
#[test]
fn the_pre_commit_hook_takes_a_folder_named_dash_legacy() {
    let hooks = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../.pre-commit-hooks.yaml"),
    )
    .unwrap();
    let field = |key: &str| {
        hooks
            .lines()
            .find_map(|l| l.trim().strip_prefix(key).map(str::trim))
            .map(str::to_string)
    };
    let entry = field("entry:").unwrap();
    let mut words: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
    assert_eq!(words[0], "sps-plugin-ls");
    words.remove(0);
    if let Some(args) = field("args:") {
        let list = args.trim_start_matches('[').trim_end_matches(']');
        words.extend(
            list.split(',')
                .map(|a| a.trim().trim_matches('"').trim_matches('\'').to_string())
                .filter(|a| !a.is_empty()),
        );
    }
    words.push("-legacy/MANIFEST".into());
    words.push("My_Plugin/main.py".into());
    let (_plugin, parent) = dash_plugin();
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let (status, stdout, stderr) = run(&parent, &refs);
    assert_eq!(status, 1, "{words:?}\n{stdout}{stderr}");
    assert!(
        stdout.contains("-legacy/MANIFEST:4:7: error[manifest/invalid-type]"),
        "{stdout}"
    );
}

/// A file name that is not UTF-8, as git passes it to the hook: the plugin
/// holding it is checked (no panic, no exit 101).
#[cfg(unix)]
#[test]
fn plugins_of_takes_a_file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        ("MANIFEST", &GOOD_MANIFEST.replace("type: aa", "type: aaa")),
    ]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    let file = plugin.dir.join(name);
    std::fs::write(&file, "x = 1\n").unwrap();
    let args = [
        std::ffi::OsStr::new("check"),
        std::ffi::OsStr::new("--plugins-of"),
        file.as_os_str(),
    ];
    let (status, stdout, stderr) = run_in(&plugin.dir, &args);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(stdout.contains("error[manifest/invalid-type]"), "{stdout}");
    // And as a PATH of `check`: a usage error would be wrong too.
    let args = [std::ffi::OsStr::new("check"), file.as_os_str()];
    let (status, _, stderr) = run_in(&plugin.dir, &args);
    assert_ne!(status, 101, "{stderr}");
}

/// A plugin with an error in its MANIFEST (`type: aaa`), a warning-free
/// default.cfg with an error (`log_level=loud`), and a clean entry point.
fn two_errors() -> Plugin {
    Plugin::new(&[
        ("main.py", MAIN_PY),
        ("MANIFEST", &GOOD_MANIFEST.replace("type: aa", "type: aaa")),
        ("default.cfg", "[logging]\nlog_level=loud\n"),
    ])
}

/// The codes reported for `dir` with `extra` options (JSON), sorted.
fn codes_of(dir: &Path, extra: &[&str]) -> (i32, Vec<String>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let (status, stdout, stderr) = run(dir, &args);
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}{stderr}"));
    let mut codes: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    (status, codes)
}

/// `check` without a PATH checks the current folder.
#[test]
fn check_without_a_path_checks_the_current_folder() {
    let plugin = two_errors();
    let (status, stdout, stderr) = run(&plugin.dir, &["check"]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    // Named as `check .` names them.
    assert!(
        stdout.contains("./MANIFEST:4:7: error[manifest/invalid-type]")
            && stdout.contains("./default.cfg:2:11: error[config/invalid-enum]"),
        "{stdout}"
    );
    assert!(stdout.ends_with("in 3 files\n"), "{stdout}");
}

/// A usage error is two lines: what is wrong, and where the help is; not
/// the whole help.
#[test]
fn usage_errors_are_two_lines() {
    let plugin = two_errors();
    let errors: Vec<String> = [
        &["check", "--bogus"][..],
        &["check", "--format", "xml"],
        &["check", "--fix=yes"],
        &["check", "--select", "manifest/nope"],
        &["check", "--statistics", "--format", "sarif"],
        &["check", "--config", "colour = 1"],
        &["chekc"],
        &["rule", "manifest/nope"],
        &["rule"],
    ]
    .iter()
    .map(|args| {
        let (status, stdout, stderr) = run(&plugin.dir, args);
        assert_eq!(status, 2, "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr.lines().count(), 2, "{args:?}: {stderr}");
        stderr
    })
    .collect();
    expect_test::expect![[r#"
        sps-plugin-ls: unexpected argument '--bogus' found (a path starting with '-': write '-- --bogus')
        For more information, try 'sps-plugin-ls check --help'.
        sps-plugin-ls: invalid value 'xml' for '--format <FORMAT>' (possible values: human, json, sarif, github, gitlab, junit)
        For more information, try 'sps-plugin-ls check --help'.
        sps-plugin-ls: unexpected value 'yes' for '--fix' found; no more were expected
        For more information, try 'sps-plugin-ls check --help'.
        sps-plugin-ls: invalid value 'manifest/nope' for '--select <CODES>': not a code or family; `sps-plugin-ls rule --all` lists them
        For more information, try 'sps-plugin-ls check --help'.
        sps-plugin-ls: --statistics prints as human or json only
        For more information, try 'sps-plugin-ls check --help'.
        sps-plugin-ls: --config 'colour = 1': `colour` is not a setting; the settings are select, extend-select, ignore, per-file-ignores, severity, exclude, target-sps, instance-configs
        For more information, try 'sps-plugin-ls check --help'.
        sps-plugin-ls: unrecognized subcommand 'chekc'; did you mean 'check'?
        For more information, try 'sps-plugin-ls --help'.
        sps-plugin-ls: `manifest/nope` is not a code or family; `sps-plugin-ls rule --all` lists them
        For more information, try 'sps-plugin-ls rule --help'.
        sps-plugin-ls: missing <CODE|--all>
        For more information, try 'sps-plugin-ls rule --help'.
    "#]]
    .assert_eq(&errors.concat());
}

/// `server` and `--stdio` serve LSP; with no command on a pipe too (the
/// harness's `Server::spawn`); at a terminal, the help and exit 2.
#[test]
fn server_stdio_and_a_bare_invocation() {
    for args in [&["server"][..], &["--stdio"], &["server", "--stdio"]] {
        let mut s = Server::spawn_with_args(args);
        s.initialize(&["utf-16"], None);
        assert_eq!(s.shutdown(), 0, "{args:?}");
    }
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("skipped: no `script` (util-linux) to give the binary a terminal");
        return;
    }
    // `script` gives it a pseudo-terminal on stdin and stdout; a server
    // would wait for input until the timeout kills it.
    let out = Command::new("timeout")
        .args(["10", "script", "-qec"])
        .arg(bin())
        .arg("/dev/null")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("Usage: sps-plugin-ls [OPTIONS] [COMMAND]"),
        "{text}"
    );
    assert!(text.contains("check"), "{text}");
}

/// `rule CODE`, a family, and `--all`: the documentation of docs/rules.md,
/// offline.
#[test]
fn rule_prints_a_code_s_documentation() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (status, stdout, _) = run(here, &["rule", "config/inline-comment"]);
    assert_eq!(status, 0);
    assert!(
        stdout.starts_with("# `config/inline-comment`\n\n**Severity:**"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("rules.md#config-inline-comment\n"),
        "{stdout}"
    );
    let (status, family, _) = run(here, &["rule", "zip"]);
    assert_eq!(status, 0);
    assert!(family.matches("\n# `zip/").count() + 1 >= 3, "{family}");
    let (status, all, _) = run(here, &["rule", "--all"]);
    assert_eq!(status, 0);
    let page = std::fs::read_to_string(here.join("../docs/rules.md")).unwrap();
    assert_eq!(
        all.lines().filter(|l| l.starts_with("# `")).count(),
        page.matches("\n### `").count()
    );
}

/// `--select`, `--extend-select`, `--ignore` and `--config` over the
/// configuration file, as ruff's command line goes over its file.
#[test]
fn the_command_line_goes_over_the_configuration_file() {
    let plugin = two_errors();
    let dir = &plugin.dir;
    let all = codes_of(dir, &[]);
    assert_eq!(all.1, ["config/invalid-enum", "manifest/invalid-type"]);
    std::fs::write(dir.join("sps-plugin-ls.toml"), "ignore = [\"config\"]\n").unwrap();
    assert_eq!(codes_of(dir, &[]).1, ["manifest/invalid-type"]);
    // --extend-select wins over the file's ignore of the same codes.
    assert_eq!(
        codes_of(dir, &["--extend-select", "config/invalid-enum"]),
        all
    );
    // --select replaces the selection, the file's ignore with it.
    assert_eq!(
        codes_of(dir, &["--select", "config"]),
        (1, vec!["config/invalid-enum".to_string()])
    );
    assert_eq!(codes_of(dir, &["--select", "config,manifest"]), all);
    // --ignore adds to the file's.
    assert_eq!(codes_of(dir, &["--ignore", "manifest"]), (0, vec![]));
    // --config KEY=VALUE replaces that key of the file's.
    assert_eq!(codes_of(dir, &["--config", "ignore = []"]), all);
    assert_eq!(
        codes_of(
            dir,
            &[
                "--config",
                "severity = { \"manifest/invalid-type\" = \"warning\" }"
            ]
        ),
        (0, vec!["manifest/invalid-type".to_string()])
    );
    assert_eq!(
        codes_of(
            dir,
            &[
                "--config",
                "severity = { \"manifest/invalid-type\" = \"warning\" }",
                "--ignore=config"
            ]
        ),
        (0, vec!["manifest/invalid-type".to_string()])
    );
    // --config FILE: used instead of the file found.
    let other = dir.parent().unwrap().join("other.toml");
    std::fs::write(&other, "select = [\"config\"]\n").unwrap();
    assert_eq!(
        codes_of(dir, &["--config", other.to_str().unwrap()]).1,
        ["config/invalid-enum"]
    );
    std::fs::write(&other, "select = [\n").unwrap();
    let (status, _, stderr) = run(dir, &["check", "--config", other.to_str().unwrap()]);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("other.toml:1:11: cannot read this configuration file"),
        "{stderr}"
    );
}

/// `--show-settings PATH`: the settings in effect there, from the file and
/// the command line.
#[test]
fn show_settings_prints_the_settings_in_effect() {
    let plugin = two_errors();
    let dir = &plugin.dir;
    std::fs::write(
        dir.join("sps-plugin-ls.toml"),
        "ignore = [\"config\"]\ntarget-sps = \"6.0\"\n[per-file-ignores]\n\"lib/**\" = [\"python\"]\n[severity]\nmanifest = \"warning\"\n",
    )
    .unwrap();
    let (status, stdout, stderr) = run(
        dir,
        &[
            "check",
            "--show-settings",
            "MANIFEST",
            "--extend-select",
            "config/invalid-enum",
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    let root = dir.canonicalize().unwrap();
    let shown = stdout.replace(&root.display().to_string(), "<plugin>");
    let shown = shown.replace(&dir.display().to_string(), "<plugin>");
    let off: Vec<&str> = shown.lines().filter(|l| l.starts_with("#   ")).collect();
    assert!(
        off.iter().any(|l| l.contains("config/placeholder")),
        "{shown}"
    );
    assert!(
        !off.iter().any(|l| l.contains("config/invalid-enum")),
        "{shown}"
    );
    let head: String = shown
        .lines()
        .take_while(|l| !l.starts_with("# Not reported"))
        .map(|l| format!("{l}\n"))
        .collect();
    expect_test::expect![[r#"
        # Settings in effect for MANIFEST
        # Configuration file: <plugin>/sps-plugin-ls.toml
        # With the command line's --select, --extend-select, --ignore and --config
        # Globs are relative to: <plugin>

        # select: not set (every code)
        extend-select = ["config/invalid-enum"]
        ignore = ["config"]
        exclude = []
        target-sps = ["6.0"]

        [per-file-ignores]
        "lib/**" = ["python"]

        [severity]
        "manifest" = "warning"

    "#]]
    .assert_eq(&head);
}

/// `--output-file`: the report goes to the file, nothing to stdout.
#[test]
fn output_file_takes_the_report() {
    let plugin = two_errors();
    let report = plugin.dir.parent().unwrap().join("report.json");
    let (status, stdout, stderr) = run(
        &plugin.dir,
        &["check", "--format", "json", "-o", report.to_str().unwrap()],
    );
    assert_eq!(status, 1, "{stderr}");
    assert_eq!(stdout, "");
    let (_, direct, _) = run(&plugin.dir, &["check", "--format", "json"]);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), direct);
    let (status, _, stderr) = run(
        &plugin.dir,
        &["check", "--output-file", "/nonexistent/dir/report.json"],
    );
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot write the report"), "{stderr}");
}

/// `--add-suppressions`: a comment for each diagnostic, in the file's
/// form; the check that follows is clean; nothing else changes.
#[test]
fn add_suppressions_silences_each_finding() {
    let plugin = Plugin::new(&[
        ("main.py", MAIN_PY),
        (
            "MANIFEST",
            &format!(
                "{}autor: me\n",
                GOOD_MANIFEST.replace("type: aa", "type: aaa")
            ),
        ),
        ("default.cfg", "[logging]\nlog_level=loud\n"),
    ]);
    let (status, stdout, stderr) = run(&plugin.dir, &["check", "--add-noqa"]);
    assert_eq!((status, stdout.as_str()), (0, ""), "{stderr}");
    assert_eq!(
        stderr,
        "sps-plugin-ls: added 3 suppression comments in 2 files\n"
    );
    let read = |name: &str| std::fs::read_to_string(plugin.path(name)).unwrap();
    expect_test::expect![[r#"
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aaa  # sps-plugin-ls: ignore[manifest/invalid-type]
        api: '1.9'
        entry_point: main.py
        autor: me  # sps-plugin-ls: ignore[manifest/unknown-key]
        ---
        [logging]
        # sps-plugin-ls: ignore[config/invalid-enum]
        log_level=loud
    "#]]
    .assert_eq(&format!("{}---\n{}", read("MANIFEST"), read("default.cfg")));
    assert_eq!(read("main.py"), MAIN_PY);
    let (status, stdout, _) = run(&plugin.dir, &["check"]);
    assert_eq!(status, 0, "{stdout}");
    assert!(
        stdout.ends_with("0 errors, 0 warnings, 0 notes in 3 files\n"),
        "{stdout}"
    );
    // Nothing left to add: nothing written.
    let (_, _, stderr) = run(&plugin.dir, &["check", "--add-suppressions"]);
    assert_eq!(
        stderr,
        "sps-plugin-ls: added 0 suppression comments in 0 files\n"
    );
}

/// `--watch`: a check, then another when a file changes.
#[test]
fn watch_checks_again_when_a_file_changes() {
    use std::io::BufRead;
    let plugin = two_errors();
    let mut child = Command::new(bin())
        .args(["check", "--watch", "--format", "json"])
        .current_dir(&plugin.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let _child = Kill(child);
    // Each report is a JSON document ending with a `}` line.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut doc = String::new();
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            doc.push_str(&line);
            doc.push('\n');
            if line == "}" {
                let _ = tx.send(std::mem::take(&mut doc));
            }
        }
    });
    let (etx, erx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = etx.send(line);
        }
    });
    let wait = std::time::Duration::from_secs(30);
    let first = rx.recv_timeout(wait).expect("a first report");
    assert_eq!(first.matches("\"code\"").count(), 2, "{first}");
    // Watching: then the change.
    let watching = erx.recv_timeout(wait).expect("watching");
    assert!(watching.contains("watching for changes"), "{watching}");
    std::fs::write(plugin.path("default.cfg"), "[logging]\nlog_level=info\n").unwrap();
    let second = rx
        .recv_timeout(wait)
        .expect("a second report after the change");
    assert_eq!(second.matches("\"code\"").count(), 1, "{second}");
    assert!(second.contains("manifest/invalid-type"), "{second}");
}

/// The folder walk for plugins: `.gitignore` decides which folders are
/// searched, at any depth; a plugin found keeps all its files.
#[test]
fn gitignore_decides_which_folders_are_searched_for_plugins() {
    let root = Plugin::new(&[
        (
            "a/MANIFEST",
            &GOOD_MANIFEST.replace("type: aa", "type: aaa"),
        ),
        ("a/main.py", MAIN_PY),
        ("a/build/x.py", "import nowhere\n"),
        ("a/.gitignore", "build/\n"),
        (
            "nested/b/MANIFEST",
            &GOOD_MANIFEST.replace("type: aa", "type: aab"),
        ),
        ("nested/b/main.py", MAIN_PY),
        (
            "vendored/c/MANIFEST",
            &GOOD_MANIFEST.replace("type: aa", "type: aac"),
        ),
        ("vendored/c/main.py", MAIN_PY),
        (".gitignore", "vendored/\n"),
    ]);
    let (status, stdout, stderr) = run(&root.dir, &["check", "--format", "json"]);
    assert_eq!(status, 1, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut files: Vec<String> = v["diagnostics"]
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
    files.dedup();
    assert_eq!(
        files,
        [
            "./a/MANIFEST manifest/invalid-type",
            "./nested/b/MANIFEST manifest/invalid-type"
        ],
        "{stdout}"
    );
    // A plugin's own files are its, ignored or not (the packaging rules see
    // `build/`).
    let (_, junit, _) = run(&root.dir, &["check", "--format", "junit"]);
    assert!(!junit.contains("vendored"), "{junit}");
}

/// The server's log lines (stderr) carry no timestamp of their own: the
/// editor's log puts one on each line.
#[test]
fn server_log_lines_have_no_timestamp() {
    use std::io::Write;
    let frame = |v: serde_json::Value| {
        let body = v.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let mut child = Command::new(bin())
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = [
        frame(serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})),
        frame(serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}})),
        frame(serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})),
        frame(serde_json::json!({"jsonrpc": "2.0", "method": "exit"})),
    ]
    .concat();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("INFO"), "{log}");
    for line in log.lines() {
        assert!(
            line.trim_start().starts_with(['T', 'D', 'I', 'W', 'E']),
            "a timestamp or other prefix: {line:?}"
        );
    }
}

/// A plugin folder whose name is not UTF-8, in a folder of plugins: found
/// by the walk and checked (f8f3d40: "no MANIFEST in this folder", exit 2).
#[cfg(unix)]
#[test]
fn a_plugin_folder_named_in_latin1_is_checked() {
    use std::os::unix::ffi::OsStrExt;
    let root = Plugin::new(&[]);
    let plugin = root.dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    std::fs::create_dir_all(&plugin).unwrap();
    std::fs::write(plugin.join("main.py"), MAIN_PY).unwrap();
    std::fs::write(
        plugin.join("MANIFEST"),
        GOOD_MANIFEST.replace("type: aa", "type: aaa"),
    )
    .unwrap();
    let (status, stdout, stderr) = run(&root.dir, &["check", "."]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("./caf\u{FFFD}/MANIFEST:4:7: error[manifest/invalid-type]"),
        "{stdout}"
    );
}
