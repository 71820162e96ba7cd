use std::process::ExitCode;

use clap::Parser;
use dockopt::cli::{Cli, Command};
use dockopt::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Lint(args) => commands::lint::run(args),
        Command::Fix(args) => commands::fix::run(args),
        Command::Parse { file, format } => commands::parse::run(&file, format),
        Command::Rules { rule, format } => commands::rules::run(rule.as_deref(), format),
        Command::Init { dir } => commands::init::run(&dir),
        Command::Completions { shell } => commands::completions::run(shell),
    };
    ExitCode::from(code)
}
