//! sps-plugin-ls beside ruff on the same Python (issue 23's targets), every
//! figure printed beside its baseline from the same run:
//!
//! * `check` of the generated 200-plugin workspace against
//!   `ruff check --no-cache --select F` (parse plus pyflakes' semantic model
//!   and every F rule): wall time and CPU (user + sys of the process);
//! * the parse alone, to attribute the gap: our parser over every `.py` in
//!   this process against `ruff check --no-cache --select E501` (ruff parses
//!   every file whatever is selected; E501 is a line scan on top);
//! * a `.py` keystroke in a plugin of ~1,800 lines: our server and
//!   `ruff server` typed in turn, the same file and edits, from `didChange`
//!   to the `publishDiagnostics` of that version;
//! * a MANIFEST keystroke in that plugin against one in a lone MANIFEST
//!   (a plugin of a MANIFEST and a seven-line `main.py`);
//! * the server's start on the 200 plugins: `initialize` answered, and the
//!   first `workspace/diagnostic` pull, sent right after `initialized`,
//!   answered (with every finding of `check`).
//!
//! `cargo bench --bench ruff`. ruff 0.17.6 comes from PyPI into
//! `target/tmp/ruff-venv` (once); `SPS_BENCH_RUFF=path` uses another ruff.
//! Without either, ruff's columns are left empty. `SPS_BENCH_QUICK=1` runs
//! fewer repetitions and keystrokes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::workspace::generate;
use common::{bin, init_params, median, percentile, quick, Typing};
use serde_json::{json, Value};
use sps_lsp_client::Client;

const RUFF_VERSION: &str = "0.17.6";

/// The binary's allocator, so that the parse measured here costs what it
/// costs in `check`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The ruff to compare with: `SPS_BENCH_RUFF`, else ruff from PyPI in a
/// virtualenv of the target folder, installed on first use.
fn ruff() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SPS_BENCH_RUFF") {
        return Some(PathBuf::from(p));
    }
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ruff-venv");
    let ruff = venv.join("bin/ruff");
    let has = |r: &Path| {
        Command::new(r)
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(RUFF_VERSION))
    };
    if has(&ruff) {
        return Some(ruff);
    }
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip"))
            .args(["install", "-q", &format!("ruff=={RUFF_VERSION}")])
            .status()
            .is_ok_and(|s| s.success());
    (ok && has(&ruff)).then_some(ruff)
}

/// User + system CPU of the children waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Runs the command to its end; its wall time and CPU.
fn timed(cmd: &mut Command) -> (Duration, Duration) {
    let cpu = children_cpu();
    let started = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    let wall = started.elapsed();
    assert!(matches!(status.code(), Some(0 | 1)), "{cmd:?}: {status}");
    (wall, children_cpu() - cpu)
}

/// Median wall and median CPU over `runs`.
fn medians(runs: usize, mut make: impl FnMut() -> Command) -> (Duration, Duration) {
    let (walls, cpus): (Vec<_>, Vec<_>) = (0..runs).map(|_| timed(&mut make())).unzip();
    (median(walls), median(cpus))
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
}

