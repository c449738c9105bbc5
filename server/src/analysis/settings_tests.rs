//! Fixture tests of the configuration file: its own codes (`settings/…`)
//! with their messages pinned, what it turns off and on, and the MANIFEST
//! checks against `target-sps`.

use expect_test::expect;

use crate::fixture::check_diagnostics;

#[test]
fn select_ignore_severity_and_per_file_ignores() {
    // `colour` is ignored by family, `[logging]`'s section-case is raised
    // to an error, and `legacy/` ignores its default.cfg's problems.
    check_diagnostics(expect![[r#"
        //- sps-plugin-ls.toml
        ignore = ["manifest/unknown-key"]
        [severity]
        "config/section-case" = "error"
        [per-file-ignores]
        "legacy/**" = ["config"]
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        colour: red
        //- default.cfg
        [Logging]
         ^^^^^^^ error[config/section-case]: section names are case-sensitive: the SDK reads `[logging]`, not `[Logging]`
        //- legacy/default.cfg
        [Logging]
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                pass
    "#]]);
}

#[test]
fn a_suppression_of_an_ignored_code_is_unused() {
    check_diagnostics(expect![[r#"
        //- .sps-plugin-ls.toml
        select = ["manifest", "suppression"]
        ignore = ["manifest/unknown-key"]
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        colour: red  # sps-plugin-ls: ignore[manifest/unknown-key]
        #            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[suppression/unused]: no `manifest/unknown-key` is reported on this line, so this suppression does nothing: remove it
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                pass
    "#]]);
}

#[test]
fn pyproject_table() {
    check_diagnostics(expect![[r#"
        //- pyproject.toml
        [project]
        name = "my-plugin"
        [tool.sps-plugin-ls]
        ignore = ["layout"]
        extend-select = ["manifest/unknwn-key"]
        #                ^^^^^^^^^^^^^^^^^^^^^ warning[settings/unknown-code]: `manifest/unknwn-key` is neither a diagnostic code nor a family of them, so it selects nothing; did you mean `manifest/unknown-key`?
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                pass
    "#]]);
}

#[test]
fn syntax() {
    check_diagnostics(expect![[r#"
        //- sps-plugin-ls.toml
        ignore = ["layout"
        #                 ^ error[settings/syntax]: TOML cannot read this: unclosed array, expected `]`; until it can, no setting of the file applies (empty range)
    "#]]);
}

#[test]
fn unknown_key_invalid_value_and_glob() {
    check_diagnostics(expect![[r#"
        //- sps-plugin-ls.toml
        ignored = ["layout"]
        ^^^^^^^ warning[settings/unknown-key]: `ignored` is not a setting of sps-plugin-ls, which ignores it (the settings are select, extend-select, ignore, per-file-ignores, severity, exclude, target-sps, instance-configs); did you mean `ignore`?
        select = "manifest"
        #        ^^^^^^^^^^ error[settings/invalid-value]: `select` must be a list of strings, e.g. `["…"]`; it is left out
        exclude = ["build/a**", 3]
        #          ^^^^^^^^^^^ error[settings/invalid-glob]: `build/a**` is not a glob: `**` must be a whole path part (`a/**/b`), not part of `a**`; it is left out
        #                       ^ error[settings/invalid-value]: `exclude` must be a list of strings, and this is not a string; it is left out
        [severity]
        "config/inline-comment" = "fatal"
        #                         ^^^^^^^ error[settings/invalid-value]: `fatal` is not a severity: write one of `error`, `warning`, `info`, `hint`; it is left out
        [per-file-ignores]
        "[tests" = ["layout"]
        ^^^^^^^^ error[settings/invalid-glob]: `[tests` is not a glob: a `[` has no closing `]`; it is left out
    "#]]);
}

#[test]
fn unknown_code_and_sps_release() {
    check_diagnostics(expect![[r#"
        //- sps-plugin-ls.toml
        ignore = ["config/inline-coment", "nonsense"]
        #         ^^^^^^^^^^^^^^^^^^^^^^ warning[settings/unknown-code]: `config/inline-coment` is neither a diagnostic code nor a family of them, so it selects nothing; did you mean `config/inline-comment`?
        #                                 ^^^^^^^^^^ warning[settings/unknown-code]: `nonsense` is neither a diagnostic code nor a family of them, so it selects nothing
        target-sps = ["6.0", "7.0"]
        #                    ^^^^^ warning[settings/unknown-sps-release]: sps-plugin-ls does not know which plugin API SPS `7.0` has, so it is not checked against; the releases it knows are 5.10, 5.11, 6.0, 6.1, 6.2, 6.3, 6.4, 6.5, 6.6, 6.7, 6.10, 8.0, 8.1, 9.0
    "#]]);
}

#[test]
fn api_newer_than_target() {
    check_diagnostics(expect![[r#"
        //- sps-plugin-ls.toml
        target-sps = ["9.0", "6.0"]
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        #    ^^^^^ error[manifest/api-newer-than-target]: `api` 1.9 is newer than the plugin API of SPS 6.0 (6 LTS), 1.1, which `target-sps` names: SPS refuses the plugin there; write `api: '1.1'` and build with SDK 1.1
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                pass
    "#]]);
}

#[test]
fn scb_versions_against_targets_and_each_other() {
    check_diagnostics(expect![[r#"
        //- sps-plugin-ls.toml
        target-sps = ["6.0", "8.1", "9.0"]
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.1'
        entry_point: main.py
        scb_min_version: 8.1.0
        #                ^^^^^ error[manifest/scb-version-excludes-target]: `scb_min_version` 8.1.0 keeps the plugin off SPS 6.0 (6 LTS), which `target-sps` names: lower it, or drop the release from `target-sps`
        #                ^^^^^ error[manifest/scb-version-range-empty]: `scb_min_version` 8.1.0 is above `scb_max_version` 8.0.0~: no SPS version loads the plugin
        scb_max_version: 8.0.0~
        #                ^^^^^^ error[manifest/scb-version-excludes-target]: `scb_max_version` 8.0.0~ keeps the plugin off SPS 8.1 (8 F1), SPS 9.0 (9 LTS), which `target-sps` names: raise it, or drop the release from `target-sps`
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                pass
    "#]]);
}

#[test]
fn scb_versions_that_fit_the_targets() {
    check_diagnostics(expect![[r#"
        //- sps-plugin-ls.toml
        target-sps = "6.0"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.1'
        entry_point: main.py
        scb_min_version: 6.0.3
        scb_max_version: 6.13.0~
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                pass
    "#]]);
}

#[test]
fn invalid_scb_version() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.1'
        entry_point: main.py
        scb_min_version: latest
        #                ^^^^^^ warning[manifest/invalid-scb-version]: `scb_min_version` must be an SPS version such as '6.0.0' (a trailing `~` means just below it); SPS cannot compare "latest"
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from safeguard.sessions.plugin import AAPlugin
        class Plugin(AAPlugin):
            def do_authorize(self):
                pass
    "#]]);
}
