//! PEP 263: the codec a `.py` file names in a coding cookie on its first or
//! second line, and its bytes decoded as CPython decodes them. UTF-8 (the
//! default), Latin-1 and ASCII are decoded here, exactly (Latin-1 is
//! CPython's ISO-8859-1, byte for code point, not the WHATWG's
//! windows-1252); a file naming another codec CPython has is read as UTF-8
//! and said so (`file/encoding`, a warning), a codec CPython does not have
//! (or one that is not a text encoding) is an error, as CPython refuses to
//! compile the file, and so are bytes the codec cannot decode.

use super::super::codes::file as code;
use super::super::Diagnostic;
use crate::text::TextRange;

/// The codecs CPython 3.11 knows as text encodings, by every name
/// `codecs.lookup` takes after its normalisation (module names and
/// `encodings.aliases`), one a line: generated with `encodings`'s modules
/// and aliases, those whose `_is_text_encoding` is true.
const PYTHON_TEXT_CODECS: &str = include_str!("python_codecs.txt");

/// Codecs CPython has that are not text encodings: a cookie naming one is
/// refused.
const NOT_TEXT: [&str; 18] = [
    "base64",
    "base64_codec",
    "base_64",
    "bz2",
    "bz2_codec",
    "hex",
    "hex_codec",
    "quopri",
    "quopri_codec",
    "quoted_printable",
    "quotedprintable",
    "rot13",
    "rot_13",
    "uu",
    "uu_codec",
    "zip",
    "zlib",
    "zlib_codec",
];

/// `encodings.aliases` and module names of the three codecs decoded here.
const UTF8: [&str; 7] = [
    "cp65001",
    "u8",
    "utf",
    "utf8",
    "utf8_ucs2",
    "utf8_ucs4",
    "utf_8",
];
const LATIN1: [&str; 13] = [
    "8859",
    "cp819",
    "csisolatin1",
    "ibm819",
    "iso8859",
    "iso8859_1",
    "iso_8859_1",
    "iso_8859_1_1987",
    "iso_ir_100",
    "l1",
    "latin",
    "latin1",
    "latin_1",
];
const ASCII: [&str; 13] = [
    "646",
    "ansi_x3.4_1968",
    "ansi_x3.4_1986",
    "ansi_x3_4_1968",
    "ascii",
    "cp367",
    "csascii",
    "ibm367",
    "iso646_us",
    "iso_646.irv_1991",
    "iso_ir_6",
    "us",
    "us_ascii",
];

/// What a cookie's codec is to sps-plugin-ls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    Utf8,
    Latin1,
    Ascii,
    /// A text codec CPython has, not decoded here.
    Unsupported,
    /// A codec CPython has that is not a text encoding (`rot13`).
    NotText,
    /// No codec of CPython's.
    Unknown,
}

/// A coding cookie: the codec's name as written, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub range: TextRange,
}

