//! The round-trip benchmark: runs the release binary over stdio as an editor
//! does, and yaml-language-server and CPython's configparser beside it on the
//! same texts, then prints a table of figures and ratios (docs/BENCHMARKS.md).
//!
//! `cargo bench --bench roundtrip`. `SPS_BENCH_QUICK=1` runs fewer edits;
//! `SPS_BENCH_ONLY=config` runs only the default.cfg cases;
//! `SPS_BENCH_BIN=path` measures another build of the server.
//! yaml-language-server comes from `bench/` (`cd bench && npm ci`); when it
//! or `python3` is missing, its columns are left empty.
//!
//! Every measured edit is a real incremental `didChange` (type a character at
//! the end of a value, then delete it) and is timed from writing the change
//! to reading the `publishDiagnostics` that answers it (for sps-plugin-ls:
//! the one carrying that version).

mod common;

use common::{bin, init_params, percentile, quick, repo};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sps_lsp_client::{uri, Client};

/// `SPS_BENCH_ONLY=config`: the default.cfg cases only.
fn config_only() -> bool {
    std::env::var_os("SPS_BENCH_ONLY").is_some_and(|v| v == "config")
}
const TIMEOUT: Duration = Duration::from_secs(60);
/// yaml-language-server waits this long after a change before it validates
/// (`validationDelayMs`, fixed in its source, not a setting).
const YLS_DEBOUNCE: Duration = Duration::from_millis(200);

// ---------------------------------------------------------------------------
// The client: the workspace's LSP client (`sps-lsp-client`, also the e2e
// tests'). Its reader thread stamps each message as it arrives and answers
// the server's own requests at once (`workspace/configuration` with the
// settings given, anything else with null).

/// Sends a request; returns its result and the time to its response.
fn request(lsp: &mut Client, method: &str, params: Value) -> (Value, Duration) {
    let start = Instant::now();
    let id = lsp.send_request(method, params);
    let (at, result) = lsp.response_timed(id);
    // An error counts as no answer (the caller warns of a null result).
    (result.unwrap_or(Value::Null), at - start)
}

/// `initialize` then `initialized`; returns the time to the response.
fn initialize(lsp: &mut Client, root: &Path) -> Duration {
    let (_, took) = request(lsp, "initialize", init_params(root));
    lsp.notify("initialized", json!({}));
    took
}

/// Peak resident memory of the server process, in KiB.
fn peak_rss_kib(lsp: &Client) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", lsp.pid())).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

// ---------------------------------------------------------------------------
// The two servers.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Sps,
    Yls,
}

fn yls_path() -> PathBuf {
    repo().join("bench/node_modules/yaml-language-server/bin/yaml-language-server")
}

fn yls_available() -> bool {
    yls_path().is_file()
        && Command::new("node")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

fn start(which: Which) -> Client {
    let mut lsp = match which {
        Which::Sps => {
            let mut cmd = Command::new(bin());
            cmd.env("RUST_LOG", "warn");
            Client::spawn(cmd)
        }
        Which::Yls => {
            let mut cmd = Command::new("node");
            cmd.arg(yls_path()).arg("--stdio");
            let schema = uri(&repo().join("schemas/manifest.schema.json"));
            let yaml = json!({
                "schemas": { schema: "MANIFEST" },
                "validate": true,
                "hover": true,
                "completion": true,
                "format": { "enable": false },
                "schemaStore": { "enable": false },
                "kubernetesCRDStore": { "enable": false }
            });
            Client::spawn_answering(cmd, move |request: &Value| {
                if request["method"] != "workspace/configuration" {
                    return Value::Null;
                }
                let items = request["params"]["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let settings = items.iter().map(|item| match item["section"].as_str() {
                    Some("yaml") => yaml.clone(),
                    _ => json!({}),
                });
                Value::Array(settings.collect())
            })
        }
    };
    lsp.set_timeout(TIMEOUT);
    lsp
}

