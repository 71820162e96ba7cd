use crate::dockerignore::{DockerIgnore, clean};
use crate::rule::{Context, Rule};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` source from the build context that the ignore file
    /// (`.dockerignore`, or `<name>.dockerignore` beside `<name>.Dockerfile`) leaves out.
    ///
    /// ## Why is this bad?
    /// Ignored files are never sent to the builder, so the instruction fails with "not found"
    /// (or, for a wildcard, silently copies less than expected).
    ///
    /// As in BuildKit, nothing is checked when the ignore file has exception patterns
    /// (`!keep-me`): whether a path ends up excluded then depends on files only the build sees.
    /// Sources with variables, `COPY --from`, URLs and heredocs are not checked; `.` is only
    /// flagged when the ignore file excludes everything (`*`, `**`). Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM scratch
    /// COPY ./tmp/helloworld.txt /helloworld.txt
    /// ```
    /// with this `.dockerignore`:
    /// ```dockerignore
    /// tmp
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM scratch
    /// COPY ./forever/helloworld.txt /helloworld.txt
    /// ```
    pub CopyIgnoredFile {
        code: "DO144",
        name: "copy-ignored-file",
        category: Correctness,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["buildkit:CopyIgnoredFile"],
    }
}

impl Rule for CopyIgnoredFile {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let Some((path, content)) = &ctx.build_context.ignore_file else {
            return;
        };
        let ignore = DockerIgnore::parse(content);
        let patterns: Vec<String> = ignore.patterns().collect();
        if patterns.is_empty() || patterns.iter().any(|p| p.starts_with('!')) {
            return;
        }
        let root_ignored = patterns
            .iter()
            .any(|p| matches!(p.as_str(), "*" | "**" | "**/*"));
        let file = path
            .file_name()
            .map_or_else(|| ".dockerignore".into(), |n| n.to_string_lossy());
        let sem = ctx.semantic;
        for ins in &sem.instructions {
            if !matches!(ins.kind, Kind::Copy | Kind::Add) || ins.flag("from").is_some() {
                continue;
            }
            let (sources, _) = ins.sources_and_dest();
            for w in sources {
                let raw = ins.word_text(w);
                if raw.contains('$')
                    || raw.starts_with("<<")
                    || (ins.kind == Kind::Add && (raw.contains("://") || raw.starts_with("git@")))
                {
                    continue;
                }
                let src = clean(raw);
                if src == "." && !root_ignored {
                    continue;
                }
                if !(src == "." || ignore.is_excluded(&src)) {
                    continue;
                }
                ctx.report(
                    w.token.span,
                    format!("`{raw}` is excluded by {file}, so it is not in the build context"),
                )
                .help(format!(
                    "remove the pattern that matches it from {file}, or stop copying it"
                ));
            }
        }
    }
}
