use crate::rule::{Context, Rule};
use crate::rules::common::{commands_of, is_run};
use crate::syntax::{Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that uses `wget` or `curl` in a stage whose `RUN`s (this one included)
    /// use both. Each stage is looked at on its own, and so are its `ONBUILD RUN`s.
    ///
    /// ## Why is this bad?
    /// The two tools do the same job. Using both means both must be in the image (or
    /// installed for the build), each with its own options, proxy and TLS settings to get
    /// right. Pick one and use it throughout.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSLO https://example.com/a.tar.gz
    /// RUN wget -q https://example.com/b.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSLO https://example.com/a.tar.gz
    /// RUN curl -fsSLO https://example.com/b.tar.gz
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL4001) sees only the first word of a command, so it misses `sudo curl …`;
    /// dockopt looks through such wrappers.
    pub WgetAndCurl {
        code: "DO673",
        name: "wget-and-curl",
        category: Maintainability,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL4001", "trivy:DS014"],
    }
}

impl Rule for WgetAndCurl {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for stage in &sem.stages {
            // [curl, wget] first use, for RUNs and for ONBUILD RUNs
            let mut seen: [[Option<Span>; 2]; 2] = [[None; 2]; 2];
            for i in sem.body(stage) {
                let ins = sem.instructions[i];
                if !is_run(ins) {
                    continue;
                }
                let state = &mut seen[usize::from(ins.kind == Kind::Onbuild)];
                let mut here: [Option<Span>; 2] = [None; 2];
                for c in commands_of(sem, i) {
                    if c.command.nested_in.is_some() {
                        continue;
                    }
                    let k = match c.program() {
                        Some("curl") => 0,
                        Some("wget") => 1,
                        _ => continue,
                    };
                    here[k].get_or_insert(c.span(sem, c.command.span));
                }
                if here == [None, None] {
                    continue;
                }
                for k in 0..2 {
                    if state[k].is_none() {
                        state[k] = here[k];
                    }
                }
                let [Some(curl), Some(wget)] = *state else {
                    continue;
                };
                // point at this RUN's tool, and label the other one (here, or where it was first)
                let (span, other, name) = match here {
                    [Some(c), Some(w)] => (c, w, "wget"),
                    [Some(c), None] => (c, wget, "wget"),
                    [None, Some(w)] => (w, curl, "curl"),
                    [None, None] => continue,
                };
                ctx.report(span, "this stage uses both `curl` and `wget`")
                    .help("pick one download tool for the whole stage")
                    .label(other, format!("`{name}` is used here"));
            }
        }
    }
}
