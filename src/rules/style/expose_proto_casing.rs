use crate::diagnostic::{Edit, Fix};
use crate::rule::{Context, Rule};
use crate::syntax::{Args, Kind, Span};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a protocol in `EXPOSE` that is not lower case (`EXPOSE 53/UDP`, `80/Tcp`).
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases the protocol when it writes the image config, so `80/TCP` is the
    /// same as `80/tcp`; the upper-case spelling only differs from every other Dockerfile and
    /// from what `docker inspect` shows.
    ///
    /// Looks at every stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// EXPOSE 80/TCP 53/UDP
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// EXPOSE 80/tcp 53/udp
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the image config is the same.
    pub ExposeProtoCasing {
        code: "DO704",
        name: "expose-proto-casing",
        category: Style,
        severity: Style,
        fix: Always,
        scope: EveryStage,
        aliases: ["buildkit:ExposeProtoCasing"],
    }
}

impl Rule for ExposeProtoCasing {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        for ins in &ctx.semantic.instructions {
            let ins = match ins.trigger() {
                Some(t) => t,
                None => *ins,
            };
            if ins.kind != Kind::Expose {
                continue;
            }
            let Args::Words(words) = &ins.args else {
                continue;
            };
            for w in words {
                let text = ins.text_of(*w);
                if text.contains(['$', '"', '\'', ctx.semantic.escape()]) {
                    continue;
                }
                let Some(slash) = text.rfind('/') else {
                    continue;
                };
                let proto = &text[slash + 1..];
                let lower = proto.to_ascii_lowercase();
                if proto == lower || !matches!(lower.as_str(), "tcp" | "udp" | "sctp") {
                    continue;
                }
                let start = w.logical.start as usize + slash + 1;
                let span = ins.source_span(Span::new(start, start + proto.len()));
                let fix = Fix::safe(
                    format!("write `{lower}`"),
                    vec![Edit::replace(span, &lower)],
                );
                ctx.report_fix(
                    span,
                    format!("protocol `{proto}` of `{text}` is not lower case"),
                    format!("write `{lower}`"),
                    Some(fix),
                );
            }
        }
    }
}
