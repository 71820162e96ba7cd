//! Command implementations: the edge where files, configuration, threads and terminals are
//! handled. The core (`linter`, `fix`) stays a pure function of text and settings.

pub mod completions;
pub mod fix;
pub mod init;
pub mod lint;
pub mod parse;
pub mod rules;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::cli::CommonArgs;
use crate::config::{self, Config};
use crate::discover::Discovery;
use crate::linter::BuildContext;
use crate::settings::Settings;

/// Exit statuses.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Configuration and settings for a run.
pub struct Session {
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub settings: Settings,
    pub discovery: Discovery,
}

/// Load the configuration and apply the command line on top.
pub fn session(args: &CommonArgs) -> miette::Result<Session> {
    let start = args
        .stdin_filename
        .clone()
        .or_else(|| args.paths.iter().find(|p| p.as_os_str() != "-").cloned())
        .unwrap_or_else(|| PathBuf::from("."));
    let config_path = if args.no_config {
        None
    } else if let Some(p) = &args.config {
        Some(p.clone())
    } else {
        config::find(&start)
    };
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let mut settings = config.settings();
    if !args.select.is_empty() {
        settings.select = args.select.clone();
    }
    settings.ignore.extend(args.ignore.iter().cloned());
    for s in args.select.iter().chain(&args.ignore) {
        if !crate::rules::all().iter().any(|r| r.meta().matches(s)) {
            return Err(miette::miette!("--select/--ignore: {s:?} matches no rule"));
        }
    }
    settings.context = args.context.clone();
    let base = config_path
        .as_ref()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let mut discovery = Discovery::new(
        config.include.as_deref().unwrap_or_default(),
        config.exclude.as_deref().unwrap_or_default(),
        base,
    )
    .map_err(|e| miette::miette!("bad include/exclude glob: {e}"))?;
    discovery.force_exclude = args.force_exclude;
    Ok(Session {
        config,
        config_path,
        settings,
        discovery,
    })
}

/// One file to process.
pub struct Input {
    /// Path as shown to the user (`-` becomes the stdin file name).
    pub path: PathBuf,
    /// Real file on disk (None for stdin).
    pub file: Option<PathBuf>,
    pub src: String,
    /// The file was not valid UTF-8 (invalid bytes were replaced; never written back).
    pub lossy: bool,
    /// The bytes as read, kept only when they were not valid UTF-8 (`src` replaced some).
    pub raw: Option<Vec<u8>>,
    pub context: BuildContext,
}

/// Read the inputs: discovered files, or stdin. Problems are messages for stderr; those that
/// start with `warning:` do not fail the run.
pub fn read_inputs(session: &Session, args: &CommonArgs) -> (Vec<Input>, Vec<String>) {
    let mut errors = Vec::new();
    let mut inputs = Vec::new();
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (stdin, disk): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    let mut contexts: HashMap<PathBuf, BuildContext> = HashMap::new();
    if !stdin.is_empty() {
        let mut bytes = Vec::new();
        match std::io::stdin().read_to_end(&mut bytes) {
            Ok(_) => {
                let name = args
                    .stdin_filename
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("Dockerfile"));
                let (src, raw) = decode(bytes);
                let context = build_context(&name, &session.settings, &mut contexts, &mut errors);
                inputs.push(Input {
                    path: name,
                    file: None,
                    lossy: raw.is_some(),
                    src,
                    raw,
                    context,
                });
            }
            Err(e) => errors.push(format!("cannot read stdin: {e}")),
        }
    }
    if disk.is_empty() {
        return (inputs, errors);
    }
    let found = session.discovery.find(&disk);
    errors.extend(found.errors);
    errors.extend(found.warnings);
    if found.files.is_empty() && errors.is_empty() {
        let names: Vec<String> = disk.iter().map(|p| p.display().to_string()).collect();
        errors.push(format!(
            "warning: no Dockerfile found in {}",
            names.join(", ")
        ));
    }
    // Contexts first (cheap, shared by files of one folder), then the reads.
    let with_ctx: Vec<(PathBuf, BuildContext)> = found
        .files
        .into_iter()
        .map(|f| {
            let c = build_context(&f, &session.settings, &mut contexts, &mut errors);
            (f, c)
        })
        .collect();
    use rayon::prelude::*;
    let read: Vec<Result<Input, String>> = with_ctx
        .into_par_iter()
        .map(|(f, context)| match std::fs::read(&f) {
            Ok(bytes) => {
                let (src, raw) = decode(bytes);
                Ok(Input {
                    path: f.clone(),
                    file: Some(f),
                    lossy: raw.is_some(),
                    src,
                    raw,
                    context,
                })
            }
            Err(e) => Err(format!("cannot read {}: {e}", f.display())),
        })
        .collect();
    for r in read {
        match r {
            Ok(i) => inputs.push(i),
            Err(e) => errors.push(e),
        }
    }
    (inputs, errors)
}

