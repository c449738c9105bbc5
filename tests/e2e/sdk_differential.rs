//! Differential test of the typed default.cfg checks against the SDK itself
//! (spec section 3.3): for every SDK option read with `getboolean`,
//! `getint`, `getfloat` or `getienum` and thousands of generated values
//! (what Python's `int()` and `float()` accept and refuse, in any script,
//! with any whitespace), the server reports an error on the value exactly
//! when SDK 1.9.1's `PluginConfiguration` getter raises on it.
//!
//! The oracle is `tests/oracles/sdk_getters_oracle.py`, run in `.venv`
//! (scripts/test sets it up). Without it the test is skipped, unless `CI`
//! is set.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use sps_plugin_ls::analysis::{self, codes, Context, Severity};
use sps_plugin_ls::workspace::{DocKind, MemoryFiles};

use crate::manifest_differential::oracle_python;

const ORACLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/oracles/sdk_getters_oracle.py"
);
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/sdk-config.json");

/// An SDK option read with a typed getter.
struct Typed {
    section: String,
    option: String,
    getter: &'static str,
    values: Option<Vec<String>>,
    plugin_type: Option<String>,
}

/// The typed options of the SDK, from the same data the server uses.
fn typed_options() -> Vec<Typed> {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(SCHEMA).unwrap()).unwrap();
    let mut out = Vec::new();
    for s in schema["sections"].as_array().unwrap() {
        let plugin_type = s["plugin_types"][0].as_str().map(str::to_string);
        for o in s["options"].as_array().into_iter().flatten() {
            let getter = match o["type"].as_str().unwrap() {
                "boolean" => "getboolean",
                "int" => "getint",
                "float" => "getfloat",
                // Compared with `==` by the SDK, not read with getienum.
                "enum" if o["case_sensitive"] == true => continue,
                "enum" => "getienum",
                _ => continue,
            };
            // `enabled` is read from `[https_proxy]` only.
            let section = o["only_in"][0]
                .as_str()
                .unwrap_or(s["name"].as_str().unwrap());
            out.push(Typed {
                section: section.to_string(),
                option: o["name"].as_str().unwrap().to_string(),
                getter,
                values: o["values"]
                    .as_array()
                    .map(|v| v.iter().map(|x| x.as_str().unwrap().to_string()).collect()),
                plugin_type: plugin_type.clone(),
            });
        }
    }
    out
}

/// Values Python reads or refuses as numbers and booleans: signs,
/// underscores, prefixes, exponents, infinities, digits of other scripts
/// (Arabic-Indic, Devanagari, full-width, mathematical bold, NKo), digits
/// that are not decimal (superscripts, Roman numerals), Unicode spaces.
const ATOMS: &[&str] = &[
    "0",
    "60",
    "-5",
    "+7",
    "007",
    "00",
    "1_000",
    "1__0",
    "_1",
    "1_",
    "0x10",
    "0o7",
    "0b1",
    "1.0",
    "1.5",
    ".5",
    "5.",
    "1e5",
    "1E-5",
    "1e",
    "e5",
    "1e1_0",
    "1_e10",
    "1_000.5",
    "1._5",
    "0x1p3",
    "inf",
    "-inf",
    "+Infinity",
    "infinity",
    "iNfInItY",
    "infinit",
    "nan",
    "-nan",
    "NaN",
    "nan0",
    "1,5",
    "1.5.5",
    "--1",
    "-",
    "+",
    "",
    "4 2",
    "99999999999999999999999999",
    "1e999",
    "\u{663}",
    "\u{661}\u{662}\u{663}",
    "\u{661}.\u{665}",
    "\u{967}\u{968}",
    "\u{ff11}\u{ff12}",
    "\u{ff11}.\u{ff15}",
    "\u{1d7d9}",
    "\u{7c1}",
    "\u{b2}",
    "\u{216b}",
    "\u{bd}",
    "yes",
    "no",
    "YES",
    "Yes",
    "yEs",
    "NO",
    "true",
    "false",
    "on",
    "off",
    "1",
    "y",
    "n",
    "\u{ff59}es",
    "\u{ff4e}\u{ff4f}",
    "y\u{131}s",
    "info",
    "INFO",
    "Debug",
    "warning",
    "critical",
    "\u{130}nfo",
    "\u{131}nfo",
    "messages",
    "stderr",
    "session-ended",
    "SESSION-ENDED",
    "authentication-completed",
    "no_user",
    "all_users",
    "ALL_USERS",
    "all-users",
    "info ; note",
    "yes # no",
    "\"yes\"",
    "'1'",
];

