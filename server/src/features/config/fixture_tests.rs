//! Fixture tests of the default.cfg features: completion, hover and code
//! actions at a `$0` cursor, outputs pinned (`UPDATE_EXPECT=1 cargo test
//! --lib features::config` rewrites them).

use expect_test::expect;

use crate::fixture::{
    check_actions, check_completion, check_hover, check_inlay_hints, check_references,
};

#[test]
fn completion_of_sections_for_a_credentialstore_plugin() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: credentialstore
//- default.cfg
[logging]
[$0
"#,
        expect![[r#"
            credential_store (SDK section, every plugin type) → "credential_store]"
            https-proxy (SDK section, every plugin type) → "https-proxy]"
            tls (SDK section, every plugin type) → "tls]"
            memory-cache (SDK section, every plugin type) → "memory-cache]"
            check-in-trigger (SDK section, type: credentialstore) → "check-in-trigger]"
            account (SDK section, type: credentialstore) → "account]"
            assets (SDK section, type: credentialstore) → "assets]"
            domain_asset_mapping (SDK section, type: credentialstore) → "domain_asset_mapping]"
        "#]],
    );
}

#[test]
fn completion_of_the_next_numbered_section() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[question_1]
[qu$0
"#,
        expect![[r#"
            credential_store (SDK section, every plugin type) → "credential_store]"
            logging (SDK section, every plugin type) → "logging]"
            https-proxy (SDK section, every plugin type) → "https-proxy]"
            tls (SDK section, every plugin type) → "tls]"
            memory-cache (SDK section, every plugin type) → "memory-cache]"
            auth (SDK section, type: aa) → "auth]"
            connection_limit by=client_ip_gateway_user (SDK section, type: aa) → "connection_limit by=client_ip_gateway_user]"
            authentication_cache (SDK section, type: aa) → "authentication_cache]"
            ignore_upn_suffix_for_rdp (SDK section, type: aa) → "ignore_upn_suffix_for_rdp]"
            whitelist source=user_list (SDK section, type: aa) → "whitelist source=user_list]"
            whitelist source=ldap_server_group (SDK section, type: aa) → "whitelist source=ldap_server_group]"
            usermapping source=explicit (SDK section, type: aa) → "usermapping source=explicit]"
            usermapping source=ldap_server (SDK section, type: aa) → "usermapping source=ldap_server]"
            username_transform (SDK section, type: aa) → "username_transform]"
            ldap_server (SDK section, type: aa) → "ldap_server]"
            question_2 (SDK section, type: aa) → "question_2]"
        "#]],
    );
}

#[test]
fn completion_of_options_with_defaults_and_templates() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[logging]
; log_level=debug
$0
"#,
        expect![[r#"
            log_level (debug | info | warning | error | critical (default `info`), commented out in this file) → "log_level=${1:debug}"
            destination (stderr | messages (default `stderr`)) → "destination=${1:stderr}"
        "#]],
    );
}

#[test]
fn completion_of_the_plugin_s_commented_out_options() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[mine]
; secret=<x>
; retries=3
re$0
"#,
        expect![[r#"
            secret (commented out in this file: secret=<x>) → "secret=${1:<x>}"
            retries (commented out in this file: retries=3) → "retries=${1:3}"
        "#]],
    );
}

#[test]
fn completion_of_boolean_values() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[tls]
enabled=t$0rue
"#,
        expect![[r#"
            yes (boolean, the default)
            no (boolean)
        "#]],
    );
}

#[test]
fn completion_of_enum_values() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[logging]
log_level = $0
"#,
        expect![[r#"
            debug (log_level)
            info (log_level, the default)
            warning (log_level)
            error (log_level)
            critical (log_level)
        "#]],
    );
}

#[test]
fn completion_of_special_values() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[tls]
ca_cert=$0
"#,
        expect![[r#"
            $[] (a Trusted CA list of SPS) → "\\$[${1:trusted-ca-list-name}]"
        "#]],
    );
}

#[test]
fn completion_of_the_plugin_s_own_values() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[my-plugin]
password=$0
"#,
        expect![[r#"
            $ (from the credential store)
            $$ (a literal $)
        "#]],
    );
}

#[test]
fn hover_on_an_sdk_section() {
    check_hover(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[log$0ging]
"#,
        expect![[r#"
            `[logging]`
            **[logging]** — SPS plugin SDK section

            Logging of the plugin (SDK `logging`).

            Options: `log_level`, `destination`
        "#]],
    );
}

#[test]
fn hover_on_a_section_of_another_type() {
    check_hover(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[check-in$0-trigger]
"#,
        expect![[r#"
            `[check-in-trigger]`
            **[check-in-trigger]** — SPS plugin SDK section, `type: credentialstore` plugins

            When checked-out credentials are checked in again: `default` for every protocol, or per protocol (`rdp`, `ssh`, `telnet`, ...).

            Options: `default`

            **This plugin's type is `aa`: the SDK does not read this section.**
        "#]],
    );
}

#[test]
fn hover_on_a_boolean_option() {
    check_hover(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[auth]
disable_ec$0ho=no
"#,
        expect![[r#"
            `disable_echo`
            **disable_echo** in `[auth]`

            Type: boolean (yes/no): only `yes` or `no` (any case)

            Default: `no`

            `yes` hides what the user types after the prompt.

            ---

            configparser reads `disable_echo` = `no`
        "#]],
    );
}

#[test]
fn hover_on_a_credential_store_value() {
    check_hover(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[my-db]
password=$0$
"#,
        expect![[r#"
            `$`
            **`$`** — Fetch the value from the SPS local Credential Store named in `[credential_store] name`. The lookup key is **host = section name, user = option name**, so the section name must be a valid host name (use `-`, not `_`).

            Here: host `my-db`, user `password`.
        "#]],
    );
}

#[test]
fn hover_on_a_trusted_ca_list() {
    check_hover(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[tls]
ca_cert=$[my$0-ca]
"#,
        expect![[r#"
            `$[my-ca]`
            **`$[my-ca]`** — Only for CA certificates (`[tls] ca_cert`): the certificates of the SPS **Trusted CA list** called `my-ca` (Policies > Trusted CA Lists).
        "#]],
    );
}

#[test]
fn hover_on_a_commented_out_option() {
    check_hover(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[logging]
; log_l$0evel=info
"#,
        expect![[r#"
            `log_level`
            **log_level** in `[logging]`

            Type: one of a set of values: `debug`, `info`, `warning`, `error`, `critical` (any case)

            Default: `info`

            Level of the plugin's root logger. Any other value stops the plugin when it starts.

            *Commented out: the default applies until the line is uncommented.*
        "#]],
    );
}

#[test]
fn actions_uncomment_a_template_with_its_continuation() {
    check_actions(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[yubikey]
; api_urls=https://a,$0
;     https://b
; timeout=10
"#,
        expect![[r#"
            == Uncomment `api_urls=https://a,`
            [yubikey]
            api_urls=https://a,
                 https://b
            ; timeout=10
        "#]],
    );
}

#[test]
fn actions_uncomment_with_the_corrected_value() {
    check_actions(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[onelogin]
; enable_factor_selection=tr$0ue
"#,
        expect![[r#"
            == Uncomment as `enable_factor_selection=yes`
            [onelogin]
            enable_factor_selection=yes
            == Uncomment `enable_factor_selection=true`
            [onelogin]
            enable_factor_selection=true
            == Ignore `config/template-option` on this line
            [onelogin]
            # sps-plugin-ls: ignore[config/template-option]
            ; enable_factor_selection=true
        "#]],
    );
}

#[test]
fn actions_fix_a_boolean() {
    check_actions(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[tls]
enabled=tr$0ue
"#,
        expect![[r#"
            == Change to `yes`
            [tls]
            enabled=yes
            == Ignore `config/invalid-boolean` on this line
            [tls]
            # sps-plugin-ls: ignore[config/invalid-boolean]
            enabled=true
        "#]],
    );
}

#[test]
fn actions_fix_a_missing_credential_store() {
    check_actions(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
//- default.cfg
[a-b]
password=$0$
"#,
        expect![[r#"
            == Add a `[credential_store]` section
            [a-b]
            password=$

            [credential_store]
            name=
            == Ignore `config/credential-store-missing` on this line
            [a-b]
            # sps-plugin-ls: ignore[config/credential-store-missing]
            password=$
        "#]],
    );
}

// What the plugin's code reads.

const READING_PLUGIN: &str = r#"
//- MANIFEST
name: My_Plugin
type: aa
api: '1.9'
entry_point: main.py
//- main.py
from safeguard.sessions.plugin import AAPlugin
class Plugin(AAPlugin):
    def do_authorize(self):
        self.plugin_configuration.get("radius", "server", required=True)
        self.plugin_configuration.getint("radius", "port", 1812)
        self.plugin_configuration.getienum("radius", "auth_type", ("pap", "chap"), default="pap")
        self.plugin_configuration.getboolean("radius", "verbose", default=False)
        self.plugin_configuration.get_options("groups")
"#;

#[test]
fn completion_of_the_sections_the_code_reads() {
    check_completion(
        &format!("{READING_PLUGIN}//- default.cfg\n[radius]\n[$0\n"),
        expect![[r#"
            credential_store (SDK section, every plugin type) → "credential_store]"
            logging (SDK section, every plugin type) → "logging]"
            https-proxy (SDK section, every plugin type) → "https-proxy]"
            tls (SDK section, every plugin type) → "tls]"
            memory-cache (SDK section, every plugin type) → "memory-cache]"
            auth (SDK section, type: aa) → "auth]"
            connection_limit by=client_ip_gateway_user (SDK section, type: aa) → "connection_limit by=client_ip_gateway_user]"
            authentication_cache (SDK section, type: aa) → "authentication_cache]"
            ignore_upn_suffix_for_rdp (SDK section, type: aa) → "ignore_upn_suffix_for_rdp]"
            whitelist source=user_list (SDK section, type: aa) → "whitelist source=user_list]"
            whitelist source=ldap_server_group (SDK section, type: aa) → "whitelist source=ldap_server_group]"
            usermapping source=explicit (SDK section, type: aa) → "usermapping source=explicit]"
            usermapping source=ldap_server (SDK section, type: aa) → "usermapping source=ldap_server]"
            username_transform (SDK section, type: aa) → "username_transform]"
            ldap_server (SDK section, type: aa) → "ldap_server]"
            question_1 (SDK section, type: aa) → "question_1]"
            groups (the plugin's section, read by its code) → "groups]"
        "#]],
    );
}

#[test]
fn completion_of_the_options_the_code_reads() {
    check_completion(
        &format!("{READING_PLUGIN}//- default.cfg\n[radius]\n; port=1813\n$0\n"),
        expect![[r#"
            server (text, required) → "server=${1:}"
            port (integer, default 1812, commented out in this file) → "port=${1:1813}"
            auth_type (one of pap, chap, default pap) → "auth_type=${1:pap}"
            verbose (boolean (`yes`/`no`), default no) → "verbose=${1:no}"
        "#]],
    );
}

#[test]
fn completion_of_values_by_the_code_s_getter() {
    check_completion(
        &format!("{READING_PLUGIN}//- default.cfg\n[radius]\nauth_type=$0\n"),
        expect![[r#"
            pap (getienum, the code's default)
            chap (getienum)
            $ (from the credential store)
            $$ (a literal $)
        "#]],
    );
    check_completion(
        &format!("{READING_PLUGIN}//- default.cfg\n[radius]\nverbose=$0\n"),
        expect![[r#"
            yes (getboolean)
            no (getboolean, the code's default)
            $ (from the credential store)
            $$ (a literal $)
        "#]],
    );
}

#[test]
fn hover_on_an_option_and_a_section_the_code_reads() {
    check_hover(
        &format!("{READING_PLUGIN}//- default.cfg\n[radius]\n; au$0th_type=pap\n"),
        expect![[r#"
            `auth_type`
            **auth_type** in `[radius]` — read by the plugin's code

            - type: one of a set (case-insensitive) (`getienum`)
            - values: `pap`, `chap`
            - default: `pap`

            Read at `main.py:6`.

            *Commented out: the default applies until the line is uncommented.*
        "#]],
    );
    check_hover(
        &format!("{READING_PLUGIN}//- default.cfg\n[rad$0ius]\n"),
        expect![[r#"
            `[radius]`
            **[radius]** — a section of the plugin itself

            The plugin's code reads:

            - `server`: text, required
            - `port`: integer, default 1812
            - `auth_type`: one of pap, chap, default pap
            - `verbose`: boolean (`yes`/`no`), default no

        "#]],
    );
}

#[test]
fn hover_on_a_read_in_python_shows_what_default_cfg_says() {
    check_hover(
        r#"
//- MANIFEST
name: My_Plugin
type: aa
api: '1.9'
entry_point: main.py
//- main.py
from safeguard.sessions.plugin import AAPlugin
class Plugin(AAPlugin):
    def do_authorize(self):
        self.plugin_configuration.getint("radius", "po$0rt", 1812)
//- default.cfg
[radius]
; port=1813
"#,
        expect![[r#"
            `"port"`
            **port** in `[radius]` — read by the plugin's code

            - type: integer (`getint`)
            - default: `1812`

            Read at `main.py:4`.

            ---

            default.cfg documents `; port=1813` (line 2), commented out
        "#]],
    );
}

#[test]
fn definition_between_an_option_and_the_code_that_reads_it() {
    use std::path::{Path, PathBuf};

    use crate::analysis::Context;
    use crate::workspace::{DocKind, MemoryFiles};
    let root = PathBuf::from("/definition-reads");
    let main = "from safeguard.sessions.plugin import AAPlugin\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        self.plugin_configuration.getint('radius', 'port', 1812)\n";
    let cfg = "[radius]\nserver=x\n; port=1813\n";
    let mut files = MemoryFiles::default();
    for (rel, text) in [
        (
            "MANIFEST",
            "name: P\ntype: aa\napi: '1.9'\nentry_point: main.py\n",
        ),
        ("main.py", main),
        ("default.cfg", cfg),
    ] {
        files.files.insert(root.join(rel), text.as_bytes().to_vec());
    }
    let at = |p: &Path, kind, text: &str, offset: usize| {
        let cx = Context::new(p, &files);
        crate::features::definition(kind, text, offset, &cx)
            .map(|t| (t.path, t.text[t.range.start..t.range.end].to_string()))
    };
    let cfg_path = root.join("default.cfg");
    let main_path = root.join("main.py");
    assert_eq!(
        at(
            &cfg_path,
            DocKind::Config,
            cfg,
            cfg.find("port").unwrap() + 1
        ),
        Some((main_path.clone(), "'port'".to_string()))
    );
    assert_eq!(
        at(&cfg_path, DocKind::Config, cfg, cfg.find("server").unwrap()),
        None
    );
    assert_eq!(
        at(
            &main_path,
            DocKind::Python,
            main,
            main.find("'port'").unwrap() + 2
        ),
        Some((cfg_path, "port".to_string()))
    );
}

#[test]
fn completion_of_sections_and_options_in_a_getter_call() {
    let plugin = r#"
//- MANIFEST
name: My_Plugin
type: aa
api: '1.9'
entry_point: main.py
//- default.cfg
[radius]
server=x
; port=1812
[logging]
//- lib/__init__.py
//- lib/client.py
def from_config(plugin_configuration):
    return plugin_configuration.get("radius", "secret")
"#;
    check_completion(
        &format!("{plugin}//- main.py\nclass Plugin:\n    def do_authorize(self):\n        self.plugin_configuration.get(\"ra$0\")\n"),
        expect![[r#"
            radius (a section of default.cfg)
            logging (a section of default.cfg)
        "#]],
    );
    check_completion(
        &format!("{plugin}//- main.py\nclass Plugin:\n    def do_authorize(self):\n        self.plugin_configuration.getint('radius', '$0')\n"),
        expect![[r#"
            server (set in default.cfg)
            port (documented in default.cfg)
            secret (read elsewhere in the code)
        "#]],
    );
}

#[test]
fn inlay_hint_shows_the_codes_default_where_the_documented_one_differs() {
    check_inlay_hints(
        r#"
//- plugin: aa
//- main.py
#!/usr/bin/env pluginwrapper3
from safeguard.sessions.plugin import AAPlugin


class Plugin(AAPlugin):
    def do_authenticate(self):
        timeout = self.plugin_configuration.getint("my_plugin", "timeout", default=15)
        retries = self.plugin_configuration.getint("my_plugin", "retries", default=3)
        return timeout + retries
//- default.cfg
$0[my_plugin]
; timeout=10
; retries=3
"#,
        expect![[r#"
            [my_plugin]
            ; timeout=10⟨code: 15⟩
            ; retries=3
        "#]],
    );
}

#[test]
fn references_of_an_option_are_every_read_of_it() {
    let fixture = r#"
//- plugin: aa
//- main.py
#!/usr/bin/env pluginwrapper3
from lib.plugin import Plugin
//- lib/__init__.py
//- lib/plugin.py
from safeguard.sessions.plugin import AAPlugin
from .client import Client

SECTION = "my_plugin"


class Plugin(AAPlugin):
    def do_authenticate(self):
        timeout = self.plugin_configuration.getint(SECTION, "timeout", default=15)
        return Client.from_config(self.plugin_configuration).call(timeout)
//- lib/client.py
class Client:
    @classmethod
    def from_config(cls, plugin_configuration, section="my_plugin"):
        return cls(plugin_configuration.getint(section, "timeout"), plugin_configuration.get(section, "url"))
//- default.cfg
[my_plugin]
; time$0out=15
url=https://example.com
"#;
    check_references(
        fixture,
        expect![[r#"
            lib/client.py:4: `"timeout"`
            lib/plugin.py:9: `"timeout"`
        "#]],
    );
    check_references(
        &fixture
            .replace("; time$0out=15", "; timeout=15")
            .replace("[my_plugin]", "[my_pl$0ugin]"),
        expect![[r#"
            lib/client.py:4: `"timeout"`
            lib/client.py:4: `"url"`
            lib/plugin.py:9: `"timeout"`
        "#]],
    );
}

#[test]
fn symbols_mark_the_options_the_code_reads() {
    let fixture = crate::fixture::Fixture::parse(&crate::fixture::dedent(
        r#"
//- plugin: aa
//- main.py
#!/usr/bin/env pluginwrapper3
from safeguard.sessions.plugin import AAPlugin


class Plugin(AAPlugin):
    def do_authenticate(self):
        return self.plugin_configuration.getint("my_plugin", "timeout", default=15)
//- default.cfg
[my_plugin]
timeout=10
retries=3
"#,
    ));
    let files = fixture.memory_files();
    let path = fixture.path(1);
    let cx = crate::analysis::Context::new(&path, &files);
    let symbols =
        crate::features::symbols(crate::workspace::DocKind::Config, &fixture.files[1].1, &cx);
    let details: Vec<(String, Option<String>)> = symbols[0]
        .children
        .iter()
        .map(|c| (c.name.clone(), c.detail.clone()))
        .collect();
    assert_eq!(
        details,
        [
            (
                "timeout".to_string(),
                Some("10 · read at main.py:7".to_string())
            ),
            ("retries".to_string(), Some("3".to_string()))
        ]
    );
}
