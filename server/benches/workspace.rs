//! Performance at workspace scale (docs/BENCHMARKS.md, "A workspace of 200
//! plugins"). Every figure is printed beside its baseline, measured in the
//! same run:
//!
//! * `check` of a generated workspace of 200 plugins (2,000 lines of Python
//!   each, a problem of every family here and there) and of the ten real
//!   plugins of `../shared/plugins` copied 20 times, beside a Python baseline
//!   doing the same job in one process (`bench/workspace_baseline.py`: the
//!   SDK validator, configparser and `ast.parse` + walk);
//! * server start on the generated workspace: `initialize` answered, then
//!   every file's diagnostics published (workspace scope), from the first
//!   byte written; peak and settled memory;
//! * keystrokes in a MANIFEST, a default.cfg and a `.py` with one plugin open
//!   in a 1-plugin and in the 200-plugin workspace.
//!
//! `cargo bench --bench workspace`. The Python baseline needs the
//! repository's `.venv` (made by `./scripts/test`); without it that column
//! is left empty. `SPS_BENCH_QUICK=1` runs fewer edits and repetitions;
//! `SPS_BENCH_BIN=path` measures another build of the server;
//! `SPS_BENCH_ONLY=check`, `start` or `keys` runs one part.

mod common;

use common::{bin, init_params, median, percentile, quick, repo, Typing};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::workspace::{copy_real, generate, Shape};
use serde_json::{json, Value};
use sps_lsp_client::{uri, Client};

/// `SPS_BENCH_ONLY=check|start|keys` runs that part only.
fn only(part: &str) -> bool {
    std::env::var("SPS_BENCH_ONLY").map_or(true, |v| v == part)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn describe(name: &str, s: &Shape) {
    println!(
        "{name}: {} plugins, {} MANIFEST, {} .cfg, {} .py files ({} lines)",
        s.plugins, s.manifests, s.configs, s.py_files, s.py_lines
    );
}

// ---------------------------------------------------------------------------
// check, beside the Python baseline

/// Runs `check` once; returns its wall time and its JSON report.
fn check_once(dir: &Path, threads: Option<&str>) -> (Duration, Value) {
    let mut cmd = Command::new(bin());
    cmd.args(["check", "--format", "json"]).arg(dir);
    if let Some(t) = threads {
        cmd.env("SPS_PLUGIN_LS_THREADS", t);
    }
    let started = Instant::now();
    let out = cmd.output().expect("run check");
    let took = started.elapsed();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        took,
        serde_json::from_slice(&out.stdout).expect("check --format json"),
    )
}

