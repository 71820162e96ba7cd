//! Command-line interface (clap derive). `main.rs` parses, runs, and maps to an exit code.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;

#[derive(Parser, Debug)]
#[command(
    name = "dockopt",
    version,
    about = "Lint Dockerfiles for size, cache, security and correctness problems, and fix them",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint Dockerfiles (default: every Dockerfile under the current folder).
    Lint(LintArgs),
    /// Fix what can be fixed: print the changes as a unified diff, or write them (--write).
    Fix(FixArgs),
    /// Print the syntax tree of a Dockerfile.
    Parse {
        /// File to parse, or `-` for stdin.
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ParseFormat::Text)]
        format: ParseFormat,
    },
    /// List the rules, or show one rule's documentation.
    Rules {
        /// A rule code, name or alias (DO201, apt-lists-not-removed, DL3009).
        rule: Option<String>,
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Write a commented `dockopt.toml` to start from (never overwrites an existing one).
    Init {
        /// Folder to write it in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print a shell completion script: `dockopt completions bash > /etc/bash_completion.d/dockopt`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ParseFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

/// Options shared by `lint` and `fix`.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Files or folders to check (`-` reads stdin).
    pub paths: Vec<PathBuf>,
    /// Only these rules (codes, prefixes, names, categories or aliases; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (same selectors as --select; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Configuration file (default: the nearest dockopt.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Build context folder for every file (default: each Dockerfile's folder).
    #[arg(long)]
    pub context: Option<PathBuf>,
    /// File name to report for stdin, and to find its context and config by.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Apply the config's `exclude` to files named on the command line too (for pre-commit and
    /// other tools that pass every file).
    #[arg(long)]
    pub force_exclude: bool,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Lowest severity that makes the exit status 1 (error, warning, info, style, none).
    /// Default: the config's `fail-level`, else info.
    #[arg(long)]
    pub fail_level: Option<String>,
    /// Write the report to a file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Write the fixes to the files (atomically) instead of printing a diff.
    #[arg(long)]
    pub write: bool,
    /// Apply unsafe fixes too (the result may behave differently; review the diff).
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
    /// With stdin (`-`): print a diff instead of the fixed file.
    #[arg(long)]
    pub diff: bool,
}
