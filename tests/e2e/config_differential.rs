//! Differential test of the default.cfg parser against CPython's
//! configparser (spec section 7): on the corpus and on thousands of generated
//! texts, the server reports an error exactly when CPython raises, reading
//! the text or `get`ting any option, on the lines CPython names.
//!
//! The oracle is `tests/oracles/configparser_oracle.py`, run once over all
//! inputs. Without `python3` the test is skipped, unless `CI` is set.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use sps_plugin_ls::analysis::{self, codes, config, Context, Severity};
use sps_plugin_ls::workspace::{DocKind, MemoryFiles};

use crate::harness::config_files_under;

const ORACLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/oracles/configparser_oracle.py"
);
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

/// How many generated texts are compared (`SPS_DIFF_COUNT` overrides it,
/// `SPS_DIFF_SEED` changes the seed, for longer local runs).
const GENERATED: usize = 3000;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn python() -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some("python3");
    }
    if std::env::var_os("CI").is_some() {
        panic!("python3 is needed for the configparser differential test");
    }
    eprintln!("skipped: python3 not found (set CI to make this a failure)");
    None
}

/// Runs the oracle once over every input (one JSON string per line).
fn oracle(python: &str, inputs: &[String]) -> Vec<Value> {
    let mut child = Command::new(python)
        .arg(ORACLE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the oracle");
    let mut stdin = child.stdin.take().unwrap();
    let lines: Vec<String> = inputs
        .iter()
        .map(|t| serde_json::to_string(t).unwrap())
        .collect();
    let writer = std::thread::spawn(move || {
        for l in lines {
            stdin.write_all(l.as_bytes()).unwrap();
            stdin.write_all(b"\n").unwrap();
        }
    });
    let out: Vec<Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    writer.join().unwrap();
    assert!(child.wait().unwrap().success(), "the oracle failed");
    assert_eq!(out.len(), inputs.len(), "one answer per input");
    out
}

/// The server's errors that stand for CPython raising, as (1-based line,
/// code), through the same entry point the server uses, with no MANIFEST.
fn errors(text: &str) -> Vec<(usize, &'static str)> {
    let files = MemoryFiles::default();
    let cx = Context::new(Path::new("/plugin/default.cfg"), &files);
    let mut out: Vec<(usize, &'static str)> = analysis::analyze(DocKind::Config, text, &cx)
        .into_iter()
        .filter(|d| d.severity == Severity::Error && config::CPYTHON_CODES.contains(&d.code))
        .map(|d| (text[..d.range.start].matches('\n').count() + 1, d.code.id))
        .collect();
    out.sort();
    out
}

/// Compares one input; returns a description of the mismatch.
fn compare(text: &str, cp: &Value) -> Result<(), String> {
    let mine = errors(text);
    let read: Vec<(usize, &str)> = mine
        .iter()
        .copied()
        .filter(|(_, c)| *c != codes::config::INTERPOLATION.id)
        .collect();
    let interp = mine
        .iter()
        .any(|(_, c)| *c == codes::config::INTERPOLATION.id);
    let raises = cp["raises"].as_bool().unwrap();
    if !raises {
        if !read.is_empty() {
            return Err(format!("CPython reads it, the server reports {read:?}"));
        }
        let get_errors = !cp["get_errors"].as_array().unwrap().is_empty();
        if get_errors != interp {
            return Err(format!(
                "get errors: CPython {}, server {:?}",
                cp["get_errors"], mine
            ));
        }
        return Ok(());
    }
    let class = cp["class"].as_str().unwrap();
    let lineno = cp["lineno"].as_u64().unwrap() as usize;
    let mut expected: Vec<usize> = cp["parse_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    // CPython stops at a fatal error; what follows is unknown to it.
    let last = if class == "ParsingError" {
        usize::MAX
    } else {
        expected.push(lineno);
        lineno
    };
    expected.sort();
    expected.dedup();
    let mut got: Vec<usize> = read
        .iter()
        .map(|(l, _)| *l)
        .filter(|l| *l <= last)
        .collect();
    got.dedup();
    if got != expected {
        return Err(format!(
            "CPython raises {class} at line {lineno} (errors on lines {expected:?}); the server \
             reports {read:?}"
        ));
    }
    if got.first() != expected.first() || !got.contains(&lineno) {
        return Err(format!("first error: CPython {lineno}, server {got:?}"));
    }
    Ok(())
}

/// A small deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const HEADERS: &[&str] = &[
    "[logging]",
    "[tls]",
    "[a]",
    "[b]",
    "[DEFAULT]",
    "[whitelist source=user_list]",
    "[connection_limit by=client_ip_gateway_user]",
    "  [a]",
    "[a] trailing ] text",
    "[a]]",
    "[]",
    "[]]",
    "[unclosed",
    "[unclosed=1",
    "[Logging]",
    "[ spaced ]",
    "[credential_store]",
    "[é]",
];

const OPTIONS: &[&str] = &[
    "key=value",
    "Key = other",
    "KEY: third",
    "log_level=info",
    "log_level=info ; quieter",
    "enabled = yes",
    "enabled=true",
    "name=",
    "name:",
    "name = $",
    "port: 3128",
    "url=http://x=1",
    "http://x=1",
    "=value",
    " = value",
    ":value",
    "novalue",
    "k=50%",
    "k=50%%",
    "k=%(key)s",
    "k=%(KEY)s",
    "k=%(missing)s",
    "k=%(k)s",
    "other=%(k)s%(k)s",
    "k=%(",
    "k=%(key)d",
    "k=%()s",
    "k=%",
    "k=%%(key)s",
    "d=%(name)s and %(port)s",
    "x = a % b",
    "\u{3000}k=1",
    "\x1cj=2",
    "é=ü",
    "nul=\0",
    "tab\t=\tv",
    "long=%(long)s",
];

const OTHER: &[&str] = &[
    "  more",
    "\tmore",
    "    deeper text",
    "  k2=v",
    "  [a]",
    "   ; indented comment",
    "  # indented hash",
    "# comment",
    "; comment",
    "; key=value",
    "",
    "   ",
    "\t",
    "  50%",
    "  %(key)s",
    " -----BEGIN CERTIFICATE-----",
    "\u{feff}x=1",
];

/// SDK-looking configurations, some with template lines.
const VALID: &[&str] = &[
    "[credential_store]\n; name=<name>\n\n[logging]\nlog_level=debug\n\n[https_proxy]\nserver=proxy\nport=3128\npassword=$\n",
    "[tls]\nenabled = yes\nca_cert = -----BEGIN CERTIFICATE-----\n MIIB\n -----END CERTIFICATE-----\n\n[auth]\nprompt=OTP:\n",
    "[DEFAULT]\nbase=/opt\n[paths]\nlog=%(base)s/log\nurl=http://x/a%%20b\n",
    "[question_1]\nprompt=Ticket?\nkey=ticket\ndisable_echo=no\n[check-in-trigger]\ndefault=session-ended\nrdp=authentication-completed\n",
];

/// Texts at the edges of interpolation: reference chains around CPython's
/// depth limit of 10, through `[DEFAULT]` or not.
fn fixed() -> Vec<String> {
    let mut out = Vec::new();
    for n in 8..=12 {
        for last in ["x", "x%%", "%(missing)s", "50%"] {
            for default in [false, true] {
                let mut t = String::from(if default { "[DEFAULT]\n" } else { "[a]\n" });
                for i in 0..n {
                    t.push_str(&format!("k{i}=%(k{})s\n", i + 1));
                }
                t.push_str(&format!("k{n}={last}\n"));
                if default {
                    t.push_str("[a]\n[b]\nk3=plain\n");
                }
                out.push(t);
            }
        }
    }
    out
}

fn generate(rng: &mut Rng) -> String {
    let mut lines: Vec<String> = Vec::new();
    if rng.chance(25) {
        // A valid configuration, then a few mutations.
        let base = rng.pick(VALID);
        lines.extend(base.lines().map(str::to_string));
        for _ in 0..rng.below(3) {
            let at = rng.below(lines.len() + 1);
            let new = match rng.below(3) {
                0 => rng.pick(OPTIONS),
                1 => rng.pick(OTHER),
                _ => rng.pick(HEADERS),
            };
            lines.insert(at, new.to_string());
        }
        if rng.chance(20) && !lines.is_empty() {
            let at = rng.below(lines.len());
            lines.remove(at);
        }
    } else {
        if !rng.chance(10) {
            lines.push(rng.pick(HEADERS).to_string());
        }
        for _ in 0..rng.below(12) {
            let line = match rng.below(10) {
                0 | 1 => rng.pick(HEADERS),
                2..=6 => rng.pick(OPTIONS),
                _ => rng.pick(OTHER),
            };
            lines.push(line.to_string());
        }
    }
    let eol = match rng.below(10) {
        0 | 1 => "\r\n",
        2 => "\r",
        _ => "\n",
    };
    let mut text = lines.join(eol);
    if rng.chance(80) {
        text.push_str(eol);
    }
    if rng.chance(4) {
        text.insert(0, '\u{feff}');
    }
    text
}

#[test]
fn configparser_agrees_on_generated_texts() {
    let Some(py) = python() else { return };
    let count = env_number("SPS_DIFF_COUNT", GENERATED as u64) as usize;
    let mut rng = Rng(env_number("SPS_DIFF_SEED", 0x5eed_0cf9_0000_0001) | 1);
    let mut inputs: Vec<String> = (0..count).map(|_| generate(&mut rng)).collect();
    inputs.extend(fixed());
    let answers = oracle(py, &inputs);
    let mut failures = Vec::new();
    let (mut raised, mut get_raised) = (0, 0);
    for (text, cp) in inputs.iter().zip(&answers) {
        raised += usize::from(cp["raises"].as_bool().unwrap());
        get_raised += usize::from(!cp["get_errors"].as_array().unwrap().is_empty());
        if let Err(e) = compare(text, cp) {
            failures.push(format!("{text:?}\n  {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} texts differ from CPython, e.g.:\n{}",
        failures.len(),
        inputs.len(),
        failures[..failures.len().min(8)].join("\n")
    );
    // The generator must exercise both outcomes.
    eprintln!(
        "{} texts: {raised} raise on reading, {get_raised} on get",
        inputs.len()
    );
    assert!(raised > count / 5 && raised < count * 4 / 5, "{raised}");
    assert!(get_raised > count / 20, "{get_raised}");
}

#[test]
fn configparser_agrees_on_the_corpus() {
    let Some(py) = python() else { return };
    let mut files: Vec<PathBuf> = Vec::new();
    files.extend(config_files_under(Path::new(CORPUS)));
    assert!(files.len() >= 25, "corpus not found at {CORPUS}");
    let inputs: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let answers = oracle(py, &inputs);
    for ((path, text), cp) in files.iter().zip(&inputs).zip(&answers) {
        assert!(!cp["raises"].as_bool().unwrap(), "{}", path.display());
        if let Err(e) = compare(text, cp) {
            panic!("{}: {e}", path.display());
        }
    }
}
