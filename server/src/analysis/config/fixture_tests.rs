//! Fixture tests of the default.cfg rules: a case per rule and variant,
//! its message pinned (`UPDATE_EXPECT=1 cargo test --lib analysis::config`
//! rewrites the annotations).

use expect_test::expect;

use crate::analysis::codes;
use crate::fixture::check_diagnostics;

/// Every `config/*` code has its message pinned here.
#[test]
fn every_code_is_pinned() {
    let this = include_str!("fixture_tests.rs");
    for code in codes::ALL.iter().filter(|c| c.id.starts_with("config/")) {
        assert!(
            this.contains(&format!("[{}]: ", code.id)),
            "no fixture annotation of {}",
            code.id
        );
    }
}

#[test]
fn missing_section_header() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        k=v
        ^^^ error[config/missing-section-header]: `k=v` comes before any `[section]` header, so configparser rejects the file: put it under a section, or comment it out with `#`
        [a]
    "#]]);
}

#[test]
fn no_delimiter() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        novalue
        ^^^^^^^ error[config/no-delimiter]: `novalue` has no `=` or `:`, so configparser rejects the file: write `name=value`, or comment the line out with `#`
    "#]]);
}

#[test]
fn unclosed_section() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        [b
        ^^ error[config/unclosed-section]: `[b` lacks its closing `]`, so configparser rejects the file: add `]`
    "#]]);
}

#[test]
fn unclosed_section_empty_name() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        []
        ^^ error[config/unclosed-section]: a section name needs at least one character between `[` and `]`; configparser rejects the file
    "#]]);
}

#[test]
fn unclosed_section_read_as_option() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        [whitelist source=user_list
        ^^^^^^^^^^^^^^^^^ warning[config/unclosed-section]: `[whitelist source=user_list` lacks its closing `]`, so configparser reads this line as an option of the section above: add `]`
    "#]]);
}

#[test]
fn empty_option_name() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        =v
        ^^ error[config/empty-option-name]: the option has no name before its `=` or `:`, so configparser rejects the file: write `name=value`
    "#]]);
}

#[test]
fn duplicate_section() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        [a]
         ^ error[config/duplicate-section]: section `[a]` already appears on line 1, so configparser rejects the file: merge the two sections
    "#]]);
}

#[test]
fn duplicate_option_ignoring_case() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [logging]
        Log_Level=info
        log_level=debug
        ^^^^^^^^^ error[config/duplicate-option]: `log_level` is already set in `[logging]` as `Log_Level` (option names ignore case) on line 2, so configparser rejects the file: keep one of them
    "#]]);
}

#[test]
fn interpolation_lone_percent() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        k=50% of 10%
        ;   ^^ error[config/interpolation]: a lone `%` in the value of `k`: configparser raises when the value is read; write `%%` for a literal `%`
    "#]]);
}

#[test]
fn interpolation_bad_reference() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        k=%(x
        ; ^^ error[config/interpolation]: `%(` is not a reference of the form `%(name)s`, and configparser raises when the value is read; write `%%` for a literal `%`
        j=%()s
        ; ^^^ error[config/interpolation]: `%()` is not a reference of the form `%(name)s`, and configparser raises when the value is read; write `%%` for a literal `%`
    "#]]);
}

#[test]
fn interpolation_missing_reference() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        k=%(missing)s
        ; ^^^^^^^^^^^ error[config/interpolation]: `%(missing)s` refers to the option `missing`, which neither `[a]` nor `[DEFAULT]` defines, and configparser raises when the value is read: define `missing`, or write `%%` for a literal `%`
    "#]]);
}

#[test]
fn interpolation_default_read_through_a_section() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [DEFAULT]
        d=%(b)s
        ; ^^^^^ error[config/interpolation]: `%(b)s` refers to the option `b`, which neither `[s2]` nor `[DEFAULT]` defines (this `[DEFAULT]` value is read through `[s2]`), and configparser raises when the value is read: define `b`, or write `%%` for a literal `%`
        [s1]
        b=1
        [s2]
    "#]]);
}

#[test]
fn interpolation_loop() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        k=%(j)s
        ; ^^^^^ error[config/interpolation]: `%(j)s` nests references more than 10 levels deep (do they refer to each other in a loop?), and configparser raises when the value is read
        j=%(k)s
        ; ^^^^^ error[config/interpolation]: `%(k)s` nests references more than 10 levels deep (do they refer to each other in a loop?), and configparser raises when the value is read
    "#]]);
}

#[test]
fn interpolation_fine() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        k=50%%
        j=%(K)s
        b=2
        [DEFAULT]
        d=%(b)s
        [s1]
        b=1
    "#]]);
}

