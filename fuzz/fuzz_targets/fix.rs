//! The fixer (unsafe fixes included) never panics; when the input parses, so does the output;
//! when it converges, fixing the output again changes nothing.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use dockopt::fix::{FixOptions, fix};
use dockopt::linter::BuildContext;
use dockopt::settings::Settings;
use dockopt::syntax;
use libfuzzer_sys::fuzz_target;

/// Every rule: `ALL`, plus the opt-in rule by name (opt-in rules run only when named).
static SETTINGS: LazyLock<Settings> = LazyLock::new(|| Settings {
    select: vec!["ALL".into(), "missing-healthcheck".into()],
    ..Settings::default()
});

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let path = Some(Path::new("Dockerfile"));
    let ctx = BuildContext::default();
    let opts = FixOptions { unsafe_fixes: true };
    let once = fix(&src, path, &ctx, &SETTINGS, opts);
    if !syntax::parse(&src).has_errors() {
        assert!(
            !syntax::parse(&once.output).has_errors(),
            "the fixed output does not parse:\n{}",
            once.output
        );
    }
    if once.not_converged.is_empty() {
        // a rerun sees the files the first run created (a .dockerignore), as after `--write`
        let mut ctx = ctx;
        for nf in &once.new_files {
            if nf.path.to_string_lossy().ends_with("dockerignore") {
                ctx.ignore_file = Some((nf.path.clone(), nf.content.clone()));
            }
        }
        let twice = fix(&once.output, path, &ctx, &SETTINGS, opts);
        assert_eq!(
            twice.output, once.output,
            "fixing the output again changed it"
        );
    }
});
