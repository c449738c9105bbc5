//! Fixture tests of the rules on the plugin's Python code, one case per
//! rule and one per way the real plugins export `Plugin`, messages pinned
//! (`UPDATE_EXPECT=1 cargo test --lib` rewrites the annotations).

use expect_test::expect;

use crate::fixture::check_diagnostics;

#[test]
fn plugin_imported_from_lib_plugin() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin  # noqa: F401
        //- lib/__init__.py
        //- lib/plugin.py
        from safeguard.sessions.plugin import AAPlugin


        class Plugin(AAPlugin):
            def do_authenticate(self):
                return {"verdict": "ACCEPT"}
    "#]]);
}

#[test]
fn plugin_imported_from_plugin_plugin_bare() {
    check_diagnostics(expect![[r#"
        //- plugin: aa api 1.1
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from plugin.plugin_bare import Plugin  # noqa: F401
        //- plugin/__init__.py
        //- plugin/plugin_bare.py
        from safeguard.sessions.plugin import AAPlugin, AAResponse


        class Plugin(AAPlugin):
            def do_authorize(self):
                return AAResponse.accept()
        //- plugin/tests/__init__.py
        //- plugin/tests/test_plugin.py
        import pytest
        from ..missing import Nothing
    "#]]);
}

#[test]
fn plugin_imported_under_another_name() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore api 1.6
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import SafeguardPlugin as Plugin  # noqa: F401
        //- lib/__init__.py
        //- lib/base.py
        from safeguard.sessions.plugin.credentialstore_plugin import CredentialStorePlugin


        class Base(CredentialStorePlugin):
            def do_get_password_list(self):
                return {"passwords": []}
        //- lib/plugin.py
        from .base import Base


        class SafeguardPlugin(Base):
            pass
    "#]]);
}

#[test]
fn plugin_defined_in_main_py() {
    check_diagnostics(expect![[r#"
        //- plugin: aa api 1.1
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin


        class Plugin(AAPlugin):
            def do_authenticate(self):
                return {"verdict": "ACCEPT"}
    "#]]);
}

#[test]
fn plugin_base_with_raw_hooks_is_fine() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore api 1.1
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin.plugin_base import PluginBase


        class Plugin(PluginBase):
            def get_password_list(self, cookie, session_cookie, **kwargs):
                return {"passwords": []}

            def session_ended(self, cookie, session_cookie, session_id):
                pass
    "#]]);
}

#[test]
fn syntax_error() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- lib/__init__.py
        //- lib/plugin.py
        from safeguard.sessions.plugin import AAPlugin


        class Plugin(AAPlugin):
            def do_authenticate(self:
        #                            ^ error[python/syntax-error]: Expected `)`, found newline: SPS cannot import this module (to 6:1)
                return None
        #       ^^^^^^ error[python/syntax-error]: Expected an expression: SPS cannot import this module
    "#]]);
}

#[test]
fn no_plugin_class() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        #            ^^^^^^^ error[plugin/no-plugin-class]: `main.py` neither defines nor imports a class named `Plugin`, which SPS instantiates: add `from lib.plugin import Plugin` or `class Plugin(...)`
        //- main.py
        #!/usr/bin/env pluginwrapper3
        import os
    "#]]);
}

#[test]
fn module_not_found() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn module_not_found_relative_and_in_a_package() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- lib/__init__.py
        //- lib/plugin.py
        from safeguard.sessions.plugin import AAPlugin
        from .client import Client
        #     ^^^^^^ error[import/module-not-found]: the plugin has no module `lib.client` that pluginv would package (no lib/client.py or lib/client/__init__.py, or a folder above it lacks __init__.py): SPS cannot import it
        import lib.helpers
        #      ^^^^^^^^^^^ error[import/module-not-found]: the plugin has no module `lib.helpers` that pluginv would package (no lib/helpers.py or lib/helpers/__init__.py, or a folder above it lacks __init__.py): SPS cannot import it


        class Plugin(AAPlugin):
            def do_authenticate(self):
                return Client()
    "#]]);
}

#[test]
fn name_not_found() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #                      ^^^^^^ error[import/name-not-found]: `lib/plugin.py` defines no `Plugin`: importing it fails, and SPS cannot load the plugin
        //- lib/__init__.py
        //- lib/plugin.py
        from safeguard.sessions.plugin import AAPlugin


        class MyPlugin(AAPlugin):
            def do_authenticate(self):
                return None
    "#]]);
}

#[test]
fn not_provided() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- Pipfile
        [packages]
        duo-client = "*"

        [dev-packages]
        requests_toolbelt = "*"
        //- lib/__init__.py
        //- lib/plugin.py
        import json
        import requests
        import duo_client
        from requests_toolbelt.adapters.source import SourceAddressAdapter
        #    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[import/not-provided]: pluginv will not bundle `requests_toolbelt`: it is not in the standard library, the SDK or what SPS installs beside it, nor declared by the plugin; add it to Pipfile [packages]
        from safeguard.sessions.plugin import AAPlugin
        try:
            import simplejson
        except ImportError:
            simplejson = None


        class Plugin(AAPlugin):
            def do_authenticate(self):
                return None
    "#]]);
}

