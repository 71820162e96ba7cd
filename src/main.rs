use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "dockopt", version, about = "Lint and fix Dockerfiles")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print the syntax tree of a Dockerfile.
    Parse {
        /// File to parse, or `-` for stdin.
        file: String,
        #[arg(long, value_enum, default_value_t = ParseFormat::Text)]
        format: ParseFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ParseFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Parse { file, format } => {
            let src = if file == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    eprintln!("error: cannot read stdin: {e}");
                    return ExitCode::from(2);
                }
                s
            } else {
                match std::fs::read(&file) {
                    Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                    Err(e) => {
                        eprintln!("error: cannot read {file}: {e}");
                        return ExitCode::from(2);
                    }
                }
            };
            let df = dockopt::syntax::parse(&src);
            match format {
                ParseFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&dockopt::syntax::dump::to_json(&src, &df))
                        .unwrap()
                ),
                ParseFormat::Text => print!("{}", dockopt::syntax::dump::to_text(&src, &df)),
            }
            if df.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