fn baseline_python() -> Option<PathBuf> {
    let python = repo().join(".venv/bin/python");
    let ok = Command::new(&python)
        .args([
            "-c",
            "import yaml, safeguard.sessions.plugin_impl.tasks.manifest",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

fn baseline_once(python: &Path, dir: &Path) -> Duration {
    let started = Instant::now();
    let out = Command::new(python)
        .arg(repo().join("bench/workspace_baseline.py"))
        .arg(dir)
        .output()
        .expect("run the Python baseline");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

/// Counts of the report's codes, most frequent first.
fn code_counts(report: &Value) -> Vec<(String, usize)> {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for d in report["diagnostics"].as_array().into_iter().flatten() {
        *counts
            .entry(d["code"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

fn bench_check(name: &str, dir: &Path, python: Option<&Path>) {
    let runs = if quick() { 3 } else { 7 };
    let (_, report) = check_once(dir, None);
    let counts = code_counts(&report);
    let summary: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
    println!("  findings: {}", summary.join(", "));
    let ours = median((0..runs).map(|_| check_once(dir, None).0).collect());
    let one = median((0..runs).map(|_| check_once(dir, Some("1")).0).collect());
    let base = python.map(|p| median((0..runs.min(3)).map(|_| baseline_once(p, dir)).collect()));
    match base {
        Some(b) => println!(
            "  check {name}: {} (one thread: {}); Python baseline {}: {:.1}x faster (one thread: {:.1}x)",
            ms(ours),
            ms(one),
            ms(b),
            b.as_secs_f64() / ours.as_secs_f64(),
            b.as_secs_f64() / one.as_secs_f64()
        ),
        None => println!(
            "  check {name}: {} (one thread: {}); Python baseline: not run (no .venv)",
            ms(ours),
            ms(one)
        ),
    }
}

// ---------------------------------------------------------------------------
// The server

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn start(root: &Path) -> (Client, Instant, Duration) {
    let mut cmd = Command::new(bin());
    cmd.env("RUST_LOG", "warn");
    let mut lsp = Client::spawn(cmd);
    lsp.set_timeout(Duration::from_secs(120));
    let started = Instant::now();
    let id = lsp.send_request("initialize", init_params(root));
    let (at, _) = lsp.response_timed(id);
    lsp.notify("initialized", json!({}));
    (lsp, started, at - started)
}

/// The files the server checks in a workspace: every MANIFEST, every `.cfg`
/// beside one, every `.py` under a plugin folder.
fn checked_files(root: &Path) -> HashSet<String> {
    fn walk(dir: &Path, in_plugin: bool, out: &mut HashSet<String>) {
        let in_plugin = in_plugin || dir.join("MANIFEST").is_file();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                walk(&p, in_plugin, out);
            } else if name == "MANIFEST"
                || (name.ends_with(".cfg") && dir.join("MANIFEST").is_file())
                || (in_plugin && name.ends_with(".py"))
            {
                out.insert(uri(&p));
            }
        }
    }
    let mut out = HashSet::new();
    walk(root, false, &mut out);
    out
}

/// Server start on `root`: time to `initialize`'s answer, then until the
/// work-done progress of the workspace check ends (every file checked; a
/// clean closed file gets no publication, so counting them cannot tell);
/// the publications seen; memory.
fn bench_start(root: &Path) {
    let expected = checked_files(root);
    let (mut lsp, started, init) = start(root);
    let mut published = HashSet::new();
    let mut progress = 0usize;
    let mut ended = None;
    let limit = Instant::now() + Duration::from_secs(60);
    while ended.is_none() {
        let Some(left) = limit.checked_duration_since(Instant::now()) else {
            break;
        };
        let Some((at, msg)) = lsp.wait_for_timed(left, |m| {
            m["method"] == "textDocument/publishDiagnostics" || m["method"] == "$/progress"
        }) else {
            break;
        };
        if msg["method"] == "$/progress" {
            progress += 1;
            if msg["params"]["value"]["kind"] == "end" {
                ended = Some(at);
            }
            continue;
        }
        if let Some(u) = msg["params"]["uri"].as_str() {
            if expected.contains(u) {
                published.insert(u.to_string());
            }
        }
    }
    let peak = status_kib(lsp.pid(), "VmHWM:");
    lsp.discard(Duration::from_secs(2));
    let settled = status_kib(lsp.pid(), "VmRSS:");
    match ended {
        Some(at) => println!(
            "  initialize answered in {}; all {} files checked (progress ended) {} after the first byte; {} of them had diagnostics to publish; {progress} $/progress messages",
            ms(init),
            expected.len(),
            ms(at - started),
            published.len(),
        ),
        None => println!(
            "  initialize answered in {}; the workspace check did not end within 60 s ({} publications, {progress} $/progress messages)",
            ms(init),
            published.len(),
        ),
    }
    println!(
        "  memory: peak {:.1} MiB, settled {:.1} MiB (2 s idle)",
        peak as f64 / 1024.0,
        settled as f64 / 1024.0
    );
    lsp.finish();
}

/// Both servers run at once and take turns, keystroke by keystroke, so that
/// whatever else the machine does falls on both alike.
fn bench_keystrokes(one: &Path, many: &Path) {
    let edits = if quick() { 60 } else { 400 };
    let files = [
        ("MANIFEST", "MANIFEST", "Workspace Generator"),
        ("default.cfg", "default.cfg", "timeout=30"),
        (
            ".py (lib/m1.py, 190 lines)",
            "lib/m1.py",
            "return value is not None",
        ),
    ];
    let mut servers: Vec<(Client, &Path)> = [one, many]
        .into_iter()
        .map(|root| (start(root).0, root))
        .collect();
    // Let the start-up check finish first (its progress ends; a workspace
    // below the progress threshold reports none): the keystrokes are
    // measured on settled servers.
    let ended = servers[1].0.wait_for_timed(Duration::from_secs(60), |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    if ended.is_none() {
        println!("  (the workspace check did not end within 60 s)");
    }
    for (lsp, _) in &mut servers {
        lsp.discard(Duration::from_secs(1));
    }
    println!("  | file | 1-plugin p50 | p99 | 200-plugin p50 | p99 | p50 ratio |");
    println!("  |---|---|---|---|---|---|");
    for (label, file, needle) in files {
        let text = std::fs::read_to_string(one.join("plugin-000").join(file)).unwrap();
        let at = common::end_of_line_with(&text, needle, 0);
        let mut typing: Vec<Typing> = servers
            .iter_mut()
            .map(|(lsp, root)| Typing::open(lsp, &root.join("plugin-000").join(file), "", at))
            .collect();
        let mut times = [Vec::with_capacity(edits), Vec::with_capacity(edits)];
        for _ in 0..edits {
            for (i, (lsp, _)) in servers.iter_mut().enumerate() {
                times[i].push(typing[i].keystroke(lsp));
            }
        }
        for (t, (lsp, _)) in typing.drain(..).zip(&mut servers) {
            t.close(lsp);
        }
        let [a, b] = &times;
        let (a50, b50) = (percentile(a, 50.0), percentile(b, 50.0));
        println!(
            "  | {label} | {} | {} | {} | {} | {:.2} |",
            ms(a50),
            ms(percentile(a, 99.0)),
            ms(b50),
            ms(percentile(b, 99.0)),
            b50.as_secs_f64() / a50.as_secs_f64()
        );
    }
    for (mut lsp, _) in servers {
        lsp.finish();
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("workspace-bench");
    let _ = std::fs::remove_dir_all(&root);
    let generated = root.join("generated");
    let one = root.join("one");
    let real = root.join("real");
    let shape = generate(&generated, 200);
    generate(&one, 1);
    describe("generated workspace", &shape);
    let shared = repo().join("../shared/plugins");
    let real_shape = shared.is_dir().then(|| copy_real(&shared, &real, 20));
    match &real_shape {
        Some(s) => describe("real plugins x20", s),
        None => println!("real plugins: ../shared/plugins is missing, skipped"),
    }
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let python = baseline_python();

    if only("check") {
        println!("\n## check of the whole workspace");
        bench_check("generated (200 plugins)", &generated, python.as_deref());
        if real_shape.is_some() {
            bench_check("real plugins x20", &real, python.as_deref());
        }
    }
    if only("start") {
        println!("\n## server start on the generated workspace");
        bench_start(&generated);
    }
    if !only("keys") {
        return;
    }

    println!("\n## keystrokes, one plugin open: 1-plugin workspace vs 200-plugin workspace");
    bench_keystrokes(&one, &generated);
}
