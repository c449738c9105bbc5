//! What the code reads, on each pattern of the real plugins and on the ten
//! real plugins themselves (`UPDATE_EXPECT=1` rewrites the tables).

use std::path::{Path, PathBuf};

use expect_test::{expect, Expect};

use super::reads::{self, Default, Reads};
use crate::workspace::{DiskFiles, MemoryFiles};

const MANIFEST: &str = "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n";

fn reads_of(files: &[(&str, &str)]) -> Reads {
    let root = PathBuf::from("/reads-test");
    let mut mem = MemoryFiles::default();
    mem.files
        .insert(root.join("MANIFEST"), MANIFEST.as_bytes().to_vec());
    for (rel, text) in files {
        mem.files.insert(root.join(rel), text.as_bytes().to_vec());
    }
    (*reads::of_plugin(&mem, &root).expect("the plugin has code")).clone()
}

/// One line per read: `[section] option getter default required value_set @place`.
fn table(r: &Reads) -> String {
    let mut out = String::new();
    if r.any_section {
        out.push_str("any section\n");
    }
    for read in &r.reads {
        let default = match &read.default {
            Default::Absent => "-".to_string(),
            Default::Known(v) => v.python(),
            Default::Unknown => "?".to_string(),
        };
        out.push_str(&format!(
            "[{}] {} {} default={}{}{} @{}{}\n",
            read.section,
            read.option.as_deref().unwrap_or("*"),
            read.getter.method(),
            default,
            if read.required { " required" } else { "" },
            read.value_set
                .as_ref()
                .map_or(String::new(), |v| format!(" of {}", v.join("|"))),
            read.place(),
            read.by_sdk.map_or(String::new(), |s| format!(" by {s}")),
        ));
    }
    for (s, o, v) in &r.defaults {
        out.push_str(&format!("defaults [{s}] {o}={v}\n"));
    }
    out
}

fn check(files: &[(&str, &str)], expect: Expect) {
    expect.assert_eq(&table(&reads_of(files)));
}

