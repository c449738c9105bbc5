//! `sps-plugin-ls check PATH...`: plugin folders, single files and .zip
//! files, checked with the same analysis as the server.

use std::path::{Path, PathBuf};

use super::output::{render, FileReport, Format};
use crate::analysis::{self, codes, Context, Diagnostic, Severity};
use crate::text::TextRange;
use crate::workspace::{DiskFiles, DocKind, Files};

/// Runs `check` with its arguments; returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let mut format = Format::Human;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--format" => match it.next().and_then(|f| Format::parse(f)) {
                Some(f) => format = f,
                None => return usage("--format takes human, json or sarif"),
            },
            s if s.starts_with("--format=") => match Format::parse(&s["--format=".len()..]) {
                Some(f) => format = f,
                None => return usage("--format takes human, json or sarif"),
            },
            "-h" | "--help" => {
                print!("{}", super::USAGE);
                return 0;
            }
            s if s.starts_with('-') && s != "-" => return usage(&format!("unknown option {s}")),
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        return usage("check needs at least one PATH");
    }
    let mut reports = Vec::new();
    for path in &paths {
        match check_path(path) {
            Ok(mut r) => reports.append(&mut r),
            Err(message) => {
                eprintln!("sps-plugin-ls: {message}");
                return 2;
            }
        }
    }
    print!("{}", render(&reports, format));
    let failed = reports
        .iter()
        .any(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error));
    i32::from(failed)
}

fn usage(message: &str) -> i32 {
    eprintln!("sps-plugin-ls: {message}\n\n{}", super::USAGE);
    2
}

/// The reports for one PATH, or an I/O or usage failure.
pub fn check_path(path: &Path) -> Result<Vec<FileReport>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.is_dir() {
        return check_folder(path);
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        return super::zip::check_zip(path);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let files = DiskFiles::confined(dir);
    let Some(kind) = DocKind::detect(path, &files) else {
        return Err(format!(
            "{}: not a MANIFEST, a .cfg file, a plugin folder or a .zip",
            path.display()
        ));
    };
    let bytes = read_bytes(path)?;
    Ok(vec![report(
        path.display().to_string(),
        path,
        kind,
        bytes,
        &files,
    )])
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The MANIFEST, configuration files and Python code (what pluginv would
/// package of it) of a plugin, in a stable order.
pub fn plugin_documents(dir: &Path, files: &dyn Files) -> Vec<(PathBuf, DocKind)> {
    let code = analysis::code::documents(files, dir);
    let mut out: Vec<(PathBuf, DocKind)> = files
        .read_dir(dir)
        .into_iter()
        .filter(|e| !e.is_dir)
        .filter_map(|e| {
            let path = dir.join(&e.name);
            DocKind::detect(&path, files).map(|k| (path, k))
        })
        .filter(|(p, k)| *k != DocKind::Python || code.contains(p))
        .collect();
    out.extend(
        code.into_iter()
            .filter(|p| p.parent() != Some(dir))
            .map(|p| (p, DocKind::Python)),
    );
    out
}

fn check_folder(dir: &Path) -> Result<Vec<FileReport>, String> {
    let files = DiskFiles::confined(dir);
    if !files.is_file(&dir.join("MANIFEST")) {
        // A folder of plugins: each folder in it holding a MANIFEST.
        let plugins: Vec<PathBuf> = files
            .read_dir(dir)
            .into_iter()
            .filter(|e| e.is_dir && files.is_file(&dir.join(&e.name).join("MANIFEST")))
            .map(|e| dir.join(e.name))
            .collect();
        if plugins.is_empty() {
            return Err(format!(
                "{}: no MANIFEST in this folder or the folders in it; a plugin folder holds MANIFEST at its top",
                dir.display()
            ));
        }
        let mut out = Vec::new();
        for plugin in plugins {
            out.append(&mut check_folder(&plugin)?);
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    for (path, kind) in plugin_documents(dir, &files) {
        let bytes = read_bytes(&path)?;
        out.push(report(
            path.display().to_string(),
            &path,
            kind,
            bytes,
            &files,
        ));
    }
    Ok(out)
}

/// Checks one file's bytes. Invalid UTF-8 is reported where it starts (SPS
/// reads MANIFEST and configuration as UTF-8 text) and the rest is checked
/// with the bad bytes replaced.
pub fn report(
    name: String,
    path: &Path,
    kind: DocKind,
    bytes: Vec<u8>,
    files: &dyn Files,
) -> FileReport {
    let (text, invalid_at) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    let cx = Context::new(path, files);
    let mut diagnostics = analysis::analyze(kind, &text, &cx);
    if let Some(at) = invalid_at {
        let len = text[at..].chars().next().map_or(0, char::len_utf8);
        diagnostics.insert(
            0,
            Diagnostic::error(
                codes::file::INVALID_UTF8,
                TextRange::new(at, at + len),
                "this file is not valid UTF-8 here; SPS reads it as UTF-8 text: save it as UTF-8",
            ),
        );
    }
    FileReport {
        name,
        text,
        diagnostics,
    }
}
