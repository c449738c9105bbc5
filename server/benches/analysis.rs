//! Criterion benchmarks of the layers under the language server: parsing,
//! analysis, the line index, and the whole in-process keystroke path (apply
//! an incremental change to the document, snapshot, analyse, convert).
//!
//! `cargo bench --bench analysis`; `SPS_BENCH_QUICK=1` shortens every
//! measurement.

mod common;

use common::quick;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ls_types as lsp;

use sps_plugin_ls::analysis::{self, Context};
use sps_plugin_ls::lsp::convert::Text;
use sps_plugin_ls::lsp::documents::Document;
use sps_plugin_ls::syntax::{ini, yaml};
use sps_plugin_ls::text::{Encoding, LineIndex};
use sps_plugin_ls::workspace::{
    CachedDisk, DiskCache, DiskFiles, DocKind, Memo, MemoryFiles, Overlay, ScanCache,
};

const SIZES: [(&str, usize); 3] = [
    ("10KB", 10 * 1024),
    ("1MB", 1024 * 1024),
    ("4MB", 4 * 1024 * 1024),
];

fn group_settings(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    if quick() {
        g.warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_millis(700))
            .sample_size(10);
    } else {
        g.warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            .sample_size(20);
    }
}

/// A plugin folder in memory: MANIFEST, main.py and the document.
fn files(doc: &str, text: &str) -> (MemoryFiles, PathBuf) {
    let dir = Path::new("/plugin");
    let mut f = MemoryFiles::default();
    f.files
        .insert(dir.join("MANIFEST"), common::MANIFEST.as_bytes().to_vec());
    f.files
        .insert(dir.join("main.py"), common::MAIN_PY.as_bytes().to_vec());
    f.files.insert(dir.join(doc), text.as_bytes().to_vec());
    (f, dir.join(doc))
}

fn parsers(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    group_settings(&mut g);
    g.throughput(Throughput::Bytes(common::MANIFEST.len() as u64));
    g.bench_function("yaml/MANIFEST", |b| {
        b.iter(|| yaml::parse(common::MANIFEST))
    });
    for (name, size) in SIZES {
        let text = common::config(size);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("ini/default.cfg", name), &text, |b, t| {
            b.iter(|| ini::parse(t))
        });
        g.bench_with_input(BenchmarkId::new("line_index", name), &text, |b, t| {
            b.iter(|| LineIndex::new(t))
        });
    }
    g.finish();
}

fn analyses(c: &mut Criterion) {
    let mut g = c.benchmark_group("analyse");
    group_settings(&mut g);
    let (f, path) = files("MANIFEST", common::MANIFEST);
    let cx = Context::new(&path, &f);
    g.bench_function("MANIFEST", |b| {
        b.iter(|| analysis::analyze(DocKind::Manifest, common::MANIFEST, &cx))
    });
    for (name, size) in SIZES {
        let text = common::config(size);
        let (f, path) = files("default.cfg", &text);
        let cx = Context::new(&path, &f);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("default.cfg", name), &text, |b, t| {
            b.iter(|| analysis::analyze(DocKind::Config, t, &cx))
        });
    }
    g.finish();
}

/// One keystroke as the server handles it, minus the protocol I/O: an
/// incremental change applied to the document (its text and line index), a
/// fresh snapshot, the analysis, and the conversion of its diagnostics.
fn keystroke(c: &mut Criterion) {
    let mut g = c.benchmark_group("keystroke");
    group_settings(&mut g);
    let uri: lsp::Uri = "file:///plugin/doc".parse().unwrap();
    let mut cases = vec![("MANIFEST", common::MANIFEST.to_string(), DocKind::Manifest)];
    for (name, size) in SIZES {
        cases.push((name, common::config(size), DocKind::Config));
    }
    cases.push((
        "1MB, a warning per section",
        common::config_with_findings(1024 * 1024),
        DocKind::Config,
    ));
    for (name, text, kind) in cases {
        let file = if kind == DocKind::Manifest {
            "MANIFEST"
        } else {
            "default.cfg"
        };
        let (f, path) = files(file, &text);
        let cx = Context::new(&path, &f);
        let at = if kind == DocKind::Manifest {
            common::end_of_line_with(&text, "author_name:", 0)
        } else {
            common::end_of_line_with(&text, "server=", text.len() / 2)
        };
        let (line, col) = common::line_col(&text, at);
        let mut doc = Document::new(path.clone(), Some(kind), 1, &text);
        let typed = lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::new(
                lsp::Position::new(line, col),
                lsp::Position::new(line, col),
            )),
            range_length: None,
            text: "x".into(),
        };
        let deleted = lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::new(
                lsp::Position::new(line, col),
                lsp::Position::new(line, col + 1),
            )),
            range_length: None,
            text: String::new(),
        };
        let mut version = 1;
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(BenchmarkId::new("edit+analyse+convert", name), |b| {
            b.iter(|| {
                version += 1;
                let change = if version % 2 == 0 { &typed } else { &deleted };
                doc.apply(change, Encoding::Utf16);
                doc.version = version;
                let snap = doc.snapshot();
                let diags = analysis::analyze(kind, &snap.text, &cx);
                let conv = Text {
                    text: &snap.text,
                    index: &snap.index,
                    encoding: Encoding::Utf16,
                };
                diags
                    .iter()
                    .map(|d| conv.diagnostic(&uri, d))
                    .collect::<Vec<_>>()
            })
        });
    }
    g.finish();
}

