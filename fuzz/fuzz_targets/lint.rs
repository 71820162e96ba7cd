//! Every rule runs on any input without panicking: the whole rule set (opt-in rules included),
//! an empty build context, default settings otherwise.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use dockopt::linter::{BuildContext, lint};
use dockopt::settings::Settings;
use libfuzzer_sys::fuzz_target;

/// Every rule: `ALL`, plus the opt-in rule by name (opt-in rules run only when named).
static SETTINGS: LazyLock<Settings> = LazyLock::new(|| Settings {
    select: vec!["ALL".into(), "missing-healthcheck".into()],
    ..Settings::default()
});

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let out = lint(
        &src,
        Some(Path::new("Dockerfile")),
        &BuildContext::default(),
        &SETTINGS,
    );
    // every finding points inside the file, on character boundaries
    for d in &out.diagnostics {
        let (s, e) = (d.span.start as usize, d.span.end as usize);
        assert!(
            s <= e && e <= src.len(),
            "{}: span {s}..{e} outside the file",
            d.code
        );
        assert!(
            src.is_char_boundary(s) && src.is_char_boundary(e),
            "{}: span {s}..{e} splits a character",
            d.code
        );
    }
});
