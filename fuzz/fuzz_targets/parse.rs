//! The parser never panics, and joining the items' line spans gives the input back byte for
//! byte. The dumps (`dockopt parse`) must not panic either.
#![no_main]

use dockopt::syntax::{self, dump};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI reads files the same way: invalid UTF-8 is replaced, never rejected.
    let src = String::from_utf8_lossy(data);
    let df = syntax::parse(&src);
    let mut pos = 0usize;
    for item in &df.items {
        let s = item.line_span();
        assert_eq!(s.start as usize, pos, "gap or overlap at byte {pos}");
        pos = s.end as usize;
    }
    assert_eq!(pos, src.len(), "the items stop before the end");
    let joined: String = df.items.iter().map(|i| i.line_span().text(&src)).collect();
    assert_eq!(joined, src, "the round trip differs");
    let _ = dump::to_text(&src, &df);
    let _ = dump::to_json(&src, &df);
});