/// A plugin whose entry point reads its configuration `n` times: half in
/// methods of their own (`self.plugin_configuration.get('s', 'o1')`), half
/// through one helper called with the option (`self.opt('o2')`), whose
/// parameter the resolver follows back to every call.
pub fn many_reads(n: usize) -> String {
    let mut py = String::from(
        "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    SECTION = 'sec'\n\n    def opt(self, option):\n        return self.plugin_configuration.get(self.SECTION, option)\n\n",
    );
    for i in 0..n / 2 {
        py.push_str(&format!(
            "    def direct_{i}(self):\n        return self.plugin_configuration.get('sec', 'd{i}')\n\n    def helped_{i}(self):\n        return self.opt('h{i}')\n\n"
        ));
    }
    py
}

/// Configuration reads resolved (`reads::of_code`) on 5,000 to 20,000 reads
/// in one file: linear in their number (it was quadratic: 1.4 / 5.8 /
/// 16-29 s). The index is built once, outside the measurement.
fn config_reads(c: &mut Criterion) {
    use sps_plugin_ls::analysis::python::{reads, PluginCode};
    let mut g = c.benchmark_group("config-reads");
    group_settings(&mut g);
    g.sample_size(10);
    for n in [5_000, 10_000, 20_000] {
        let (f, _) = files("main.py", &many_reads(n));
        let code = PluginCode::load(&f, Path::new("/plugin"), Some("main.py"));
        let found = reads::of_code(&code);
        assert!(found.reads.len() >= n, "{} reads of {n}", found.reads.len());
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("of_code", n), &code, |b, code| {
            b.iter(|| reads::of_code(code))
        });
    }
    g.finish();
}

/// A `.py` keystroke in a plugin of 11 modules (the generated plugin of
/// `cargo bench --bench ruff`) as the server sees its files, minus the
/// protocol I/O: the edited text over the disk's kept answers, a fresh
/// memo (a new view of the files), and the analysis of that module, which
/// runs the plugin's rules over every module's cached index.
fn python_keystroke(c: &mut Criterion) {
    let mut g = c.benchmark_group("keystroke");
    group_settings(&mut g);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("analysis-bench-plugin");
    let _ = std::fs::remove_dir_all(&dir);
    common::workspace::generate(&dir, 1);
    let plugin = dir.join("plugin-000");
    let disk = DiskFiles::confined(&plugin);
    let answers = DiskCache::default();
    let scans = ScanCache::default();
    let path = plugin.join("lib/m1.py");
    let text = std::fs::read_to_string(&path).unwrap();
    let at = common::end_of_line_with(&text, "return value is not None", 0);
    let typed: Arc<str> = Arc::from(format!("{}x{}", &text[..at], &text[at..]));
    let deleted: Arc<str> = Arc::from(text.as_str());
    let mut turn = 0usize;
    g.bench_function("python in a plugin of 11 modules", |b| {
        b.iter(|| {
            turn += 1;
            let now = if turn.is_multiple_of(2) {
                &typed
            } else {
                &deleted
            };
            let open = HashMap::from([(path.clone(), now.clone())]);
            let memo = Memo::default();
            let files = Overlay {
                open: &open,
                below: &CachedDisk {
                    below: &disk,
                    cache: &answers,
                },
                scans: Some(&scans),
                memo: Some(&memo),
            };
            let cx = Context::new(&path, &files);
            analysis::analyze(DocKind::Python, now, &cx)
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = parsers, analyses, keystroke, python_keystroke, config_reads
}
criterion_main!(benches);
