//! Fixture tests of the "Ignore `<code>` on this line" assist, one per
//! file kind's form of the comment.

use expect_test::expect;

use crate::fixture::check_actions;

#[test]
fn manifest_end_of_line() {
    check_actions(
        r#"
//- MANIFEST
name: My_Plugin
description: A plugin
version: '1.0.0'
type: aa
api: '1.9'
entry_point: main.py
col$0our: red
//- main.py
"#,
        expect![[r#"
            == Ignore `manifest/unknown-key` on this line
            name: My_Plugin
            description: A plugin
            version: '1.0.0'
            type: aa
            api: '1.9'
            entry_point: main.py
            colour: red  # sps-plugin-ls: ignore[manifest/unknown-key]
        "#]],
    );
}

#[test]
fn manifest_adds_to_the_suppression_there() {
    check_actions(
        r#"
//- MANIFEST
name: My_Plugin
description: A plugin
version: '1.0.0'
type: aa
api: '1.9'
entry_point: main.py
# sps-plugin-ls: ignore[manifest/invalid-type]
col$0our: red
//- main.py
"#,
        expect![[r#"
            == Ignore `manifest/unknown-key` on this line
            name: My_Plugin
            description: A plugin
            version: '1.0.0'
            type: aa
            api: '1.9'
            entry_point: main.py
            # sps-plugin-ls: ignore[manifest/invalid-type, manifest/unknown-key]
            colour: red
        "#]],
    );
}

#[test]
fn config_line_before() {
    check_actions(
        r#"
//- plugin: aa
//- default.cfg
[logging]
log_level = lo$0ud
"#,
        expect![[r#"
            == Ignore `config/invalid-enum` on this line
            [logging]
            # sps-plugin-ls: ignore[config/invalid-enum]
            log_level = loud
        "#]],
    );
}
