//! Installation tests: the server installed the way its users install tools.
//!
//! - The Python wheel (`scripts/build-release` builds it into `target/dist/`)
//!   goes into a fresh virtualenv and runs from it with no Rust on PATH.
//! - The pre-commit hook (`.pre-commit-hooks.yaml`): `pre-commit try-repo`
//!   of this repository in a throw-away git repository holding a plugin.
//!
//! They need `scripts/build-release` (the wheel) and `.tools/pre-commit`
//! (`scripts/test` sets it up). Without them a test prints SKIPPED and
//! passes, except when the `CI` environment variable is set: then it fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ has a parent")
        .to_path_buf()
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
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "install-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
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

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(&self) -> bool {
        self.status == Some(0)
    }

    fn describe(&self, what: &str) -> String {
        format!(
            "{what}: status {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status,
            tail(&self.stdout),
            tail(&self.stderr)
        )
    }
}

fn tail(s: &str) -> &str {
    let max = 8000;
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Runs `cmd` with stdin closed; kills its process group after `timeout`.
fn run(cmd: &mut Command, timeout: Duration) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", cmd.get_program()));
    let pid = child.id();
    let started = Instant::now();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<Output>();
    std::thread::spawn(move || {
        if let Ok(out) = child.wait_with_output() {
            let _ = done_tx.send(out);
        }
    });
    loop {
        if let Ok(out) = done_rx.recv_timeout(Duration::from_millis(200)) {
            return Run {
                status: out.status.code(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            };
        }
        if started.elapsed() > timeout {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
            let out = done_rx.recv_timeout(Duration::from_secs(10)).ok();
            return Run {
                status: None,
                stdout: out
                    .as_ref()
                    .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                    .unwrap_or_default(),
                stderr: format!("killed after {timeout:?}"),
            };
        }
    }
}

/// The wheel `scripts/build-release` built for this version.
fn built_wheel() -> Option<PathBuf> {
    let dist = repo_root().join("target/dist");
    let prefix = format!("sps_plugin_ls-{VERSION}-");
    fs::read_dir(dist)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".whl"))
        })
}

/// A PATH with only the system folders: no cargo, no rustc, no server.
fn system_path(first: &Path) -> String {
    format!("{}:/usr/local/bin:/usr/bin:/bin", first.display())
}

fn on_path(name: &str, path: &str) -> Option<PathBuf> {
    path.split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}

