use crate::diagnostic::{Fix, NewFile};
use crate::dockerignore::DockerIgnore;
use crate::rule::{Context, Rule};
use crate::semantic::Semantic;
use crate::syntax::{Instruction, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY .` (or `ADD .`) of the whole build context when the context has no
    /// `.dockerignore` (nor a `<name>.dockerignore` beside a `<name>.Dockerfile`), or when the
    /// ignore file lets in what should never reach an image: `.git`, `node_modules`, Python
    /// caches and virtualenvs, Rust and Maven `target` folders, `.env` files and private keys.
    ///
    /// ## Why is this bad?
    /// Everything in the context is sent to the builder and copied into the layer: a `.git`
    /// folder can be larger than the app, a local `node_modules` overwrites what `npm ci`
    /// installed (and may hold binaries for another platform), and `.env` files or keys end up
    /// readable in the image by anyone who can pull it. Every change to any of these files also
    /// invalidates the `COPY` layer and everything after it.
    ///
    /// Only entries that exist at the top of the build context are reported; paths the
    /// Dockerfile copies by name are never asked to be ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY src/ ./src/
    /// ```
    /// or keep `COPY . .` and add a `.dockerignore` listing `.git`, `node_modules`, `.env*`.
    ///
    /// ## Fix safety
    /// Unsafe, because what `COPY .` brings in changes. Without an ignore file, the fix creates
    /// `.dockerignore` at the context root with version-control, editor and OS files, `.env*`
    /// files, keys, and the dependency and build folders of the ecosystems the context and the
    /// Dockerfile show (Node, Python, Rust, Maven, Gradle, Terraform). With a weak one, it
    /// appends the entries that leak. It never excludes a path the Dockerfile copies by name or
    /// mounts, and never overwrites a file.
    pub UnfilteredBuildContext {
        code: "DO301",
        name: "unfiltered-build-context",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        scope: File,
        aliases: [],
    }
}

/// What must not be sent to the builder: (name at the context root, why).
pub const SENSITIVE: &[(&str, &str)] = &[
    (".git", "repository history"),
    (".hg", "repository history"),
    (".svn", "repository history"),
    ("node_modules", "host-installed dependencies"),
    ("bower_components", "host-installed dependencies"),
    ("__pycache__", "Python bytecode cache"),
    (".venv", "a local virtualenv"),
    ("venv", "a local virtualenv"),
    (".tox", "test environments"),
    (".pytest_cache", "test cache"),
    (".mypy_cache", "type-checker cache"),
    (".terraform", "Terraform plugins and state"),
    (".aws", "cloud credentials"),
    (".ssh", "SSH keys"),
    (".npmrc", "registry credentials"),
    (".pypirc", "registry credentials"),
    (".netrc", "credentials"),
    ("id_rsa", "a private key"),
    ("id_ed25519", "a private key"),
];

/// Is a top-level entry something to keep out of the context? Returns why.
pub fn sensitive_entry(name: &str, entries: &[String]) -> Option<&'static str> {
    if let Some((_, why)) = SENSITIVE.iter().find(|(n, _)| *n == name) {
        return Some(why);
    }
    // the rest need a dot in the name, or are `target`
    if !name.contains('.') && name != "target" {
        return None;
    }
    if name == "target" && entries.iter().any(|e| e == "Cargo.toml" || e == "pom.xml") {
        return Some("build output");
    }
    if name == ".env"
        || (name.starts_with(".env.")
            && !matches!(
                name,
                ".env.example" | ".env.sample" | ".env.template" | ".env.dist"
            ))
    {
        return Some("environment secrets");
    }
    let lower = name.to_ascii_lowercase();
    if [".pem", ".key", ".p12", ".pfx"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Some("a private key or certificate");
    }
    None
}

