//! `sps-plugin-ls check PATH...`: plugin folders, single files and .zip
//! files, checked with the same analysis as the server; with `--fix`, the
//! fixes written back (`--diff`: shown instead).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod checker;
mod instance;
mod settings_file;

use checker::Checker;
pub use settings_file::configuration;
use settings_file::{configuration_kept, overrides, show_settings, KeptConfigurations};

use super::args::{usage_error, CheckArgs, Color};
use super::out;
use super::report::{render, statistics, FileReport, Format, Options as ReportOptions};
use super::write::{read_bytes, read_for_fix, write_over, Target, Written};
use crate::analysis::{
    self, codes, suppression, Context, Diagnostic, Severity, MAX_ANALYSED_BYTES,
};
use crate::settings::{self, ProblemKind, Settings};
use crate::text::{Encoding, LineIndex};
use crate::workspace::{
    read_prefix, regular_file, AbsentPaths, CachedDisk, DiskCache, DiskFiles, DocKind, Files, Memo,
    Overlay, ScanCache,
};

/// `SPS_PLUGIN_LS_THREADS`: how many plugins `check` reads at once (default:
/// one per core).
const THREADS_VAR: &str = "SPS_PLUGIN_LS_THREADS";

/// Each worker's stack: as deep as the main thread's, since a hostile file
/// nests as deep as the parsers allow.
const WORKER_STACK: usize = 8 << 20;

/// Rounds of `--fix` over all the files: a fix in one file (the MANIFEST's
/// `api`) can change what another file is told, so `check` goes round
/// again while a round wrote something.
const MAX_PASSES: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Check,
    /// `--fix`: write the fixed files.
    Fix,
    /// `--diff`: print what `--fix` would change.
    Diff,
    /// `--add-suppressions`: write a suppression comment for each
    /// diagnostic.
    Suppress,
}

const COMMAND: &str = "sps-plugin-ls check";

/// Colours: `--color always`, or on a terminal unless `NO_COLOR` is set to
/// anything (no-color.org, as anstream decides); `--color never` never;
/// never into `--output-file`.
fn color(args: &CheckArgs) -> bool {
    match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.output_file.is_none()
                && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    }
}

/// Runs `check` with its arguments; returns the exit status.
pub fn run(args: CheckArgs) -> u8 {
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        return usage_error("--statistics prints as human or json only", COMMAND);
    }
    match overrides(&args) {
        Ok(o) => settings::set_overrides(o),
        Err(status) => return status,
    }
    if let Some(path) = &args.show_settings {
        return show_settings(path);
    }
    let paths = if args.plugins_of {
        // Files of a commit (a pre-commit hook): each stands for its plugin
        // folder; files in no plugin folder are left alone.
        plugin_folders_of(&args.paths)
    } else if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if let Some(file) = &args.output_file {
        if let Err(e) = out::redirect(file) {
            out::eprint(&format!(
                "sps-plugin-ls: {}: cannot write the report: {e}\n",
                file.display()
            ));
            return 2;
        }
    }
    if args.watch {
        return super::watch::run(&paths, || once(&args, &paths));
    }
    if !(args.fix || args.diff || args.add_suppressions) {
        // One pass, each file read once: keeping the Python indexes for a
        // later look only costs (a fix goes round, and `--watch` again).
        crate::analysis::python::cache::stop_keeping();
    }
    let status = once(&args, &paths);
    match out::finish() {
        Ok(()) => status,
        Err(e) => {
            out::eprint(&format!("sps-plugin-ls: cannot write the report: {e}\n"));
            2
        }
    }
}