#[test]
fn invalid_boolean() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [tls]
         ^^^ warning[config/unread-section]: the SDK reads `[tls]` only in `RequestsTLS.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; remove it, or make the code use `RequestsTLS.from_config`
        enabled=true
        ;       ^^^^ error[config/invalid-boolean]: `true` is rejected for `enabled`: SDK booleans are only `yes` or `no`; write `yes`
    "#]]);
}

#[test]
fn invalid_boolean_empty_and_unknown() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [tls]
         ^^^ warning[config/unread-section]: the SDK reads `[tls]` only in `RequestsTLS.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; remove it, or make the code use `RequestsTLS.from_config`
        enabled=
        ;       ^ error[config/invalid-boolean]: an empty value is rejected for `enabled`: SDK booleans are only `yes` or `no` (empty range)
        [auth]
        disable_echo=maybe
        ;            ^^^^^ error[config/invalid-boolean]: `maybe` is rejected for `disable_echo`: SDK booleans are only `yes` or `no`
    "#]]);
}

#[test]
fn invalid_int() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [https-proxy]
        port=31 28
        ;    ^^^^^ error[config/invalid-int]: `31 28` is not an integer, which `port` must be (default `3128`)
    "#]]);
}

#[test]
fn invalid_float() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [authentication_cache]
        hard_timeout=1,5
        ;            ^^^ error[config/invalid-float]: `1,5` is not a number, which `hard_timeout` must be (default `90`)
        soft_timeout=1.5e3
        reuse_limit=1_000
    "#]]);
}

#[test]
fn invalid_enum() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [logging]
        log_level=verbose
        ;         ^^^^^^^ error[config/invalid-enum]: `verbose` is not valid for `log_level`: write one of `debug`, `info`, `warning`, `error`, `critical`
        destination=stderr
    "#]]);
}

#[test]
fn invalid_enum_did_you_mean() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [logging]
        log_level=infoo
        ;         ^^^^^ error[config/invalid-enum]: `infoo` is not valid for `log_level`: write one of `debug`, `info`, `warning`, `error`, `critical`; did you mean `info`?
    "#]]);
}

#[test]
fn invalid_enum_spoiled_by_an_inline_comment() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [logging]
        log_level=info ; quieter
        ;         ^^^^^^^^^^^^^^ error[config/invalid-enum]: `info ; quieter` is not a valid `log_level`: configparser has no inline comments, so `; quieter` is part of the value; move the comment to its own line
    "#]]);
}

#[test]
fn invalid_enum_of_another_plugin_type() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- default.cfg
        [check-in-trigger]
        ssh=never
        ;   ^^^^^ error[config/invalid-enum]: `never` is not valid for `<protocol>`: write one of `session-ended`, `authentication-completed`
    "#]]);
}

#[test]
fn invalid_enum_taken_as_false() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [ignore_upn_suffix_for_rdp]
        ignore=yes
        ;      ^^^ warning[config/invalid-enum]: `yes` is not valid for `ignore` (the SDK takes any other value as `false`): write one of `true`, `false`
    "#]]);
}

#[test]
fn invalid_pem() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [tls]
         ^^^ warning[config/unread-section]: the SDK reads `[tls]` only in `RequestsTLS.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; remove it, or make the code use `RequestsTLS.from_config`
        ca_cert=/etc/ca.pem
        ;       ^^^^^^^^^^^ error[config/invalid-pem]: `/etc/ca.pem` is not accepted for `ca_cert`: write PEM text with every line after the first indented or `$[<trusted CA list name>]`
    "#]]);
}

#[test]
fn unknown_option_did_you_mean() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [logging]
        log_levle=info
        ^^^^^^^^^ warning[config/unknown-option]: the SDK reads no option `log_levle` in `[logging]`; did you mean `log_level`?
    "#]]);
}

#[test]
fn unknown_option_read_by_the_plugin() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [auth]
        identity_provider=Local
        ^^^^^^^^^^^^^^^^^ info[config/unknown-option]: the SDK reads no option `identity_provider` in `[auth]` (it reads `prompt`, `disable_echo`, `interactive_protocols`): fine if the plugin reads it itself
    "#]]);
}

#[test]
fn missing_option() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [whitelist source=ldap_server_group]
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[config/missing-option]: `[whitelist source=ldap_server_group]` sets options but not `except`, without which the SDK ignores the section: add `except=`
        allow=no_user
    "#]]);
}

#[test]
fn wrong_plugin_type_section() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- default.cfg
        [auth]
         ^^^^ warning[config/wrong-plugin-type-section]: `[auth]` is read by the SDK only in `type: aa` plugins, and this plugin is `type: credentialstore`: remove the section, or check the MANIFEST's type
        prompt=OTP
    "#]]);
}

#[test]
fn wrong_plugin_type_section_of_credentialstore() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [check-in-trigger]
         ^^^^^^^^^^^^^^^^ warning[config/wrong-plugin-type-section]: `[check-in-trigger]` is read by the SDK only in `type: credentialstore` plugins, and this plugin is `type: aa`: remove the section, or check the MANIFEST's type
    "#]]);
}

#[test]
fn sections_of_an_unknown_plugin_type() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [auth]
        prompt=x
        [check-in-trigger]
        x=y
    "#]]);
}

#[test]
fn section_case() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [Logging]
         ^^^^^^^ warning[config/section-case]: section names are case-sensitive: the SDK reads `[logging]`, not `[Logging]`
        log_level=info
    "#]]);
}

#[test]
fn proxy_enabled_ignored() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [https-proxy]
        enabled=no
        ^^^^^^^ warning[config/proxy-enabled-ignored]: the SDK reads `enabled` only from `[https_proxy]`, never from `[https-proxy]`, so this setting has no effect: move it to `[https_proxy]`
    "#]]);
}

#[test]
fn inline_comment() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        k=v # note
        ;   ^^^^^^ warning[config/inline-comment]: configparser has no inline comments: `# note` is part of the value of `k`; move the comment to its own line
    "#]]);
}