/// COPY/ADD of the whole context (`.`, `./`, `*`, `./*`), not from another stage or image.
pub fn copies_whole_context(ins: &Instruction) -> bool {
    if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
        return false;
    }
    let (sources, _) = ins.sources_and_dest();
    sources
        .iter()
        .any(|w| matches!(ins.word_text(w), "." | "./" | "*" | "./*" | "/" | "./."))
}

/// Paths the Dockerfile copies from the context by name (first path component).
pub fn copied_names<'a>(ins: impl Iterator<Item = &'a Instruction>) -> Vec<String> {
    let mut out = Vec::new();
    for i in ins {
        if !matches!(i.kind, Kind::Copy | Kind::Add) || i.flag("from").is_some() {
            continue;
        }
        for w in i.sources_and_dest().0 {
            let t = crate::dockerignore::clean(i.word_text(w));
            if t != "." && !t.contains("://") {
                out.push(t.split('/').next().unwrap_or("").to_string());
            }
        }
    }
    out
}

/// Paths the Dockerfile names in COPY/ADD sources and RUN bind mounts (never to be ignored).
fn used_paths(sem: &Semantic<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for i in sem.instructions.iter().copied() {
        if matches!(i.kind, Kind::Copy | Kind::Add) && i.flag("from").is_none() {
            for w in i.sources_and_dest().0 {
                let t = crate::dockerignore::clean(i.word_text(w));
                if t != "." && !t.contains("://") {
                    out.push(t);
                }
            }
        }
        for f in i.flags_named("mount") {
            if let Some(m) = f
                .value()
                .and_then(|v| crate::syntax::mount::parse_mount(v).ok())
                && m.from().is_none()
                && m.kind() == "bind"
                && let Some(src) = m.source()
            {
                out.push(crate::dockerignore::clean(src));
            }
        }
    }
    out
}

/// Does the file run a command of one of these programs?
fn runs(sem: &Semantic<'_>, programs: &[&str]) -> bool {
    sem.scripts
        .iter()
        .flat_map(|s| s.script.commands.iter())
        .any(|c| c.unwrapped().name().is_some_and(|n| programs.contains(&n)))
}

/// The lines of a generated `.dockerignore` for this context and Dockerfile.
pub fn template(sem: &Semantic<'_>, entries: &[String]) -> Vec<&'static str> {
    let has = |n: &str| entries.iter().any(|e| e == n);
    let mut lines: Vec<&'static str> = vec![
        "# Keep the build context small and free of secrets (generated by dockopt).",
        ".git",
        ".hg",
        ".svn",
        "**/.DS_Store",
        ".idea",
        ".vscode",
        "*.swp",
        ".env",
        ".env.*",
        "!.env.example",
        "*.pem",
        "*.key",
        "id_rsa*",
        ".aws",
        ".ssh",
    ];
    if has("package.json") || runs(sem, &["npm", "yarn", "pnpm", "bun", "node"]) {
        lines.extend([
            "**/node_modules",
            "npm-debug.log*",
            "yarn-error.log*",
            ".npm",
        ]);
    }
    if has("requirements.txt")
        || has("pyproject.toml")
        || has("setup.py")
        || has("Pipfile")
        || runs(
            sem,
            &["pip", "pip3", "python", "python3", "poetry", "pipenv", "uv"],
        )
    {
        lines.extend([
            "**/__pycache__",
            "*.py[cod]",
            ".venv",
            "venv",
            ".pytest_cache",
            ".mypy_cache",
            ".tox",
        ]);
    }
    // build output folders only when the Dockerfile builds itself (else it may copy them)
    if (has("Cargo.toml") && runs(sem, &["cargo"]))
        || (has("pom.xml") && runs(sem, &["mvn", "mvnw"]))
    {
        lines.push("target");
    }
    if (has("build.gradle") || has("build.gradle.kts")) && runs(sem, &["gradle", "gradlew"]) {
        lines.extend([".gradle", "build"]);
    }
    if entries.iter().any(|e| e.ends_with(".tf")) || has(".terraform") {
        lines.push(".terraform");
    }
    lines
}