/// One round of checking (of fixing, of adding suppressions) of `paths`,
/// printed; the exit status.
fn once(args: &CheckArgs, paths: &[PathBuf]) -> u8 {
    let mode = if args.add_suppressions {
        Mode::Suppress
    } else if args.diff {
        // `--diff` shows what `--fix` would do, as in ruff (it implies it).
        Mode::Diff
    } else if args.fix {
        Mode::Fix
    } else {
        Mode::Check
    };
    // `--diff` goes the same rounds as `--fix`, on the fixed texts kept in
    // memory instead of on the disk, so it shows what `--fix` would write.
    let passes = if matches!(mode, Mode::Check | Mode::Suppress) {
        1
    } else {
        MAX_PASSES
    };
    let mut fixed: HashMap<String, usize> = HashMap::new();
    let mut reports = Vec::new();
    let mut zips: Vec<PathBuf> = Vec::new();
    let mut checker = Checker::new(mode, args.unsafe_fixes, args.force_exclude);
    for _ in 0..passes {
        checker.written = 0;
        checker.zips.clear();
        reports.clear();
        // Only `check` runs in parallel: `--fix` and `--diff` carry state
        // from one file to the next (written files, texts fixed so far).
        let results: Vec<_> = if let Some(file) = &args.instance {
            in_parallel(paths, |plugin| instance::check(file, plugin))
        } else if mode == Mode::Check {
            in_parallel(paths, |path| {
                Checker::new(Mode::Check, false, args.force_exclude).check_path(path)
            })
        } else {
            paths.iter().map(|p| checker.check_path(p)).collect()
        };
        for result in results {
            match result {
                Ok(mut r) => reports.append(&mut r),
                Err(message) => {
                    out::eprint(&format!("sps-plugin-ls: {message}\n"));
                    return 2;
                }
            }
        }
        for r in &reports {
            if r.fixed > 0 {
                *fixed.entry(r.name.clone()).or_default() += r.fixed;
            }
        }
        zips = std::mem::take(&mut checker.zips);
        if checker.written == 0 {
            break;
        }
    }
    for r in &mut reports {
        r.fixed = fixed.get(&r.name).copied().unwrap_or(0);
    }
    if mode != Mode::Check && !args.quiet {
        for zip in &zips {
            out::eprint(&format!(
                "sps-plugin-ls: {}: files inside a .zip are never {}; fix the plugin folder and zip it again\n",
                zip.display(),
                if mode == Mode::Suppress { "changed" } else { "fixed" }
            ));
        }
    }
    if mode == Mode::Suppress {
        let n: usize = reports.iter().map(|r| r.fixed).sum();
        let files = reports.iter().filter(|r| r.fixed > 0).count();
        if !args.quiet {
            out::eprint(&format!(
                "sps-plugin-ls: added {n} suppression comment{} in {files} file{}\n",
                plural(n),
                plural(files)
            ));
        }
        return 0;
    }
    let opts = ReportOptions {
        color: color(args),
        quiet: args.quiet,
        fix: mode == Mode::Fix,
        unsafe_fixes: args.unsafe_fixes,
    };
    let status = if mode == Mode::Diff {
        print_diffs(&reports, opts)
    } else {
        if args.statistics {
            out::print(&statistics(&reports, args.format == Format::Json, opts));
        } else {
            out::print(&render(&reports, args.format, opts));
        }
        if mode == Mode::Fix && args.format != Format::Human && !args.quiet {
            let n: usize = reports.iter().map(|r| r.fixed).sum();
            let files = reports.iter().filter(|r| r.fixed > 0).count();
            out::eprint(&format!(
                "sps-plugin-ls: fixed {n} problem{} in {files} file{}\n",
                plural(n),
                plural(files)
            ));
        }
        let failed = reports
            .iter()
            .any(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error));
        u8::from(failed)
    };
    // Files `--fix` would not write: said on stderr (also with `-q`: the
    // fix asked for did not happen), and status 2 whatever else.
    for (_, why) in &checker.refused {
        out::eprint(&format!("sps-plugin-ls: {why}\n"));
    }
    if !checker.refused.is_empty() {
        return 2;
    }
    if args.exit_zero {
        0
    } else {
        status
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `--diff`: the diff of each file its fixes change, on stdout, and what
/// would be fixed on stderr. 1 when there is a diff.
fn print_diffs(reports: &[FileReport], opts: ReportOptions) -> u8 {
    let mut files = 0;
    let mut n = 0;
    for r in reports {
        if let Some(original) = &r.original {
            out::print(&super::diff::unified(
                &r.name, original, &r.text, opts.color,
            ));
            files += 1;
            n += r.fixed;
        }
    }
    if !opts.quiet {
        let remaining: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
        out::eprint(&format!(
            "sps-plugin-ls: would fix {n} problem{} in {files} file{}, {remaining} would remain\n",
            plural(n),
            plural(files)
        ));
    }
    u8::from(files > 0)
}

/// The plugin folders holding `paths`: for each, the plugin folder of the
/// folder named, or of the file's folder (the plugin model's one rule, up
/// to the current folder for a relative path), each once, in the order
/// first met.
pub fn plugin_folders_of(paths: &[PathBuf]) -> Vec<PathBuf> {
    let disk = DiskFiles::unconfined();
    let mut folders: Vec<PathBuf> = Vec::new();
    for path in paths {
        let start = if path.is_dir() {
            Some(path.as_path())
        } else {
            path.parent()
        };
        let plugin = start.and_then(|dir| crate::workspace::plugin_folder_from(dir, &disk));
        if let Some(plugin) = plugin {
            if !folders.contains(&plugin) {
                folders.push(plugin);
            }
        }
    }
    folders
}

/// How many threads `check` uses: `SPS_PLUGIN_LS_THREADS` when it is a
/// positive number, else one per core.
fn threads() -> usize {
    std::env::var(THREADS_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The pool `check` works on: [`threads`] threads with deep stacks (none
/// when that is one thread, or no thread can be had: then the calling
/// thread does the work).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let n = threads();
        if n <= 1 {
            return None;
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .stack_size(WORKER_STACK)
            .thread_name(|i| format!("check-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// `f` of every item, on the [`pool`]; the results in the items' order, so
/// the output is the same whatever the number of threads.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    match pool() {
        Some(pool) if items.len() > 1 => pool.install(|| items.par_iter().map(&f).collect()),
        _ => items.iter().map(f).collect(),
    }
}

/// Texts with the absolute folder `abs` written as the user wrote it
/// (`user`; empty for the current folder): its strings made once for every
/// report name of a run (2,800 in the generated workspace).
struct Relabel {
    /// None: nothing to change.
    strings: Option<RelabelStrings>,
}

struct RelabelStrings {
    abs: String,
    abs_slash: String,
    with_slash: String,
    alone: String,
}

impl Relabel {
    fn new(abs: &Path, user: &Path) -> Self {
        if abs == user || abs.parent().is_none() {
            return Relabel { strings: None };
        }
        let abs = abs.display().to_string();
        let user = user.display().to_string();
        let (with_slash, alone) = if user.is_empty() {
            (String::new(), ".".to_string())
        } else if user.ends_with('/') {
            (user.clone(), user.trim_end_matches('/').to_string())
        } else {
            (format!("{user}/"), user)
        };
        let abs_slash = if abs.ends_with('/') {
            abs.clone()
        } else {
            format!("{abs}/")
        };
        Relabel {
            strings: Some(RelabelStrings {
                abs,
                abs_slash,
                with_slash,
                alone,
            }),
        }
    }

    fn apply(&self, text: &str) -> String {
        let Some(RelabelStrings {
            abs,
            abs_slash,
            with_slash,
            alone,
        }) = &self.strings
        else {
            return text.to_string();
        };
        let mut out = text.replace(abs_slash.as_str(), with_slash);
        // The folder itself, not followed by more of a path.
        let mut at = 0;
        while let Some(i) = out[at..].find(abs.as_str()).map(|i| i + at) {
            let next = out[i + abs.len()..].chars().next();
            if next.is_none_or(|c| !c.is_alphanumeric() && !matches!(c, '_' | '-' | '.')) {
                out.replace_range(i..i + abs.len(), alone);
                at = i + alone.len();
            } else {
                at = i + abs.len();
            }
        }
        out
    }
}

/// The reports for one PATH, checked only (no fixes), or an I/O or usage
/// failure.
pub fn check_path(path: &Path) -> Result<Vec<FileReport>, String> {
    Checker::new(Mode::Check, false, false).check_path(path)
}

/// A file's bytes as the round sees them: its fixed text with `--diff`,
/// else the disk's.
fn current_bytes(path: &Path, pending: &HashMap<PathBuf, Arc<str>>) -> Result<Vec<u8>, String> {
    match pending.get(path) {
        Some(text) => Ok(text.as_bytes().to_vec()),
        None => read_bytes(path),
    }
}

/// The analysis met a FIFO, a device or the like where it looked for a
/// file (the entry point, say): `check` stops, as for any file it cannot
/// read, instead of reporting that file as missing.
fn refuse_special_files(files: &DiskFiles) -> Result<(), String> {
    match files.refused().into_iter().next() {
        Some((path, why)) => Err(format!("{}: {why}", path.display())),
        None => Ok(()),
    }
}

pub use crate::analysis::plugin::plugin_documents;

/// Checks one file's bytes. Invalid UTF-8 is reported where it starts (SPS
/// reads MANIFEST and configuration as UTF-8 text) and the rest is checked
/// with the bad bytes replaced.
pub fn report(
    name: String,
    path: &Path,
    kind: DocKind,
    bytes: impl Into<Vec<u8>> + AsRef<[u8]>,
    files: &dyn Files,
) -> FileReport {
    report_in(name, kind, bytes, &Context::new(path, files))
}

/// [`report`] in a given analysis context (an instance configuration's).
pub fn report_in(
    name: String,
    kind: DocKind,
    bytes: impl Into<Vec<u8>> + AsRef<[u8]>,
    cx: &Context,
) -> FileReport {
    if bytes.as_ref().len() > MAX_ANALYSED_BYTES {
        // Not analysed: no copy of it is made, only its first line is kept
        // for showing where the diagnostic is.
        let bytes = bytes.as_ref();
        let head = &bytes[..bytes.len().min(200)];
        let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        return FileReport::new(
            name,
            String::from_utf8_lossy(line).into_owned(),
            vec![analysis::too_large(bytes.len())],
        );
    }
    // A .py file in the codec its coding cookie names (PEP 263); the
    // rest is UTF-8.
    let decoded = if kind == DocKind::Python {
        analysis::python::encoding::decode(bytes.into())
    } else {
        match String::from_utf8(bytes.into()) {
            Ok(text) => analysis::python::encoding::Decoded {
                text,
                invalid_at: None,
            },
            Err(e) => analysis::python::encoding::Decoded {
                invalid_at: Some((
                    e.utf8_error().valid_up_to(),
                    analysis::python::encoding::Codec::Utf8,
                )),
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            },
        }
    };
    let text = decoded.text;
    let mut diagnostics = analysis::analyze(kind, &text, cx);
    if let Some((at, codec)) = decoded.invalid_at {
        diagnostics.insert(0, analysis::python::encoding::undecodable(&text, at, codec));
    }
    FileReport::new(name, text, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::MemoryFiles;
    use expect_test::expect;

    /// `file/invalid-utf8` cannot be written in a fixture (the fixture is
    /// UTF-8): its message is pinned here, where the bytes are read.
    #[test]
    fn invalid_utf8_is_reported_where_it_starts() {
        let bytes = b"[logging]\nlog_level=caf\xe9\n".to_vec();
        let files = MemoryFiles::default();
        let path = Path::new("/plugin/default.cfg");
        let r = report("default.cfg".into(), path, DocKind::Config, bytes, &files);
        let shown: Vec<String> = r
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}..{} {}[{}]: {}",
                    d.range.start,
                    d.range.end,
                    d.severity.as_str(),
                    d.code.id,
                    d.message
                )
            })
            .collect();
        expect![[r#"
            23..26 error[file/invalid-utf8]: this file is not valid UTF-8 here; SPS reads it as UTF-8 text: save it as UTF-8
            20..26 error[config/invalid-enum]: `caf�` is not valid for `log_level`: write one of `debug`, `info`, `warning`, `error`, `critical`"#]].assert_eq(&shown.join("\n"));
    }
}

#[cfg(test)]
mod relabel_tests {
    use std::path::Path;

    use super::Relabel;

    fn relabel(text: &str, abs: &Path, user: &Path) -> String {
        Relabel::new(abs, user).apply(text)
    }

    #[test]
    fn absolute_folders_are_shown_as_given() {
        let abs = Path::new("/work/repo/My_Plugin");
        let text =
            "/work/repo/My_Plugin/MANIFEST: x; /work/repo/My_Plugin: y; /work/repo/My_Plugin2/a";
        assert_eq!(
            relabel(text, abs, Path::new("My_Plugin")),
            "My_Plugin/MANIFEST: x; My_Plugin: y; /work/repo/My_Plugin2/a"
        );
        assert_eq!(
            relabel(text, abs, Path::new("")),
            "MANIFEST: x; .: y; /work/repo/My_Plugin2/a"
        );
        assert_eq!(
            relabel("/work/repo/My_Plugin/lib/a.py", abs, Path::new("./")),
            "./lib/a.py"
        );
        assert_eq!(
            relabel("/MANIFEST", Path::new("/"), Path::new("/")),
            "/MANIFEST"
        );
    }
}
