//! The promises of docs/guarantees.md under attack: special files,
//! many documents, documents that are not on the disk, long sessions.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::*;

/// Runs `check` with a deadline (a hang fails the test instead of
/// blocking it): the status and stderr.
fn check_within(args: &[&str], deadline: Duration) -> (i32, String) {
    let mut child = Command::new(bin())
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

/// The server process started with `SPS_TEST_TAG=tag`.
fn pid_of(tag: &str) -> u32 {
    let wanted = format!("SPS_TEST_TAG={tag}");
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(env) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if env.split(|&b| b == 0).any(|v| v == wanted.as_bytes()) {
            return pid;
        }
    }
    panic!("no process tagged {tag}");
}

/// A line of /proc/PID/status in KiB (`VmHWM`: the peak resident size).
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
        .unwrap()
}

fn hover_on(server: &mut Server, uri: &str) -> Value {
    server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 1 } }),
        )
        .expect("hover answers")
}

/// With 1,000 documents open, 200 workspace-folder changes and 10,000
/// watched-file events cost one re-check per document at most (queued
/// re-checks hold no snapshot and join): a hover right after is answered
/// at once, and the peak memory stays small. The bounds are generous for a
/// debug build on a loaded machine; the figures before the fix were 39 s
/// and 12.5 GiB for 100 changes.
#[test]
fn many_folder_changes_with_many_open_documents_stay_cheap() {
    let tag = format!("folders-{}", std::process::id());
    let mut server = Server::spawn_with_env(&[("SPS_TEST_TAG", &tag)]);
    let root = Plugin::new(&[("main.py", MAIN_PY), ("MANIFEST", GOOD_MANIFEST)]);
    server.initialize(&["utf-16"], Some(&root.dir));
    let pid = pid_of(&tag);
    let mut uris = Vec::new();
    for i in 0..500 {
        let dir = root.dir.join(format!("p{i}"));
        uris.push(server.open(&dir.join("MANIFEST"), GOOD_MANIFEST));
        uris.push(server.open(&dir.join("default.cfg"), "[logging]\nlog_level = info\n"));
    }
    let last = uris.last().unwrap().clone();
    hover_on(&mut server, &last);
    let before = status_kib(pid, "VmRSS");
    let started = Instant::now();
    for i in 0..200 {
        let folder = json!([{ "uri": uri(&root.dir.join(format!("w{i}"))), "name": "w" }]);
        server.notify(
            "workspace/didChangeWorkspaceFolders",
            json!({ "event": { "added": folder, "removed": [] } }),
        );
    }
    let changes: Vec<Value> = (0..10_000)
        .map(|i| json!({ "uri": uri(&root.dir.join(format!("p{}", i % 500)).join("x.py")), "type": 2 }))
        .collect();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": changes }),
    );
    let r = hover_on(&mut server, &uris[0]);
    let took = started.elapsed();
    assert!(r["contents"]["value"].as_str().unwrap().contains("plugin"));
    // Every document still gets its diagnostics (the folders hold no main.py).
    assert_eq!(
        codes(&server.diagnostics(&uris[0], 1)),
        vec!["manifest/entry-point-missing"]
    );
    let peak = status_kib(pid, "VmHWM");
    eprintln!("hover after the changes: {took:?}; RSS before {before} KiB, peak {peak} KiB");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(peak < 256 * 1024, "peak RSS {peak} KiB");
    // The other 999 documents' publications are not this test's concern.
    server.discard(Duration::from_millis(500));
}