#[test]
fn wrong_base_class() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- lib/__init__.py
        //- lib/plugin.py
        from safeguard.sessions.plugin import CredentialStorePlugin


        class Plugin(CredentialStorePlugin):
        #     ^^^^^^ error[plugin/wrong-base-class]: `Plugin` derives from CredentialStorePlugin, the base of `credentialstore` plugins, but the MANIFEST says `type: aa`: derive from AAPlugin, or set `type: credentialstore`
            def do_get_password_list(self):
                return {"passwords": []}
    "#]]);
}

#[test]
fn no_hooks_aa() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin


        class Plugin(AAPlugin):
        #     ^^^^^^ warning[plugin/no-hooks]: `Plugin` defines neither `do_authenticate` nor `do_authorize`, so the SDK accepts every connection: implement one of them
            def do_session_ended(self):
                pass
    "#]]);
}

#[test]
fn no_hooks_credential_store() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin


        class Plugin(CredentialStorePlugin):
        #     ^^^^^^ warning[plugin/no-hooks]: `Plugin` defines neither `do_get_password_list` nor `do_get_private_key_list`, so it returns no credential: implement one of them
            pass
    "#]]);
}

#[test]
fn hook_parameters() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin


        class Plugin(AAPlugin):
            def do_authenticate(self, username, timeout=10):
        #       ^^^^^^^^^^^^^^^ error[plugin/hook-parameters]: the SDK calls `do_authenticate` with no arguments, but it requires `username`: take only `self` and read the rest from `self.connection` or the configuration
                return None
    "#]]);
}

#[test]
fn raw_hook_signature() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore api 1.1
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin.plugin_base import PluginBase


        class Plugin(PluginBase):
            def get_password_list(self, cookie, session_cookie, target_host, **kwargs):
        #       ^^^^^^^^^^^^^^^^^ warning[plugin/raw-hook-signature]: `get_password_list` requires `target_host`, which SPS does not pass: SPS (API 1.9) calls it with the keywords cookie, session_cookie, session_id, protocol, client_ip, client_hostname, gateway_domain, gateway_username, gateway_password, gateway_groups, server_domain, server_username, server_ip, server_port, server_hostname, as the SDK's own wrapper takes them; give `target_host` a default, or take SPS's names
                return {"passwords": []}

            def session_ended(self, session_id, cookie):
        #       ^^^^^^^^^^^^^ warning[plugin/raw-hook-signature]: `session_ended` does not accept `session_cookie`, which SPS passes: SPS (API 1.9) calls it with the keywords cookie, session_cookie, session_id, as the SDK's own wrapper takes them; add `**kwargs`, or take those names
                pass
    "#]]);
}

