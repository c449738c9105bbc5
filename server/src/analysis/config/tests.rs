//! Unit tests of the default.cfg rules: tables of codes, related
//! information and fixes; the fixture tests that pin every message are in
//! `fixture_tests.rs`.

use super::*;
use crate::analysis::{Context, Severity};
use crate::workspace::MemoryFiles;
use std::path::Path;

/// The diagnostics of `text` in a plugin of type `ptype`, as
/// `(line, code, severity, text under the range)`.
fn diags(ptype: Option<&str>, text: &str) -> Vec<(usize, Code, Severity, String)> {
    let mut files = MemoryFiles::default();
    if let Some(t) = ptype {
        files.files.insert(
            "/p/MANIFEST".into(),
            format!("name: x\ntype: {t}\napi: 1.6\nversion: '1'\n").into_bytes(),
        );
    }
    let cx = Context::new(Path::new("/p/default.cfg"), &files);
    let mut d = check(text, &cx);
    d.sort_by_key(|d| (d.range.start, d.code));
    d.into_iter()
        .map(|d| {
            let line = text[..d.range.start].matches('\n').count() + 1;
            (
                line,
                d.code,
                d.severity,
                text[d.range.start..d.range.end].to_string(),
            )
        })
        .collect()
}

fn codes(ptype: Option<&str>, text: &str) -> Vec<(usize, Code)> {
    diags(ptype, text)
        .into_iter()
        .map(|(l, c, _, _)| (l, c))
        .collect()
}

#[test]
fn cpython_errors() {
    let cases: &[(&str, &[(usize, Code)])] = &[
        ("k=v\n[a]\n", &[(1, MISSING_SECTION_HEADER)]),
        ("\u{feff}[a]\n", &[(1, MISSING_SECTION_HEADER)]),
        ("[a]\nnovalue\n", &[(2, NO_DELIMITER)]),
        ("[a]\n[b\n", &[(2, UNCLOSED_SECTION)]),
        ("[a]\n[]\n", &[(2, UNCLOSED_SECTION)]),
        ("[a]\n=v\n", &[(2, EMPTY_OPTION_NAME)]),
        ("[a]\n[a]\n", &[(2, DUPLICATE_SECTION)]),
        ("[a]\nKey=1\nkey=2\n", &[(3, DUPLICATE_OPTION)]),
        ("[a]\nk=50%off\n", &[(2, INTERPOLATION)]),
        ("[a]\nk=%(missing)s\n", &[(2, INTERPOLATION)]),
        ("[a]\nk=%(k)s\n", &[(2, INTERPOLATION)]),
        ("[a]\nk=%(x\n", &[(2, INTERPOLATION)]),
        ("[a]\nk=50%%\nj=%(K)s\n", &[]),
        ("[DEFAULT]\nd=%(b)s\n[s1]\nb=1\n", &[]),
        (
            "[DEFAULT]\nd=%(b)s\n[s1]\nb=1\n[s2]\n",
            &[(2, INTERPOLATION)],
        ),
        ("[DEFAULT]\nd=50%\n", &[]),
        ("[DEFAULT]\n[DEFAULT]\n[a]\n", &[]),
    ];
    for (text, want) in cases {
        let got: Vec<_> = codes(None, text);
        assert_eq!(&got, want, "{text:?}");
    }
}

#[test]
fn duplicate_option_points_at_the_first() {
    let text = "[a]\nKey=1\nkey=2\n";
    let d = check_syntax(text);
    assert_eq!(d[0].related[0].range, TextRange::new(4, 7));
    assert!(d[0].message.contains("line 2"), "{}", d[0].message);
}

#[test]
fn interpolation_fix_doubles_lone_percents() {
    let text = "[a]\nk=50% and 10% of %(x)s\nx=1\n";
    let d = check_syntax(text);
    assert_eq!(d.len(), 1);
    let edits = &d[0].fixes[0].edits;
    assert_eq!(edits.len(), 2);
    assert_eq!(&text[edits[0].range.start..edits[0].range.end], "%");
}

#[test]
fn true_is_fixed_to_yes() {
    let text = "[tls]\nenabled = TRUE\n";
    let d = check(
        text,
        &Context::new(Path::new("/x/default.cfg"), &MemoryFiles::default()),
    );
    assert_eq!(d[0].code, INVALID_BOOLEAN);
    assert_eq!(d[0].fixes[0].edits[0].new_text, "yes");
}

#[test]
fn sections_by_plugin_type() {
    let text = "[auth]\nprompt=x\n[check-in-trigger]\nrdp=later\n[Logging]\n";
    assert_eq!(
        codes(Some("credentialstore"), text),
        vec![
            (1, WRONG_PLUGIN_TYPE_SECTION),
            (4, INVALID_ENUM),
            (5, SECTION_CASE)
        ]
    );
    assert_eq!(
        codes(Some("aa"), text),
        vec![(3, WRONG_PLUGIN_TYPE_SECTION), (5, SECTION_CASE)]
    );
    // Unknown type: common sections only, nothing about the others.
    assert_eq!(codes(None, text), vec![(5, SECTION_CASE)]);
    assert_eq!(
        codes(Some("credentialstore"), "[check-in-trigger]\nrdp=later\n"),
        vec![(2, INVALID_ENUM)]
    );
}

#[test]
fn templates_are_information() {
    let text = "[onelogin]\n; enable_factor_selection=true\n; timeout=<seconds>\n\
                [logging]\n; log_level=verbose\n; enable_stacktrace=no\n\
                [https-proxy]\n; enabled=yes\n; password=$\n\
                [credential_store]\n; name=<x>\n";
    let got = diags(Some("aa"), text);
    let want: Vec<(usize, Code, Severity, &str)> = vec![
        (2, TEMPLATE_OPTION, Severity::Info, "true"),
        (5, TEMPLATE_OPTION, Severity::Info, "verbose"),
        (8, TEMPLATE_OPTION, Severity::Info, "enabled"),
    ];
    let got: Vec<_> = got
        .iter()
        .map(|(l, c, s, t)| (*l, *c, *s, t.as_str()))
        .collect();
    assert_eq!(got, want);
    let d = check(
        text,
        &Context::new(Path::new("/x/default.cfg"), &MemoryFiles::default()),
    );
    let fix = &d[0].fixes[0];
    assert_eq!(fix.edits[0].new_text, "enable_factor_selection=yes");
}

/// A megabyte of sections is analysed without findings (its speed is
/// measured by `cargo bench`, not here).
#[test]
fn big_file_is_analysed() {
    let mut text = String::from("[DEFAULT]\nbase=/x\n");
    let mut i = 0;
    while text.len() < 1 << 20 {
        text.push_str(&format!(
            "[section-{i}]\n; tmpl=<x>\nkey = value %(base)s\nlist = a,\n  b,\n  c\n\n"
        ));
        i += 1;
    }
    let d = check(
        &text,
        &Context::new(Path::new("/x/default.cfg"), &MemoryFiles::default()),
    );
    assert!(d.is_empty(), "{:?}", &d[..1]);
    // A long single line and many lone percent signs.
    let text = format!("[a]\nk={}\n", "%".repeat((1 << 20) + 1));
    assert_eq!(check_syntax(&text).len(), 1);
}
