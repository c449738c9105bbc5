//! `check --fix`, the only thing that writes, under attack (issue 24): it
//! writes only over the very file it read, where it read it; links swapped
//! in mid-run, saves during the fix, links named on the command line,
//! read-only files and CRLF files. A test swaps files while `--fix` waits
//! between its temporary file and the rename, through
//! `SPS_PLUGIN_LS_TEST_FIX_PAUSE_MS` (a switch for tests only).

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

/// A default.cfg with one safe fix: `%` in a value that configparser
/// interpolates is doubled.
const FIXABLE_CFG: &str = "[my]\nurl = https://example.com/a%b\n";
const FIXED_CFG: &str = "[my]\nurl = https://example.com/a%%b\n";

fn plugin(cfg: &str) -> Plugin {
    Plugin::new(&[
        ("MANIFEST", GOOD_MANIFEST),
        ("main.py", MAIN_PY),
        ("default.cfg", cfg),
    ])
}

/// `check --fix ARGS`: the status and stderr.
fn fix(args: &[&Path]) -> (i32, String) {
    let out = Command::new(bin())
        .args(["check", "--fix"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `check --fix path` paused before its write, calls `meanwhile` once
/// the pause has begun (from this thread, while `check` waits in its own
/// process), and returns the status and stderr.
fn fix_with_a_change_meanwhile(path: &Path, meanwhile: impl FnOnce()) -> (i32, String) {
    let mut child = Command::new(bin())
        .args(["check", "--fix"])
        .arg(path)
        .env("SPS_PLUGIN_LS_TEST_FIX_PAUSE_MS", "1500")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let started = Instant::now();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            let _ = child.kill();
            panic!("`check --fix` ended without pausing before its write: {seen}");
        }
        seen.push_str(&line);
        if line.contains("test: pausing before writing") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{seen}");
    }
    meanwhile();
    stderr.read_to_string(&mut seen).unwrap();
    let status = child.wait().unwrap().code().unwrap_or(-1);
    (status, seen)
}

/// A file swapped for a link to a file outside the plugin between the read
/// and the write: the outside file is untouched, the link stays, and
/// `check` says so and exits 2. (Before: the outside file was replaced by
/// the fixed text, status 0, no message.)
#[test]
fn a_link_swapped_in_mid_fix_is_never_written_through() {
    let p = plugin(FIXABLE_CFG);
    let outside = p.dir.parent().unwrap().join("outside.txt");
    std::fs::write(&outside, "[my]\nurl = secret%\n").unwrap();
    let cfg = p.path("default.cfg");
    let (status, err) = fix_with_a_change_meanwhile(&cfg, || {
        std::fs::remove_file(&cfg).unwrap();
        std::os::unix::fs::symlink(&outside, &cfg).unwrap();
    });
    assert_eq!(status, 2, "{err}");
    assert!(
        err.contains("default.cfg: changed while fixing; not written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "[my]\nurl = secret%\n"
    );
    assert!(std::fs::symlink_metadata(&cfg)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_no_temporary_files(&p.dir);
}

/// The user saves the file while `--fix` works on the older text: the save
/// stays, whether the editor wrote the file in place or renamed a new one
/// over it.
#[test]
fn a_save_during_the_fix_is_kept() {
    for in_place in [true, false] {
        let p = plugin(FIXABLE_CFG);
        let cfg = p.path("default.cfg");
        let saved = "[my]\nurl = https://example.com/saved%b\n";
        let (status, err) = fix_with_a_change_meanwhile(&cfg, || {
            if in_place {
                std::fs::write(&cfg, saved).unwrap();
            } else {
                let new = p.path(".default.cfg.swp");
                std::fs::write(&new, saved).unwrap();
                std::fs::rename(&new, &cfg).unwrap();
            }
        });
        assert_eq!(status, 2, "{err}");
        assert!(err.contains("changed while fixing; not written"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&cfg).unwrap(),
            saved,
            "in place: {in_place}"
        );
        assert_no_temporary_files(&p.dir);
    }
}

/// The temporary file has the file's mode from its creation: a 0600 file's
/// fixed text is never readable by others, not even before the rename; the
/// fixed file keeps 0600.
#[test]
fn the_temporary_file_has_the_final_mode_from_its_creation() {
    let p = plugin(FIXABLE_CFG);
    let cfg = p.path("default.cfg");
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut modes = Vec::new();
    let (status, err) = fix_with_a_change_meanwhile(&cfg, || {
        for e in std::fs::read_dir(&p.dir).unwrap() {
            let e = e.unwrap();
            if e.file_name()
                .to_string_lossy()
                .ends_with(".sps-plugin-ls.tmp")
            {
                modes.push(e.metadata().unwrap().permissions().mode() & 0o777);
            }
        }
    });
    assert_eq!(status, 0, "{err}");
    assert_eq!(modes, vec![0o600], "the temporary file beside default.cfg");
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), FIXED_CFG);
    let mode = std::fs::metadata(&cfg).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_no_temporary_files(&p.dir);
}

/// A link named on the command line whose target leaves the plugin folder
/// is read (checked) but never written through: refused with a message,
/// status 2. (Before: the target outside was rewritten, status 0.)
#[test]
fn a_link_named_on_the_command_line_is_never_written_through() {
    let p = plugin(FIXABLE_CFG);
    let outside = p.dir.parent().unwrap().join("elsewhere.cfg");
    std::fs::write(&outside, FIXABLE_CFG).unwrap();
    let link = p.path("linked.cfg");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let (status, err) = fix(&[&link]);
    assert_eq!(status, 2, "{err}");
    assert!(
        err.contains("linked.cfg: is a symbolic link to a file outside the plugin folder; links are never written through: not fixed"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), FIXABLE_CFG);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// A file with no write bit is not fixed, also when `check` runs as root
/// (as in CI), whom the system would let replace it. (Before: rewritten.)
#[test]
fn a_read_only_file_is_not_fixed() {
    let p = plugin(FIXABLE_CFG);
    let cfg = p.path("default.cfg");
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (status, err) = fix(&[&p.dir]);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("default.cfg: read-only; not fixed"), "{err}");
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), FIXABLE_CFG);
    let mode = std::fs::metadata(&cfg).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
}