fn zip_entry(path: &Path, suffix: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).expect("a zip archive");
    let name = zip
        .file_names()
        .find(|n| n.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {}", path.display()))
        .to_owned();
    let mut text = String::new();
    zip.by_name(&name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

// ---------------------------------------------------------------------------
// The wheel

#[test]
fn wheel_installs_into_a_virtualenv_without_rust() {
    let wheel = built_wheel();
    if !require(
        wheel.is_some(),
        "wheel_installs_into_a_virtualenv_without_rust",
        &format!("no target/dist/sps_plugin_ls-{VERSION}-*.whl"),
        "scripts/build-release",
    ) {
        return;
    }
    let wheel = wheel.unwrap();
    let root = repo_root();

    // What the package says about itself.
    let metadata = zip_entry(&wheel, ".dist-info/METADATA");
    for line in [
        "Name: sps-plugin-ls".to_owned(),
        format!("Version: {VERSION}"),
        "License-Expression: MIT OR Apache-2.0".to_owned(),
        "Description-Content-Type: text/markdown; charset=UTF-8; variant=GFM".to_owned(),
    ] {
        assert!(
            metadata.lines().any(|l| l == line),
            "METADATA lacks {line:?}:\n{metadata}"
        );
    }
    assert!(
        metadata.contains("\n# sps-plugin-ls\n"),
        "the README is the package's description"
    );

    let tmp = TempDir::new("wheel");
    let venv = tmp.path().join("venv");
    let made = run(
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
        Duration::from_secs(120),
    );
    assert!(made.ok(), "{}", made.describe("python3 -m venv"));
    let bin = venv.join("bin");
    let path = system_path(&bin);
    for tool in ["cargo", "rustc"] {
        assert_eq!(on_path(tool, &path), None, "{tool} is on PATH={path}");
    }
    let env = |cmd: &mut Command| {
        cmd.env_clear()
            .env("PATH", &path)
            .env("HOME", tmp.path())
            .env("LANG", "C.UTF-8")
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("PIP_NO_INDEX", "1");
    };

    let mut pip = Command::new(bin.join("pip"));
    pip.arg("install").arg("--no-deps").arg(&wheel);
    env(&mut pip);
    let installed = run(&mut pip, Duration::from_secs(120));
    assert!(installed.ok(), "{}", installed.describe("pip install"));

    // Found on the virtualenv's PATH by name, as a user runs it.
    assert_eq!(
        on_path("sps-plugin-ls", &path),
        Some(bin.join("sps-plugin-ls"))
    );
    let mut version = Command::new("sps-plugin-ls");
    version.arg("--version");
    env(&mut version);
    let version = run(&mut version, Duration::from_secs(30));
    assert!(version.ok(), "{}", version.describe("--version"));
    assert_eq!(version.stdout.trim(), format!("sps-plugin-ls {VERSION}"));

    let mut check = Command::new("sps-plugin-ls");
    check
        .args(["check", "examples/hello-mfa"])
        .current_dir(&root);
    env(&mut check);
    let check = run(&mut check, Duration::from_secs(30));
    assert!(check.ok(), "{}", check.describe("check examples/hello-mfa"));

    // And it finds errors, with the exit status a CI job fails on.
    let broken = tmp.path().join("Broken");
    fs::create_dir_all(&broken).unwrap();
    fs::write(broken.join("MANIFEST"), "name: Broken\ntype: aaa\n").unwrap();
    let mut check = Command::new("sps-plugin-ls");
    check.args(["check", "Broken"]).current_dir(tmp.path());
    env(&mut check);
    let check = run(&mut check, Duration::from_secs(30));
    assert_eq!(check.status, Some(1), "{}", check.describe("check Broken"));
    assert!(
        check.stdout.contains("error[manifest/invalid-type]"),
        "{}",
        check.describe("check Broken")
    );
}

// ---------------------------------------------------------------------------
// pre-commit

const BROKEN_MANIFEST: &str = "\
name: Hello_Hook
description: Plugin committed by tests/install
version: '1.0.0'
type: aaa
api: '1.9'
entry_point: main.py
";

const MAIN_PY: &str =
    "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin as Plugin\n";

fn git(repo: &Path, args: &[&str]) {
    let done = run(
        Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid"])
            .args(args)
            .current_dir(repo),
        Duration::from_secs(60),
    );
    assert!(done.ok(), "{}", done.describe(&format!("git {args:?}")));
}

/// A target folder for the hook's build, seeded with the dependencies that
/// `cargo test` compiled (target/debug) so that only this crate is compiled
/// again, from the clone pre-commit makes. Hard links: cheap, and this
/// crate's own outputs (the only ones rebuilt) are not linked; no
/// incremental data is shared.
fn hook_target_dir(root: &Path) -> PathBuf {
    let target = root.join("target/pre-commit");
    let debug = root.join("target/debug");
    if !target.join("debug").is_dir() && debug.join("deps").is_dir() {
        fs::create_dir_all(target.join("debug")).unwrap();
        for sub in ["deps", "build", ".fingerprint"] {
            let copied = run(
                Command::new("cp")
                    .arg("-al")
                    .arg(debug.join(sub))
                    .arg(target.join("debug").join(sub)),
                Duration::from_secs(300),
            );
            assert!(copied.ok(), "{}", copied.describe("cp -al target/debug"));
        }
        for sub in ["deps", ".fingerprint"] {
            for entry in fs::read_dir(target.join("debug").join(sub))
                .unwrap()
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.contains("sps_plugin_ls") || name.starts_with("sps-plugin-ls") {
                    let path = entry.path();
                    let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
                }
            }
        }
    }
    target
}

#[test]
fn pre_commit_hook_fails_on_a_broken_manifest_and_passes_once_fixed() {
    let root = repo_root();
    let pre_commit = root.join(".tools/pre-commit/bin/pre-commit");
    if !require(
        pre_commit.is_file(),
        "pre_commit_hook_fails_on_a_broken_manifest_and_passes_once_fixed",
        "pre-commit is not installed in .tools/pre-commit",
        "./scripts/test sets it up (pip install pre-commit==4.7.0 into .tools/pre-commit)",
    ) {
        return;
    }
    let tmp = TempDir::new("pre-commit");
    let repo = tmp.path().join("my-plugins");
    let plugin = repo.join("Hello_Hook");
    fs::create_dir_all(&plugin).unwrap();
    fs::write(plugin.join("MANIFEST"), BROKEN_MANIFEST).unwrap();
    fs::write(plugin.join("main.py"), MAIN_PY).unwrap();
    // Not a plugin: the hook leaves it alone.
    fs::write(repo.join("setup.py"), "").unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);

    let target = hook_target_dir(&root);
    let try_repo = |what: &str| -> Run {
        let mut cmd = Command::new(&pre_commit);
        cmd.arg("try-repo")
            .arg(&root)
            .arg("sps-plugin-ls")
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            .env("CARGO_TARGET_DIR", &target)
            // pip builds the wheel with maturin; a dev build here (the hook
            // and its installation are what is tested, not the optimiser)
            // costs a minute instead of a release build's several.
            .env("MATURIN_PEP517_ARGS", "--profile dev")
            .env("CARGO_INCREMENTAL", "0")
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("NO_COLOR", "1")
            .env_remove("PRE_COMMIT_COLOR");
        let started = Instant::now();
        let done = run(&mut cmd, Duration::from_secs(1200));
        eprintln!(
            "pre-commit try-repo ({what}) took {:.1?}",
            started.elapsed()
        );
        done
    };

    // The first run installs the hook (pip builds the wheel with maturin).
    let failed = try_repo("broken MANIFEST");
    let text = format!("{}{}", failed.stdout, failed.stderr);
    assert_eq!(
        failed.status,
        Some(1),
        "{}",
        failed.describe("try-repo on a broken MANIFEST")
    );
    assert!(
        text.contains("sps-plugin-ls check") && text.contains("Failed"),
        "{}",
        failed.describe("try-repo")
    );
    assert!(
        text.contains("Hello_Hook/MANIFEST:4:7: error[manifest/invalid-type]"),
        "{}",
        failed.describe("try-repo")
    );

    fs::write(
        plugin.join("MANIFEST"),
        BROKEN_MANIFEST.replace("type: aaa", "type: aa"),
    )
    .unwrap();
    git(&repo, &["add", "."]);
    let passed = try_repo("fixed MANIFEST");
    assert!(passed.ok(), "{}", passed.describe("try-repo once fixed"));
    assert!(
        passed.stdout.contains("Passed"),
        "{}",
        passed.describe("try-repo once fixed")
    );
}
