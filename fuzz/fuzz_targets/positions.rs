//! Offset <-> position conversion in every encoding against a naive count.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::text::{Encoding, LineIndex};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let index = LineIndex::new(&text);
    for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
        let mut line = 0u32;
        let mut col = 0u32;
        let bytes = text.as_bytes();
        for (offset, c) in text.char_indices() {
            let lc = index.line_col(&text, offset, enc);
            assert_eq!((lc.line, lc.col), (line, col), "{enc:?} at {offset}");
            // Inside a line (not at its break), the position leads back.
            let in_break = c == '\n' || (c == '\r' && bytes.get(offset + 1) == Some(&b'\n'));
            if !in_break {
                assert_eq!(index.offset(&text, lc, enc), offset);
            }
            if c == '\n' {
                line += 1;
                col = 0;
            } else {
                col += match enc {
                    Encoding::Utf8 => c.len_utf8(),
                    Encoding::Utf16 => c.len_utf16(),
                    Encoding::Utf32 => 1,
                } as u32;
            }
        }
        let end = index.line_col(&text, text.len(), enc);
        assert_eq!((end.line, end.col), (line, col));
    }
});