#[test]
fn literal_reads_on_self_plugin_configuration() {
    check(
        &[(
            "main.py",
            "from safeguard.sessions.plugin import AAPlugin\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        a = self.plugin_configuration.getboolean('skeleton', 'ask_pass', default=False)\n        b = self.plugin_configuration.getint('x', 'Timeout', 10, required=True)\n        c = self.plugin_configuration.get_options('groups')\n        d = {}.get('not', 'config')\n",
        )],
        expect![[r#"
            [skeleton] ask_pass getboolean default=False @main.py:4
            [x] timeout getint default=10 required @main.py:5
            [groups] * get_options default=- @main.py:6
        "#]],
    );
}

#[test]
fn parameter_default_section_through_from_config() {
    check(
        &[
            (
                "main.py",
                "from safeguard.sessions.plugin import AAPlugin\nfrom lib.client import Client\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        return Client.from_config(self.plugin_configuration, second_try=True)\n",
            ),
            ("lib/__init__.py", ""),
            (
                "lib/client.py",
                "class Client:\n    @classmethod\n    def from_config(cls, cfg, section='duo', second_try=None):\n        return cls(cfg.get(section, 'ikey', required=True), cfg.getint(section, 'timeout', 60))\n",
            ),
        ],
        expect![[r#"
            [duo] ikey get default=- required @lib/client.py:4
            [duo] timeout getint default=60 @lib/client.py:4
        "#]],
    );
}

#[test]
fn constants_configuration_section_and_helpers() {
    check(
        &[(
            "main.py",
            "from textwrap import dedent\nfrom safeguard.sessions.plugin import CredentialStorePlugin\nPLUGIN_SECTION = 'plugin'\nDEFAULTS = dedent('''\n    [vault]\n    check=yes\n''')\nclass Plugin(CredentialStorePlugin):\n    TYPES = ('a', 'b')\n    def __init__(self, configuration):\n        super().__init__(configuration, defaults=DEFAULTS, configuration_section='vault')\n    def do_get_password_list(self):\n        self.plugin_configuration.get(PLUGIN_SECTION, 'x')\n        self.plugin_configuration.getienum(self._configuration_section, 'kind', self.TYPES + ('c',))\n        self._opt('one')\n        self._opt('two')\n    def _opt(self, name):\n        return self.plugin_configuration.get('helper', name)\n",
        )],
        expect![[r#"
            [plugin] x get default=- @main.py:13
            [vault] kind getienum default=- of a|b|c @main.py:14
            [helper] one get default=- @main.py:18
            [helper] two get default=- @main.py:18
            [vault] use_credential getienum default='gateway' of explicit|gateway @main.py:11 by CredentialStorePlugin(configuration_section=)
            [vault] username get default=- @main.py:11 by CredentialStorePlugin(configuration_section=)
            [vault] password get default=- @main.py:11 by CredentialStorePlugin(configuration_section=)
            defaults [vault] check=yes
        "#]],
    );
}

#[test]
fn dict_of_options_dynamic_sections_and_sdk_factories() {
    check(
        &[(
            "main.py",
            "from safeguard.sessions.plugin import AAPlugin\nfrom safeguard.sessions.plugin.requests_tls import RequestsTLS\nfrom safeguard.sessions.plugin.memory_cache import MemoryCache\nclass Plugin(AAPlugin):\n    OPTIONS = {'timeout': 15, 'url': 'https://x'}\n    def do_authorize(self):\n        for name, default in self.OPTIONS.items():\n            self.plugin_configuration.get('api', name, default)\n        for group in self.plugin_configuration.get_options('groups'):\n            self.plugin_configuration.get('groups', group)\n        RequestsTLS.from_config(self.plugin_configuration)\n        MemoryCache.from_config(self.plugin_configuration, section='memory_cache')\n",
        )],
        expect![[r#"
            [api] timeout get default=15 @main.py:8
            [api] url get default='https://x' @main.py:8
            [groups] * get_options default=- @main.py:9
            [groups] * get default=- @main.py:10
            [tls] enabled getboolean default=True @main.py:11 by RequestsTLS.from_config
            [tls] ca_cert get_ca_certificate default=- @main.py:11 by RequestsTLS.from_config
            [tls] client_cert get_certificate default=- @main.py:11 by RequestsTLS.from_config
            [memory_cache] prefix get default='' @main.py:12 by MemoryCache.from_config
            [memory_cache] ttl getint default=0 @main.py:12 by MemoryCache.from_config
        "#]],
    );
}

#[test]
fn an_unresolved_section_is_any_section() {
    check(
        &[(
            "main.py",
            "from safeguard.sessions.plugin import AAPlugin\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        for s in self.sections():\n            self.plugin_configuration.get(s, 'table')\n",
        )],
        expect![[r#"
            any section
        "#]],
    );
}

fn plugins() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/plugins")
}

#[test]
fn the_real_plugins() {
    let root = plugins();
    if !root.is_dir() {
        eprintln!("skipped: {} is missing", root.display());
        return;
    }
    let files = DiskFiles::unconfined();
    let mut out = String::new();
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let r = reads::of_plugin(&files, &root.join(&name)).expect("code");
        out.push_str(&format!("== {name}\n{}", table(&r)));
    }
    expect![[r#"
        == azure-ad
        [azure-ad] client_id get default=- required @lib/client.py:36
        [azure-ad] authority get default='https://login.microsoftonline.com/common' @lib/client.py:37
        == cyberark-vault
        [cyberark] address get default=- required @lib/client.py:49
        [cyberark] authentication_method getienum default='legacy' of legacy|cyberark|ldap|radius|windows @lib/client.py:155
        [tls] enabled getboolean default=True @lib/client.py:47 by RequestsTLS.from_config
        [tls] ca_cert get_ca_certificate default=- @lib/client.py:47 by RequestsTLS.from_config
        [tls] client_cert get_certificate default=- @lib/client.py:47 by RequestsTLS.from_config
        [cyberark] use_credential getienum default='gateway' of explicit|gateway @lib/plugin.py:30 by CredentialStorePlugin(configuration_section=)
        [cyberark] username get default=- @lib/plugin.py:30 by CredentialStorePlugin(configuration_section=)
        [cyberark] password get default=- @lib/plugin.py:30 by CredentialStorePlugin(configuration_section=)
        == duo-mfa
        [duo] ikey get default=- required @lib/client.py:82
        [duo] skey get default=- required @lib/client.py:83
        [duo] host get default=- required @lib/client.py:84
        [duo] timeout getint default=60 @lib/client.py:85
        [duo] ignore_connection_error getboolean default=- @lib/client.py:86
        [auth] disable_echo getboolean default=False @lib/client.py:87
        == fqdnauth
        [hosts_for_groups] * get_options default=- @lib/plugin.py:49
        [hosts_for_groups] * get default=- @lib/plugin.py:60
        [groups_for_hosts] * get_options default=- @lib/plugin.py:78
        [groups_for_hosts] * get_options default=- @lib/plugin.py:90
        [groups_for_hosts] * get default=- @lib/plugin.py:93
        == radius-mfa
        [radius] secret get default=- @lib/radius.py:52
        [radius] server get default=- required @lib/radius.py:54
        [radius] port getint default=1812 @lib/radius.py:55
        [radius] dictionary_path get default='/usr/share/zorp/dictionary' @lib/radius.py:57
        [radius] conn_retries getint default=3 @lib/radius.py:59
        [radius] conn_timeout getint default=5 @lib/radius.py:60
        [radius] auth_type getienum default='pap' of pap|chap @lib/radius.py:61
        == safeguard
        [domain_asset_mapping] * get default=- @lib/plugin.py:59
        [safeguard-password-authentication] use_credential getienum default=- of explicit|gateway|token @lib/plugin.py:103
        [safeguard-password-authentication] use_credential getienum default='gateway' of explicit|gateway @lib/plugin.py:45 by CredentialStorePlugin(configuration_section=)
        [safeguard-password-authentication] username get default=- @lib/plugin.py:45 by CredentialStorePlugin(configuration_section=)
        [safeguard-password-authentication] password get default=- @lib/plugin.py:45 by CredentialStorePlugin(configuration_section=)
        [safeguard] use_credential get default=- @lib/safeguard.py:99
        [safeguard] provider get default=- @lib/safeguard.py:99
        [safeguard-password-authentication] use_credential get default=- @lib/safeguard.py:99
        [safeguard-password-authentication] provider get default=- @lib/safeguard.py:99
        [safeguard] address get default=- @lib/safeguard.py:102
        [safeguard] check_host_name getboolean default=- @lib/safeguard.py:103
        [safeguard] ca get default=- @lib/safeguard.py:104
        defaults [safeguard] check_host_name=yes
        defaults [assets] generator=ip, hostname, domain, domain_asset_mapping_with_suffix
        defaults [safeguard-password-authentication] provider=local
        defaults [safeguard-password-authentication] use_credential=gateway
        == skeleton-aa
        [skeleton] ask_pass getboolean default=False @plugin/plugin_bare.py:28
        [skeleton] server_url get default=- @plugin/plugin_mfa_client.py:41
        == sra-initiated
        [plugin] replace_domain get default=- @plugin/plugin.py:36
        [plugin] spp_auth_provider get default=- @plugin/plugin.py:56
        [plugin] use_https_proxy getboolean default=False @plugin/plugin.py:64
        [plugin] exclude_networks getlist default='' @plugin/plugin.py:231
        == tpam
        [tpam] server get default=- required @lib/Tpam.py:62
        [tpam] server_port getint default=22 @lib/Tpam.py:63
        [tpam] server_public_key get default=- required @lib/Tpam.py:64
        [tpam] server_user get default=- required @lib/Tpam.py:65
        [credential_store] name get default=- required @lib/Tpam.py:57 by CredentialStore.from_config
        [tpam] server_user_key get default=- @lib/Tpam.py:58 by CredentialStore lookup
        [tpam] reuse_gateway_password getboolean default=False @lib/plugin.py:61
        [tpam] system_prefix get default='' @lib/plugin.py:79
        [tpam] system_maptoreal getboolean default=False @lib/plugin.py:85
        [tpam] system_name_resolver get default='tpam' @lib/plugin.py:107
        [tpam] authorization get default='gateway' @lib/plugin.py:117
        [tpam] required_policy get default='Privileged Access' @lib/plugin.py:118
        == yubikey-mfa
        [yubikey] api_urls get default=- @lib/client.py:48
        [yubikey] client_id get default=- required @lib/client.py:53
        [yubikey] api_key get default=- @lib/client.py:54
        [yubikey] timeout getint default=10 @lib/client.py:56
    "#]].assert_eq(&out);
}

#[test]
fn document_in_default_cfg_edits_default_cfg() {
    let root = PathBuf::from("/reads-doc-test");
    let mut mem = MemoryFiles::default();
    let main = "from safeguard.sessions.plugin import AAPlugin\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        self.plugin_configuration.getint('radius', 'conn_timeout', 5)\n        self.plugin_configuration.get('other', 'token')\n";
    let cfg = "[radius]\n; port=1812\n\n[logging]\n";
    for (rel, text) in [
        ("MANIFEST", MANIFEST),
        ("main.py", main),
        ("default.cfg", cfg),
    ] {
        mem.files.insert(root.join(rel), text.as_bytes().to_vec());
    }
    let code = super::PluginCode::load(&mem, &root, Some("main.py"));
    let mut out = Vec::new();
    super::config_reads::check(&mem, &root, MANIFEST, &code, &mut out);
    let applied: Vec<String> = out
        .iter()
        .map(|(_, d)| {
            let fix = &d.fixes[0];
            assert_eq!(fix.title, "Document in default.cfg");
            assert!(!fix.is_local());
            let e = &fix.edits[0];
            assert_eq!(e.path.as_deref(), Some(root.join("default.cfg").as_path()));
            let mut t = cfg.to_string();
            t.replace_range(e.range.start..e.range.end, &e.new_text);
            t
        })
        .collect();
    assert_eq!(
        applied,
        [
            "[radius]\n; conn_timeout=5\n; port=1812\n\n[logging]\n",
            "[radius]\n; port=1812\n\n[logging]\n\n[other]\n; token=<token>\n"
        ]
    );
}

/// What the rules tying default.cfg to the code say on the ten real
/// plugins: each finding is listed with the code line that proves it in
/// the merge note; nothing else (no false alarm on what is read).
#[test]
fn the_real_plugins_findings() {
    use crate::analysis::{analyze, Context};
    use crate::workspace::{DocKind, Files};
    let root = plugins();
    if !root.is_dir() {
        eprintln!("skipped: {} is missing", root.display());
        return;
    }
    let new_codes = [
        "config/unread-option",
        "config/unread-section",
        "config/missing-required",
        "config/empty-required",
        "config/default-differs",
        "python/undocumented-option",
        "python/default-rejected",
    ];
    let files = DiskFiles::unconfined();
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut out = String::new();
    for name in names {
        let folder = root.join(&name);
        let mut docs = vec![folder.join("default.cfg")];
        docs.extend(crate::analysis::plugin::Plugin::in_folder(&folder, &files).code_paths(&files));
        for path in docs {
            let Some(text) = files.read(&path) else {
                continue;
            };
            let kind = if path.extension().is_some_and(|e| e == "py") {
                DocKind::Python
            } else {
                DocKind::Config
            };
            let cx = Context::new(&path, &files);
            for d in analyze(kind, &text, &cx) {
                if new_codes.contains(&d.code.id) || d.severity == crate::analysis::Severity::Error
                {
                    let line = text[..d.range.start].matches('\n').count() + 1;
                    let rel = path.strip_prefix(&root).unwrap().display();
                    out.push_str(&format!(
                        "{rel}:{line}: {}[{}]\n",
                        d.severity.as_str(),
                        d.code
                    ));
                }
            }
        }
    }
    expect![[r#"
        radius-mfa/lib/radius.py:57: info[python/undocumented-option]
        skeleton-aa/plugin/plugin_mfa_client.py:41: info[python/undocumented-option]
        sra-initiated/default.cfg:58: warning[config/unread-section]
    "#]]
    .assert_eq(&out);
}

#[test]
fn a_default_cfg_keystroke_parses_no_python() {
    use crate::analysis::{analyze, Context};
    use crate::workspace::DocKind;
    let root = PathBuf::from("/reads-keystroke-test");
    let main = "from safeguard.sessions.plugin import AAPlugin\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        self.plugin_configuration.getint('radius', 'port', 1812)\n";
    let mut mem = MemoryFiles::default();
    for (rel, text) in [("MANIFEST", MANIFEST), ("main.py", main)] {
        mem.files.insert(root.join(rel), text.as_bytes().to_vec());
    }
    let cfg = root.join("default.cfg");
    let cx = Context::new(&cfg, &mem);
    analyze(DocKind::Config, "[radius]\n; port=1812\n", &cx);
    let before = super::cache::index(&root.join("main.py"), main);
    let cx = Context::new(&cfg, &mem);
    let diags = analyze(DocKind::Config, "[radius]\n; port=181\n", &cx);
    assert!(std::sync::Arc::ptr_eq(
        &before,
        &super::cache::index(&root.join("main.py"), main)
    ));
    assert_eq!(diags[0].code.id, "config/default-differs");
}

/// The plugin of the `config-reads` benchmark: `n` reads, half in methods
/// of their own, half through one helper whose parameter is followed back
/// to every call.
pub(crate) fn many_reads(n: usize) -> String {
    let mut py = String::from(
        "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def opt(self, option):\n        return self.plugin_configuration.get('sec', option)\n\n",
    );
    for i in 0..n / 2 {
        py.push_str(&format!(
            "    def direct_{i}(self):\n        return self.plugin_configuration.get('sec', 'd{i}')\n\n    def helped_{i}(self):\n        return self.opt('h{i}')\n\n"
        ));
    }
    py
}

/// Resolving reads is linear in their number (issue 24: 5,000 / 10,000 /
/// 20,000 reads took 1.4 / 5.8 / 16-29 s, the resolver scanning every
/// function and every call for each): 4 times the reads cost well under
/// 16 times the time, and 20,000 take under 5 s even in a debug build.
#[test]
fn resolving_reads_is_linear_in_their_number() {
    use super::PluginCode;
    let time = |n: usize| {
        let root = PathBuf::from("/reads-test");
        let mut mem = MemoryFiles::default();
        mem.files
            .insert(root.join("MANIFEST"), MANIFEST.as_bytes().to_vec());
        mem.files
            .insert(root.join("main.py"), many_reads(n).into_bytes());
        let code = PluginCode::load(&mem, &root, Some("main.py"));
        let started = std::time::Instant::now();
        let r = reads::of_code(&code);
        let took = started.elapsed();
        assert_eq!(r.reads.len(), n, "{n}");
        took
    };
    let small = time(5_000);
    let large = time(20_000);
    eprintln!("5,000 reads: {small:?}; 20,000: {large:?}");
    assert!(
        large < small * 10 + std::time::Duration::from_millis(200),
        "{small:?} {large:?}"
    );
    assert!(large < std::time::Duration::from_secs(5), "{large:?}");
}

/// The callees kept from one keystroke to the next give what a fresh run
/// gives, through edits that change a definition other files call into
/// (a helper renamed, a parameter added, an import redirected) and edits
/// that change none (a literal, a line added above).
#[test]
fn kept_callees_give_what_a_fresh_run_gives() {
    let main = "#!/usr/bin/env pluginwrapper3\nfrom lib.plugin import Plugin\n";
    let plugin = "from safeguard.sessions.plugin import AAPlugin\nfrom lib import helpers\nfrom lib.helpers import read_opt\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        helpers.read_opt(self.plugin_configuration, 'timeout')\n        read_opt(self.plugin_configuration, 'host')\n        return self.check(self.plugin_configuration)\n\n    def check(self, cfg):\n        return helpers.read_opt(cfg, 'port')\n";
    let helpers = [
        "def read_opt(config, name):\n    return config.get('server', name)\n",
        "# a comment above\ndef read_opt(config, name):\n    return config.get('server', name)\n",
        "def read_opt(config, name):\n    return config.getint('other', name)\n",
        "def read_opt2(config, name):\n    return config.get('server', name)\n",
        "def read_opt(config, name):\n    return config.get('server', name)\n",
        "def read_opt(extra, config, name):\n    return config.get('server', name)\n",
        "from lib.more import read_opt\n",
        "def read_opt(config, name):\n    return config.get('server', name)\n",
    ];
    let more = "def read_opt(config, name):\n    return config.get('more', name)\n";
    let mut before = String::new();
    for h in helpers {
        let files = [
            ("main.py", main),
            ("lib/__init__.py", ""),
            ("lib/plugin.py", plugin),
            ("lib/helpers.py", h),
            ("lib/more.py", more),
        ];
        let kept = table(&reads_of(&files));
        super::cache::forget_plugins();
        let fresh = table(&reads_of(&files));
        assert_eq!(kept, fresh, "lib/helpers.py:\n{h}");
        assert_ne!(kept, before, "each edit changes what is read:\n{h}");
        before = kept;
    }
}
