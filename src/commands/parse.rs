//! `dockopt parse`: print the syntax tree.

use std::io::Read;
use std::path::Path;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, decode};
use crate::cli::ParseFormat;
use crate::syntax::{self, dump};

pub fn run(file: &Path, format: ParseFormat) -> u8 {
    let bytes = if file.as_os_str() == "-" {
        let mut b = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut b) {
            eprintln!("error: cannot read stdin: {e}");
            return EXIT_ERROR;
        }
        b
    } else {
        match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                return EXIT_ERROR;
            }
        }
    };
    let (src, raw) = decode(bytes);
    if raw.is_some() {
        eprintln!(
            "warning: {} is not valid UTF-8; invalid bytes were replaced",
            file.display()
        );
    }
    let df = syntax::parse(&src);
    let out = match format {
        ParseFormat::Json => match serde_json::to_string_pretty(&dump::to_json(&src, &df)) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        },
        ParseFormat::Text => dump::to_text(&src, &df),
    };
    print!("{out}");
    if df.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
