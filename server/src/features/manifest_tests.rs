//! Fixture tests of the MANIFEST features: completion, hover and actions at
//! a `$0` cursor, outputs pinned.

use expect_test::expect;

use crate::fixture::{
    check_actions, check_completion, check_definition, check_hover, check_inlay_hints,
};

#[test]
fn completion_of_type_values() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
type: $0
//- main.py
"#,
        expect![[r#"
            aa
            configuration_sync
            credentialstore
            signingca
        "#]],
    );
}

#[test]
fn completion_of_entry_point_files() {
    check_completion(
        r#"
//- MANIFEST
name: My_Plugin
entry_point: $0
//- main.py
//- other.py
"#,
        expect![[r#"
            main.py (file beside the MANIFEST)
            other.py (file beside the MANIFEST)
        "#]],
    );
}

#[test]
fn hover_on_api() {
    check_hover(
        r#"
//- MANIFEST
name: My_Plugin
ap$0i: '1.9'
"#,
        expect![[r#"
            `api`
            **api** (required)

            The plugin API version the plugin needs, as `major.minor` (a third part is ignored). It equals the `major.minor` of the Plugin SDK you build with. SPS accepts the plugin when its own API has the same major and an equal or newer minor: use the oldest API that has what you need.
        "#]],
    );
}

#[test]
fn quick_fix_renames_a_misspelt_key() {
    check_actions(
        r#"
//- MANIFEST
name: My_Plugin
description: A plugin
version: '1.0.0'
type: aa
api: '1.9'
entry_point: main.py
aut$0hor: Jane
//- main.py
#!/usr/bin/env pluginwrapper3
from lib.plugin import Plugin
"#,
        expect![[r#"
            == Rename to `author_name`
            name: My_Plugin
            description: A plugin
            version: '1.0.0'
            type: aa
            api: '1.9'
            entry_point: main.py
            author_name: Jane
            == Ignore `manifest/unknown-key` on this line
            name: My_Plugin
            description: A plugin
            version: '1.0.0'
            type: aa
            api: '1.9'
            entry_point: main.py
            author: Jane  # sps-plugin-ls: ignore[manifest/unknown-key]
        "#]],
    );
}

#[test]
fn quick_fix_quotes_a_number_yaml_would_change() {
    check_actions(
        r#"
//- MANIFEST
name: My_Plugin
description: A plugin
version: 1.1$00
type: aa
api: '1.9'
entry_point: main.py
//- main.py
#!/usr/bin/env pluginwrapper3
from lib.plugin import Plugin
"#,
        expect![[r#"
            == Quote it: '1.10'
            name: My_Plugin
            description: A plugin
            version: '1.10'
            type: aa
            api: '1.9'
            entry_point: main.py
            == Ignore `manifest/number-changes-text` on this line
            name: My_Plugin
            description: A plugin
            version: 1.10  # sps-plugin-ls: ignore[manifest/number-changes-text]
            type: aa
            api: '1.9'
            entry_point: main.py
        "#]],
    );
}

#[test]
fn definition_of_entry_point_is_the_plugin_class_imported_from_lib() {
    check_definition(
        r#"
//- MANIFEST
entry_point: ma$0in.py
//- main.py
#!/usr/bin/env pluginwrapper3
from lib.plugin import Plugin
//- lib/__init__.py
//- lib/plugin.py
from safeguard.sessions.plugin import AAPlugin


class Plugin(AAPlugin):
    def do_authorize(self):
        pass
"#,
        expect![[r#"
            lib/plugin.py:4: `Plugin`
        "#]],
    );
}

#[test]
fn definition_follows_an_import_under_another_name() {
    check_definition(
        r#"
//- MANIFEST
entry_point: $0main.py
//- main.py
from plugin.plugin_bare import SafeguardPlugin as Plugin
//- plugin/__init__.py
//- plugin/plugin_bare.py
class Helper:
    pass
class SafeguardPlugin:
    def authenticate(self, cookie, session_cookie, **kwargs):
        pass
"#,
        expect![[r#"
            plugin/plugin_bare.py:3: `SafeguardPlugin`
        "#]],
    );
}

#[test]
fn definition_in_the_entry_point_itself() {
    check_definition(
        r#"
//- MANIFEST
entry_point: main.py$0
//- main.py
#!/usr/bin/env pluginwrapper3
from safeguard.sessions.plugin import AAPlugin

class Plugin(AAPlugin):
    def do_authenticate(self):
        pass
"#,
        expect![[r#"
            main.py:4: `Plugin`
        "#]],
    );
}

#[test]
fn definition_lands_on_the_file_when_plugin_is_not_a_class_of_the_plugin() {
    check_definition(
        r#"
//- MANIFEST
entry_point: $0main.py
//- main.py
from elsewhere import Plugin
"#,
        expect![[r#"
            main.py:1: ``
        "#]],
    );
}

#[test]
fn no_definition_off_the_entry_point() {
    check_definition(
        r#"
//- MANIFEST
na$0me: My_Plugin
entry_point: main.py
//- main.py
"#,
        expect![[r#"
            no definition
        "#]],
    );
}

#[test]
fn inlay_hints_say_what_sps_reads() {
    check_inlay_hints(
        r#"
//- MANIFEST
$0name: My_Plugin
description: on
version: 1.10
type: aa
api: '1.9'
entry_point: main.py
//- main.py
"#,
        expect![[r#"
            name: My_Plugin
            description: on⟨SPS reads boolean True⟩
            version: 1.10⟨SPS reads float 1.1⟩
            type: aa
            api: '1.9'
            entry_point: main.py
        "#]],
    );
}