/// Decode bytes as UTF-8, replacing invalid sequences; the original bytes come back when some
/// were replaced.
pub fn decode(bytes: Vec<u8>) -> (String, Option<Vec<u8>>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let raw = e.into_bytes();
            (String::from_utf8_lossy(&raw).into_owned(), Some(raw))
        }
    }
}

/// Read an ignore file (invalid UTF-8 replaced), with warnings for what cannot be used in it.
fn read_ignore_file(path: &Path, warnings: &mut Vec<String>) -> Option<(PathBuf, String)> {
    let bytes = std::fs::read(path).ok()?;
    let (content, raw) = decode(bytes);
    if raw.is_some() {
        warnings.push(format!(
            "warning: {} is not valid UTF-8; invalid bytes were replaced",
            path.display()
        ));
    }
    for (line, problem) in crate::dockerignore::DockerIgnore::parse(&content).problems() {
        warnings.push(format!("warning: {}:{line}: {problem}", path.display()));
    }
    Some((path.to_path_buf(), content))
}

/// The build context of a Dockerfile: its folder (or `--context`), the ignore file that applies,
/// and the names at the top of the context. Problems with the ignore file are added to
/// `warnings`.
pub fn build_context(
    dockerfile: &Path,
    settings: &Settings,
    cache: &mut HashMap<PathBuf, BuildContext>,
    warnings: &mut Vec<String>,
) -> BuildContext {
    let root = settings.context.clone().unwrap_or_else(|| {
        dockerfile
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    // BuildKit reads `<Dockerfile name>.dockerignore` beside the Dockerfile first.
    let name = dockerfile
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let specific = name.and_then(|n| {
        read_ignore_file(
            &dockerfile.with_file_name(format!("{n}.dockerignore")),
            warnings,
        )
    });
    let base = cache.entry(root.clone()).or_insert_with(|| {
        let ignore_file = read_ignore_file(&root.join(".dockerignore"), warnings);
        let mut entries: Vec<String> = std::fs::read_dir(&root)
            .map(|rd| {
                rd.flatten()
                    .take(10_000)
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        entries.sort();
        BuildContext {
            root: Some(root.clone()),
            ignore_file,
            entries: entries.into(),
        }
    });
    let mut ctx = base.clone();
    if specific.is_some() {
        ctx.ignore_file = specific;
    }
    ctx
}

/// Lint with a safety net: a panic in a rule becomes an error for that file, not a crash.
pub fn lint_guarded(
    input: &Input,
    settings: &Settings,
) -> Result<Vec<crate::diagnostic::Diagnostic>, String> {
    let path = input.path.as_path();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::linter::lint(&input.src, Some(path), &input.context, settings).diagnostics
    }))
    .map_err(|e| {
        let msg = e
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        format!(
            "internal error while linting {}: {msg} (this is a dockopt bug; please report it with the file)",
            input.path.display()
        )
    })
}

/// Silence the default panic message (the guard above reports it instead).
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}