const SPACES: &[&str] = &[
    "", " ", "\t", "\u{a0}", "\u{2003}", "\u{3000}", "\u{205f}", "\u{b}", "\u{c}",
];

/// A small deterministic generator (xorshift), as in the other
/// differential tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// Every atom, then random compositions: an atom between spaces, two atoms
/// joined, an atom with one character dropped.
fn values(rng: &mut Rng, n: usize) -> Vec<String> {
    let mut out: Vec<String> = ATOMS.iter().map(|a| a.to_string()).collect();
    while out.len() < n {
        let v = match rng.next() % 3 {
            0 => format!(
                "{}{}{}",
                rng.pick(SPACES),
                rng.pick(ATOMS),
                rng.pick(SPACES)
            ),
            1 => format!("{}{}", rng.pick(ATOMS), rng.pick(ATOMS)),
            _ => {
                let a: Vec<char> = rng.pick(ATOMS).chars().collect();
                let cut = (rng.next() as usize) % a.len().max(1);
                a.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != cut)
                    .map(|(_, c)| *c)
                    .collect()
            }
        };
        out.push(v);
    }
    out
}

/// The server's errors on the value (line 2), through the same entry point
/// the server uses, beside a MANIFEST of the option's plugin type.
fn server_rejects(text: &str, plugin_type: Option<&str>) -> bool {
    let mut files = MemoryFiles::default();
    if let Some(t) = plugin_type {
        files.files.insert(
            PathBuf::from("/plugin/MANIFEST"),
            format!("type: {t}\n").into_bytes(),
        );
    }
    let cx = Context::new(Path::new("/plugin/default.cfg"), &files);
    let typed = [
        codes::config::INVALID_BOOLEAN,
        codes::config::INVALID_INT,
        codes::config::INVALID_FLOAT,
        codes::config::INVALID_ENUM,
    ];
    let line2 = text.find('\n').unwrap() + 1;
    analysis::analyze(DocKind::Config, text, &cx)
        .iter()
        .any(|d| d.severity == Severity::Error && typed.contains(&d.code) && d.range.start >= line2)
}

