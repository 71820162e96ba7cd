//! `dockopt completions SHELL`: a completion script generated from the clap definition, so it
//! always matches the commands and flags.

use clap::CommandFactory;
use clap_complete::Shell;

use super::{EXIT_ERROR, EXIT_OK};
use crate::cli::Cli;

pub fn run(shell: Shell) -> u8 {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "dockopt", &mut out);
    use std::io::Write;
    match std::io::stdout().lock().write_all(&out) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write the completions: {e}");
            EXIT_ERROR
        }
    }
}