#[test]
fn swallowed_line() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        url=https://x
          port=8080
        ; ^^^^^^^^^ warning[config/swallowed-line]: this line is indented deeper than `url`, so configparser adds it to that value instead of reading the option `port=8080`: remove the indentation
        k=x
         [b]
         ^^^ warning[config/swallowed-line]: this line is indented deeper than `k`, so configparser adds it to that value instead of reading the section header `[b]`: remove the indentation
    "#]]);
}

#[test]
fn placeholder() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        server=<proxy-server>
        ;      ^^^^^^^^^^^^^^ warning[config/placeholder]: `<proxy-server>` is a placeholder of the template: replace it with a real value, or comment the line out again with `;`
    "#]]);
}

#[test]
fn credential_store_missing_section() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [my-db]
        password=$
        ;        ^ warning[config/credential-store-missing]: `$` fetches the value from the local Credential Store, but there is no `[credential_store]` section naming it, so the plugin fails when it reads this option: set `[credential_store] name`
    "#]]);
}

#[test]
fn credential_store_missing_name() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [credential_store]
        [a-b]
        password=$
        ;        ^ warning[config/credential-store-missing]: `$` fetches the value from the local Credential Store, but `[credential_store]` sets no `name`, so the plugin fails when it reads this option: set `[credential_store] name`
    "#]]);
}

#[test]
fn credential_store_empty_name() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [credential_store]
        name=
        [a-b]
        password=$
        ;        ^ warning[config/credential-store-missing]: `$` fetches the value from the local Credential Store, but `[credential_store] name` is empty, so the plugin fails when it reads this option: set `[credential_store] name`
    "#]]);
}

#[test]
fn section_not_hostname() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [credential_store]
        name=cs
        [my_db]
         ^^^^^ warning[config/section-not-hostname]: `$` values are looked up in the credential store with the section name as host name, and `my_db` is not a valid host name (letters, digits and `-`): rename it to `[my-db]` (and where the plugin reads it)
        password=$
    "#]]);
}

#[test]
fn section_not_hostname_of_the_sdk() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [credential_store]
        name=cs
        [https_proxy]
         ^^^^^^^^^^^ warning[config/section-not-hostname]: `$` values are looked up in the credential store with the section name as host name, and `https_proxy` is not a valid host name (letters, digits and `-`): rename it to `[https-proxy]`
        password=$
        [my db]
         ^^^^^ warning[config/section-not-hostname]: `$` values are looked up in the credential store with the section name as host name, and `my db` is not a valid host name (letters, digits and `-`): rename it
        secret=$
    "#]]);
}

#[test]
fn template_option_boolean() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [onelogin]
         ^^^^^^^^ warning[config/unread-section]: neither the SDK nor the plugin's code reads `[onelogin]`: its commented-out options would change nothing once set
        ; enable_factor_selection=true
        ;                         ^^^^ info[config/template-option]: when uncommented, `true` is rejected if the plugin reads `enable_factor_selection` with the SDK's getboolean, which accepts only `yes` or `no`: write `yes`
    "#]]);
}

#[test]
fn template_option_boolean_of_the_plugin() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [my-plugin]
         ^^^^^^^^^ warning[config/unread-section]: neither the SDK nor the plugin's code reads `[my-plugin]`: its commented-out options would change nothing once set
        ; verbose=TRUE
        ;         ^^^^ info[config/template-option]: when uncommented, `TRUE` is rejected if the plugin reads `verbose` with the SDK's getboolean, which accepts only `yes` or `no`: write `yes`
        ; quiet=false
        ;       ^^^^^ info[config/template-option]: when uncommented, `false` is rejected if the plugin reads `quiet` with the SDK's getboolean, which accepts only `yes` or `no`: write `no`
        ; level=on
    "#]]);
}

#[test]
fn template_option_enum() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [logging]
        ; log_level=verbose
        ;           ^^^^^^^ info[config/template-option]: when uncommented, `verbose` is not valid for `log_level`: write one of `debug`, `info`, `warning`, `error`, `critical`
        ; enable_stacktrace=no
    "#]]);
}

#[test]
fn template_option_empty_boolean() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [tls]
         ^^^ warning[config/unread-section]: the SDK reads `[tls]` only in `RequestsTLS.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; remove it, or make the code use `RequestsTLS.from_config`
        ; enabled=
        ; ^^^^^^^ info[config/template-option]: when uncommented, an empty value is rejected for `enabled`: SDK booleans are only `yes` or `no`
    "#]]);
}

#[test]
fn template_option_unknown_option() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [tls]
         ^^^ warning[config/unread-section]: the SDK reads `[tls]` only in `RequestsTLS.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; remove it, or make the code use `RequestsTLS.from_config`
        ; ca_cert2=x
        ; ^^^^^^^^ info[config/template-option]: when uncommented, the SDK reads no option `ca_cert2` in `[tls]`; did you mean `ca_cert`?
        ; anything=1
    "#]]);
}

