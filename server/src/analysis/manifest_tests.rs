//! Fixture tests of the MANIFEST rules: one case per rule, its message
//! pinned (`UPDATE_EXPECT=1 cargo test --lib` rewrites the annotations).

use expect_test::expect;

use crate::fixture::check_diagnostics;

#[test]
fn yaml_syntax_key_equals_value() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point=main.py
        ^^^^^^^^^^^^^^^^^^^ error[yaml/syntax]: YAML separates keys from values with `: `, not `=`: write `entry_point: main.py`
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
    "#]]);
}

#[test]
fn yaml_syntax_colon_in_plain_value() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: Plugin: does things
        #                  ^ error[yaml/syntax]: YAML syntax error: mapping values are not allowed in this context; a value holding `: ` must be quoted
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn empty() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        ^ error[manifest/empty]: the MANIFEST is empty: SPS needs name, description, version, type, api and entry_point (empty range)
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
    "#]]);
}

#[test]
fn not_a_mapping() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        - a
        ^^^ error[manifest/not-a-mapping]: the MANIFEST must be a mapping of `key: value` lines, not a list (to 3:1)
        - b
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
    "#]]);
}

#[test]
fn missing_key() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        ^^^^ error[manifest/missing-key]: the required key `entry_point` is missing: The Python file SPS runs: a bare file name at the root of the plugin (letters, digits, `.`, `-`, `_`; no folders)
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
    "#]]);
}

#[test]
fn missing_keys_each_once() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        ^^^^ error[manifest/missing-key]: the required key `description` is missing: Free text shown on the SPS web interface
        ^^^^ error[manifest/missing-key]: the required key `version` is missing: The plugin's own version; must start with a digit (`1.1.0-sps7` is fine)
        ^^^^ error[manifest/missing-key]: the required key `type` is missing: The kind of plugin (case-sensitive)
        ^^^^ error[manifest/missing-key]: the required key `api` is missing: The plugin API version the plugin needs, as `major.minor` (a third part is ignored)
        ^^^^ error[manifest/missing-key]: the required key `entry_point` is missing: The Python file SPS runs: a bare file name at the root of the plugin (letters, digits, `.`, `-`, `_`; no folders)
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
    "#]]);
}

#[test]
fn duplicate_key() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        name: Other
        ^^^^ error[manifest/duplicate-key]: `name` is set twice; YAML 1.2 forbids it and SPS would silently keep the last value
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn unknown_key_with_did_you_mean() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        entrypoint: main.py
        ^^^^^^^^^^ warning[manifest/unknown-key]: SPS ignores the unknown key `entrypoint`
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn empty_value() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description:
        ^^^^^^^^^^^ error[manifest/empty-value]: `description` has no value; SPS requires one
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn empty_description_is_a_warning() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: ''
        #            ^^ warning[manifest/empty-value]: `description` is empty; SPS shows it on its web interface, so say what the plugin does
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn invalid_name() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: my-plugin
        #     ^^^^^^^^^ error[manifest/invalid-name]: `name` must start with a letter and go on with letters, digits or `_` (at least 2 characters; no `-`, `.` or spaces)
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn name_that_is_a_number() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: 123
        #     ^^^ error[manifest/invalid-name]: `name` must be text starting with a letter; YAML reads `123` as an integer
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn invalid_type() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: AA
        #     ^^ error[manifest/invalid-type]: `type` must be one of aa, configuration_sync, credentialstore, signingca; did you mean `aa`?
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn invalid_version() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: v1.0
        #        ^^^^ error[manifest/invalid-version]: `version` must start with a digit, like '1.0.0' (SPS reads "v1.0")
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn invalid_api() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: 1
        #    ^ error[manifest/invalid-api]: `api` must be major.minor like '1.9' (a third part is ignored); SPS reads "1"
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn api_major_two() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '2.0'
        #    ^^^^^ error[manifest/invalid-api]: the plugin API's major version is 1; `api` says 2
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn api_newer() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.10'
        #    ^^^^^^ warning[manifest/api-newer]: `api` 1.10 is newer than the newest known plugin API, 1.9; SPS refuses plugins whose API it does not have, and the SDK's pluginv refuses to build them
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn invalid_entry_point() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: lib/main.py
        #            ^^^^^^^^^^^ error[manifest/invalid-entry-point]: `entry_point` must be a bare file name at the root of the plugin (letters, digits, `.`, `-`, `_`; no folders)
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
    "#]]);
}

#[test]
fn entry_point_missing() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: start.py
        #            ^^^^^^^^ error[manifest/entry-point-missing]: the entry point `start.py` does not exist beside the MANIFEST; SPS cannot start the plugin
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
    "#]]);
}

#[test]
fn invalid_email() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        author_email: not an email
        #             ^^^^^^^^^^^^ error[manifest/invalid-email]: `author_email` is not an e-mail address the SDK accepts (`name@example.com`: letters, digits and `-+_.`)
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn number_changes_text() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: 1.10
        #        ^^^^ warning[manifest/number-changes-text]: `1.10` is a number to YAML, so SPS reads `version` as "1.1"; quote it to keep what you wrote
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn yaml11_octal() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: 010
        #        ^^^ warning[manifest/yaml11-reading]: SPS reads MANIFEST as YAML 1.1, where `010` is the integer 8, not the integer 10 of YAML 1.2; quote it to keep it text
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn yaml11_boolean() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: yes
        #     ^^^ warning[manifest/yaml11-reading]: SPS reads MANIFEST as YAML 1.1, where `yes` is the boolean True, not the string yes of YAML 1.2; quote it to keep it text
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}

#[test]
fn entry_point_shebang() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        #            ^^^^^^^ warning[manifest/entry-point-shebang]: the first line of `main.py` should be `#!/usr/bin/env pluginwrapper3`, which runs it in SPS's Python 3 plugin environment
        //- main.py
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: no module `lib.plugin` in the plugin, so SPS cannot load the plugin's `Plugin` class: add lib/plugin.py, or fix the import
    "#]]);
}