/// Drop the patterns that would exclude a path the Dockerfile uses. Each template line is
/// compiled once per process (the lines are a fixed set).
fn keep_used(lines: Vec<&'static str>, used: &[String]) -> Vec<String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static COMPILED: OnceLock<Mutex<HashMap<&'static str, DockerIgnore>>> = OnceLock::new();
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        if !used.is_empty() && !l.starts_with('#') && !l.starts_with('!') {
            let excluded = {
                let mut map = COMPILED
                    .get_or_init(Default::default)
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                let one = map.entry(l).or_insert_with(|| DockerIgnore::parse(l));
                used.iter().any(|u| one.is_excluded(u))
            };
            if excluded {
                continue;
            }
        }
        out.push(l.to_string());
    }
    out
}

impl Rule for UnfilteredBuildContext {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let bc = ctx.build_context;
        if bc.root.is_none() {
            return;
        }
        let sem = ctx.semantic;
        let Some(first) = sem
            .instructions
            .iter()
            .copied()
            .find(|i| copies_whole_context(i))
        else {
            return;
        };
        let copied = copied_names(sem.instructions.iter().copied());
        match &bc.ignore_file {
            None => {
                let root = bc.root.clone().unwrap_or_default();
                let lines = keep_used(template(sem, &bc.entries), &used_paths(sem));
                let mut content = lines.join("\n");
                content.push('\n');
                let mut fix = Fix::unsafe_("create a .dockerignore", Vec::new());
                fix.new_files.push(NewFile {
                    path: root.join(".dockerignore"),
                    content,
                    append: false,
                });
                ctx.report(
                    first.span,
                    format!(
                        "`{}` sends the whole build context, and there is no .dockerignore",
                        ins_head(first)
                    ),
                )
                .help("add a .dockerignore (`dockopt fix --unsafe` writes one) or copy only what the image needs")
                .fix(fix);
            }
            Some((path, content)) => {
                let ignore = DockerIgnore::parse(content);
                let leaks: Vec<(&str, &str)> = bc
                    .entries
                    .iter()
                    .filter(|e| !copied.iter().any(|c| c == *e))
                    .filter_map(|e| sensitive_entry(e, &bc.entries).map(|why| (e.as_str(), why)))
                    .filter(|(e, _)| !ignore.is_excluded(e))
                    .collect();
                if leaks.is_empty() {
                    return;
                }
                let list: Vec<String> = leaks
                    .iter()
                    .map(|(e, why)| format!("`{e}` ({why})"))
                    .collect();
                let name = path.file_name().map_or_else(
                    || ".dockerignore".into(),
                    |n| n.to_string_lossy().into_owned(),
                );
                // leaks are top-level names the Dockerfile does not copy (filtered above)
                let mut added = String::new();
                if !content.is_empty() && !content.ends_with('\n') {
                    added.push('\n');
                }
                added.push_str("# Added by dockopt: kept out of the build context.\n");
                for (e, _) in &leaks {
                    added.push_str(e);
                    added.push('\n');
                }
                let names: Vec<&str> = leaks.iter().map(|(e, _)| *e).collect();
                let mut fix =
                    Fix::unsafe_(format!("add {} to {name}", names.join(", ")), Vec::new());
                fix.new_files.push(NewFile {
                    path: path.clone(),
                    content: added,
                    append: true,
                });
                ctx.report(
                    first.span,
                    format!(
                        "`{}` sends {} into the build: {name} does not exclude {}",
                        ins_head(first),
                        list.join(", "),
                        if leaks.len() == 1 { "it" } else { "them" }
                    ),
                )
                .help(format!("add {} to {name}", names.join(", ")))
                .fix(fix);
            }
        }
    }
}

fn ins_head(ins: &Instruction) -> String {
    let t = ins.text.trim();
    let first_line: String = t.chars().take(60).collect();
    first_line
}
