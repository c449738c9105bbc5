//! Help on the SDK's API in a plugin's code, as fixtures: hover and
//! signature help by the MANIFEST's `api`.

use expect_test::expect;

use crate::fixture::{check_hover, check_signature_help};

/// An AA plugin of api `api` whose code uses the SDK; `$0` goes in by
/// replacing `at` with `with`.
fn plugin(api: &str, at: &str, with: &str) -> String {
    let code = r#"
//- plugin: aa api API
//- main.py
#!/usr/bin/env pluginwrapper3
from safeguard.sessions.plugin import AAPlugin, AAResponse
from safeguard.sessions.plugin.requests_tls import RequestsTLS


class Plugin(AAPlugin):
    def do_authenticate(self):
        if self.plugin_configuration.getboolean("my_plugin", "enabled", default=True):
            cert = self.plugin_configuration.get_certificate("tls", "client_cert")
            self.logger.info("%s %s", self.mfa_identity, self.connection.client_hostname)
            return AAResponse.need_info("Token?", "token", disable_echo=True)
        return AAResponse.accept()
"#
    .replace("API", api);
    assert!(code.contains(at), "{at}");
    code.replacen(at, with, 1)
}

#[test]
fn hover_on_a_getter_of_the_plugin_configuration() {
    check_hover(
        &plugin("1.9", "getboolean", "getbo$0olean"),
        expect![[r#"
            `getboolean`
            ```python
            (method) PluginConfiguration.getboolean(section, option, default=None, required=False)
            ```

            The `getboolean` method returns the boolean value of a configuration option. The configuration option may have the values "yes" and "no" or their upper case variants. In case of invalid value, a `PluginSDKValueError` exception is raised.

            **Parameters**

            - `section`: (str) which [section] to search
            - `option`: (str) which option to get
            - `default`: value if section or option is not present
            - `required`: (boolean) whether to throw exception on missing option

            **Returns** the value of the option or None (`boolean`)

            **Raises** `RequiredConfigurationSettingNotFound`; `PluginSDKValueError`

            ---

            Since api 1.1; this plugin's MANIFEST says api 1.9.
        "#]],
    );
}

#[test]
fn hover_on_a_name_newer_than_the_manifests_api_marks_it() {
    // `client_hostname` came in 1.5; the MANIFEST says 1.2.
    check_hover(
        &plugin("1.2", "client_hostname", "client_host$0name"),
        expect![[r#"
            `client_hostname`
            ```python
            (property) ConnectionInfo.client_hostname
            ```

            A string containing the hostname of the client or None if the address cannot be resolved.

            ---

            **Not in api 1.2** (this plugin's MANIFEST); new in 1.5: raise `api` to use it.
        "#]],
    );
}

#[test]
fn hover_on_the_attributes_a_hook_can_use() {
    check_hover(
        &plugin("1.2", "self.mfa_identity", "self.mfa_id$0entity"),
        expect![[r#"
        `mfa_identity`
        ```python
        (attribute) AAPlugin.mfa_identity
        ```

        The `mfa_identity` is a `@cookie_property` which is equal to `self.username` after mapping and transformations to the multi factor authentication identity.

        As a cookie property, the value of `self.mfa_identity` is retained in subsequent invocations of the plugin.

        ---

        Since api 1.1; this plugin's MANIFEST says api 1.2.
    "#]],
    );
    check_hover(
        &plugin("1.2", "self.connection", "self.conn$0ection"),
        expect![[r#"
        `connection`
        ```python
        (attribute) AAPlugin.connection: ConnectionInfo
        ```

        The `self.connection` provides a read-only view of the parameters passed to the currently executing plugin hook, e.g. `do_authenticate`.

        ---

        Since api 1.1; this plugin's MANIFEST says api 1.2.
    "#]],
    );
}

#[test]
fn hover_on_a_class_method_of_a_response() {
    check_hover(
        &plugin("1.9", "need_info", "need$0_info"),
        expect![[r#"
        `need_info`
        ```python
        (classmethod) AAResponse.need_info(question, key, disable_echo=False)
        ```

        Create a new NEEDINFO response.

        **Parameters**

        - `question`: (str) question (or prompt) to display for the user
        - `key`: (str) identifier key for the response (this will key the response in `key_value_pairs` parameter)
        - `disable_echo`: (bool) turn echo off for the user input (useful for e.g. password input); default: False

        **Returns** `AAResponse`

        ---

        Since api 1.1; this plugin's MANIFEST says api 1.9.
    "#]],
    );
}

#[test]
fn hover_on_an_sdk_class_where_it_is_imported_and_used() {
    // RequestsTLS came in 1.3.
    check_hover(
        &plugin("1.2", "import RequestsTLS", "import Requests$0TLS"),
        expect![[r#"
            `RequestsTLS`
            ```python
            class RequestsTLS(enabled=True, ca_cert=None, client_cert=None)
            ```

            The RequestsTLS service provides means to instantiate a requests.Session object with TLS settings set with respect to plugin configuration.

            ---

            **Not in api 1.2** (this plugin's MANIFEST); new in 1.3: raise `api` to use it.
        "#]],
    );
    check_hover(
        &plugin("1.9", "AAResponse.accept", "AARes$0ponse.accept"),
        expect![[r#"
        `AAResponse`
        ```python
        class AAResponse
        ```

        The `AAResponse` class represents an AA plugin response and provides methods for creating and modifying such responses.

        ---

        Since api 1.1; this plugin's MANIFEST says api 1.9.
    "#]],
    );
}

#[test]
fn hover_on_an_sdk_module_and_an_attribute_of_a_known_class() {
    check_hover(
        &plugin(
            "1.9",
            "plugin.requests_tls import",
            "plugin.requests$0_tls import",
        ),
        expect![[r#"
            `safeguard.sessions.plugin.requests_tls`
            ```python
            (module) safeguard.sessions.plugin.requests_tls
            ```

            Service to create a python requests Session object with configured TLS.

            ---

            Since api 1.3; this plugin's MANIFEST says api 1.9.
        "#]],
    );
    check_hover(
        &plugin(
            "1.9",
            "self.plugin_configuration.getboolean",
            "self.plugin_config$0uration.getboolean",
        ),
        expect![[r#"
            `plugin_configuration`
            ```python
            (attribute) AAPlugin.plugin_configuration: PluginConfiguration
            ```

            The `self.plugin_configuration` attribute provides access to the plugin configuration via the `PluginConfiguration` class.

            ---

            Since api 1.1; this plugin's MANIFEST says api 1.9.
        "#]],
    );
}

#[test]
fn no_hover_on_what_is_not_the_sdks() {
    check_hover(
        &plugin("1.9", "self.logger.info", "self.logger.in$0fo"),
        expect![[r#"
        no hover
    "#]],
    );
    // The name in a comment.
    check_hover(
        &plugin(
            "1.9",
            "        return AAResponse.accept()",
            "        # AARes$0ponse.accept()",
        ),
        expect![[r#"
            no hover
        "#]],
    );
    // The plugin's own attribute of the same name is not the SDK's.
    check_hover(
        &plugin(
            "1.9",
            "self.connection.client_hostname",
            "self.conn$0ection.client_hostname",
        )
        .replace(
            "            cert = self",
            "            self.connection = None\n            cert = self",
        ),
        expect![[r#"
            no hover
        "#]],
    );
}

#[test]
fn signature_help_in_a_getter_call() {
    check_signature_help(
        &plugin("1.9", r#""enabled", default"#, r#""enabled", $0default"#),
        expect![[r#"
            PluginConfiguration.getboolean(section, option, [default=None], required=False)
              section: (str) which [section] to search
              option: (str) which option to get
              default=None: value if section or option is not present
              required=False: (boolean) whether to throw exception on missing option
            The `getboolean` method returns the boolean value of a configuration option. The configuration option may have the values "yes" and "no" or their upper case variants. In case of invalid value, a `PluginSDKValueError` exception is raised.

            Since api 1.1; this plugin's MANIFEST says api 1.9.
        "#]],
    );
    check_signature_help(
        &plugin("1.9", r#"default=True"#, r#"default=T$0rue"#),
        expect![[r#"
            PluginConfiguration.getboolean(section, option, [default=None], required=False)
              section: (str) which [section] to search
              option: (str) which option to get
              default=None: value if section or option is not present
              required=False: (boolean) whether to throw exception on missing option
            The `getboolean` method returns the boolean value of a configuration option. The configuration option may have the values "yes" and "no" or their upper case variants. In case of invalid value, a `PluginSDKValueError` exception is raised.

            Since api 1.1; this plugin's MANIFEST says api 1.9.
        "#]],
    );
}

#[test]
fn signature_help_marks_keywords_newer_than_the_manifests_api() {
    // `authenticate`'s keywords came in 1.5.
    check_signature_help(
        &plugin(
            "1.2",
            "        return AAResponse.accept()",
            "        return AAPlugin.authenticate(self, cookie={}, session_cookie={}, client_ip=$0)",
        ),
        expect![[r#"
            AAPlugin.authenticate(cookie, session_cookie, session_id, protocol, connection_name, [client_ip], client_port, client_hostname, gateway_user, gateway_domain, server_username, server_domain, key_value_pairs)
              session_id: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              protocol: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              connection_name: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              client_ip: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              client_port: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              client_hostname: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              gateway_user: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              gateway_domain: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              server_username: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              server_domain: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
              key_value_pairs: **not in api 1.2 (this plugin's MANIFEST); new in 1.5**
            The `authenticate` function is called by SPS directly. Should not be modified, see `do_authenticate` for customization.

            Since api 1.1; this plugin's MANIFEST says api 1.2.
        "#]],
    );
}

#[test]
fn signature_help_while_the_call_is_being_written() {
    check_signature_help(
        &plugin(
            "1.9",
            "        return AAResponse.accept()",
            "        return AAResponse.need_info(\"Token?\", $0",
        ),
        expect![[r#"
            AAResponse.need_info(question, [key], disable_echo=False)
              question: (str) question (or prompt) to display for the user
              key: (str) identifier key for the response (this will key the response in `key_value_pairs` parameter)
              disable_echo=False: (bool) turn echo off for the user input (useful for e.g. password input); default: False
            Create a new NEEDINFO response.

            Since api 1.1; this plugin's MANIFEST says api 1.9.
        "#]],
    );
    check_signature_help(
        &plugin(
            "1.2",
            "        return AAResponse.accept()",
            "        tls = RequestsTLS($0)",
        ),
        expect![[r#"
            RequestsTLS([enabled=True], ca_cert=None, client_cert=None)
            The RequestsTLS service provides means to instantiate a requests.Session object with TLS settings set with respect to plugin configuration.

            **Not in api 1.2** (this plugin's MANIFEST); new in 1.3: raise `api` to use it.
        "#]],
    );
    check_signature_help(
        &plugin("1.9", "info(\"%s %s\", ", "info(\"%s %s\", $0"),
        expect![[r#"
        no signature help
    "#]],
    );
}

#[test]
fn hover_on_the_sdk_base_of_the_plugin_class() {
    check_hover(
        &plugin("1.2", "(AAPlugin)", "(AAPlu$0gin)"),
        expect![[r#"
            `AAPlugin`
            ```python
            class AAPlugin(configuration, defaults=None, logger=None)
            ```

            The `AAPlugin` class implements the common functionality of AA plugins. The following methods and attributes are available outside the constructor - on top of the ones inherited from `PluginBase` class.

            ---

            Since api 1.1; this plugin's MANIFEST says api 1.2.
        "#]],
    );
}
