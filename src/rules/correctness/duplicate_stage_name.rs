use crate::rule::{Context, Rule};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM … AS name` whose stage name an earlier stage already uses. Stage names are
    /// compared without regard to case, as BuildKit does.
    ///
    /// ## Why is this bad?
    /// References to the name become ambiguous, and BuildKit resolves them in two different
    /// ways: a `FROM name` takes the latest stage of that name *above* it, while `COPY
    /// --from=name`, `RUN --mount=from=name` and `--target name` take the *last* stage of that
    /// name in the file, even one further down. A `COPY --from` between the two stages then
    /// silently copies from the later one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM node:22 AS build
    /// RUN npm ci && npm run build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS build-go
    /// RUN go build -o /out/app ./cmd/app
    /// FROM node:22 AS build-web
    /// RUN npm ci && npm run build
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL3024) compares names with their case; BuildKit, and dockopt, do not
    /// (`AS Build` and `AS build` clash).
    pub DuplicateStageName {
        code: "DO107",
        name: "duplicate-stage-name",
        category: Correctness,
        severity: Error,
        fix: None,
        scope: File,
        aliases: ["DL3024", "buildkit:DuplicateStageName"],
    }
}

impl Rule for DuplicateStageName {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let stages = &ctx.semantic.stages;
        // first stage of each name (names are case-insensitive)
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        for (i, stage) in stages.iter().enumerate() {
            let (Some(name), Some(tok)) = (stage.name, stage.name_token) else {
                continue;
            };
            let first = *seen.entry(name.to_ascii_lowercase()).or_insert(i);
            if first == i {
                continue;
            }
            let first = &stages[first];
            let first_span = first.name_token.map_or(first.from_ins.span, |t| t.span);
            ctx.report(
                tok.span,
                format!("stage name `{name}` is already used by an earlier stage"),
            )
            .help("give every stage a unique name, and update the references to the one you rename")
            .label(first_span, "first stage with this name");
        }
    }
}
