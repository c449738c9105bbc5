//! Indexing a plugin's Python beside CPython's `ast.parse` plus a full
//! `ast.walk` of the same files, timed in the same run:
//!
//! * cold: every code file of the largest of the ten real plugins
//!   (`../shared/plugins/sra-initiated`), and of a synthetic plugin of 200
//!   modules / 40,000 lines, with the index cache emptied first;
//! * one keystroke in a 2,000-line `.py`: the whole analysis of that file
//!   (its index rebuilt, every other file's taken from the cache, all the
//!   plugin's rules run), against CPython parsing and walking that one file.
//!
//! `cargo bench --bench python`. Needs `python3` on PATH (skipped, with a
//! message, without it). Prints median times and the ratio CPython / ours.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::median;
use sps_plugin_ls::analysis::python::{cache, PluginCode};
use sps_plugin_ls::analysis::{analyze, Context};
use sps_plugin_ls::workspace::{DiskFiles, DocKind, MemoryFiles};

const CPYTHON: &str = r#"
import ast, sys, time, json
paths = sys.argv[2:]
runs = int(sys.argv[1])
texts = [open(p, encoding="utf-8").read() for p in paths]
times = []
for _ in range(runs):
    t = time.perf_counter()
    n = 0
    for p, text in zip(paths, texts):
        for node in ast.walk(ast.parse(text, p)):
            n += 1
    times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"median": times[len(times) // 2], "nodes": n}))
"#;

fn cpython(paths: &[PathBuf], runs: usize) -> Option<Duration> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(CPYTHON)
        .arg(runs.to_string())
        .args(paths)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("python3 failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(Duration::from_secs_f64(v["median"].as_f64()?))
}

/// A module of about `lines` lines: imports, a class with methods reading
/// the configuration, helpers, constants.
fn synthetic_module(i: usize, lines: usize) -> String {
    let mut s = format!(
        "import json\nimport os\nfrom safeguard.sessions.plugin import AAPlugin, AAResponse\nfrom .m{} import helper_{}\n\nTIMEOUT_{i} = 30\n\n\nclass Handler{i}(AAPlugin):\n",
        (i + 1) % 200,
        (i + 1) % 200
    );
    let mut n = 0;
    while s.lines().count() < lines - 8 {
        s.push_str(&format!(
            "    def method_{n}(self, value, retries=3):\n        timeout = self.plugin_configuration.getint(\"section_{n}\", \"timeout\", default=TIMEOUT_{i})\n        data = {{\"key\": value, \"n\": [x * 2 for x in range(retries)]}}\n        if os.path.exists(str(value)) and timeout > {n}:\n            return json.dumps(data)\n        return AAResponse.deny(reason=\"no {n}\")\n\n"
        ));
        n += 1;
    }
    s.push_str(&format!(
        "\ndef helper_{i}(a, *args, **kwargs):\n    return [a, args, kwargs]\n"
    ));
    s
}

fn write_synthetic(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(
        dir.join("MANIFEST"),
        "name: Big\ndescription: x\nversion: '1.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.py"),
        "#!/usr/bin/env pluginwrapper3\nfrom lib.m0 import Handler0 as Plugin\n",
    )
    .unwrap();
    std::fs::write(dir.join("lib/__init__.py"), "").unwrap();
    let mut paths = vec![dir.join("main.py"), dir.join("lib/__init__.py")];
    for i in 0..200 {
        let p = dir.join(format!("lib/m{i}.py"));
        std::fs::write(&p, synthetic_module(i, 200)).unwrap();
        paths.push(p);
    }
    paths
}

fn time_cold(dir: &Path, runs: usize) -> (Duration, usize, usize) {
    let files = DiskFiles::confined(dir);
    let mut times = Vec::new();
    let mut count = (0, 0);
    for _ in 0..runs {
        cache::clear();
        let t = Instant::now();
        let code = PluginCode::load(&files, dir, Some("main.py"));
        times.push(t.elapsed());
        count = (
            code.files.len(),
            code.files.iter().map(|f| f.text.lines().count()).sum(),
        );
    }
    (median(times), count.0, count.1)
}

fn row(name: &str, ours: Duration, theirs: Option<Duration>) {
    match theirs {
        Some(c) => println!(
            "{name:<52} {:>10.2} ms {:>10.2} ms {:>8.1}x",
            ours.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3,
            c.as_secs_f64() / ours.as_secs_f64()
        ),
        None => println!(
            "{name:<52} {:>10.2} ms {:>13} {:>9}",
            ours.as_secs_f64() * 1e3,
            "(no python3)",
            "-"
        ),
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runs = 21;
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let real = here.join("../../shared/plugins/sra-initiated");
    let tmp = std::env::temp_dir().join(format!("sps-bench-python-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let synthetic_paths = write_synthetic(&tmp.join("big"));

    println!(
        "{:<52} {:>13} {:>13} {:>9}",
        "case", "ours", "CPython", "ratio"
    );
    if real.is_dir() {
        let (ours, n, lines) = time_cold(&real, runs);
        let code = PluginCode::load(&DiskFiles::confined(&real), &real, Some("main.py"));
        let paths: Vec<PathBuf> = code.files.iter().map(|f| f.path.clone()).collect();
        row(
            &format!("cold: sra-initiated ({n} files, {lines} lines)"),
            ours,
            cpython(&paths, runs),
        );
    } else {
        println!("(../shared/plugins/sra-initiated not found: skipped)");
    }
    let big = tmp.join("big");
    let (ours, n, lines) = time_cold(&big, runs);
    row(
        &format!("cold: synthetic ({n} files, {lines} lines)"),
        ours,
        cpython(&synthetic_paths, runs),
    );

    // One keystroke in a 2,000-line module of the synthetic plugin.
    let long = big.join("lib/m0.py");
    std::fs::write(&long, synthetic_module(0, 2000)).unwrap();
    let mut mem = MemoryFiles::default();
    for p in std::iter::once(big.join("MANIFEST")).chain(synthetic_paths.iter().cloned()) {
        mem.files.insert(p.clone(), std::fs::read(&p).unwrap());
    }
    let base = std::fs::read_to_string(&long).unwrap();
    let mut times = Vec::new();
    for i in 0..runs {
        // Type one character in the middle of the file.
        let at = base.len() / 2;
        let at = base[..at].rfind('\n').unwrap_or(0);
        let text = format!(
            "{}{}{}",
            &base[..at],
            if i % 2 == 0 { " " } else { "  " },
            &base[at..]
        );
        // The editor's text, as the server's overlay gives it.
        mem.files.insert(long.clone(), text.clone().into_bytes());
        let t = Instant::now();
        let cx = Context::new(&long, &mem);
        let diags = analyze(DocKind::Python, &text, &cx);
        times.push(t.elapsed());
        std::hint::black_box(diags);
    }
    let lines = base.lines().count();
    row(
        &format!("keystroke in a {lines}-line .py (whole re-check)"),
        median(times),
        cpython(std::slice::from_ref(&long), runs),
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