/// One finding per name too new for the api in a file, at its first use,
/// counting the others: one fix (raise `api`) answers them all.
#[test]
fn sdk_needs_newer_api_once_per_name_and_file() {
    check_diagnostics(expect![[r#"
        //- plugin: aa api 1.2
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                a = self.plugin_configuration.get_options("a")
        #                                     ^^^^^^^^^^^ warning[sdk/needs-newer-api]: `PluginConfiguration.get_options` needs api 1.3 or newer (here and 2 more times in this file); the MANIFEST says 1.2, so an SPS of API 1.2 accepts the plugin and it fails there: raise `api` in the MANIFEST
                b = self.plugin_configuration.get_options("b")
                c = self.plugin_configuration.get_options("c")
                return a, b, c
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.2'
        #    ^^^^^ warning[sdk/needs-newer-api]: the plugin's code needs api 1.3 or newer (`PluginConfiguration.get_options` at main.py:5); the MANIFEST says 1.2
        entry_point: main.py
    "#]]);
}

#[test]
fn sdk_needs_newer_api() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: credentialstore
        api: '1.2'
        #    ^^^^^ warning[sdk/needs-newer-api]: the plugin's code needs api 1.9 or newer (the hook `do_get_totp_codes` at lib/plugin.py:14); the MANIFEST says 1.2
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- lib/__init__.py
        //- lib/plugin.py
        from safeguard.sessions.plugin import CredentialStorePlugin
        from safeguard.sessions.plugin.requests_tls import RequestsTLS
        #    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[sdk/needs-newer-api]: `safeguard.sessions.plugin.requests_tls` needs api 1.3 or newer; the MANIFEST says 1.2, so an SPS of API 1.2 accepts the plugin and it fails there: raise `api` in the MANIFEST


        class Plugin(CredentialStorePlugin):
            def __init__(self, configuration):
                super().__init__(configuration, configuration_section="vault")
        #                                       ^^^^^^^^^^^^^^^^^^^^^ warning[sdk/needs-newer-api]: the keyword `configuration_section` of `CredentialStorePlugin.__init__` needs api 1.6 or newer; the MANIFEST says 1.2, so an SPS of API 1.2 accepts the plugin and it fails there: raise `api` in the MANIFEST

            def do_get_password_list(self):
                sections = self.plugin_configuration.get_options("vault")
        #                                            ^^^^^^^^^^^ warning[sdk/needs-newer-api]: `PluginConfiguration.get_options` needs api 1.3 or newer; the MANIFEST says 1.2, so an SPS of API 1.2 accepts the plugin and it fails there: raise `api` in the MANIFEST
                with RequestsTLS.from_config(self.plugin_configuration).open_session() as session:
        #                        ^^^^^^^^^^^ warning[sdk/needs-newer-api]: `RequestsTLS.from_config` needs api 1.3 or newer; the MANIFEST says 1.2, so an SPS of API 1.2 accepts the plugin and it fails there: raise `api` in the MANIFEST
                    return {"passwords": [session.get(s) for s in sections]}

            def do_get_totp_codes(self):
        #       ^^^^^^^^^^^^^^^^^ warning[sdk/needs-newer-api]: the hook `do_get_totp_codes` needs api 1.9 or newer; the MANIFEST says 1.2, so an SPS of API 1.2 accepts the plugin and it fails there: raise `api` in the MANIFEST
                return {"totp_codes": []}
    "#]]);
}

#[test]
fn sdk_unknown_name() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin, AAPlugn
        #                                               ^^^^^^^ error[sdk/unknown-name]: the SDK has no `AAPlugn` in `safeguard.sessions.plugin` in any version: importing it fails
        from safeguard.sessions.plugin.vault import Vault
        #    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[sdk/unknown-name]: the SDK has no module `safeguard.sessions.plugin.vault` in any version


        class Plugin(AAPlugin):
            def do_authenticate(self):
                return None
    "#]]);
}

#[test]
fn legacy_plugin_gets_no_code_or_ini_rules() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        api: 1.0
        ^^^ warning[manifest/missing-key]: the key `entry_point` is missing: SPS still uploads a legacy plugin (api 1.0) without it, but pluginv would refuse to package it
        type: credentialstore
        name: safeguard_credentialstore
        description: A legacy plugin
        version: 1.3.5
        //- main.py
        print "Python 2"
        //- default.cfg
        this is read by the plugin itself
    "#]]);
}

