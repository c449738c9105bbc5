//! `sps-plugin-ls check PATH...`: plugin folders, single files and .zip
//! files, checked with the same analysis as the server; with `--fix`, the
//! fixes written back (`--diff`: shown instead).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod instance;

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
    read_prefix, regular_file, DiskFiles, DocKind, Files, Memo, Overlay, ScanCache,
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
    let status = once(&args, &paths);
    match out::finish() {
        Ok(()) => status,
        Err(e) => {
            out::eprint(&format!("sps-plugin-ls: cannot write the report: {e}\n"));
            2
        }
    }
}

/// The command line's settings, read; or the exit status of a usage error
/// or an unreadable `--config FILE` (printed).
fn overrides(args: &CheckArgs) -> Result<settings::Overrides, u8> {
    let mut o = settings::Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        cwd: std::env::current_dir().unwrap_or_default(),
        instances: instance::named(args),
        ..Default::default()
    };
    for value in &args.config {
        let path = Path::new(value);
        if path.is_file() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let found = read_configuration(path, name == "pyproject.toml").map_err(|e| {
                out::eprint(&format!("sps-plugin-ls: {e}\n"));
                2u8
            })?;
            let Some(mut found) = found else {
                out::eprint(&format!(
                    "sps-plugin-ls: {}: --config: no [tool.sps-plugin-ls] table in it\n",
                    path.display()
                ));
                return Err(2);
            };
            if let Some(p) = found.problems.first() {
                out::eprint(&format!(
                    "sps-plugin-ls: {}: --config: {}\n",
                    path.display(),
                    problem_message(p)
                ));
                return Err(2);
            }
            found.file = std::path::absolute(path).ok();
            found.root = o.cwd.clone();
            o.file = Some(found);
            continue;
        }
        let Some(text) = value.to_str().filter(|t| t.contains('=')) else {
            return Err(usage_error(
                &format!(
                    "--config {}: no such file, and not a KEY = VALUE",
                    path.display()
                ),
                COMMAND,
            ));
        };
        let parsed = settings::parse(text, false).unwrap_or_default();
        if let Some(p) = parsed.problems.first() {
            return Err(usage_error(
                &format!("--config '{text}': {}", problem_message(p)),
                COMMAND,
            ));
        }
        if let Some(bad) = parsed.code_refs().find(|c| !codes::is_known(&c.text)) {
            return Err(usage_error(
                &format!(
                    "--config '{text}': `{}` is not a code or family; `sps-plugin-ls rule --all` lists them",
                    bad.text
                ),
                COMMAND,
            ));
        }
        o.values.push(parsed);
    }
    Ok(o)
}

fn problem_message(p: &settings::Problem) -> String {
    match &p.kind {
        ProblemKind::UnknownKey(key) => format!(
            "`{key}` is not a setting; the settings are {}",
            settings::KEYS.join(", ")
        ),
        _ => p.message.clone(),
    }
}

/// `--show-settings PATH`: the settings in effect for the files at PATH,
/// as TOML, and the codes they turn off there.
fn show_settings(path: &Path) -> u8 {
    let abs = match std::path::absolute(path) {
        Ok(p) => p,
        Err(e) => {
            out::eprint(&format!("sps-plugin-ls: {}: {e}\n", path.display()));
            return 2;
        }
    };
    let dir = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().unwrap_or(Path::new("/")).to_path_buf()
    };
    let s = match configuration(&dir) {
        Ok(s) => s,
        Err(e) => {
            out::eprint(&format!("sps-plugin-ls: {e}\n"));
            return 2;
        }
    };
    out::print(&super::settings_view::render(path, &abs, &s));
    0
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

/// The configuration in effect for the files of `dir`, found as the
/// analysis finds it (`settings::discover`), or why `check` cannot go on:
/// a configuration file that is there but cannot be read (not a regular
/// file, no permission, too large), or that TOML cannot read, so that none
/// of its settings would apply. The message says where.
///
/// Then the command line's settings over it (`--config` and the rest).
pub fn configuration(dir: &Path) -> Result<Settings, String> {
    if settings::overrides().is_some_and(|o| o.file.is_some()) {
        return Ok(settings::overridden(Settings::default()));
    }
    for folder in dir.ancestors() {
        for name in settings::FILE_NAMES {
            let path = folder.join(name);
            match std::fs::symlink_metadata(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                _ => {}
            }
            let Some(mut found) = read_configuration(&path, name == "pyproject.toml")? else {
                continue;
            };
            found.file = Some(path);
            found.root = folder.to_path_buf();
            return Ok(settings::overridden(found));
        }
    }
    Ok(settings::overridden(Settings::default()))
}

