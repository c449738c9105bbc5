//! Features on a plugin's `.py` files, as fixtures: references and
//! highlights of a configuration name from the code side, and the outline.

use expect_test::expect;

use crate::fixture::{check_highlights, check_references, check_symbols};

const PLUGIN: &str = r#"
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
        timeout = self.plugin_configuration.getint(SECTION, "TIMEOUT", default=15)
        return Client.from_config(self.plugin_configuration).call(timeout)

    def authorize(self, session_id, cookie, session_cookie, **kwargs):
        return self.plugin_configuration.get("my_plugin", "url")


def helper():
    pass
//- lib/client.py
class Client:
    @classmethod
    def from_config(cls, plugin_configuration, section="my_plugin"):
        return cls(plugin_configuration.getint(section, "timeout"), plugin_configuration.get(section, "url"))
//- default.cfg
[my_plugin]
; timeout=15
url=https://example.com
"#;

#[test]
fn references_of_an_option_from_a_read_in_the_code() {
    check_references(
        &PLUGIN.replace(
            r#"getint(SECTION, "TIMEOUT""#,
            r#"getint(SECTION, "TIME$0OUT""#,
        ),
        expect![[r#"
            default.cfg:2: `timeout`
            lib/client.py:4: `"timeout"`
        "#]],
    );
}

#[test]
fn references_of_a_section_from_its_literal_in_a_call() {
    check_references(
        &PLUGIN.replace(r#"get("my_plugin", "url")"#, r#"get("my_$0plugin", "url")"#),
        expect![[r#"
            default.cfg:1: `my_plugin`
        "#]],
    );
}

#[test]
fn highlights_in_the_code_and_in_default_cfg() {
    check_highlights(
        &PLUGIN.replace(r#"get(section, "url")"#, r#"get(section, "u$0rl")"#),
        expect![[r#"
            class Client:
                @classmethod
                def from_config(cls, plugin_configuration, section="my_plugin"):
                    return cls(plugin_configuration.getint(section, "timeout"), plugin_configuration.get(section, ⟦"url"⟧))
        "#]],
    );
    check_highlights(
        &PLUGIN.replace("; timeout=15", "; time$0out=15\ntimeout=20"),
        expect![[r#"
            [my_plugin]
            ; ⟦timeout⟧=15
            ⟦timeout⟧=20
            url=https://example.com
        "#]],
    );
}

#[test]
fn the_outline_of_a_plugin_module() {
    check_symbols(
        &PLUGIN.replace("SECTION = ", "SECTION$0 = "),
        expect![[r#"
            Plugin (AAPlugin) [Class] `Plugin`
              do_authenticate (hook: AAPlugin calls it) [Method] `do_authenticate`
              authorize (SPS calls it) [Method] `authorize`
            [my_plugin] (read from the configuration) [Section] `self.plugin_configuration.getint(SECTION, "TIMEOUT", default=15)`
              timeout (integer) [Key] `"TIMEOUT"`
              url (text) [Key] `"url"`
            helper [Function] `helper`
        "#]],
    );
}

/// `get(section, "|")` where `section` is a parameter with a default: its
/// options are offered, as hover and definition resolve the same call.
#[test]
fn option_completion_when_the_section_is_a_parameter_with_a_default() {
    crate::fixture::check_completion(
        &PLUGIN.replace(
            r#"plugin_configuration.get(section, "url"))"#,
            r#"plugin_configuration.get(section, "$0"))"#,
        ),
        expect![[r#"
            url (set in default.cfg)
            timeout (documented in default.cfg)
        "#]],
    );
}

/// Renaming an option from default.cfg: its template line, and the string
/// of every read, including one whose section is a constant.
#[test]
fn rename_an_option_from_default_cfg() {
    crate::fixture::check_rename(
        &PLUGIN.replace("; timeout=15", "; time$0out=15"),
        "time_limit",
        expect![[r#"
            //- default.cfg
            [my_plugin]
            ; time_limit=15
            url=https://example.com
            //- lib/client.py
            class Client:
                @classmethod
                def from_config(cls, plugin_configuration, section="my_plugin"):
                    return cls(plugin_configuration.getint(section, "time_limit"), plugin_configuration.get(section, "url"))
            //- lib/plugin.py
            from safeguard.sessions.plugin import AAPlugin
            from .client import Client

            SECTION = "my_plugin"


            class Plugin(AAPlugin):
                def do_authenticate(self):
                    timeout = self.plugin_configuration.getint(SECTION, "time_limit", default=15)
                    return Client.from_config(self.plugin_configuration).call(timeout)

                def authorize(self, session_id, cookie, session_cookie, **kwargs):
                    return self.plugin_configuration.get("my_plugin", "url")


            def helper():
                pass
        "#]],
    );
}

/// Renaming an option from an instance configuration (`instance-configs`):
/// the instance configurations, default.cfg and the code's reads.
#[test]
fn rename_an_option_from_an_instance_configuration() {
    let fixture = format!(
        "{PLUGIN}\n//- sps-plugin-ls.toml\ninstance-configs = [\"instances/*.cfg\"]\n\
         //- instances/prod.cfg\n[my_plugin]\ntime$0out=30\n//- instances/test.cfg\n[my_plugin]\ntimeout=5\n"
    );
    crate::fixture::check_rename(
        &fixture,
        "time_limit",
        expect![[r#"
        //- default.cfg
        [my_plugin]
        ; time_limit=15
        url=https://example.com

        //- instances/prod.cfg
        [my_plugin]
        time_limit=30
        //- instances/test.cfg
        [my_plugin]
        time_limit=5
        //- lib/client.py
        class Client:
            @classmethod
            def from_config(cls, plugin_configuration, section="my_plugin"):
                return cls(plugin_configuration.getint(section, "time_limit"), plugin_configuration.get(section, "url"))
        //- lib/plugin.py
        from safeguard.sessions.plugin import AAPlugin
        from .client import Client

        SECTION = "my_plugin"


        class Plugin(AAPlugin):
            def do_authenticate(self):
                timeout = self.plugin_configuration.getint(SECTION, "time_limit", default=15)
                return Client.from_config(self.plugin_configuration).call(timeout)

            def authorize(self, session_id, cookie, session_cookie, **kwargs):
                return self.plugin_configuration.get("my_plugin", "url")


        def helper():
            pass
    "#]],
    );
}

/// Renaming a section from a read in the code: the header, the literal of
/// the call, the module constant and the parameter's default that other
/// reads take it from.
#[test]
fn rename_a_section_from_the_code_follows_its_constant_and_parameter_default() {
    crate::fixture::check_rename(
        &PLUGIN.replace(r#"get("my_plugin", "url")"#, r#"get("my_$0plugin", "url")"#),
        "my-plugin",
        expect![[r#"
            //- default.cfg
            [my-plugin]
            ; timeout=15
            url=https://example.com
            //- lib/client.py
            class Client:
                @classmethod
                def from_config(cls, plugin_configuration, section="my-plugin"):
                    return cls(plugin_configuration.getint(section, "timeout"), plugin_configuration.get(section, "url"))
            //- lib/plugin.py
            from safeguard.sessions.plugin import AAPlugin
            from .client import Client

            SECTION = "my-plugin"


            class Plugin(AAPlugin):
                def do_authenticate(self):
                    timeout = self.plugin_configuration.getint(SECTION, "TIMEOUT", default=15)
                    return Client.from_config(self.plugin_configuration).call(timeout)

                def authorize(self, session_id, cookie, session_cookie, **kwargs):
                    return self.plugin_configuration.get("my-plugin", "url")


            def helper():
                pass
        "#]],
    );
}

/// What the SDK reads under its name, and a name that is no name, are
/// refused.
#[test]
fn rename_refuses_sdk_names_and_bad_names() {
    let sdk = "//- plugin: aa\n//- default.cfg\n[log$0ging]\nlog_level=info\n";
    crate::fixture::check_rename(
        sdk,
        "logs",
        expect![[r#"
        refused: the SDK reads `[logging]` under this name: it cannot be renamed
    "#]],
    );
    crate::fixture::check_rename(
        &PLUGIN.replace("; timeout=15", "; time$0out=15"),
        "a=b",
        expect![[r#"
            refused: `a=b` cannot be the name of an option in default.cfg and a Python string
        "#]],
    );
}