#[test]
fn template_option_proxy_enabled() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [https-proxy]
        ; enabled=yes
        ; ^^^^^^^ info[config/template-option]: when uncommented, the SDK reads `enabled` only from `[https_proxy]`, never from `[https-proxy]`, so this setting has no effect: move it to `[https_proxy]`
    "#]]);
}

#[test]
fn template_option_interpolation() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a]
        ; pct=50%
        ;       ^ info[config/template-option]: when uncommented, a lone `%` in the value of `pct`: configparser raises when the value is read; write `%%` for a literal `%`
        ; bad=%(x
        ;     ^^ info[config/template-option]: when uncommented, `%(` is not a reference of the form `%(name)s`, and configparser raises when the value is read; write `%%` for a literal `%`
        ; ref=%(nope)s
    "#]]);
}

#[test]
fn template_option_credential_store() {
    check_diagnostics(expect![[r#"
        //- default.cfg
        [a-b]
        ; pw=$
        ;    ^ info[config/template-option]: when uncommented, `$` fetches the value from the local Credential Store, but there is no `[credential_store]` section naming it, so the plugin fails when it reads this option: set `[credential_store] name`
        [c-d]
        ; user=x
    "#]]);
}

#[test]
fn template_option_inline_comment() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [logging]
        ; log_level=info ; quieter
        ;           ^^^^^^^^^^^^^^ info[config/template-option]: when uncommented, `info ; quieter` is not a valid `log_level`: configparser has no inline comments, so `; quieter` is part of the value; move the comment to its own line
    "#]]);
}

#[test]
fn template_options_not_reported() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get_options('onelogin')
                self.plugin_configuration.get_options('tpam')
        //- default.cfg
        [onelogin]
        ; timeout=<seconds>
        [credential_store]
        ; name=<store>
        [tpam]
        ; server_user_key=$
        [logging]
        log_level=info
        ; log_level=verbose
    "#]]);
}

#[test]
fn no_false_alarms() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        from safeguard.sessions.plugin.requests_tls import RequestsTLS
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get_options('my_plugin')
                RequestsTLS.from_config(self.plugin_configuration)
        //- default.cfg
        [my_plugin]
        anything = goes here
        flag=true
        n=x1
        query=(?P<id>INC\d+)
        j=$$
        [tls]
        ca_cert = -----BEGIN CERTIFICATE-----
         MIIBc2==
         d=e
         -----END CERTIFICATE-----
    "#]]);
}

// default.cfg against the code that reads it.

#[test]
fn unread_option_with_did_you_mean_and_without() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        from lib.client import Client
        class Plugin(AAPlugin):
            def do_authorize(self):
                return Client.from_config(self.plugin_configuration)
        //- lib/__init__.py
        //- lib/client.py
        class Client:
            @classmethod
            def from_config(cls, plugin_configuration, section="duo"):
                return plugin_configuration.getboolean(section, "ignore_connection_error")
        #                                                       ^^^^^^^^^^^^^^^^^^^^^^^^^ info[python/undocumented-option]: `ignore_connection_error` of `[duo]` is read here but default.cfg never documents it: add `; ignore_connection_error=<ignore_connection_error>` to `[duo]` so that administrators know of it
        //- default.cfg
        [duo]
        ; ignore_conection_error=no
        ; ^^^^^^^^^^^^^^^^^^^^^^ warning[config/unread-option]: the plugin never reads `ignore_conection_error` in `[duo]`; did you mean `ignore_connection_error`?
        ; colour=blue
        ; ^^^^^^ warning[config/unread-option]: the plugin never reads `colour` in `[duo]`: setting it changes nothing (it reads `ignore_connection_error`)
    "#]]);
}