/// The configuration file at `path`, read (None: a `pyproject.toml`
/// without our table), or why it cannot be: not readable, or TOML cannot
/// read it.
fn read_configuration(path: &Path, pyproject: bool) -> Result<Option<Settings>, String> {
    // No further than just past the limit: a larger file is not read
    // (`settings::parse` says so).
    let (bytes, _) = read_prefix(path, settings::MAX_CONFIG_BYTES as u64 + 1).map_err(|e| {
        format!(
            "{}: cannot read this configuration file: {e}",
            path.display()
        )
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let Some(found) = settings::parse(&text, pyproject) else {
        return Ok(None);
    };
    if let Some(p) = found
        .problems
        .iter()
        .find(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::TooLarge))
    {
        let lc = LineIndex::new(&text).line_col(&text, p.range.start, Encoding::Utf32);
        return Err(format!(
            "{}:{}:{}: cannot read this configuration file, so none of its settings would apply: {}",
            path.display(),
            lc.line + 1,
            lc.col + 1,
            p.message
        ));
    }
    Ok(Some(found))
}

/// One round of `check` over the paths asked for.
struct Checker {
    mode: Mode,
    unsafe_fixes: bool,
    force_exclude: bool,
    /// Files written (with `--diff`: changed in memory) in this round.
    written: usize,
    /// `--fix`: files not written, with why (a link out of the plugin, a
    /// read-only file, a file that changed while it was being fixed);
    /// they are not touched again, and `check` exits 2.
    refused: Vec<(PathBuf, String)>,
    /// `--fix`: how each file read may be written, from its reading.
    targets: HashMap<PathBuf, Target>,
    /// The .zip files met, whose files are never fixed.
    zips: Vec<PathBuf>,
    /// `--diff`: the fixed text of each file so far, which the analysis
    /// reads instead of the disk.
    pending: HashMap<PathBuf, Arc<str>>,
    /// `--diff`: the text of each file as it is on the disk.
    originals: HashMap<PathBuf, String>,
    /// `--diff`: fixed texts of this PATH, added to `pending` after it.
    updates: Vec<(PathBuf, String)>,
}

impl Checker {
    fn new(mode: Mode, unsafe_fixes: bool, force_exclude: bool) -> Self {
        Self {
            mode,
            unsafe_fixes,
            force_exclude,
            written: 0,
            refused: Vec::new(),
            targets: HashMap::new(),
            zips: Vec::new(),
            pending: HashMap::new(),
            originals: HashMap::new(),
            updates: Vec::new(),
        }
    }

    /// The reports for one PATH, or an I/O or usage failure. A PATH named
    /// here is checked even when `exclude` matches it, as in ruff, unless
    /// `--force-exclude`; what a folder walk finds is skipped.
    ///
    /// The work is done on the absolute path (its folder with links
    /// resolved), so that a configuration file above the current folder is
    /// found, as ruff finds it; names are shown as they were given.
    fn check_path(&mut self, path: &Path) -> Result<Vec<FileReport>, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (user_root, abs) = if meta.is_dir() {
            (path.to_path_buf(), path.canonicalize())
        } else {
            let parent = path.parent().unwrap_or(Path::new(""));
            let name = path.file_name().unwrap_or_default();
            let dir = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            (
                parent.to_path_buf(),
                dir.canonicalize().map(|d| d.join(name)),
            )
        };
        let abs = abs.map_err(|e| format!("{}: {e}", path.display()))?;
        let abs_root = if meta.is_dir() {
            abs.clone()
        } else {
            abs.parent().unwrap_or(Path::new("/")).to_path_buf()
        };
        let relabel = |s: String| relabel(&s, &abs_root, &user_root);
        let pending = std::mem::take(&mut self.pending);
        let refused_before = self.refused.len();
        let result = self.check_absolute(&abs, &meta, &pending);
        for (_, why) in &mut self.refused[refused_before..] {
            *why = relabel(std::mem::take(why));
        }
        self.pending = pending;
        for (path, text) in std::mem::take(&mut self.updates) {
            self.pending.insert(path, text.into());
        }
        match result {
            Ok(mut reports) => {
                for r in &mut reports {
                    r.name = relabel(std::mem::take(&mut r.name));
                }
                Ok(reports)
            }
            Err(e) => Err(relabel(e)),
        }
    }

    fn check_absolute(
        &mut self,
        path: &Path,
        meta: &std::fs::Metadata,
        pending: &HashMap<PathBuf, Arc<str>>,
    ) -> Result<Vec<FileReport>, String> {
        let dir = if meta.is_dir() {
            path
        } else {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
        };
        let config = configuration(dir)?;
        if self.force_exclude && config.excludes(path) {
            return Ok(Vec::new());
        }
        if meta.is_dir() {
            return self.check_folder(path, pending);
        }
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        {
            return self.check_zip(path);
        }
        let disk = DiskFiles::confined(dir);
        let files = Overlay {
            open: pending,
            below: &disk,
            scans: None,
            memo: None,
        };
        // A `.cfg` named here is an instance configuration of its plugin.
        let Some(kind) = crate::analysis::plugin::document_kind(path, &files, &config) else {
            return Err(format!(
                "{}: not a MANIFEST, a .cfg file, a plugin folder or a .zip",
                path.display()
            ));
        };
        let bytes = self.read(path, pending)?;
        let out = vec![self.document(path.display().to_string(), path, kind, bytes, &files)?];
        refuse_special_files(&disk)?;
        Ok(out)
    }

    fn check_folder(
        &mut self,
        dir: &Path,
        pending: &HashMap<PathBuf, Arc<str>>,
    ) -> Result<Vec<FileReport>, String> {
        let manifest = dir.join("MANIFEST");
        // `exists`, not `is_file`: a MANIFEST that is no regular file (a FIFO,
        // a device) or a link is this plugin's, and reading it reports what
        // it is. The plugins inside a folder are found by the model's rule,
        // as the server's scan finds them: at any depth, nested ones too.
        let (mut plugins, truncated) =
            crate::analysis::plugin::plugins_under(dir, &DiskFiles::confined(dir));
        if manifest.exists() && !plugins.iter().any(|p| p == dir) {
            plugins.insert(0, dir.to_path_buf());
        }
        if truncated {
            out::eprint(&format!(
                "sps-plugin-ls: {}: the search for plugins stopped at its limit ({} entries, {} folder levels); plugins beyond it are not checked\n",
                dir.display(),
                crate::workspace::WALK_MAX_ENTRIES,
                crate::workspace::WALK_MAX_DEPTH,
            ));
        }
        if plugins.len() > 1 || plugins.first().is_some_and(|p| p != dir) {
            // A folder of plugins, or a plugin with plugins inside: each is
            // checked on its own, unless `exclude` names it.
            let config = configuration(dir)?;
            // Named on the command line although excluded: what is in it
            // is checked too.
            let named_excluded = config.excludes(dir);
            let plugins: Vec<PathBuf> = plugins
                .into_iter()
                .filter(|p| p == dir || named_excluded || !config.excludes(p))
                .collect();
            let mut out = Vec::new();
            if self.mode == Mode::Check {
                let force_exclude = self.force_exclude;
                for result in in_parallel(&plugins, |plugin| {
                    Checker::new(Mode::Check, false, force_exclude).check_plugin(plugin, pending)
                }) {
                    out.append(&mut result?);
                }
            } else {
                for plugin in plugins {
                    out.append(&mut self.check_plugin(&plugin, pending)?);
                }
            }
            return Ok(out);
        }
        if plugins.is_empty() {
            return Err(format!(
                "{}: no MANIFEST in this folder or the folders in it; a plugin folder holds MANIFEST at its top",
                dir.display()
            ));
        }
        self.check_plugin(dir, pending)
    }

    /// The documents of the plugin in `dir`.
    fn check_plugin(
        &mut self,
        dir: &Path,
        pending: &HashMap<PathBuf, Arc<str>>,
    ) -> Result<Vec<FileReport>, String> {
        let disk = DiskFiles::confined(dir);
        // A check changes no file: walks and results are kept for the
        // plugin's documents. A fix changes files as it goes: nothing is.
        let (scans, memo) = (ScanCache::default(), Memo::default());
        let keep = self.mode == Mode::Check;
        let files = Overlay {
            open: pending,
            below: &disk,
            scans: keep.then_some(&scans),
            memo: keep.then_some(&memo),
        };
        let manifest = dir.join("MANIFEST");
        let config = configuration(dir)?;
        let excluded = |p: &Path| !config.excludes(dir) && config.excludes(p);
        let mut documents = Vec::new();
        for (path, kind) in plugin_documents(dir, &files) {
            if !excluded(&path) {
                let bytes = self.read(&path, pending)?;
                documents.push((path, kind, bytes));
            }
        }
        // Each file is read once: a check reads the plugin's code (for the
        // rules on it) from the documents' texts just read. A fix reads the
        // disk as it goes, where what it wrote is.
        let mut read: HashMap<PathBuf, Arc<str>> = HashMap::new();
        if keep {
            read.extend(pending.iter().map(|(p, t)| (p.clone(), t.clone())));
            for (path, _, bytes) in &documents {
                if let Ok(text) = std::str::from_utf8(bytes) {
                    read.entry(path.clone()).or_insert_with(|| Arc::from(text));
                }
            }
        }
        let files = Overlay {
            open: if keep { &read } else { pending },
            ..files
        };
        let mut out = Vec::new();
        for (path, kind, bytes) in documents {
            out.push(self.document(path.display().to_string(), &path, kind, bytes, &files)?);
        }
        if out.iter().all(|r| r.name != manifest.display().to_string()) && !excluded(&manifest) {
            // There, but a link or not a regular file.
            regular_file(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
        }
        refuse_special_files(&disk)?;
        Ok(out)
    }

    /// Writes `text` over the file read at `path`, as [`write_over`] does;
    /// why it was not written, if it was not (a refusal from its reading,
    /// or a change since).
    fn write(&mut self, path: &Path, text: &str) -> Result<Option<String>, String> {
        let changed = || format!("{}: changed while fixing; not written", path.display());
        Ok(match self.targets.remove(path) {
            Some(Target::File(read)) => match write_over(path, &read, text)? {
                Written::Yes => None,
                Written::Changed => Some(changed()),
            },
            Some(Target::Refused(why)) => Some(why),
            None => Some(changed()),
        })
    }

    /// A file's bytes for this round; with `--fix`, also how it may be
    /// written ([`Target`]).
    fn read(
        &mut self,
        path: &Path,
        pending: &HashMap<PathBuf, Arc<str>>,
    ) -> Result<Vec<u8>, String> {
        // `--add-suppressions` writes as `--fix` does.
        if !matches!(self.mode, Mode::Fix | Mode::Suppress) {
            return current_bytes(path, pending);
        }
        let (bytes, target) = read_for_fix(path)?;
        self.targets.insert(path.to_path_buf(), target);
        Ok(bytes)
    }

    fn check_zip(&mut self, path: &Path) -> Result<Vec<FileReport>, String> {
        let unpacked = super::zip::unpack(path)?;
        let files = &unpacked.files;
        let found = analysis::zip::check(files, &unpacked.root, unpacked.size);
        let mut reports = Vec::new();
        if !found.diagnostics.is_empty() {
            reports.push(FileReport::new(
                path.display().to_string(),
                String::new(),
                found.diagnostics,
            ));
        }
        if let Some(dir) = found.plugin_dir {
            for (doc, kind) in plugin_documents(&dir, files) {
                let bytes = files.files.get(&doc).map_or(&[][..], Vec::as_slice);
                let name = doc.display().to_string();
                reports.push(report(name, &doc, kind, bytes, files));
            }
        }
        if self.mode != Mode::Check {
            self.zips.push(path.to_path_buf());
        }
        Ok(reports)
    }

    /// One file on the disk: checked, and with `--fix` or `--diff` fixed.
    /// A file that is not valid UTF-8 or too large to analyse is only
    /// checked (writing it back would change the bytes it has).
    fn document(
        &mut self,
        name: String,
        path: &Path,
        kind: DocKind,
        bytes: Vec<u8>,
        files: &dyn Files,
    ) -> Result<FileReport, String> {
        // A .py file in another codec than UTF-8 (its coding cookie
        // says so) is never written: the fixed text would be UTF-8.
        if self.mode == Mode::Check
            || bytes.len() > MAX_ANALYSED_BYTES
            || self.refused.iter().any(|(p, _)| p == path)
            || (kind == DocKind::Python
                && analysis::python::encoding::declared(&bytes)
                    != analysis::python::encoding::Codec::Utf8)
        {
            return Ok(report(name, path, kind, bytes, files));
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => return Ok(report(name, path, kind, e.into_bytes(), files)),
        };
        if self.mode == Mode::Suppress {
            let (new_text, added, remaining) = add_suppressions(kind, &text, path, files);
            let mut r = FileReport::new(name, new_text, remaining);
            if added > 0 {
                let refused = self.write(path, &r.text)?;
                match refused {
                    Some(why) => self.refused.push((path.to_path_buf(), why)),
                    None => {
                        r.fixed = added;
                        self.written += 1;
                    }
                }
            }
            return Ok(r);
        }
        if self.mode == Mode::Diff && !self.originals.contains_key(path) {
            self.originals.insert(path.to_path_buf(), text.clone());
        }
        let cx = Context::new(path, files);
        let fixed = crate::features::fix_all::fix_all(kind, &text, &cx, self.unsafe_fixes);
        let mut r = FileReport::new(name, fixed.text, fixed.remaining);
        r.fixed = fixed.fixed;
        if r.text != text {
            if self.mode == Mode::Fix {
                let refused = self.write(path, &r.text)?;
                if let Some(why) = refused {
                    self.refused.push((path.to_path_buf(), why));
                    return Ok(report(
                        std::mem::take(&mut r.name),
                        path,
                        kind,
                        text.into_bytes(),
                        files,
                    ));
                }
            } else {
                self.updates.push((path.to_path_buf(), r.text.clone()));
            }
            self.written += 1;
        } else {
            r.fixed = 0;
        }
        if let Some(original) = self.originals.get(path).filter(|o| **o != r.text) {
            r.original = Some(original.clone());
        }
        Ok(r)
    }
}

/// `--add-suppressions`: `text` with a suppression comment for each of its
/// diagnostics that can have one (in the form the code action "Ignore
/// `<code>` on this line" writes, `suppression::ignore_edit`), how many were
/// added, and the diagnostics left. One at a time, analysing again after
/// each: a comment line added above moves what is below it.
fn add_suppressions(
    kind: DocKind,
    text: &str,
    path: &Path,
    files: &dyn Files,
) -> (String, usize, Vec<Diagnostic>) {
    let style = analysis::comment_style(kind);
    let mut text = text.to_string();
    let mut added = 0;
    // A diagnostic is known by its code, its message and its line counted
    // from the end (which neither kind of comment moves).
    let key = |text: &str, d: &Diagnostic| {
        let from_end = text[d.range.start.min(text.len())..]
            .bytes()
            .filter(|&b| b == b'\n')
            .count();
        (from_end, d.code.id, d.message.clone())
    };
    let mut tried: Vec<(usize, &'static str, String)> = Vec::new();
    let mut diagnostics = analysis::analyze(kind, &text, &Context::new(path, files));
    // Each round adds one comment or gives up on one diagnostic.
    for _ in 0..=diagnostics.len() {
        let next = diagnostics.iter().find(|d| {
            !d.code.id.starts_with("suppression/")
                && d.code != codes::file::TOO_LARGE
                && !tried.contains(&key(&text, d))
        });
        let Some(d) = next else { break };
        tried.push(key(&text, d));
        let Some(edit) = suppression::ignore_edit(&text, style, d.range.start, d.code) else {
            continue;
        };
        if edit.range.end > text.len() || !text.is_char_boundary(edit.range.start) {
            continue;
        }
        text.replace_range(edit.range.start..edit.range.end, &edit.new_text);
        added += 1;
        diagnostics = analysis::analyze(kind, &text, &Context::new(path, files));
    }
    (text, added, diagnostics)
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

/// `text` with the absolute folder `abs` written as the user wrote it
/// (`user`; empty for the current folder).
fn relabel(text: &str, abs: &Path, user: &Path) -> String {
    if abs == user || abs.parent().is_none() {
        return text.to_string();
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
    let mut out = text.replace(&abs_slash, &with_slash);
    // The folder itself, not followed by more of a path.
    let mut at = 0;
    while let Some(i) = out[at..].find(&abs).map(|i| i + at) {
        let next = out[i + abs.len()..].chars().next();
        if next.is_none_or(|c| !c.is_alphanumeric() && !matches!(c, '_' | '-' | '.')) {
            out.replace_range(i..i + abs.len(), &alone);
            at = i + alone.len();
        } else {
            at = i + abs.len();
        }
    }
    out
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
    use super::relabel;
    use std::path::Path;

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
