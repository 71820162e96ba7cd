use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::{Item, Kind};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a comment right above an `ARG` or a named `FROM … AS stage` that does not start
    /// with the argument's or the stage's name.
    ///
    /// ## Why is this bad?
    /// `docker buildx build --call=outline` and `--call=targets` show the comment right above
    /// an `ARG` or a stage as its description when it starts with the name
    /// (`# VERSION the release to package`). A comment in that place that is something else
    /// (`# Build stage`) is neither a description nor clearly separate from the instruction.
    ///
    /// The comment block counts as a description when any of its lines starts with the name
    /// (the line `--call=outline` picks). Comments of `dockopt`/`hadolint` suppressions are
    /// skipped over. Looks at the whole file.
    ///
    /// ## Differences from BuildKit
    /// BuildKit reports this only with `# check=experimental=InvalidDefinitionDescription`,
    /// and only looks at the last line of the comment block, so a description followed by
    /// more comment lines is reported by BuildKit but not by dockopt.
    /// As BuildKit's documentation says, an empty line ends a description; BuildKit's parser
    /// itself (as of v0.2x) only resets on an empty `#` line, so `docker build --check` may
    /// still warn where dockopt does not.
    ///
    /// ## Example
    /// ```dockerfile
    /// # Build stage
    /// FROM golang:1.24 AS build
    /// # the version to embed
    /// ARG VERSION=dev
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # build compiles the server
    /// FROM golang:1.24 AS build
    /// # VERSION the version to embed
    /// ARG VERSION=dev
    /// ```
    ///
    /// ## Fix safety
    /// Safe: an empty line is inserted between the comment and the instruction; only what
    /// `--call=outline` shows can change.
    pub InvalidDefinitionDescription {
        code: "DO644",
        name: "invalid-definition-description",
        category: Maintainability,
        severity: Style,
        fix: Always,
        scope: File,
        aliases: ["buildkit:InvalidDefinitionDescription"],
    }
}

fn is_pragma(text: &str) -> bool {
    let t = text.trim_start();
    ["dockopt", "hadolint"].iter().any(|p| {
        t.strip_prefix(p)
            .is_some_and(|r| r.starts_with(char::is_whitespace))
    })
}

impl Rule for InvalidDefinitionDescription {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let items = &ctx.semantic.df.items;
        for (idx, item) in items.iter().enumerate() {
            let Item::Instruction(ins) = item else {
                continue;
            };
            let names: Vec<String> = match ins.kind {
                Kind::Arg => ins
                    .arg_decls()
                    .iter()
                    .map(|d| ins.text_of(d.name).to_string())
                    .collect(),
                Kind::From => match ins.from_args().and_then(|f| f.alias) {
                    Some((_, n)) => vec![ins.text_of(n).to_lowercase()],
                    None => continue,
                },
                _ => continue,
            };
            if names.is_empty() {
                continue;
            }
            // the comment block right above (suppression comments skipped); an empty `#`
            // line ends it
            let mut block = Vec::new();
            let mut j = idx;
            while j > 0 {
                j -= 1;
                let Item::Comment(c) = &items[j] else { break };
                let text = &ctx.src[c.text.range()];
                if is_pragma(text) {
                    continue;
                }
                if text.is_empty() {
                    break;
                }
                block.push(c);
            }
            // the comment closest to the instruction
            let Some(c) = block.first().copied() else {
                continue;
            };
            // a description anywhere in the block is what `--call=outline` shows
            let described = block.iter().any(|c| {
                let first = ctx.src[c.text.range()].split(' ').next().unwrap_or("");
                names.iter().any(|n| n == first)
            });
            if described || !ctx.src[c.line_span.range()].ends_with('\n') {
                continue;
            }
            let (what, example) = if ins.kind == Kind::From {
                ("stage", names[0].as_str())
            } else if names.len() == 1 {
                ("argument", names[0].as_str())
            } else {
                ("arguments", "<name>")
            };
            let fix = Fix::safe(
                "separate the comment with an empty line",
                vec![Edit::insert(c.line_span.end, ctx.semantic.style().newline)],
            );
            ctx.report_fix(
                c.span,
                format!("comment above the {what} does not start with `{example}`"),
                format!(
                    "write `# {example} <description>` to describe it, or leave an empty line \
                     between the comment and `{}`",
                    ins.keyword_text()
                ),
                Some(fix),
            );
        }
    }
}