#[test]
fn unread_section_with_did_you_mean() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        PLUGIN_SECTION = "starling"
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.getint("memory_cache", "ttl", default=3600)
        #                                                        ^^^^^ info[python/undocumented-option]: `ttl` of `[memory_cache]` is read here but default.cfg never documents it: add `; ttl=3600` to `[memory_cache]` so that administrators know of it
                self.plugin_configuration.getint(PLUGIN_SECTION, "timeout", 60)
        #                                                        ^^^^^^^^^ info[python/undocumented-option]: `timeout` of `[starling]` is read here but default.cfg never documents it: add `; timeout=60` to `[starling]` so that administrators know of it
        //- default.cfg
        [starlin]
         ^^^^^^^ warning[config/unread-section]: neither the SDK nor the plugin's code reads `[starlin]`; did you mean `[starling]`?
        ; timeout=60
        [memory-cache]
         ^^^^^^^^^^^^ warning[config/unread-section]: the SDK reads `[memory-cache]` only in `MemoryCache.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; the plugin reads its own `ttl` from `[memory_cache]` (`main.py:6`): move what it is meant for there
        ; ttl=3600
        [memorycache]
         ^^^^^^^^^^^ warning[config/unread-section]: neither the SDK nor the plugin's code reads `[memorycache]`; did you mean `[memory_cache]`?
        ; ttl=3600
        [notes]
         ^^^^^ warning[config/unread-section]: neither the SDK nor the plugin's code reads `[notes]`: its commented-out options would change nothing once set
        ; a=b
    "#]]);
}

#[test]
fn missing_required_on_the_section_and_at_the_top() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get("okta", "api_key", required=True)
        #                                             ^^^^^^^^^ info[python/undocumented-option]: `api_key` of `[okta]` is read here but default.cfg never documents it: add `; api_key=<api_key>` to `[okta]` so that administrators know of it
                self.plugin_configuration.get("okta", "api_url", required=True)
                self.plugin_configuration.get("extra", "token", required=True)
        #                                              ^^^^^^^ info[python/undocumented-option]: `token` of `[extra]` is read here but default.cfg never documents it: add `; token=<token>` to `[extra]` so that administrators know of it
        //- default.cfg
        [okta]
        ^ warning[config/missing-required]: the plugin requires `[extra] token` (`main.py:7` reads it with `required=True`), and this file neither sets nor documents it: add `; token=<token>` (empty range)
         ^^^^ warning[config/missing-required]: the plugin requires `[okta] api_key` (`main.py:5` reads it with `required=True`), and this file neither sets nor documents it: add `; api_key=<api_key>`
        ; api_url=<url>
    "#]]);
}

#[test]
fn empty_required() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get("onelogin", "client_id", required=True)
        //- default.cfg
        [onelogin]
        client_id=
        ^^^^^^^^^ warning[config/empty-required]: `client_id` is shipped empty, and `required=True` (`main.py:5`) accepts the empty value, so the plugin fails later, at the service: fill it in, or comment it out as `; client_id=<value>`
    "#]]);
}

#[test]
fn values_the_code_s_getters_reject() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                c = self.plugin_configuration
                self.plugin_configuration.getboolean("onelogin", "enable_factor_selection", default=True)
                self.plugin_configuration.getint("onelogin", "timeout", 60)
                self.plugin_configuration.getfloat("onelogin", "poll", 1.0)
                self.plugin_configuration.getienum("onelogin", "api_region", ("us", "eu"), default="us")
                self.plugin_configuration.getienum("onelogin", "mode", ("push", "otp"))
                self.plugin_configuration.get("onelogin", "flag_as_text")
        //- default.cfg
        [onelogin]
        enable_factor_selection=true
        ;                       ^^^^ error[config/invalid-boolean]: `true` is rejected for `enable_factor_selection`: SDK booleans are only `yes` or `no`; write `yes` (`main.py:6` reads it with `getboolean`)
        timeout=sixty
        ;       ^^^^^ error[config/invalid-int]: `sixty` is not an integer, which `timeout` must be (default `60`) (`main.py:7` reads it with `getint`)
        poll=1,5
        ;    ^^^ error[config/invalid-float]: `1,5` is not a number, which `poll` must be (default `1.0`) (`main.py:8` reads it with `getfloat`)
        api_region=EU
        ; mode=pushh
        ;      ^^^^^ info[config/template-option]: when uncommented, `pushh` is not valid for `mode`: write one of `push`, `otp`; did you mean `push`? (`main.py:10` reads it with `getienum`)
        ; flag_as_text=true
    "#]]);
}

#[test]
fn default_differs_from_the_code_s() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.getint("okta", "http_socket_timeout", 15)
                self.plugin_configuration.getint("okta", "timeout", 60)
                self.plugin_configuration.getboolean("okta", "ignore_connection_error", default=False)
                self.plugin_configuration.get("okta", "prefix", default="")
        //- default.cfg
        [okta]
        ; http_socket_timeout=10
        ;                     ^^ info[config/default-differs]: the documented default `10` differs from the code's, `15` (`main.py:5`): when the option is not set the plugin uses `15`
        ; timeout=60
        ; ignore_connection_error=NO
        ; prefix=PSM_
    "#]]);
}

#[test]
fn sdk_options_the_plugin_reads_itself_are_not_unknown() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.getboolean("logging", "enable_stacktrace", default=False)
                self.plugin_configuration.getboolean("auth", "enable_stacktrace", default=False)
        //- default.cfg
        [logging]
        enable_stacktrace=no
        [auth]
        ; enable_stacktrace=true
        ;                   ^^^^ info[config/template-option]: when uncommented, `true` is rejected for `enable_stacktrace`: SDK booleans are only `yes` or `no`; write `yes` (`main.py:6` reads it with `getboolean`)
    "#]]);
}

#[test]
fn credential_store_plugin_configuration_section() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Plugin(CredentialStorePlugin):
            def __init__(self, configuration):
                super().__init__(configuration, configuration_section="cyberark")
            def do_get_password_list(self):
                return self.plugin_configuration.get("cyberark", "address", required=True)
        //- default.cfg
        [cyberark]
        ; address=<address>
        ; use_credential=gateway
        ; username=<username>
        ; password=<$-or-password>
        ; pasword=x
        ; ^^^^^^^ warning[config/unread-option]: the plugin never reads `pasword` in `[cyberark]`; did you mean `password`?
    "#]]);
}

#[test]
fn section_needs_newer_api() {
    check_diagnostics(expect![[r#"
        //- plugin: aa api 1.3
        //- default.cfg
        [https-proxy]
         ^^^^^^^^^^^ warning[config/section-needs-newer-api]: the SDK reads `[https-proxy]` from api 1.4 on, and the MANIFEST says 1.3, so an SPS of that API ignores the section: write `[https_proxy]`, which it reads, or raise `api`
        ; server=<proxy>
        [ignore_upn_suffix_for_rdp]
         ^^^^^^^^^^^^^^^^^^^^^^^^^ warning[config/section-needs-newer-api]: the SDK reads `[ignore_upn_suffix_for_rdp]` from api 1.8 on, and the MANIFEST says 1.3, so an SPS of that API ignores the section: raise `api`
        ; ignore=true
        [memory-cache]
         ^^^^^^^^^^^^ warning[config/unread-section]: the SDK reads `[memory-cache]` only in `MemoryCache.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; remove it, or make the code use `MemoryCache.from_config`
        ; ttl=0
    "#]]);
}

