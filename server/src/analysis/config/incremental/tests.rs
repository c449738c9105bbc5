//! The chunked path against the whole one, on random edits of a big text.

use super::*;
use crate::analysis::python::reads as code_reads;
use crate::analysis::Context;
use crate::workspace::MemoryFiles;

const MAIN_PY: &str = "#!/usr/bin/env pluginwrapper3
from safeguard.sessions.plugin import AAPlugin
class Plugin(AAPlugin):
    def do_authorize(self):
        self.plugin_configuration.get('okta', 'api_key', required=True)
        self.plugin_configuration.get('extra', 'token', required=True)
        self.plugin_configuration.get('directory-3', 'server', required=True)
        self.plugin_configuration.getboolean('directory-7', 'use_tls')
        for name in self.plugin_configuration.get('main', 'dirs').split():
            self.plugin_configuration.get(name, 'timeout')
        return True
";

const HEAD: &str = "\
[okta]
api_key=$
; api_url=<url>

[credential_store]
name=store

[logging]
log_level=info
; enable_stacktrace=no

[main]
dirs=directory-1 directory-2
";

/// A section of the plugin's, some with findings.
fn block(n: usize) -> String {
    let bad = if n.is_multiple_of(5) {
        "bad=%(nope)s\n"
    } else {
        ""
    };
    format!(
        "\n# Directory {n}.\n[directory-{n}]\nserver=ldap{n}.example.com\nuse_tls=yes\n\
         timeout=30 ; seconds\n  more\n; bind_dn=<dn>\nurl=ldaps://%(server)s:%(port)s/\n\
         port=636\n{bad}[directory_{n}]\npassword=$\n"
    )
}

const PIECES: &[&str] = &[
    "x",
    "\n",
    "[",
    "]",
    "=",
    "$",
    " ",
    "#",
    ";",
    "\n[directory-3]\n",
    "\n[DEFAULT]\nk=v\n",
    "credential_store",
    "\nname=",
    "%",
    "\u{3000}",
    "\n  ",
    "api_key=",
    "\r\n",
    "\n[credential_store]\n",
    "%(port)s",
    "%%",
    "\n[extra]\n",
    "; token=<t>\n",
    "token=",
    "\n[okta]\n",
];

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The findings as `analyze` orders them.
fn sorted(mut d: Vec<Diagnostic>) -> Vec<Diagnostic> {
    d.sort_by_key(|d| (d.range.start, d.range.end, d.severity, d.code));
    d
}

fn run(instance: bool, seed: u64) {
    let mut text = HEAD.to_string();
    for n in 1..=60 {
        text.push_str(&block(n));
    }
    let mut files = MemoryFiles::default();
    files.files.insert(
        "/p/MANIFEST".into(),
        b"name: x\ntype: aa\napi: '1.9'\nversion: '1'\nentry_point: main.py\n".to_vec(),
    );
    files
        .files
        .insert("/p/main.py".into(), MAIN_PY.as_bytes().to_vec());
    let path = if instance {
        "/p/instance.cfg"
    } else {
        "/p/default.cfg"
    };
    let cx = Context::new(Path::new(path), &files);
    let reads = code_reads::of_plugin(&files, Path::new("/p"));
    assert!(reads.is_some());
    let facts = Facts {
        plugin_type: Some("aa"),
        api: Some((1, 9)),
        reads: reads.as_deref(),
        instance,
    };
    let _ = cx;
    let mut file = File::default();
    let mut rng = Rng(seed);
    let mut chunked = 0;
    let mut kept_findings = 0;
    // Each text is the base edited once; some edits are kept in the base.
    let mut base = text.clone();
    for step in 0..300 {
        let outcome = check_with(&text, &facts, &mut file);
        if let Some(d) = &outcome {
            chunked += 1;
            kept_findings += d.len();
            let want = sorted(whole(&text, &facts));
            let got = sorted(d.clone());
            if got != want {
                let only = |a: &[Diagnostic], b: &[Diagnostic]| {
                    a.iter()
                        .filter(|d| !b.contains(d))
                        .map(|d| format!("{d:?}"))
                        .collect::<Vec<_>>()
                };
                let first = got.iter().zip(&want).position(|(a, b)| a != b);
                panic!(
                    "seed {seed} step {step}: {} against {}, first differing {first:?}: {:#?}\nchunked only {:#?}\nwhole only {:#?}\n{}",
                    got.len(),
                    want.len(),
                    first.map(|i| (&got[i], &want[i])),
                    only(&got, &want),
                    only(&want, &got),
                    &text[..text.len().min(400)]
                );
            }
            if rng.next(4) == 0 {
                base = text.clone();
            }
        }
        text = base.clone();
        let mut at = rng.next(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        if rng.next(3) == 0 {
            let mut end = (at + 1 + rng.next(4)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, "");
        } else {
            text.insert_str(at, PIECES[rng.next(PIECES.len())]);
        }
    }
    assert!(chunked > 100, "{chunked} analyses took the chunked path");
    assert!(kept_findings > 0);
}

#[test]
fn chunks_give_the_findings_of_the_whole_text() {
    for seed in 1..=6 {
        run(false, seed * 7919);
    }
}

#[test]
fn chunks_give_the_findings_of_the_whole_instance() {
    for seed in 1..=3 {
        run(true, seed * 104_729);
    }
}

#[test]
fn a_keystroke_checks_only_its_chunk() {
    let mut text = HEAD.to_string();
    for n in 1..=50 {
        text.push_str(&block(n));
    }
    let facts = Facts {
        plugin_type: Some("aa"),
        api: Some((1, 9)),
        reads: None,
        instance: false,
    };
    let mut file = File::default();
    let first = check_with(&text, &facts, &mut file).expect("chunked");
    let at = text.find("ldap20").unwrap();
    text.insert(at, 'x');
    let before: Vec<_> = file.chunks.keys().copied().collect();
    let again = check_with(&text, &facts, &mut file).expect("chunked");
    // One chunk is new; the others were kept.
    let now: Vec<_> = file.chunks.keys().copied().collect();
    assert_eq!(now.iter().filter(|k| !before.contains(k)).count(), 1);
    assert_eq!(first.len(), again.len());
    assert_eq!(sorted(again), sorted(whole(&text, &facts)));
}