fn bench_check(dir: &Path, ruff: Option<&Path>) {
    let runs = if quick() { 3 } else { 7 };
    let ours = || {
        let mut c = Command::new(bin());
        c.args(["check", "--format", "json"]).arg(dir);
        c
    };
    let (wall, cpu) = medians(runs, ours);
    println!("  sps-plugin-ls check: wall {}, CPU {}", ms(wall), ms(cpu));
    let Some(ruff) = ruff else {
        println!("  ruff: not available");
        return;
    };
    let (rwall, rcpu) = medians(runs, || {
        let mut c = Command::new(ruff);
        c.args(["check", "--no-cache", "--select", "F", "--exit-zero"])
            .arg(dir);
        c
    });
    println!(
        "  ruff check --no-cache --select F: wall {}, CPU {}; ours/ruff: wall {}, CPU {} (target <= 1)",
        ms(rwall),
        ms(rcpu),
        ratio(wall, rwall),
        ratio(cpu, rcpu)
    );

    // The parse alone.
    let mut files = Vec::new();
    collect_py(dir, &mut files);
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let parse = median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                for t in &texts {
                    std::hint::black_box(sps_plugin_ls::syntax::python::parse(t));
                }
                started.elapsed()
            })
            .collect(),
    );
    let (_, rparse) = medians(runs, || {
        let mut c = Command::new(ruff);
        c.args([
            "check",
            "--no-cache",
            "--select",
            "E501",
            "--line-length",
            "320",
            "--exit-zero",
        ])
        .arg(dir);
        c
    });
    println!(
        "  parse only: ours {} of CPU ({} files, one thread, in process; our parser crate is the version pinned here); \
         ruff with E501 only (files found, read, parsed, lines scanned) {} of CPU; ours/ruff {}",
        ms(parse),
        texts.len(),
        ms(rparse),
        ratio(parse, rparse)
    );
    println!(
        "  so of our check's CPU, {} is the parse, {} the rest",
        ms(parse),
        ms(cpu.saturating_sub(parse))
    );
}