// Issue 25: on real plugins, the plugin's own code decides.

#[test]
fn the_plugin_s_own_getienum_decides_over_the_sdk_s() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Plugin(CredentialStorePlugin):
            def __init__(self, configuration):
                super().__init__(configuration, configuration_section="vault")
            def do_get_password_list(self):
                return self.plugin_configuration.getienum("vault", "use_credential", ("explicit", "gateway", "token"))
        //- default.cfg
        [vault]
        use_credential=token
    "#]]);
}

#[test]
fn a_section_the_plugin_reads_itself_needs_no_newer_api() {
    check_diagnostics(expect![[r#"
        //- plugin: aa api 1.3
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get("https-proxy", "server")
        //- default.cfg
        [https-proxy]
        server=proxy.example.com
    "#]]);
}

#[test]
fn an_example_is_not_a_default() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.getlist("plugin", "exclude_networks", "")
                self.plugin_configuration.get("plugin", "system_prefix", default="")
                self.plugin_configuration.getint("plugin", "timeout", 15)
        //- default.cfg
        [plugin]
        ; exclude_networks=10.0.0.0/8, 192.168.0.0/16
        ; system_prefix = PSM_
        ; timeout=10
        ;         ^^ info[config/default-differs]: the documented default `10` differs from the code's, `15` (`main.py:7`): when the option is not set the plugin uses `15`
    "#]]);
}

#[test]
fn an_empty_plugin_section_is_no_finding() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [fqdnauth]

        [hosts]
         ^^^^^ warning[config/unread-section]: neither the SDK nor the plugin's code reads `[hosts]`: its commented-out options would change nothing once set
        ; a=b
    "#]]);
}

#[test]
fn default_cfg_plugin_beside_default_cfg_is_not_checked() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- default.cfg
        [logging]
        log_level=info
        //- default.cfg.plugin
        [logging]
        log_level=verbose
    "#]]);
}

#[test]
fn sdk_sections_wait_for_a_known_type() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type:
        ^^^^ error[manifest/empty-value]: `type` has no value; SPS requires one
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get("mine", "x")
        //- default.cfg
        [mine]
        x=1
        [auth]
        ; prompt=Code:
        [check-in-trigger]
        ; default=session-ended
    "#]]);
}

#[test]
fn a_quoted_value_names_the_quotes() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.getienum("radius", "auth_type", ("pap", "chap"), default="pap")
        //- default.cfg
        [radius]
        auth_type="chap"
        ;         ^^^^^^ error[config/invalid-enum]: configparser keeps quotes, so `auth_type` reads `"chap"` with its quotes, which is not valid: write `chap` without them (`main.py:5` reads it with `getienum`)
        [logging]
        log_level='debug'
        ;         ^^^^^^^ error[config/invalid-enum]: configparser keeps quotes, so `log_level` reads `'debug'` with its quotes, which is not valid: write `debug` without them
    "#]]);
}

#[test]
fn the_sdk_s_read_is_not_cited_at_the_super_init_line() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Plugin(CredentialStorePlugin):
            def __init__(self, configuration):
                super().__init__(configuration, configuration_section="vault")
            def do_get_password_list(self):
                return self.plugin_configuration.get("vault", "address", required=True)
        //- default.cfg
        [vault]
        ; address=<address>
        use_credential=token
        ;              ^^^^^ error[config/invalid-enum]: `token` is not valid for `use_credential`: write one of `explicit`, `gateway` (the SDK reads it with `getienum`, because of `CredentialStorePlugin(configuration_section=)`)
    "#]]);
}