/// Documents that are not files never read the disk: a MANIFEST at
/// `untitled:/etc/MANIFEST` naming `passwd` does not resolve it, and one at
/// `http://host/<a plugin folder>/MANIFEST` gets no rule about the folder
/// (which has a sub-folder without __init__.py and a main.py without its
/// first line): only the rules that need no other file.
#[test]
fn documents_that_are_not_files_never_read_the_disk() {
    let plugin = Plugin::new(&[("main.py", "print(1)\n"), ("lib/x.py", "")]);
    let mut server = Server::start(&["utf-16"], None);
    // The same text as a file: the folder's rules apply.
    let as_file = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
    let mut file_codes = codes(&server.diagnostics(&as_file, 1));
    file_codes.dedup();
    assert_eq!(
        file_codes,
        vec![
            "layout/missing-init",
            "manifest/entry-point-shebang",
            "plugin/no-plugin-class"
        ]
    );
    let open = |server: &mut Server, uri: &str, text: &str| {
        server.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
    };
    let http = format!("http://example.com{}/MANIFEST", plugin.dir.display());
    open(&mut server, &http, GOOD_MANIFEST);
    assert_eq!(codes(&server.diagnostics(&http, 1)), Vec::<String>::new());
    let etc = "untitled:/etc/MANIFEST";
    let text = GOOD_MANIFEST.replace("main.py", "passwd");
    open(&mut server, etc, &text);
    assert_eq!(codes(&server.diagnostics(etc, 1)), Vec::<String>::new());
    let line = text
        .lines()
        .position(|l| l.starts_with("entry_point"))
        .unwrap();
    let def = server
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": etc }, "position": { "line": line, "character": 14 } }),
        )
        .unwrap();
    assert_eq!(def, Value::Null);
    let links = server
        .request(
            "textDocument/documentLink",
            json!({ "textDocument": { "uri": etc } }),
        )
        .unwrap();
    assert!(links.as_array().is_none_or(Vec::is_empty), "{links}");
    // Rules that need no file still apply.
    open(&mut server, "untitled:/x/MANIFEST", "name: 1x\n");
    let d = codes(&server.diagnostics("untitled:/x/MANIFEST", 1));
    assert!(d.contains(&"manifest/invalid-name".to_string()), "{d:?}");
    assert!(
        !d.contains(&"manifest/entry-point-missing".to_string()),
        "{d:?}"
    );
}

/// A reopen at the same version: the slow analysis of the first text must
/// not publish after the quick one of the second.
#[test]
fn a_reopen_at_the_same_version_publishes_the_new_text_last() {
    let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
    let mut server = Server::start(&["utf-16"], None);
    let path = plugin.path("MANIFEST");
    let slow: String = GOOD_MANIFEST.to_string()
        + &(0..40_000)
            .map(|i| format!("unknown_{i}: x\n"))
            .collect::<String>();
    let u = server.open(&path, &slow);
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": u } }),
    );
    server.open(&path, "name: My_Plugin\n");
    // The last publication for the document once all is quiet.
    let mut last = None;
    while let Some(m) = server.wait_quiet(Duration::from_secs(3), |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u
    }) {
        last = Some(m);
    }
    let last = last.expect("diagnostics published");
    let d = last["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(
        codes(d),
        vec!["manifest/missing-key"; 5],
        "the first text's diagnostics were published last"
    );
}

/// `shutdown` then `exit` at once, with requests still queued: status 0
/// every time (the protocol says so once `shutdown` was received).
#[test]
fn shutdown_then_exit_with_requests_queued_exits_0() {
    for round in 0..10 {
        let mut server = Server::start(&["utf-16"], None);
        let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
        let u = server.open(&plugin.path("MANIFEST"), GOOD_MANIFEST);
        for _ in 0..20 {
            server.send_request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": u }, "position": { "line": 6, "character": 0 } }),
            );
        }
        server.send_request("shutdown", Value::Null);
        server.notify("exit", Value::Null);
        assert_eq!(server.wait_exit(), 0, "round {round}");
        // Which of the queued requests were answered before `exit` is not
        // this test's concern.
        server.discard(Duration::from_millis(50));
    }
}

/// A .zip of more entries than the limit is refused from its end record,
/// before the archive is indexed (indexing 400,000 entries cost 238 MB):
/// `check` runs within 48 MiB of address space here.
#[test]
fn a_zip_of_too_many_entries_is_refused_before_it_is_indexed() {
    use std::io::Write;
    let plugin = Plugin::new(&[]);
    let path = plugin.path("many.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..120_000 {
        zip.start_file(format!("f{i}"), options).unwrap();
    }
    zip.start_file("MANIFEST", options).unwrap();
    zip.write_all(GOOD_MANIFEST.as_bytes()).unwrap();
    zip.finish().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 49152; exec '{}' check '{}'",
            bin(),
            path.display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds 120001 entries, more than 100000"),
        "{stderr}"
    );
}
