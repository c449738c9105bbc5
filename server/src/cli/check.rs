//! `sps-plugin-ls check PATH...`: plugin folders, single files and .zip
//! files, checked with the same analysis as the server.

use std::path::{Path, PathBuf};

use super::output::{render, FileReport, Format};
use crate::analysis::{self, Context, Severity};
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
    let text = read_text(path)?;
    Ok(vec![report(
        path.display().to_string(),
        path,
        kind,
        text,
        &files,
    )])
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// The MANIFEST and configuration files of a plugin, in a stable order.
pub fn plugin_documents(dir: &Path, files: &dyn Files) -> Vec<(PathBuf, DocKind)> {
    files
        .read_dir(dir)
        .into_iter()
        .filter(|e| !e.is_dir)
        .filter_map(|e| {
            let path = dir.join(&e.name);
            DocKind::detect(&path, files).map(|k| (path, k))
        })
        .collect()
}

fn check_folder(dir: &Path) -> Result<Vec<FileReport>, String> {
    let files = DiskFiles::confined(dir);
    if !files.is_file(&dir.join("MANIFEST")) {
        return Err(format!(
            "{}: no MANIFEST in this folder; a plugin folder holds MANIFEST at its top",
            dir.display()
        ));
    }
    let mut out = Vec::new();
    for (path, kind) in plugin_documents(dir, &files) {
        let text = read_text(&path)?;
        out.push(report(
            path.display().to_string(),
            &path,
            kind,
            text,
            &files,
        ));
    }
    Ok(out)
}

pub fn report(
    name: String,
    path: &Path,
    kind: DocKind,
    text: String,
    files: &dyn Files,
) -> FileReport {
    let cx = Context { path, files };
    let diagnostics = analysis::analyze(kind, &text, &cx);
    FileReport {
        name,
        text,
        diagnostics,
    }
}