/// The cookie of a file, as CPython's tokenizer finds it: in a comment on
/// the first line, or on the second when the first is blank or a comment;
/// `coding`, then `:` or `=`, spaces or tabs, then the name (ASCII letters,
/// digits, `-`, `_`, `.`).
pub fn cookie(bytes: &[u8]) -> Option<Cookie> {
    let mut start = 0;
    for line_no in 0..2 {
        if start >= bytes.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        let lead = line
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\x0c'))
            .count();
        let rest = &line[lead..];
        if rest.first() == Some(&b'#') {
            let mut i = 0;
            while let Some(at) = find(&rest[i..], b"coding").map(|k| k + i) {
                let mut j = at + 6;
                i = at + 1;
                if !matches!(rest.get(j), Some(b':' | b'=')) {
                    continue;
                }
                j += 1;
                while matches!(rest.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                let name_len = rest[j..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                    .count();
                if name_len == 0 {
                    continue;
                }
                let from = start + lead + j;
                return Some(Cookie {
                    name: String::from_utf8_lossy(&rest[j..j + name_len]).into_owned(),
                    range: TextRange::new(from, from + name_len),
                });
            }
        } else if line_no == 0
            && !rest
                .iter()
                .all(|b| matches!(b, b'\r' | b' ' | b'\t' | b'\x0c'))
        {
            // Code on the first line: the second is not looked at.
            return None;
        }
        start = end + 1;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The codec a cookie's name stands for, as CPython finds it: the
/// tokenizer's own normalisation (`utf-8…`, `latin-1…`, `iso-8859-1…`,
/// `iso-latin-1…`), then `codecs.lookup`'s (lower case; each run of
/// characters other than letters, digits and `.` one `_`), then its aliases.
pub fn codec(name: &str) -> Codec {
    let head: String = name
        .chars()
        .take(12)
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if head == "utf-8" || head.starts_with("utf-8-") {
        return Codec::Utf8;
    }
    if ["latin-1", "iso-8859-1", "iso-latin-1"]
        .iter()
        .any(|p| head == *p || head.starts_with(&format!("{p}-")))
    {
        return Codec::Latin1;
    }
    let mut norm = String::new();
    let mut punct = false;
    for c in name.to_lowercase().chars() {
        if c.is_alphanumeric() || c == '.' {
            if punct && !norm.is_empty() {
                norm.push('_');
            }
            if c.is_ascii() {
                norm.push(c);
            }
            punct = false;
        } else {
            punct = true;
        }
    }
    let underscored = norm.replace('.', "_");
    let is =
        |names: &[&str]| names.contains(&norm.as_str()) || names.contains(&underscored.as_str());
    if is(&UTF8) {
        Codec::Utf8
    } else if is(&LATIN1) {
        Codec::Latin1
    } else if is(&ASCII) {
        Codec::Ascii
    } else if is(&NOT_TEXT) {
        Codec::NotText
    } else if PYTHON_TEXT_CODECS
        .lines()
        .any(|n| n == norm || n == underscored)
    {
        Codec::Unsupported
    } else {
        Codec::Unknown
    }
}

/// The codec a file's bytes are in: its cookie's, else UTF-8.
pub fn declared(bytes: &[u8]) -> Codec {
    cookie(bytes).map_or(Codec::Utf8, |c| codec(&c.name))
}

/// A `.py` file's text as CPython reads it.
pub struct Decoded {
    pub text: String,
    /// Where the bytes stop being valid in the file's codec (an offset
    /// into `text`, where the replacement character stands), and the codec.
    pub invalid_at: Option<(usize, Codec)>,
}

/// The bytes of a `.py` file decoded in the codec its cookie names: UTF-8,
/// Latin-1 and ASCII exactly; any other codec as UTF-8 (the cookie's own
/// diagnostic, [`check`], says so), bad bytes replaced.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    match declared(&bytes) {
        Codec::Latin1 => Decoded {
            text: bytes.iter().map(|&b| char::from(b)).collect(),
            invalid_at: None,
        },
        Codec::Ascii => match bytes.iter().position(|b| !b.is_ascii()) {
            None => Decoded {
                text: String::from_utf8(bytes).unwrap_or_default(),
                invalid_at: None,
            },
            Some(at) => {
                let text: String = bytes
                    .iter()
                    .map(|&b| {
                        if b.is_ascii() {
                            char::from(b)
                        } else {
                            '\u{FFFD}'
                        }
                    })
                    .collect();
                Decoded {
                    text,
                    invalid_at: Some((at, Codec::Ascii)),
                }
            }
        },
        codec => match String::from_utf8(bytes) {
            Ok(text) => Decoded {
                text,
                invalid_at: None,
            },
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                Decoded {
                    text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    // Only UTF-8's own are reported as bad bytes; another
                    // codec's cookie already says the file is not read as
                    // written.
                    invalid_at: (codec == Codec::Utf8).then_some((at, Codec::Utf8)),
                }
            }
        },
    }
}

/// The problem with a `.py` file's coding cookie, if any (its text is
/// what [`decode`] made of its bytes, so the cookie is where it was).
pub fn check(text: &str) -> Option<Diagnostic> {
    let c = cookie(text.as_bytes())?;
    let bom = text.starts_with('\u{feff}');
    let name = &c.name;
    Some(match codec(name) {
        Codec::Utf8 => return None,
        _ if bom => Diagnostic::error(
            code::ENCODING,
            c.range,
            format!("the file starts with a UTF-8 byte-order mark but its coding cookie names `{name}`: CPython refuses to compile it"),
        ),
        Codec::Latin1 | Codec::Ascii => return None,
        Codec::Unsupported => Diagnostic::warning(
            code::ENCODING,
            c.range,
            format!("sps-plugin-ls decodes only UTF-8, Latin-1 and ASCII Python files; this one, in `{name}`, is read as UTF-8, so text outside ASCII may be misread: save it as UTF-8"),
        ),
        Codec::NotText => Diagnostic::error(
            code::ENCODING,
            c.range,
            format!("`{name}` is not a text encoding: CPython refuses to compile the file"),
        ),
        Codec::Unknown => Diagnostic::error(
            code::ENCODING,
            c.range,
            format!("CPython knows no codec `{name}`: it refuses to compile the file"),
        ),
    })
}

/// Bytes the file's codec cannot decode, at `at` in the decoded text.
pub fn undecodable(text: &str, at: usize, codec: Codec) -> Diagnostic {
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    let range = TextRange::new(at, at + len);
    match codec {
        Codec::Ascii => Diagnostic::error(
            code::ENCODING,
            range,
            "this byte is not ASCII, the codec the file's coding cookie names: CPython refuses to compile the file; save it as UTF-8",
        ),
        _ => Diagnostic::error(
            code::INVALID_UTF8,
            range,
            "this file is not valid UTF-8 here; SPS reads it as UTF-8 text: save it as UTF-8",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_where_cpython_looks() {
        let name = |s: &str| cookie(s.as_bytes()).map(|c| c.name);
        assert_eq!(name("# -*- coding: latin-1 -*-\n"), Some("latin-1".into()));
        assert_eq!(
            name("#!/usr/bin/env python\n# vim: set fileencoding=utf-8 :\n"),
            Some("utf-8".into())
        );
        assert_eq!(name("\n  # coding=ascii\n"), Some("ascii".into()));
        assert_eq!(name("import os\n# coding: latin-1\n"), None);
        assert_eq!(name("# a\n# b\n# coding: latin-1\n"), None);
        assert_eq!(name("x = 1  # coding: latin-1\n"), None);
        assert_eq!(name("# coding latin-1\n"), None);
    }

    /// The names CPython 3.11 takes, as `codecs.lookup` (after the
    /// tokenizer's normalisation) resolves them.
    #[test]
    fn codec_names_as_cpython_normalises_them() {
        for n in [
            "latin-1",
            "latin_1",
            "Latin1",
            "iso-8859-1",
            "ISO8859-1",
            "iso_8859_1",
            "l1",
            "iso-latin-1-unix",
            "cp819",
            "latin",
        ] {
            assert_eq!(codec(n), Codec::Latin1, "{n}");
        }
        for n in ["utf-8", "UTF8", "utf_8", "utf-8-sig", "u8", "utf"] {
            assert_eq!(codec(n), Codec::Utf8, "{n}");
        }
        for n in ["ascii", "us-ascii", "646"] {
            assert_eq!(codec(n), Codec::Ascii, "{n}");
        }
        // Not CPython's Latin-1 (windows-1252 maps 0x80-0x9F elsewhere).
        for n in ["cp1252", "windows-1252", "shift_jis", "koi8-r", "utf-16"] {
            assert_eq!(codec(n), Codec::Unsupported, "{n}");
        }
        assert_eq!(codec("rot13"), Codec::NotText);
        assert_eq!(codec("klingon"), Codec::Unknown);
    }

    #[test]
    fn latin1_is_decoded_byte_for_code_point() {
        let mut bytes = b"# -*- coding: latin-1 -*-\ns = '".to_vec();
        bytes.extend([0xE9, 0x80, 0x9F, 0xFF]);
        bytes.extend(b"'\n");
        let d = decode(bytes);
        assert!(d.invalid_at.is_none());
        // 0x80 and 0x9F are C1 controls in ISO-8859-1 (€ and Ÿ in windows-1252).
        assert!(
            d.text.contains("'\u{e9}\u{80}\u{9f}\u{ff}'"),
            "{:?}",
            d.text
        );
    }

    #[test]
    fn bytes_outside_the_codec_are_found() {
        let d = decode(b"# coding: ascii\ns = '\xe9'\n".to_vec());
        assert_eq!(d.invalid_at, Some((21, Codec::Ascii)));
        let d = decode(b"s = '\xe9'\n".to_vec());
        assert_eq!(d.invalid_at, Some((5, Codec::Utf8)));
    }
}
