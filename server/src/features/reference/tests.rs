//! The reference on an inline plugin (order, grouped comments, values,
//! conditions, data sections), and on the ten real plugins: every option it
//! lists is read by the code or the SDK, and every option they read is
//! listed.

use std::path::{Path, PathBuf};

use expect_test::expect;

use super::{build, Reader, Reference};
use crate::analysis::plugin::Plugin;
use crate::analysis::python::reads;
use crate::schema::config::{sdk, section_since};
use crate::workspace::{DiskFiles, Files, MemoryFiles};

/// One line per section and option: who reads it, type, required, the
/// defaults, values, description and places.
fn table(r: &Reference) -> String {
    let mut out = String::new();
    for s in &r.sections {
        let by: Vec<&str> = s
            .read_by
            .iter()
            .map(|b| match b {
                Reader::Plugin => "plugin",
                Reader::Sdk => "sdk",
            })
            .collect();
        out.push_str(&format!("[{}] by {}", s.name, by.join("+")));
        if let Some(d) = &s.description {
            out.push_str(&format!(" -- {d}"));
        }
        out.push('\n');
        for o in &s.options {
            out.push_str(&format!("  {} {}", o.name, o.getters.join("/")));
            if o.required {
                out.push_str(" required");
            }
            for c in &o.required_when {
                out.push_str(&format!(
                    " required-when [{}] {}={}",
                    c.section,
                    c.option,
                    c.values.join("|")
                ));
            }
            if let Some(d) = &o.default {
                out.push_str(&format!(" default={d:?}"));
            }
            if let Some(d) = &o.sdk_default {
                out.push_str(&format!(" sdk-default={d:?}"));
            }
            if !o.values.is_empty() {
                out.push_str(&format!(" of {}", o.values.join("|")));
            }
            if let Some(w) = &o.default_cfg {
                out.push_str(&format!(
                    " cfg:{}{}",
                    w.line,
                    if w.commented { ";" } else { "" }
                ));
            }
            for p in &o.read_at {
                out.push_str(&format!(" @{}:{}", p.path, p.line));
            }
            if let Some(d) = &o.description {
                out.push_str(&format!(" -- {d}"));
            }
            out.push('\n');
        }
        if let Some(a) = &s.any_option {
            let at: Vec<String> = a
                .read_at
                .iter()
                .map(|p| format!("@{}:{}", p.path, p.line))
                .collect();
            out.push_str(&format!("  {} (any) {}\n", a.name, at.join(" ")));
        }
    }
    for n in &r.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

fn reference_of(files: &[(&str, &str)]) -> Reference {
    let root = PathBuf::from("/reference-test");
    let mut mem = MemoryFiles::default();
    for (rel, text) in files {
        mem.files.insert(root.join(rel), text.as_bytes().to_vec());
    }
    build(&root, &mem)
}

const MANIFEST: &str = "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: signingca\napi: '1.2'\nentry_point: main.py\n";

#[test]
fn options_in_default_cfg_order_then_the_code_s_with_their_facts() {
    let main = r#"from safeguard.sessions.plugin import AAPlugin
class Plugin(AAPlugin):
    def do_authorize(self):
        mode = self.plugin_configuration.getienum('my', 'mode', ('push', 'otp'), default='push')
        self.plugin_configuration.getint('my', 'timeout', 60)
        self.plugin_configuration.get('my', 'server', required=True)
        self.plugin_configuration.getboolean('my', 'verify')
        self.plugin_configuration.get('my', 'undocumented')
        if mode == 'otp':
            self.plugin_configuration.get('my', 'otp_secret', required=True)
        for name in self.plugin_configuration.get_options('hosts'):
            self.plugin_configuration.get('hosts', name)
"#;
    let cfg = "[my]
# Required: where the service is.
; server=<host>

; timeout=30

# How to authenticate: push or otp.
; mode=push
; otp_secret=<secret>
; verify=yes
; unread=1

[hosts]
# One option per host.

; example.com=group

[logging]
; log_level=debug
";
    let r = reference_of(&[
        ("MANIFEST", MANIFEST),
        ("main.py", main),
        ("default.cfg", cfg),
    ]);
    expect![[r#"
        [my] by plugin
          server get required cfg:3; @main.py:6 -- Required: where the service is.
          timeout getint default="60" cfg:5; @main.py:5
          mode getienum default="push" of push|otp cfg:8; @main.py:4 -- How to authenticate: push or otp.
          otp_secret get required-when [my] mode=otp cfg:9; @main.py:10 -- How to authenticate: push or otp.
          verify getboolean of yes|no cfg:10; @main.py:7 -- How to authenticate: push or otp.
          undocumented get @main.py:8
        [hosts] by plugin -- One option per host.
          <name> (any) @main.py:11 @main.py:12
        [logging] by sdk
          log_level  sdk-default="info" of debug|info|warning|error|critical cfg:19;
          destination  sdk-default="stderr" of stderr|messages
        [credential_store] by sdk
          name 
        [https_proxy] by sdk
          server 
          port  sdk-default="3128"
          username 
          password 
          enabled  sdk-default="yes" of yes|no
    "#]]
    .assert_eq(&table(&r));
}

fn plugins() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/plugins")
}

/// The SDK sections a plugin of this type and `api` has read, by every
/// name: derived here from the data on its own, as the oracle.
fn sdk_reads(plugin: &Plugin) -> Vec<(Vec<String>, Vec<String>, bool)> {
    let api = plugin.api.as_ref().map(|(a, b, _, _)| (*a, *b));
    sdk()
        .sections
        .iter()
        .filter(|s| s.applies_to(plugin.sdk_type()))
        .filter(|s| {
            s.name_pattern.is_some()
                || s.names()
                    .any(|n| section_since(n).is_some_and(|since| api.is_none_or(|a| a >= since)))
        })
        .map(|s| {
            let mut names: Vec<String> = s.names().map(str::to_string).collect();
            names.extend(s.name_pattern.clone());
            let options = s.options.iter().map(|o| o.name.clone()).collect();
            (names, options, s.free_options.is_some())
        })
        .collect()
}

#[test]
fn every_listed_option_is_read_and_every_read_option_is_listed() {
    let root = plugins();
    if !root.is_dir() {
        eprintln!("skipped: {} is missing", root.display());
        return;
    }
    let files = DiskFiles::unconfined();
    let mut count = 0;
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        let folder = entry.path();
        if !files.is_file(&folder.join("MANIFEST")) {
            continue;
        }
        count += 1;
        let plugin = Plugin::in_folder(&folder, &files);
        let code = reads::of_plugin(&files, &folder).expect("the plugin has code");
        let sdk = sdk_reads(&plugin);
        let r = build(&folder, &files);
        let name = folder.file_name().unwrap().to_string_lossy();
        let names_of = |s: &super::SectionDoc| {
            let mut n = vec![s.name.clone()];
            n.extend(s.aliases.iter().cloned());
            n
        };
        // Listed ⇒ read.
        for s in &r.sections {
            let names = names_of(s);
            let spec = sdk
                .iter()
                .find(|(n, _, _)| names.iter().any(|x| n.contains(x)));
            for o in &s.options {
                let by_code = names.iter().any(|n| code.reads_option(n, &o.name));
                let by_sdk = spec.is_some_and(|(_, opts, _)| opts.contains(&o.name));
                assert!(
                    by_code || by_sdk,
                    "{name}: [{}] {} is read by none",
                    s.name,
                    o.name
                );
            }
            if s.any_option.is_some() {
                let by_code = names.iter().any(|n| code.any_option(n));
                let by_sdk = spec.is_some_and(|(_, _, free)| *free);
                assert!(
                    by_code || by_sdk,
                    "{name}: [{}] reads no option as data",
                    s.name
                );
            }
        }
        let listed = |section: &str| {
            r.sections
                .iter()
                .find(|s| names_of(s).iter().any(|n| n == section))
        };
        // Read by the code ⇒ listed.
        for read in &code.reads {
            let s = listed(&read.section)
                .unwrap_or_else(|| panic!("{name}: [{}] is not listed", read.section));
            match &read.option {
                Some(o) => assert!(
                    s.options.iter().any(|x| x.name == *o),
                    "{name}: [{}] {o} is not listed",
                    read.section
                ),
                None => assert!(s.any_option.is_some(), "{name}: [{}] data", read.section),
            }
        }
        for (section, option, _) in &code.defaults {
            let s = listed(section).unwrap_or_else(|| panic!("{name}: [{section}]"));
            assert!(
                s.options.iter().any(|x| x.name == *option),
                "{name}: {option}"
            );
        }
        // Read by the SDK ⇒ listed.
        for (names, options, free) in &sdk {
            let s = names
                .iter()
                .find_map(|n| listed(n))
                .unwrap_or_else(|| panic!("{name}: SDK section {names:?} is not listed"));
            for o in options {
                assert!(
                    s.options.iter().any(|x| x.name == *o),
                    "{name}: SDK option [{}] {o} is not listed",
                    s.name
                );
            }
            assert!(!free || s.any_option.is_some(), "{name}: [{}]", s.name);
        }
    }
    assert_eq!(count, 10, "the ten real plugins");
}

/// The sections listed, with their other names, and the notes.
fn sections(manifest: &str, main: &str, cfg: &str) -> String {
    let r = reference_of(&[
        ("MANIFEST", manifest),
        ("main.py", main),
        ("default.cfg", cfg),
    ]);
    let mut out: Vec<String> = r
        .sections
        .iter()
        .map(|s| match s.aliases.is_empty() {
            true => s.name.clone(),
            false => format!("{} (also {})", s.name, s.aliases.join(", ")),
        })
        .collect();
    out.extend(r.notes.iter().map(|n| format!("note: {n}")));
    out.join("\n")
}

#[test]
fn the_sdk_sections_follow_the_type_the_api_and_the_factories_called() {
    let aa = |api: &str| MANIFEST.replace("signingca", "aa").replace("'1.2'", api);
    let plain =
        "from safeguard.sessions.plugin import AAPlugin\nclass Plugin(AAPlugin):\n    pass\n";
    // api 1.2 reads only `[https_proxy]`; 1.4 on, default.cfg's name is shown.
    let old = sections(&aa("'1.2'"), plain, "[https-proxy]\n; port=3128\n");
    assert!(old.lines().any(|l| l == "https_proxy"), "{old}");
    let new = sections(&aa("'1.9'"), plain, "[https-proxy]\n; port=3128\n");
    assert!(
        new.lines().any(|l| l == "https-proxy (also https_proxy)"),
        "{new}"
    );
    assert!(new.lines().any(|l| l == "question_<N>"), "{new}");
    assert!(!new.contains("tls"), "{new}");
    // `[tls]` when the code calls the SDK's factory.
    let tls = "from safeguard.sessions.plugin import AAPlugin\nfrom safeguard.sessions.plugin.requests_tls import RequestsTLS\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        RequestsTLS.from_config(self.plugin_configuration)\n";
    let with = sections(&aa("'1.9'"), tls, "");
    assert!(with.lines().any(|l| l == "tls"), "{with}");
    // A legacy plugin: the code's sections only, and why.
    let legacy = sections(
        &aa("'1.0'"),
        "class Plugin:\n    def __init__(self, configuration):\n        pass\n",
        "[mine]\nkey=value\n",
    );
    expect![[r#"
        note: `api: 1.0` is a legacy plugin: it reads its configuration text itself, so the SDK's sections do not apply."#]]
    .assert_eq(&legacy);
}