fn is_publish(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

// ---------------------------------------------------------------------------
// Measurements.

#[derive(Default)]
struct Figures {
    edits: Vec<Duration>,
    completion: Vec<Duration>,
    hover: Vec<Duration>,
    open: Option<Duration>,
    rss_kib: Option<u64>,
    diagnostics: usize,
}

fn p50(v: &[Duration]) -> Duration {
    percentile(v, 50.0)
}

fn p99(v: &[Duration]) -> Duration {
    percentile(v, 99.0)
}

/// A plugin folder holding a MANIFEST, main.py and, if given, a default.cfg.
fn plugin(root: &Path, name: &str, manifest: &str, config: Option<&str>) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("MANIFEST"), manifest).unwrap();
    std::fs::write(dir.join("main.py"), common::MAIN_PY).unwrap();
    if let Some(c) = config {
        std::fs::write(dir.join("default.cfg"), c).unwrap();
    }
    dir
}

struct Case<'a> {
    which: Which,
    dir: &'a Path,
    file: &'a str,
    text: &'a str,
    /// Where the edits type: a byte offset at the end of a value.
    at: usize,
    /// Where completion and hover are asked: byte offsets.
    complete_at: usize,
    hover_at: usize,
    edits: usize,
    requests: usize,
}

fn position(text: &str, offset: usize) -> Value {
    let (line, character) = common::line_col(text, offset);
    json!({ "line": line, "character": character })
}

fn run_case(c: &Case) -> Figures {
    let mut f = Figures::default();
    let mut lsp = start(c.which);
    initialize(&mut lsp, c.dir);
    let path = c.dir.join(c.file);
    let u = uri(&path);
    let language = if c.file == "MANIFEST" { "yaml" } else { "ini" };
    let t0 = Instant::now();
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": language, "version": 1, "text": c.text } }),
    );
    let (at, first) = lsp
        .wait_for_timed(TIMEOUT, |m| is_publish(m, &u))
        .expect("diagnostics after didOpen");
    f.open = Some(at - t0);
    f.diagnostics = first["params"]["diagnostics"]
        .as_array()
        .map_or(0, Vec::len);
    // yaml-language-server validates again once it has pulled its settings.
    lsp.discard(Duration::from_millis(if c.which == Which::Yls {
        600
    } else {
        50
    }));

    let (line, col) = common::line_col(c.text, c.at);
    let mut version = 1;
    for i in 0..c.edits {
        version += 1;
        let (range, text) = if i % 2 == 0 {
            (
                json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col } }),
                "x",
            )
        } else {
            (
                json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col + 1 } }),
                "",
            )
        };
        let start = Instant::now();
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": u, "version": version },
                "contentChanges": [{ "range": range, "text": text }]
            }),
        );
        let wanted = json!(version);
        let which = c.which;
        let (at, _) = lsp
            .wait_for_timed(TIMEOUT, |m| {
                is_publish(m, &u) && (which == Which::Yls || m["params"]["version"] == wanted)
            })
            .unwrap_or_else(|| panic!("no diagnostics for version {version}"));
        f.edits.push(at - start);
    }
    // The text is back as it was opened (an even number of edits).
    for (offset, out, method) in [
        (c.complete_at, &mut f.completion, "textDocument/completion"),
        (c.hover_at, &mut f.hover, "textDocument/hover"),
    ] {
        for _ in 0..c.requests {
            let (result, took) = request(
                &mut lsp,
                method,
                json!({ "textDocument": { "uri": u }, "position": position(c.text, offset) }),
            );
            if result.is_null() {
                eprintln!("warning: {method} answered null");
            }
            out.push(took);
        }
    }
    f.rss_kib = peak_rss_kib(&lsp);
    lsp.shutdown();
    f
}

/// Time from starting the process to reading the `initialize` response,
/// median of `n` fresh starts.
fn time_to_initialize(which: Which, root: &Path, n: usize) -> Duration {
    let mut v = Vec::new();
    for _ in 0..n {
        let began = Instant::now();
        let mut lsp = start(which);
        request(&mut lsp, "initialize", init_params(root));
        v.push(began.elapsed());
        lsp.notify("initialized", json!({}));
        lsp.shutdown();
    }
    p50(&v)
}

