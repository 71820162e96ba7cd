//! `dockopt init [DIR]`: write the commented starting configuration ([`crate::config::TEMPLATE`])
//! as `DIR/dockopt.toml`. An existing `dockopt.toml` or `.dockopt.toml` there is never
//! overwritten.

use std::io::Write;
use std::path::Path;

use super::{EXIT_ERROR, EXIT_OK};
use crate::config::{CONFIG_NAMES, TEMPLATE};

pub fn run(dir: &Path) -> u8 {
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder", dir.display());
        return EXIT_ERROR;
    }
    for name in CONFIG_NAMES {
        let existing = dir.join(name);
        if existing.exists() {
            eprintln!(
                "error: {} already exists; not overwritten",
                existing.display()
            );
            return EXIT_ERROR;
        }
    }
    let path = dir.join(CONFIG_NAMES[0]);
    // create_new: a file that appears meanwhile is not overwritten either
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(TEMPLATE.as_bytes()));
    match written {
        Ok(()) => {
            eprintln!(
                "Wrote {}: every setting is commented out; uncomment what you need",
                path.display()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            EXIT_ERROR
        }
    }
}
