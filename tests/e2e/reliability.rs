//! The promises of the README's "Guarantees" under attack: special files,
//! many documents, documents that are not on the disk, long sessions.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;

/// Runs `check` with a deadline (a hang fails the test instead of
/// blocking it): the status and stderr.
fn check_within(args: &[&str], deadline: Duration) -> (i32, String) {
    let mut child = Command::new(BIN)
        .arg("check")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("check {args:?} still running after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

fn link(target: &str, path: &Path) {
    let _ = std::fs::remove_file(path);
    std::os::unix::fs::symlink(target, path).unwrap();
}

/// FIFOs and devices are refused with a message naming them and status 2,
/// whatever `check` is asked for: the file itself, or a folder where one is
/// the MANIFEST, the default.cfg or the entry point. (The deadline only
/// turns a hang into a failure; it is no speed test.)
#[test]
fn check_refuses_fifos_and_devices_whatever_is_named() {
    let deadline = Duration::from_secs(10);
    // (file, how it is made, whether it is named directly, through its folder)
    type Make = fn(&Path);
    let cases: [(&str, Make, bool, bool); 4] = [
        ("default.cfg", mkfifo, true, true),
        ("main.py", mkfifo, false, true),
        ("MANIFEST", mkfifo, true, true),
        // Folder walks leave links out: it is refused when named.
        ("default.cfg", |p| link("/dev/zero", p), true, false),
    ];
    for (name, make, directly, through_folder) in cases {
        let plugin = Plugin::new(&[
            ("MANIFEST", GOOD_MANIFEST),
            ("main.py", MAIN_PY),
            ("default.cfg", "[logging]\nlog_level=info\n"),
        ]);
        let path = plugin.path(name);
        make(&path);
        let named = [
            Some(path.clone()).filter(|_| directly),
            Some(plugin.dir.clone()).filter(|_| through_folder),
        ];
        for target in named.into_iter().flatten() {
            let (status, stderr) = check_within(&[target.to_str().unwrap()], deadline);
            assert_eq!(status, 2, "{name} as {}: {stderr}", target.display());
            assert!(
                stderr.contains(&format!("{}: is a ", path.display()))
                    && stderr.contains("not a regular file"),
                "{stderr}"
            );
        }
    }
    // Devices and FIFOs named directly, whatever their names.
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    let fifo_zip = plugin.path("plugin.zip");
    mkfifo(&fifo_zip);
    let char_dev = plugin.path("MANIFEST");
    link("/dev/zero", &char_dev);
    for target in [
        fifo_zip.as_path(),
        char_dev.as_path(),
        Path::new("/dev/null"),
    ] {
        let (status, stderr) = check_within(&[target.to_str().unwrap()], deadline);
        assert_eq!(status, 2, "{}: {stderr}", target.display());
        assert!(!stderr.is_empty());
    }
}