#[test]
fn missing_required_under_a_condition_is_said_at_that_option() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Plugin(CredentialStorePlugin):
            def do_get_password_list(self):
                method = self.plugin_configuration.getienum("hashicorp", "authentication_method", ("ldap", "approle"), required=True)
                if method == "approle":
                    role = self.plugin_configuration.get("approle-authentication", "role", required=True)
        #                                                                          ^^^^^^ info[python/undocumented-option]: `role` of `[approle-authentication]` is read here but default.cfg never documents it: add `; role=<role>` to `[approle-authentication]` so that administrators know of it
                return {"passwords": [method]}
        //- default.cfg
        [hashicorp]
        ; authentication_method=ldap
        ; ^^^^^^^^^^^^^^^^^^^^^ warning[config/missing-required]: when `[hashicorp] authentication_method` is `approle`, the plugin requires `[approle-authentication] role` (`main.py:7` reads it with `required=True` under that condition), and this file neither sets nor documents it: add `; role=<role>`
    "#]]);
}

#[test]
fn comment_differs() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Plugin(CredentialStorePlugin):
            def do_get_password_list(self):
                c = self.plugin_configuration
                self.plugin_configuration.getienum("vault", "use_credential", ("explicit", "gateway", "token"))
                self.plugin_configuration.getint("vault", "port", default=8200)
                self.plugin_configuration.get("vault", "address", required=True)
                self.plugin_configuration.get("vault", "provider", default="local")
        //- default.cfg
        [vault]
        # One of explicit or gateway. "explicit" means the username
        # below, "gateway" the gateway user's.
        ; use_credential=gateway
        ; ^^^^^^^^^^^^^^ info[config/comment-differs]: the comment above names `explicit`, `gateway` as the values of `use_credential`, but the plugin also accepts `token` (`main.py:6` reads it with `getienum`): name every value the code accepts

        # The port. Required.
        ; port=8200
        ; ^^^^ info[config/comment-differs]: the comment above calls `port` required, but the plugin reads it with the default `8200` (`main.py:7`): say that it defaults to `8200`, or read it with `required=True`

        # The address (optional).
        ; address=<address>
        ; ^^^^^^^ info[config/comment-differs]: the comment above calls `address` optional, but the plugin reads it with `required=True` (`main.py:8`), and fails without it: say that it is required

        # The provider. Defaults to local.
        ; provider=local
    "#]]);
}

#[test]
fn comment_names_a_value_getienum_rejects() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Plugin(CredentialStorePlugin):
            def do_get_password_list(self):
                self.plugin_configuration.getienum("vault", "use_credential", ("explicit", "gateway"))
                self.plugin_configuration.getienum("vault", "mode", ("push", "poll"))
                self.plugin_configuration.getienum("vault", "auth", ("ldap", "token"))
        //- default.cfg
        [vault]
        # One of "explicit", "gateway" or "token".
        ; use_credential=gateway
        ; ^^^^^^^^^^^^^^ info[config/comment-differs]: the comment above names `token` as a value of `use_credential`, but the plugin's `getienum` (`main.py:5`) rejects it with an error: it accepts `explicit`, `gateway`

        # Use push or leave it empty for the default.
        ; mode=push

        # Authenticate with ldap/token/approle. Approle needs a role below.
        ; auth=ldap
        ; ^^^^ info[config/comment-differs]: the comment above names `approle` as a value of `auth`, but the plugin's `getienum` (`main.py:7`) rejects it with an error: it accepts `ldap`, `token`
    "#]]);
}

#[test]
fn cache_ttl_in_the_sdk_section_while_the_code_reads_its_own() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        from safeguard.sessions.plugin.memory_cache import MemoryCache
        class Plugin(AAPlugin):
            def do_authorize(self):
                cache = MemoryCache.from_config(self.plugin_configuration)
                ttl = self.plugin_configuration.getint("memory_cache", "ttl", default=3600)
        #                                                              ^^^^^ info[python/undocumented-option]: `ttl` of `[memory_cache]` is read here but default.cfg never documents it: add `; ttl=3600` to `[memory_cache]` so that administrators know of it
        //- default.cfg
        [memory-cache]
        # Prefix of cache keys for this plugin instance
        ; prefix=oneidentity:starling

        # Time to cache invalid value in case of wrong user ID
        ; ttl=3600
        ; ^^^ warning[config/sdk-section-look-alike]: the plugin reads its own `ttl` from `[memory_cache]` (`main.py:7`), not from the SDK's `[memory-cache]`: here it sets only what `MemoryCache.from_config` reads; if it is meant for the plugin's read, move it to `[memory_cache]`
    "#]]);
}

#[test]
fn cache_ttl_in_an_unread_sdk_section_points_at_the_codes_own() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                ttl = self.plugin_configuration.getint("Memory_Cache", "ttl", default=3600)
        #                                                              ^^^^^ info[python/undocumented-option]: `ttl` of `[Memory_Cache]` is read here but default.cfg never documents it: add `; ttl=3600` to `[Memory_Cache]` so that administrators know of it
        //- default.cfg
        [memory-cache]
         ^^^^^^^^^^^^ warning[config/unread-section]: the SDK reads `[memory-cache]` only in `MemoryCache.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; the plugin reads its own `ttl` from `[Memory_Cache]` (`main.py:5`): move what it is meant for there
        ; ttl=3600
    "#]]);
}

#[test]
fn comment_differs_not_on_a_required_noun() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class Plugin(CredentialStorePlugin):
            def do_get_password_list(self):
                self.plugin_configuration.get("tpam", "required_policy", default="Privileged Access")
        //- default.cfg
        [tpam]
        # Optional: set what the required access policy is for authorizing the password request
        ; required_policy = Privileged Access
    "#]]);
}

#[test]
fn tls_read_by_nothing() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get("plugin", "address")
        //- default.cfg
        [plugin]
        ; address=<address>
        [tls]
         ^^^ warning[config/unread-section]: the SDK reads `[tls]` only in `RequestsTLS.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; remove it, or make the code use `RequestsTLS.from_config`
        ; ca_cert = $[<trusted_ca_list_name>]
    "#]]);
}