/// Checks that yaml-language-server really validates MANIFEST against the
/// schema: a bad `type` must be reported.
fn yls_validates(root: &Path) -> Result<String, String> {
    let dir = plugin(
        root,
        "yls-check",
        &common::MANIFEST.replace("type: aa", "type: bogus"),
        None,
    );
    let mut lsp = start(Which::Yls);
    initialize(&mut lsp, &dir);
    let u = uri(&dir.join("MANIFEST"));
    let text = std::fs::read_to_string(dir.join("MANIFEST")).unwrap();
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": u, "languageId": "yaml", "version": 1, "text": text } }),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let Some((_, m)) = lsp.wait_for_timed(Duration::from_secs(2), |m| is_publish(m, &u)) else {
            continue;
        };
        let diags = m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if let Some(d) = diags.iter().find(|d| {
            let line = d["range"]["start"]["line"].as_u64();
            line == Some(4)
        }) {
            lsp.shutdown();
            return Ok(d["message"].as_str().unwrap_or("").replace('\n', " "));
        }
    }
    lsp.shutdown();
    Err("yaml-language-server reported nothing on `type: bogus`".into())
}

/// CPython's configparser reading the text (`read_string`, in memory): the
/// median of `n` reads, in the same interpreter.
fn cpython_read(path: &Path, n: usize) -> Option<Duration> {
    let script = r#"
import configparser, sys, time
text = open(sys.argv[1], encoding="utf-8").read()
n = int(sys.argv[2])
times = []
for _ in range(n):
    t = time.perf_counter()
    configparser.ConfigParser().read_string(text)
    times.append(time.perf_counter() - t)
times.sort()
print(times[(len(times) + 1) // 2 - 1])
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .arg(n.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "python3 failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    let secs: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(Duration::from_secs_f64(secs))
}

// ---------------------------------------------------------------------------
// Output.

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else if v >= 10.0 {
        format!("{v:.1} ms")
    } else if v >= 1.0 {
        format!("{v:.2} ms")
    } else {
        format!("{v:.3} ms")
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("–".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn ratio(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(1e-9)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}

fn main() {
    // `cargo test --benches` runs benches with `--test`: nothing to check.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let quick = quick();
    let root = std::env::temp_dir().join(format!("sps-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();

    let config_only = config_only();
    let yls = !config_only && yls_available();
    if !yls && !config_only {
        eprintln!("yaml-language-server not found: run `cd bench && npm ci` for the comparison");
    }
    let requests = if quick { 20 } else { 100 };
    let q = |full: usize, short: usize| if quick { short } else { full };
    println!(
        "sps-plugin-ls round trip (release binary over stdio){}",
        if quick { ", quick mode" } else { "" }
    );

    // --- MANIFEST: the realistic one, then grown to 10 KB, 1 MB and 4 MB;
    // both servers, the same edits.
    // (name, text, edits for sps-plugin-ls, edits for yaml-language-server)
    let mut manifests: Vec<(&str, String, usize, usize)> = vec![
        (
            "MANIFEST",
            common::MANIFEST.to_string(),
            q(400, 60),
            q(100, 20),
        ),
        ("10 KB", common::manifest(10 * 1024), q(400, 60), q(40, 10)),
        ("1 MB", common::manifest(1024 * 1024), q(100, 20), q(10, 4)),
        (
            "4 MB",
            common::manifest(4 * 1024 * 1024),
            q(40, 10),
            q(6, 2),
        ),
    ];
    if config_only {
        manifests.clear();
    }
    let mut yls_check = None;
    let mut mrows = Vec::new();
    for (i, (name, text, edits, yls_edits)) in manifests.iter().enumerate() {
        let dir = plugin(&root, &format!("manifest-{i}"), text, None);
        let middle = if i == 0 { 0 } else { text.len() / 2 };
        let anchor = if i == 0 {
            "author_name:"
        } else {
            "  Paragraph"
        };
        let case = |which, edits, requests| Case {
            which,
            dir: &dir,
            file: "MANIFEST",
            text,
            at: common::end_of_line_with(text, anchor, middle),
            complete_at: text.find("type: ").unwrap() + "type: ".len(),
            hover_at: text.find("type:").unwrap() + 1,
            edits,
            requests,
        };
        let ours = run_case(&case(Which::Sps, *edits, requests.min(*edits)));
        let theirs = yls.then(|| {
            if yls_check.is_none() {
                yls_check = Some(yls_validates(&root));
            }
            run_case(&case(Which::Yls, *yls_edits, requests.min(*yls_edits * 2)))
        });
        mrows.push((*name, text.len(), ours, theirs));
    }
    let init_runs = q(10, 3);
    let sps_init = time_to_initialize(Which::Sps, &root, init_runs);
    let yls_init = yls.then(|| time_to_initialize(Which::Yls, &root, init_runs));

    // --- default.cfg at three sizes, with CPython reading the same text;
    // then 1 MB again with a warning on every section.
    let sizes: [(&str, String, usize); 4] = [
        ("10 KB", common::config(10 * 1024), q(400, 60)),
        ("1 MB", common::config(1024 * 1024), q(100, 20)),
        ("4 MB", common::config(4 * 1024 * 1024), q(40, 10)),
        (
            "1 MB, a warning per section",
            common::config_with_findings(1024 * 1024),
            q(100, 20),
        ),
    ];
    let mut cfg = Vec::new();
    for (i, (name, text, edits)) in sizes.iter().enumerate() {
        let dir = plugin(&root, &format!("cfg-{i}"), common::MANIFEST, Some(text));
        let middle = text.len() / 2;
        let case = Case {
            which: Which::Sps,
            dir: &dir,
            file: "default.cfg",
            text,
            at: common::end_of_line_with(text, "server=", middle),
            complete_at: common::end_of_line_with(text, "use_tls=", middle),
            hover_at: middle + text[middle..].find("\ntimeout=").unwrap() + 2,
            edits: *edits,
            requests: requests.min(edits * 2),
        };
        let figures = run_case(&case);
        let py = cpython_read(
            &dir.join("default.cfg"),
            if text.len() > 2 << 20 { 5 } else { 15 },
        );
        cfg.push((*name, text.len(), figures, py));
    }

    // --- Report.
    if !config_only {
        println!();
        match &yls_check {
        Some(Ok(msg)) => println!(
            "yaml-language-server validates MANIFEST against schemas/manifest.schema.json (on `type: bogus`: \"{msg}\")."
        ),
        Some(Err(e)) => println!("WARNING: {e}: the comparison is not fair."),
        None => {}
    }
        println!();
        println!("| MANIFEST | sps-plugin-ls p50 | p99 | yaml-language-server p50 | p99 | p50 ratio | p50 ratio less its 200 ms debounce |");
        println!("|---|---|---|---|---|---|---|");
        for (name, len, ours, theirs) in &mrows {
            let (yp50, yp99, r, rnet) = match theirs {
                Some(t) => (
                    ms(p50(&t.edits)),
                    ms(p99(&t.edits)),
                    format!("{:.0}×", ratio(p50(&t.edits), p50(&ours.edits))),
                    format!(
                        "{:.0}×",
                        ratio(p50(&t.edits).saturating_sub(YLS_DEBOUNCE), p50(&ours.edits))
                    ),
                ),
                None => ("–".into(), "–".into(), "–".into(), "–".into()),
            };
            println!(
            "| {name} ({len} bytes; {} / {} edits) | {} | {} | {yp50} | {yp99} | {r} | {rnet} |",
            ours.edits.len(),
            theirs.as_ref().map_or(0, |t| t.edits.len()),
            ms(p50(&ours.edits)),
            ms(p99(&ours.edits)),
        );
        }

        let (_, _, sps_m, yls_m) = &mrows[0];
        println!();
        println!("| realistic MANIFEST | sps-plugin-ls | yaml-language-server | ratio | target |");
        println!("|---|---|---|---|---|");
        let row = |name: &str, ours: Duration, theirs: Option<Duration>, target: Option<f64>| {
            let (t, r, v) = match theirs {
                Some(t) => {
                    let r = ratio(t, ours);
                    (
                        ms(t),
                        format!("{r:.0}×"),
                        target.map_or("–".into(), |x| format!("≥ {x}×: {}", verdict(r >= x))),
                    )
                }
                None => ("–".into(), "–".into(), "–".into()),
            };
            println!("| {name} | {} | {t} | {r} | {v} |", ms(ours));
        };
        row(
            "didChange → publishDiagnostics p50",
            p50(&sps_m.edits),
            yls_m.as_ref().map(|y| p50(&y.edits)),
            Some(100.0),
        );
        row(
            "the same, less yaml-language-server's 200 ms debounce",
            p50(&sps_m.edits),
            yls_m
                .as_ref()
                .map(|y| p50(&y.edits).saturating_sub(YLS_DEBOUNCE)),
            Some(100.0),
        );
        row(
            "completion p50 (`type: ` values)",
            p50(&sps_m.completion),
            yls_m.as_ref().map(|y| p50(&y.completion)),
            None,
        );
        row(
            "hover p50 (`type` key)",
            p50(&sps_m.hover),
            yls_m.as_ref().map(|y| p50(&y.hover)),
            None,
        );
        row(
            "process start → initialize response (median)",
            sps_init,
            yls_init,
            Some(20.0),
        );
        match (sps_m.rss_kib, yls_m.as_ref().and_then(|y| y.rss_kib)) {
            (Some(ours), Some(theirs)) => {
                let r = theirs as f64 / ours as f64;
                println!(
                    "| peak resident memory (VmHWM) | {} | {} | {r:.1}× | ≥ 5×: {} |",
                    mib(Some(ours)),
                    mib(Some(theirs)),
                    verdict(r >= 5.0)
                );
            }
            (ours, _) => println!(
                "| peak resident memory (VmHWM) | {} | – | – | – |",
                mib(ours)
            ),
        }
        println!();
        println!("| MANIFEST | sps-plugin-ls completion p50 | hover p50 | peak RSS | yaml-language-server completion p50 | hover p50 | peak RSS |");
        println!("|---|---|---|---|---|---|---|");
        for (name, _, ours, theirs) in &mrows {
            println!(
                "| {name} | {} | {} | {} | {} | {} | {} |",
                ms(p50(&ours.completion)),
                ms(p50(&ours.hover)),
                mib(ours.rss_kib),
                theirs
                    .as_ref()
                    .map_or("–".into(), |t| ms(p50(&t.completion))),
                theirs.as_ref().map_or("–".into(), |t| ms(p50(&t.hover))),
                mib(theirs.as_ref().and_then(|t| t.rss_kib)),
            );
        }
    }
    println!();
    println!("| default.cfg | edits | didChange → publishDiagnostics p50 | p99 | didOpen → first diagnostics | completion p50 | hover p50 | peak RSS | CPython configparser read_string | CPython ÷ p50 |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (name, len, f, py) in &cfg {
        println!(
            "| {name} ({len} bytes, {} diagnostics) | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            f.diagnostics,
            f.edits.len(),
            ms(p50(&f.edits)),
            ms(p99(&f.edits)),
            f.open.map_or("–".into(), ms),
            ms(p50(&f.completion)),
            ms(p50(&f.hover)),
            mib(f.rss_kib),
            py.map_or("–".into(), ms),
            py.map_or("–".into(), |p| format!("{:.1}×", ratio(p, p50(&f.edits)))),
        );
    }
    println!();
    let (one, four) = (&cfg[1], &cfg[2]);
    if let Some(py) = one.3 {
        let r = ratio(py, p50(&one.2.edits));
        println!(
            "- 1 MB default.cfg: CPython reads it in {}, a keystroke costs {} at p50: {r:.1}× (target ≥ 20×: {}).",
            ms(py),
            ms(p50(&one.2.edits)),
            verdict(r >= 20.0)
        );
    }
    let scale = ratio(p50(&four.2.edits), p50(&one.2.edits));
    println!(
        "- default.cfg per-edit p50, 4 MB ÷ 1 MB: {scale:.2}× (target ≤ 5×: {}).",
        verdict(scale <= 5.0)
    );
    if !config_only {
        let (m1, m4) = (&mrows[2], &mrows[3]);
        println!(
            "- MANIFEST per-edit p50, 4 MB ÷ 1 MB: {:.2}× (target ≤ 5×: {}).",
            ratio(p50(&m4.2.edits), p50(&m1.2.edits)),
            verdict(ratio(p50(&m4.2.edits), p50(&m1.2.edits)) <= 5.0)
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}
