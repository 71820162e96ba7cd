use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::common::{append_to_run, commands_of, has_cache_mount, is_sub};
use crate::syntax::Kind;
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs or updates with `yum` and does not run `yum clean all` (or
    /// remove `/var/cache/yum`) in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// yum keeps repository metadata and downloaded RPMs in `/var/cache/yum`, often 100 MB or
    /// more, in the layer. Cleaning in a later `RUN` saves nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: appends `&& yum clean all`; only caches are removed.
    pub YumClean {
        code: "DO205",
        name: "yum-clean",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        scope: EveryStage,
        aliases: ["DL3032"],
    }
}

impl Rule for YumClean {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, ins) in sem.instructions.iter().enumerate() {
            if ins.kind != Kind::Run || has_cache_mount(ins, "/var/cache/yum") {
                continue;
            }
            let Some(c) = commands_of(sem, i).find(|c| {
                is_sub(
                    c,
                    &["yum"],
                    &[
                        "install",
                        "groupinstall",
                        "localinstall",
                        "reinstall",
                        "update",
                        "upgrade",
                    ],
                )
            }) else {
                continue;
            };
            let cleaned = commands_of(sem, i).any(|c| {
                is_sub(&c, &["yum"], &["clean"])
                    || (c.program() == Some("rm")
                        && c.argv()
                            .positional()
                            .any(|w| w.value.starts_with("/var/cache/yum")))
            });
            if cleaned {
                continue;
            }
            let fix = append_to_run(ctx, ins, "yum clean all")
                .map(|e| Fix::safe("add `yum clean all`", vec![e]));
            ctx.report_fix(
                c.span(sem, c.command.span),
                "yum caches are left in the layer",
                "end this RUN with `&& yum clean all`",
                fix,
            );
        }
    }
}