#[test]
fn tls_read_by_the_plugin_s_own_copy() {
    check_diagnostics(expect![[r#"
        //- plugin: credentialstore
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import CredentialStorePlugin
        class RequestsTLS:
            @classmethod
            def from_config(cls, config):
                return cls(config.getboolean("tls", "enabled", default=True))
        class Plugin(CredentialStorePlugin):
            def do_get_password_list(self):
                return RequestsTLS.from_config(self.plugin_configuration)
        //- default.cfg
        [tls]
        ; enabled = yes
        ; ca_cert = $[<trusted_ca_list_name>]
        ; ^^^^^^^ warning[config/unread-option]: the plugin reads `[tls]` with its own code, not the SDK's `RequestsTLS.from_config`, and never reads `ca_cert`: setting it changes nothing (the SDK's meaning of it does not apply); make the code read it, or remove it
    "#]]);
}

#[test]
fn empty_not_none() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                secret = self.plugin_configuration.get("pingid", "base64_key")
                if secret is None:
                    raise RuntimeError("set base64_key")
                if self.plugin_configuration.get("pingid", "token") is not None:
                    return None
                return {"verdict": "ACCEPT"}
        //- default.cfg
        [pingid]
        base64_key=
        ^^^^^^^^^^ warning[config/empty-not-none]: `base64_key` is shipped set and empty, and the plugin tests what it reads with `is None` (`main.py:5`): configparser gives the empty string, never `None`, so that test never fires; comment the line out as `; base64_key=<value>`
        token=
        ^^^^^ warning[config/empty-not-none]: `token` is shipped set and empty, and the plugin tests what it reads with `is None` (`main.py:8`): configparser gives the empty string, never `None`, so that test never fires; comment the line out as `; token=<value>`
    "#]]);
}

#[test]
fn an_instance_must_set_what_the_code_requires() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get("okta", "api_key", required=True)
                self.plugin_configuration.get("okta", "api_url", required=True)
                self.plugin_configuration.get("okta", "org", required=True)
                self.plugin_configuration.get("extra", "token", required=True)
        //- default.cfg
        [okta]
        ; api_key=<key>
        ; api_url=<url>
        ; org=<org>
        [extra]
        ; token=<token>
        //- sps-plugin-ls.toml
        instance-configs = ["instances/*.cfg"]
        //- instances/prod.cfg
        [okta]
        ^ error[config/required-missing]: the plugin requires `[extra] token` (`main.py:8` reads it with `required=True`), and this instance does not set it (a commented line sets nothing): the plugin fails with `RequiredConfigurationSettingNotFound`; set `token` in `[extra]` (empty range)
         ^^^^ error[config/required-missing]: the plugin requires `[okta] api_key` (`main.py:5` reads it with `required=True`), and this instance does not set it (a commented line sets nothing): the plugin fails with `RequiredConfigurationSettingNotFound`; set `api_key` in `[okta]`
        ; api_key=a-key
        api_url=
        ^^^^^^^ error[config/required-missing]: `api_url` is empty, and the plugin requires it (`main.py:6` reads it with `required=True`): `required=True` accepts the empty value, so the plugin fails later, at the service; fill it in
        org=acme
    "#]]);
}

#[test]
fn a_trusted_ca_list_only_where_ca_certificates_are_read() {
    check_diagnostics(expect![[r#"
        //- plugin: aa
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                self.plugin_configuration.get("okta", "ca", required=True)
                self.plugin_configuration.get_ca_certificate("okta", "ca_chain")
        //- default.cfg
        [okta]
        ca=$[corp-cas]
        ;  ^^^^^^^^^^^ warning[config/trusted-ca-list-elsewhere]: `$[<name>]` names a Trusted CA list only where CA certificates are read (`get_ca_certificate`, `[tls] ca_cert`); `main.py:5` reads it with `get`, so it gets `$[corp-cas]` as written
        ca_chain=$[corp-cas]
        [auth]
        prompt=$[corp-cas]
        ;      ^^^^^^^^^^^ warning[config/trusted-ca-list-elsewhere]: `$[<name>]` names a Trusted CA list only where CA certificates are read (`get_ca_certificate`, `[tls] ca_cert`); the SDK reads it, not as CA certificates, so it gets `$[corp-cas]` as written
        [tls]
         ^^^ warning[config/unread-section]: the SDK reads `[tls]` only in `RequestsTLS.from_config`, which this plugin never calls, and its own code never reads it: what the section sets does not happen; remove it, or make the code use `RequestsTLS.from_config`
        ca_cert=$[corp-cas]
    "#]]);
}