/// Fixes on CRLF files insert lines with `\r\n`: the MANIFEST's
/// add-missing-key fix and default.cfg's "move the comment to its own line".
/// (Before: bare `\n` lines in a CRLF file.)
#[test]
fn fixes_on_crlf_files_keep_crlf() {
    let manifest = "name: My_Plugin\r\ndescription: A plugin\r\nversion: '1.0.0'\r\ntype: aa\r\nentry_point: main.py\r\n";
    let cfg = "[my]\r\nkey = value ; a comment\r\n";
    let p = Plugin::new(&[
        ("MANIFEST", manifest),
        ("main.py", MAIN_PY),
        ("default.cfg", cfg),
    ]);
    let out = Command::new(bin())
        .args(["check", "--fix", "--unsafe-fixes"])
        .arg(&p.dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    for name in ["MANIFEST", "default.cfg"] {
        let text = std::fs::read_to_string(p.path(name)).unwrap();
        let before = if name == "MANIFEST" { manifest } else { cfg };
        assert_ne!(text, before, "{name} was fixed: {err}");
        let bare = text.replace("\r\n", "").matches('\n').count();
        assert_eq!(bare, 0, "{name} has bare line ends: {text:?}");
    }
    assert!(std::fs::read_to_string(p.path("MANIFEST"))
        .unwrap()
        .contains("\r\napi: "));
    assert!(std::fs::read_to_string(p.path("default.cfg"))
        .unwrap()
        .contains("; a comment\r\nkey = value\r\n"));
}

fn assert_no_temporary_files(dir: &Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