#[test]
fn undocumented_option_and_rejected_defaults() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get("radius", "dictionary_path", "/usr/share/zorp/dictionary")
        #                                               ^^^^^^^^^^^^^^^^^ info[python/undocumented-option]: `dictionary_path` of `[radius]` is read here but default.cfg never documents it: add `; dictionary_path=/usr/share/zorp/dictionary` to `[radius]` so that administrators know of it
                self.plugin_configuration.getint("radius", "port", 1812)
                self.plugin_configuration.getboolean("radius", "verbose", default="no")
        #                                                                         ^^^^ warning[python/default-rejected]: `getboolean` returns its default unchanged when the option is not set, so this gives the text 'no' (which is true), not a boolean (write `False`)
                self.plugin_configuration.getint("radius", "retries", "3")
        #                                                             ^^^ warning[python/default-rejected]: `getint` returns its default unchanged when the option is not set, so this gives '3', not a number: write it without quotes
                self.plugin_configuration.getienum("radius", "auth_type", ("pap", "chap"), default="PAP")
        #                                                                                          ^^^^^ warning[python/default-rejected]: `getienum` returns its default unchanged when the option is not set, and 'PAP' is not one of `pap`, `chap`: the code gets a value it does not expect
                self.plugin_configuration.getlist("radius", "servers", default=["a"])
        #                                                                      ^^^^^ warning[python/default-rejected]: `getlist` splits its default on `,`, so ['a'] fails with `AttributeError` when the option is not set: write the default as one comma-separated string
                self.plugin_configuration.getboolean("auth", "disable_echo", default=False)
        //- default.cfg
        [radius]
        ; port=1812
        ; verbose=no
        ; retries=3
        ; auth_type=pap
        ; servers=a
    "#]]);
}

/// `from lib.plugin import *` brings the module's public names, `Plugin`
/// among them (issue 24: it was `import/name-not-found: lib/plugin.py
/// defines no *`): the class is found and its reads known (`other` is
/// never read).
#[test]
fn star_import_brings_public_names() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import *
        //- default.cfg
        [my]
        key = 1
        other = 2
        ^^^^^ warning[config/unread-option]: the plugin never reads `other` in `[my]`: setting it changes nothing (it reads `key`)
        //- lib/__init__.py
        //- lib/plugin.py
        from safeguard.sessions.plugin import AAPlugin


        class Plugin(AAPlugin):
            def do_authenticate(self):
                return self.plugin_configuration.get('my', 'key')
    "#]]);
}

/// A star import brings only `__all__` when the module has one.
#[test]
fn star_import_brings_only_all() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        #            ^^^^^^^ error[plugin/no-plugin-class]: `main.py` neither defines nor imports a class named `Plugin`, which SPS instantiates: add `from lib.plugin import Plugin` or `class Plugin(...)`
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import *
        //- lib/__init__.py
        //- lib/plugin.py
        from safeguard.sessions.plugin import AAPlugin

        __all__ = ['Helper']


        class Plugin(AAPlugin):
            def do_authenticate(self):
                return None
    "#]]);
}

/// A coding cookie naming a codec CPython does not have (PEP 263).
#[test]
fn coding_cookie_of_an_unknown_codec() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        # -*- coding: klingon -*-
        #             ^^^^^^^ error[file/encoding]: CPython knows no codec `klingon`: it refuses to compile the file
        from safeguard.sessions.plugin import AAPlugin


        class Plugin(AAPlugin):
            def do_authenticate(self):
                return None
        //- lib/__init__.py
        //- lib/legacy.py
        # coding: cp1252
        #         ^^^^^^ warning[file/encoding]: sps-plugin-ls decodes only UTF-8, Latin-1 and ASCII Python files; this one, in `cp1252`, is read as UTF-8, so text outside ASCII may be misread: save it as UTF-8
        X = 1
    "#]]);
}

// Issue 25: one finding per problem, and the advice that fixes it.

#[test]
fn a_fallback_read_is_documented_by_either_side() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Client:
            def __init__(self, **kw):
                pass
            @classmethod
            def from_config(cls, config):
                def compatible(parameter):
                    return config.get("safeguard", parameter) or config.get("safeguard-auth", parameter)
        #                                          ^^^^^^^^^ info[python/undocumented-option]: `realm` of `[safeguard]` is read here but default.cfg never documents it: add `; realm=<realm>` to `[safeguard]` so that administrators know of it
                return cls(provider=compatible("provider"), realm=compatible("realm"))
        class Plugin(CredentialStorePlugin):
            def do_get_password_list(self):
                return Client.from_config(self.plugin_configuration)
        //- default.cfg
        [safeguard]
        [safeguard-auth]
        ; provider=local
    "#]]);
}

