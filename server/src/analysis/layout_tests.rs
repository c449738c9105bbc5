//! Fixture tests of the rules about the plugin as a whole (and of
//! `file/too-large`), messages pinned.

use expect_test::expect;

use crate::fixture::check_diagnostics;

#[test]
fn missing_init() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        ^^^^ warning[layout/missing-init]: the folder `lib` holds .py files but no __init__.py, so pluginv's packaging leaves it out of the .zip: add an empty lib/__init__.py
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        #    ^^^^^^^^^^ error[import/module-not-found]: the plugin has no module `lib.plugin` that pluginv would package (no lib/plugin.py or lib/plugin/__init__.py, or a folder above it lacks __init__.py): SPS cannot import it
        //- lib/plugin.py
        class Plugin:
            pass
        //- tests/test_plugin.py
        import lib
    "#]]);
}

#[test]
fn sdk_bundled() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        ^^^^ error[layout/sdk-bundled]: the plugin bundles the Plugin SDK (safeguard/sessions/plugin/), which SPS provides: pluginv refuses it; remove the SDK from the plugin and from your Pipfile's [packages]
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- lib/__init__.py
        //- lib/plugin.py
        class Plugin:
            pass
        //- safeguard/__init__.py
        //- safeguard/sessions/__init__.py
        //- safeguard/sessions/plugin/__init__.py
    "#]]);
}

#[test]
fn too_large() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        ^^^^ error[layout/too-large]: the plugin's files add up to 20.0 MiB; SPS refuses a .zip of 20 MiB or more: leave out what the plugin does not need at run time
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- lib/__init__.py
        //- lib/plugin.py
        class Plugin:
            pass
        //- lib/model.bin [21000000 bytes]
    "#]]);
}

#[test]
fn close_to_too_large() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        ^^^^ warning[layout/too-large]: the plugin's files add up to 16.2 MiB, close to the 20 MiB SPS accepts
        description: A plugin
        version: '1.0.0'
        type: aa
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- lib/__init__.py
        //- lib/plugin.py
        class Plugin:
            pass
        //- lib/model.bin [17000000 bytes]
    "#]]);
}

#[test]
fn left_out_folders_do_not_count() {
    check_diagnostics(expect![[r#"
            //- plugin: aa
            //- main.py
            #!/usr/bin/env pluginwrapper3
            from lib.plugin import Plugin
            //- lib/__init__.py
            //- lib/plugin.py
            class Plugin:
                pass
            //- .git/objects/pack.bin [21000000 bytes]
        "#]]);
}

#[test]
fn configuration_sync() {
    check_diagnostics(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: '1.0.0'
        type: configuration_sync
        #     ^^^^^^^^^^^^^^^^^^ info[layout/configuration-sync]: pluginv cannot build a configuration_sync plugin (it has no default.cfg template for it): package the .zip yourself
        api: '1.9'
        entry_point: main.py
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
        //- lib/__init__.py
        //- lib/plugin.py
        class Plugin:
            pass
    "#]]);
}

#[test]
fn file_too_large() {
    check_diagnostics(expect![[r#"
        //- MANIFEST [17000000 bytes]
        ^ warning[file/too-large]: this file is 17000000 bytes; files over 16 MiB are not analysed (empty range)
    "#]]);
}

/// A name that is not UTF-8 cannot be written in a fixture (its files are
/// text): a folder on the disk holds one, and the MANIFEST's diagnostics
/// are rendered as the fixtures render them.
#[cfg(unix)]
#[test]
fn name_not_utf8() {
    use std::os::unix::ffi::OsStrExt;

    use crate::analysis::{self, Context};
    use crate::workspace::{DiskFiles, DocKind};

    let dir = std::env::temp_dir().join(format!("sps-layout-not-utf8-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(std::ffi::OsStr::from_bytes(b"data\xff"))).unwrap();
    let manifest = "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n";
    std::fs::write(dir.join("MANIFEST"), manifest).unwrap();
    std::fs::write(dir.join("main.py"), "#!/usr/bin/env pluginwrapper3\n").unwrap();
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"x\xfe.py")), "").unwrap();
    let files = DiskFiles::confined(&dir);
    let path = dir.join("MANIFEST");
    let cx = Context::new(&path, &files);
    let rendered: String = analysis::analyze(DocKind::Manifest, manifest, &cx)
        .iter()
        .filter(|d| d.code.id.starts_with("layout/"))
        .map(|d| format!("{}[{}]: {}\n", d.severity.as_str(), d.code.id, d.message))
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    expect![[r#"
        error[layout/name-not-utf8]: the name of `data�` is not UTF-8: pluginv cannot package a name that is not UTF-8; rename it
        error[layout/name-not-utf8]: the name of `x�.py` is not UTF-8: pluginv cannot package a name that is not UTF-8; rename it
    "#]].assert_eq(&rendered);
}
