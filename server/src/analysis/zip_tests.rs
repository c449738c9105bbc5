//! Fixture tests of the rules about a .zip: the fixture's files are the
//! .zip's contents, and what the rules say of the archive itself is written
//! as `//! ` lines after them. The archive's size is taken as the sum of its
//! contents' sizes.

use std::path::Path;

use expect_test::{expect, Expect};

use crate::fixture::{dedent, render, Fixture, ROOT};

fn check_zip(expect: Expect) {
    let fixture = Fixture::parse(&dedent(expect.data()));
    let mut files = fixture.memory_files();
    files.archive = true;
    let size = fixture.files.iter().map(|(_, t)| t.len() as u64).sum();
    let findings = super::zip::check(&files, Path::new(ROOT), size);
    let mut actual = render(&fixture, &vec![Vec::new(); fixture.files.len()]);
    for d in &findings.diagnostics {
        actual.push_str(&format!(
            "//! {}[{}]: {}\n",
            d.severity.as_str(),
            d.code.id,
            d.message
        ));
    }
    if let Some(dir) = findings.plugin_dir {
        actual.push_str(&format!("//! the plugin inside: {}\n", dir.display()));
    }
    expect.assert_eq(&actual);
}

#[test]
fn manifest_at_the_root() {
    check_zip(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        //- main.py
        //! the plugin inside: /plugin
    "#]]);
}

#[test]
fn nested_in_a_folder() {
    check_zip(expect![[r#"
        //- repo-master/MANIFEST
        name: My_Plugin
        //- repo-master/main.py
        //! error[zip/nested]: MANIFEST and the entry point must be at the root of the .zip, but they are in the folder `repo-master/`: zip the folder's contents, not the folder
        //! the plugin inside: /plugin/repo-master
    "#]]);
}

#[test]
fn no_manifest() {
    check_zip(expect![[r#"
        //- main.py
        //! error[zip/no-manifest]: the .zip has no MANIFEST at its root; SPS needs MANIFEST and the entry point there
    "#]]);
}

#[test]
fn too_large() {
    check_zip(expect![[r#"
        //- MANIFEST
        name: My_Plugin
        //- lib/model.bin [21000000 bytes]
        //! error[zip/too-large]: the .zip is 20.0 MiB; SPS refuses plugins of 20 MiB or more
        //! the plugin inside: /plugin
    "#]]);
}