fn collect_py(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect_py(&p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

fn start(cmd: Command, root: &Path, capabilities_extra: Option<Value>) -> (Client, Duration) {
    let mut lsp = Client::spawn(cmd);
    lsp.set_timeout(Duration::from_secs(120));
    let mut params = init_params(root);
    if let Some(extra) = capabilities_extra {
        params["capabilities"]["textDocument"]["diagnostic"] = extra["textDocument"].clone();
        params["capabilities"]["workspace"]["diagnostics"] = extra["workspace"].clone();
    }
    let started = Instant::now();
    let id = lsp.send_request("initialize", params);
    let (at, _) = lsp.response_timed(id);
    lsp.notify("initialized", json!({}));
    (lsp, at - started)
}

fn ours() -> Command {
    let mut c = Command::new(bin());
    c.env("RUST_LOG", "warn");
    c
}

fn bench_keystrokes(one: &Path, lone: &Path, ruff: Option<&Path>) {
    let edits = if quick() { 60 } else { 400 };
    let plugin = one.join("plugin-000");
    let file = plugin.join("lib/m1.py");
    let text = std::fs::read_to_string(&file).unwrap();
    let at = common::end_of_line_with(&text, "return value is not None", 0);
    let (mut us, _) = start(ours(), one, None);
    us.discard(Duration::from_secs(1));
    let mut them = ruff.map(|r| {
        let mut c = Command::new(r);
        c.arg("server");
        let (mut lsp, _) = start(c, &plugin, None);
        lsp.discard(Duration::from_secs(1));
        lsp
    });
    let mut ours_typing = Typing::open(&mut us, &file, "python", at);
    let mut ruff_typing = them
        .as_mut()
        .map(|lsp| Typing::open(lsp, &file, "python", at));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..edits {
        a.push(ours_typing.keystroke(&mut us));
        if let (Some(lsp), Some(t)) = (them.as_mut(), ruff_typing.as_mut()) {
            b.push(t.keystroke(lsp));
        }
    }
    let lines: usize = {
        let mut files = Vec::new();
        collect_py(&plugin, &mut files);
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap().lines().count())
            .sum()
    };
    print!(
        "  .py keystroke (lib/m1.py of a plugin of {lines} lines of Python), {edits} edits: ours p50 {} p99 {}",
        ms(percentile(&a, 50.0)),
        ms(percentile(&a, 99.0))
    );
    if b.is_empty() {
        println!("; ruff server: not available");
    } else {
        println!(
            "; ruff server p50 {} p99 {}; ours/ruff p50 {} (target <= 1)",
            ms(percentile(&b, 50.0)),
            ms(percentile(&b, 99.0)),
            ratio(percentile(&a, 50.0), percentile(&b, 50.0))
        );
    }
    if let Some(mut lsp) = them {
        lsp.finish();
    }

    // MANIFEST: in that plugin and in a lone MANIFEST, typed in turn.
    let (mut alone, _) = start(ours(), lone, None);
    alone.discard(Duration::from_secs(1));
    let manifest = std::fs::read_to_string(plugin.join("MANIFEST")).unwrap();
    let at = common::end_of_line_with(&manifest, "Workspace Generator", 0);
    let lone_text = std::fs::read_to_string(lone.join("MANIFEST")).unwrap();
    let lone_at = common::end_of_line_with(&lone_text, "Workspace Generator", 0);
    let mut in_plugin = Typing::open(&mut us, &plugin.join("MANIFEST"), "yaml", at);
    let mut by_itself = Typing::open(&mut alone, &lone.join("MANIFEST"), "yaml", lone_at);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..edits {
        a.push(in_plugin.keystroke(&mut us));
        b.push(by_itself.keystroke(&mut alone));
    }
    let (a50, b50) = (percentile(&a, 50.0), percentile(&b, 50.0));
    println!(
        "  MANIFEST keystroke: in that plugin p50 {} p99 {}; lone MANIFEST p50 {} p99 {}; ratio {} (targets: p50 <= 0.5 ms, ratio <= 1.5)",
        ms(a50),
        ms(percentile(&a, 99.0)),
        ms(b50),
        ms(percentile(&b, 99.0)),
        ratio(a50, b50)
    );
    us.finish();
    alone.finish();
}

fn bench_start(root: &Path) {
    let pull = json!({
        "textDocument": { "dynamicRegistration": false },
        "workspace": { "refreshSupport": true }
    });
    let started = Instant::now();
    let (mut lsp, init) = start(ours(), root, Some(pull));
    let id = lsp.send_request("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let (at, report) = lsp.response_timed(id);
    let report = report.expect("the workspace pull");
    let items = report["items"].as_array().map_or(0, Vec::len);
    let findings: usize = report["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| i["items"].as_array().map_or(0, Vec::len))
        .sum();
    println!(
        "  initialize answered in {} (target <= 10 ms); the first workspace/diagnostic pull answered {} after the first byte, {items} files, {findings} findings (target <= 500 ms)",
        ms(init),
        ms(at - started)
    );
    lsp.finish();
}

/// A plugin of a MANIFEST and a seven-line `main.py`.
fn lone_manifest(dir: &Path, one: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(one.join("plugin-000/MANIFEST"), dir.join("MANIFEST")).unwrap();
    std::fs::write(
        dir.join("main.py"),
        "#!/usr/bin/env pluginwrapper3\n\
         from safeguard.sessions.plugin import AAPlugin\n\
         \n\
         \n\
         class Plugin(AAPlugin):\n\
         \x20   def do_authorize(self):\n\
         \x20       return {'verdict': 'ACCEPT'}\n",
    )
    .unwrap();
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ruff-bench");
    let _ = std::fs::remove_dir_all(&root);
    let generated = root.join("generated");
    let one = root.join("one");
    let lone = root.join("lone");
    let shape = generate(&generated, 200);
    generate(&one, 1);
    lone_manifest(&lone, &one);
    println!(
        "generated workspace: {} plugins, {} .py files ({} lines); machine: {} cores",
        shape.plugins,
        shape.py_files,
        shape.py_lines,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let ruff = ruff();
    match &ruff {
        Some(r) => println!(
            "ruff: {}",
            String::from_utf8_lossy(&Command::new(r).arg("--version").output().unwrap().stdout)
                .trim()
        ),
        None => println!("ruff: could not be installed from PyPI; its columns are empty"),
    }
    println!("\n## check of the 200 plugins");
    bench_check(&generated, ruff.as_deref());
    println!("\n## keystrokes");
    bench_keystrokes(&one, &lone, ruff.as_deref());
    println!("\n## server start on the 200 plugins (pull)");
    bench_start(&generated);
}