#[test]
fn own_module_imported_as_absolute_and_one_finding_per_statement() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin  # noqa: F401
        //- lib/__init__.py
        //- lib/vault.py
        class A: pass
        class B: pass
        //- lib/plugin.py
        from safeguard.sessions.plugin import AAPlugin
        from vault import A, B
        #    ^^^^^ error[import/module-not-found]: `vault` is the plugin's own `lib/vault.py`, and Python 3 imports are absolute, so this import fails at run time: write `from .vault import …`
        from requests_toolbelt import X, Y, Z
        #    ^^^^^^^^^^^^^^^^^ warning[import/not-provided]: pluginv will not bundle `requests_toolbelt`: it is not in the standard library, the SDK or what SPS installs beside it, nor declared by the plugin; add it to Pipfile [packages]


        class Plugin(AAPlugin):
            def do_authorize(self):
                return {"verdict": "ACCEPT"}
    "#]]);
}

#[test]
fn unset_dereferenced() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Client:
            def __init__(self, **kw):
                pass
            @classmethod
            def from_config(cls, config):
                return cls(
                    addresses=config.get("safeguard", "address").split(","),
        #                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[python/unset-dereferenced]: `get` returns `None` when `[safeguard] address` is not set (no default, no `required=True`), so `.split` on it raises `AttributeError`, an error that names no setting: pass `required=True` (the SDK then says which setting is missing), or a default
                    url="https://" + config.get("safeguard", "host"),
        #                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[python/unset-dereferenced]: `get` returns `None` when `[safeguard] host` is not set (no default, no `required=True`), so `+` on it raises `TypeError`, an error that names no setting: pass `required=True` (the SDK then says which setting is missing), or a default
                    ok=config.get("safeguard", "name", required=True).split(","),
                    kind=(config.get("safeguard", "kind") or "").lower(),
                    port=config.getint("safeguard", "port", 22) + 1,
                )
        class Plugin(CredentialStorePlugin):
            def do_get_password_list(self):
                return Client.from_config(self.plugin_configuration)
        //- default.cfg
        [safeguard]
        ; address=<address>
        ; host=<host>
        ; name=<name>
        ; kind=<kind>
        ; port=22
    "#]]);
}

#[test]
fn a_plain_plugin_class_takes_the_configuration() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        class Base(object):
            def __init__(self):
        #       ^^^^^^^^ error[plugin/init-signature]: SPS constructs `Plugin(configuration)` with one argument, and this `__init__` takes none besides `self`, so the plugin fails with `TypeError` at its first call: write `def __init__(self, configuration)`
                self.cache = {}
        class Plugin(Base):
            def get_password_list(self, cookie, session_cookie, **kwargs):
                return {"passwords": []}
    "#]]);
}

#[test]
fn a_plain_plugin_class_without_init() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        class Plugin:
        #     ^^^^^^ error[plugin/init-signature]: SPS constructs `Plugin(configuration)`, and `Plugin` defines no `__init__` (nor derives from the SDK), so `object()` rejects the argument with `TypeError`: define `def __init__(self, configuration)`, or derive from the SDK's plugin class
            def get_password_list(self, cookie, session_cookie, **kwargs):
                return {"passwords": []}
    "#]]);
}

#[test]
fn a_plain_plugin_class_that_takes_the_configuration() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        class Plugin:
            def __init__(self, configuration, factory=None):
                self.configuration = configuration
            def get_password_list(self, cookie, session_cookie, **kwargs):
                return {"passwords": []}
    "#]]);
}

#[test]
fn unbound_after_comparison() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                mode = self.plugin_configuration.get("radius", "auth_type", default="pap")
                if mode == "pap":
        #          ^^^^^^^^^^^^^ warning[python/unbound-after-comparison]: `packet` is bound only when `[radius] auth_type` is `pap`, `chap`: any other value (`PAP`, a typo) leaves it unbound, and line 10 raises `UnboundLocalError`: read it with `getienum("radius", "auth_type", ("pap", "chap"))`, which rejects other values naming the setting, or add an `else`
                    packet = 1
                elif mode == "chap":
                    packet = 2
                return {"verdict": "ACCEPT" if packet else "DENY"}
            def do_authenticate(self):
                kind = self.plugin_configuration.get("radius", "kind", default="a")
                if kind == "a":
                    x = 1
                elif kind == "b":
                    x = 2
                else:
                    raise ValueError(kind)
                return {"verdict": "ACCEPT" if x else "DENY"}
        //- default.cfg
        [radius]
        ; auth_type=pap
        ; kind=a
    "#]]);
}