fn oracle(python: &Path, cases: &[Value]) -> Vec<Value> {
    let mut child = Command::new(python)
        .arg(ORACLE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the oracle");
    let mut stdin = child.stdin.take().unwrap();
    let lines: Vec<String> = cases.iter().map(Value::to_string).collect();
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
    assert_eq!(out.len(), cases.len(), "one answer per input");
    out
}

#[test]
fn typed_options_are_errors_exactly_when_the_sdk_getter_raises() {
    let Some(python) = oracle_python().filter(|p| {
        Command::new(p)
            .args([
                "-c",
                "import safeguard.sessions.plugin.plugin_configuration",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the SDK PluginConfiguration oracle is missing: .ci/run creates .venv"
        );
        eprintln!(
            "skipped: no .venv with the SDK and pyopenssl, requests (./scripts/test sets it up)"
        );
        return;
    };
    let mut rng = Rng(0x5eed_5d4c_0ff1_ce00);
    let options = typed_options();
    assert!(
        options.len() >= 12,
        "typed options found: {}",
        options.len()
    );
    let mut cases = Vec::new();
    let mut texts = Vec::new();
    for o in &options {
        for v in values(&mut rng, 300) {
            // `$` values are credential store lookups, `%` interpolation,
            // line breaks new lines: other rules, other tests.
            if v.trim_start().starts_with('$') || v.contains(['%', '\n', '\r']) {
                continue;
            }
            let text = format!("[{}]\n{} = {v}\n", o.section, o.option);
            cases.push(json!({
                "text": text, "section": o.section, "option": o.option,
                "getter": o.getter, "values": o.values,
            }));
            texts.push((text, o.plugin_type.clone()));
        }
    }
    let answers = oracle(&python, &cases);
    let mut mismatches = Vec::new();
    for ((text, plugin_type), sdk) in texts.iter().zip(&answers) {
        let raises = sdk["raises"].as_bool().unwrap();
        if raises != server_rejects(text, plugin_type.as_deref()) {
            mismatches.push(format!("{text:?}: SDK raises {raises} ({})", sdk["class"]));
        }
    }
    eprintln!(
        "{} values of {} options compared",
        texts.len(),
        options.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        texts.len(),
        mismatches[..mismatches.len().min(40)].join("\n")
    );
}

/// The server's errors on the value (line 2) of an option the plugin's
/// code reads with `call`, through the same entry point the server uses.
fn server_rejects_for_code(text: &str, call: &str) -> bool {
    let mut files = MemoryFiles::default();
    let main = format!(
        "from safeguard.sessions.plugin import AAPlugin\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        return self.plugin_configuration.{call}\n"
    );
    for (p, t) in [
        (
            "/plugin/MANIFEST",
            "type: aa\napi: '1.9'\nentry_point: main.py\n",
        ),
        ("/plugin/main.py", main.as_str()),
    ] {
        files.files.insert(PathBuf::from(p), t.as_bytes().to_vec());
    }
    let cx = Context::new(Path::new("/plugin/default.cfg"), &files);
    let typed = [
        codes::config::INVALID_BOOLEAN,
        codes::config::INVALID_INT,
        codes::config::INVALID_FLOAT,
        codes::config::INVALID_ENUM,
    ];
    let line2 = text.find('\n').unwrap() + 1;
    analysis::analyze(DocKind::Config, text, &cx)
        .iter()
        .any(|d| d.severity == Severity::Error && typed.contains(&d.code) && d.range.start >= line2)
}

/// Generated getter calls of the plugin's own code (getters, sections,
/// options, value sets, defaults) against generated values: the server's
/// error on a value ⇔ SDK 1.9.1's getter raises on it.
#[test]
fn values_the_code_reads_are_errors_exactly_when_the_sdk_getter_raises() {
    let Some(python) = oracle_python().filter(|p| {
        Command::new(p)
            .args([
                "-c",
                "import safeguard.sessions.plugin.plugin_configuration",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the SDK PluginConfiguration oracle is missing: .ci/run creates .venv"
        );
        eprintln!(
            "skipped: no .venv with the SDK and pyopenssl, requests (./scripts/test sets it up)"
        );
        return;
    };
    let mut rng = Rng(0x00c0_de5e_ad5d_4c00);
    let sections = ["radius", "my-plugin", "plugin 2"];
    let options = ["timeout", "Use_TLS", "mode"];
    let value_sets: [&[&str]; 3] = [
        &["pap", "chap"],
        &["push", "otp", "sms"],
        &["yes", "no", "60"],
    ];
    // (getter, default as Python, default as JSON)
    let getters: &[(&str, &str, Option<Value>)] = &[
        ("getboolean", "", None),
        ("getboolean", ", default=False", Some(json!(false))),
        ("getint", "", None),
        ("getint", ", default=60", Some(json!(60))),
        ("getint", ", default='x1'", Some(json!("x1"))),
        ("getfloat", "", None),
        ("getfloat", ", default=1.5", Some(json!(1.5))),
        ("getienum", "", None),
        ("getienum", ", default='pap'", Some(json!("pap"))),
    ];
    let mut extra: Vec<String> = ["yes", "No", "PAP", "chap ", "otp", "SMS", "x1", "true"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    extra.extend(values(&mut rng, 120));
    let mut cases = Vec::new();
    let mut texts = Vec::new();
    for (i, v) in extra.iter().enumerate() {
        if v.trim_start().starts_with('$') || v.contains(['%', '\n', '\r']) {
            continue;
        }
        for (g, (getter, default_py, default)) in getters.iter().enumerate() {
            let section = sections[(i + g) % sections.len()];
            let option = options[(i * 7 + g) % options.len()];
            let set = value_sets[(i + 2 * g) % value_sets.len()];
            let set_py = set
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            let call = if *getter == "getienum" {
                format!("{getter}({section:?}, {option:?}, ({set_py},){default_py})")
            } else {
                format!("{getter}({section:?}, {option:?}{default_py})")
            };
            let text = format!("[{section}]\n{option} = {v}\n");
            let mut case = json!({
                "text": text, "section": section, "option": option.to_lowercase(),
                "getter": getter, "values": set,
            });
            if let Some(d) = default {
                case["default"] = d.clone();
            }
            cases.push(case);
            texts.push((text, call));
        }
    }
    let answers = oracle(&python, &cases);
    let mut mismatches = Vec::new();
    for ((text, call), sdk) in texts.iter().zip(&answers) {
        let raises = sdk["raises"].as_bool().unwrap();
        if raises != server_rejects_for_code(text, call) {
            mismatches.push(format!(
                "{call} on {text:?}: SDK raises {raises} ({})",
                sdk["class"]
            ));
        }
    }
    eprintln!("{} values read by generated calls compared", texts.len());
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        texts.len(),
        mismatches[..mismatches.len().min(40)].join("\n")
    );
}

/// What the rules on unset options claim of SDK 1.9.1's getters (issue 25):
/// an option that is not set, read without `default=` or `required=True`,
/// gives `None` (so `.split` on it raises `AttributeError`), except
/// `getlist`, which raises itself; `required=True` raises
/// `RequiredConfigurationSettingNotFound`; an empty value counts as set
/// (`''`, never `None`), also for `required=True`.
#[test]
fn unset_and_empty_options_as_the_rules_say() {
    let Some(python) = oracle_python().filter(|p| {
        Command::new(p)
            .args([
                "-c",
                "import safeguard.sessions.plugin.plugin_configuration",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the SDK PluginConfiguration oracle is missing: .ci/run creates .venv"
        );
        eprintln!("skipped: no .venv with the SDK and pyopenssl, requests");
        return;
    };
    let unset = "[safeguard]\nother = x\n";
    let empty = "[safeguard]\naddress =\n";
    // (text, getter, required, raises, class or returned type)
    let expected: &[(&str, &str, Option<bool>, bool, &str)] = &[
        (unset, "get", None, false, "NoneType"),
        (unset, "getboolean", None, false, "NoneType"),
        (unset, "getint", None, false, "NoneType"),
        (unset, "getfloat", None, false, "NoneType"),
        (unset, "getienum", None, false, "NoneType"),
        (unset, "getlist", None, true, "AttributeError"),
        (
            unset,
            "get",
            Some(true),
            true,
            "RequiredConfigurationSettingNotFound",
        ),
        (empty, "get", None, false, "str"),
        (empty, "get", Some(true), false, "str"),
    ];
    let cases: Vec<Value> = expected
        .iter()
        .map(|(text, getter, required, _, _)| {
            let mut c = json!({
                "text": text, "section": "safeguard", "option": "address",
                "getter": getter, "values": ["explicit", "gateway"],
            });
            if let Some(r) = required {
                c["required"] = json!(r);
            }
            c
        })
        .collect();
    let answers = oracle(&python, &cases);
    for ((text, getter, required, raises, what), sdk) in expected.iter().zip(&answers) {
        let got = if sdk["raises"].as_bool().unwrap() {
            &sdk["class"]
        } else {
            &sdk["returns"]
        };
        assert_eq!(
            (sdk["raises"].as_bool().unwrap(), got.as_str().unwrap()),
            (*raises, *what),
            "{getter} (required={required:?}) on {text:?}"
        );
    }
}
