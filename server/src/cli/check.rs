//! `sps-plugin-ls check PATH...`: plugin folders, single files and .zip
//! files, checked with the same analysis as the server.

use std::path::{Path, PathBuf};

use super::report::{render, FileReport, Format};
use crate::analysis::{self, codes, Context, Diagnostic, Severity, MAX_ANALYSED_BYTES};
use crate::text::TextRange;
use crate::workspace::{read_bounded, regular_file, DiskFiles, DocKind, Files, MAX_READ};

/// Runs `check` with its arguments; returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let mut format = Format::Human;
    let mut plugins_of = false;
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
            "--plugins-of" => plugins_of = true,
            "-h" | "--help" => {
                print!("{}", super::USAGE);
                return 0;
            }
            s if s.starts_with('-') && s != "-" => return usage(&format!("unknown option {s}")),
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if plugins_of {
        // Files of a commit (a pre-commit hook): each stands for its plugin
        // folder; files in no plugin folder are left alone.
        paths = plugin_folders_of(&paths);
    } else if paths.is_empty() {
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

/// The plugin folders holding `paths`: for each, the nearest folder at or
/// above it (up to the current folder for a relative path) with a MANIFEST,
/// each once, in the order first met.
pub fn plugin_folders_of(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = Vec::new();
    for path in paths {
        let start = if path.is_dir() {
            Some(path.as_path())
        } else {
            path.parent()
        };
        let plugin = start.into_iter().flat_map(Path::ancestors).find_map(|dir| {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            dir.join("MANIFEST").is_file().then(|| dir.to_path_buf())
        });
        if let Some(plugin) = plugin {
            if !folders.contains(&plugin) {
                folders.push(plugin);
            }
        }
    }
    folders
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
        return check_zip(path);
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
    let out = vec![report(
        path.display().to_string(),
        path,
        kind,
        bytes,
        &files,
    )];
    refuse_special_files(&files)?;
    Ok(out)
}

/// A file `check` was asked to read, as bytes: only a regular file, and
/// never more than [`MAX_READ`].
fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    read_bounded(path, MAX_READ).map_err(|e| format!("{}: {e}", path.display()))
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
    let manifest = dir.join("MANIFEST");
    // `exists`, not `is_file`: a MANIFEST that is no regular file (a FIFO,
    // a device) is this plugin's, and reading it reports what it is.
    if !manifest.exists() {
        // A folder of plugins: each folder in it holding a MANIFEST.
        let plugins: Vec<PathBuf> = files
            .read_dir(dir)
            .into_iter()
            .filter(|e| e.is_dir && dir.join(&e.name).join("MANIFEST").exists())
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
    if out.iter().all(|r| r.name != manifest.display().to_string()) {
        // There, but a link or not a regular file.
        regular_file(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
    refuse_special_files(&files)?;
    Ok(out)
}

fn check_zip(path: &Path) -> Result<Vec<FileReport>, String> {
    let unpacked = super::zip::unpack(path)?;
    let files = &unpacked.files;
    let found = analysis::zip::check(files, &unpacked.root, unpacked.size);
    let mut reports = Vec::new();
    if !found.diagnostics.is_empty() {
        reports.push(FileReport {
            name: path.display().to_string(),
            text: String::new(),
            diagnostics: found.diagnostics,
        });
    }
    if let Some(dir) = found.plugin_dir {
        for (doc, kind) in plugin_documents(&dir, files) {
            let bytes = files.files.get(&doc).map_or(&[][..], Vec::as_slice);
            let name = doc.display().to_string();
            reports.push(report(name, &doc, kind, bytes, files));
        }
    }
    Ok(reports)
}

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
    if bytes.as_ref().len() > MAX_ANALYSED_BYTES {
        // Not analysed: no copy of it is made, only its first line is kept
        // for showing where the diagnostic is.
        let bytes = bytes.as_ref();
        let head = &bytes[..bytes.len().min(200)];
        let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        return FileReport {
            name,
            text: String::from_utf8_lossy(line).into_owned(),
            diagnostics: vec![analysis::too_large(bytes.len())],
        };
    }
    let (text, invalid_at) = match String::from_utf8(bytes.into()) {
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
