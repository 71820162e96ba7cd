use crate::rule::{Context, Rule};
use crate::semantic::{BaseKind, ImageRef, Semantic};
use crate::syntax::Kind;
use crate::{data, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<stage or image> / /`: copying a whole filesystem over the root of
    /// a stage that has one of its own.
    ///
    /// ## Why is this bad?
    /// Every file of the source image lands on top of the current one: its `/etc/passwd`, its
    /// C library, its package database. The result is a mix of two distributions that neither
    /// was tested as, and the layer holds a full copy of the source image.
    ///
    /// Not flagged: a source stage built from `scratch` (an artifact stage holding only build
    /// outputs), an image known to be built from scratch for this use (`tonistiigi/xx`), and a
    /// copy into a stage built from `scratch` (flattening an image on purpose). Looks at every
    /// stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc
    /// FROM alpine:3.22
    /// COPY --from=build / /
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc
    /// RUN mkdir -p /out && cp /usr/bin/gcc /out/
    /// FROM alpine:3.22
    /// COPY --from=build /out/ /usr/local/bin/
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint flags every `COPY --from=x / /`, also from artifact stages built from scratch,
    /// from `tonistiigi/xx` (whose documented use is exactly that) and into scratch stages.
    pub CopyEntireFilesystem {
        code: "DO125",
        name: "copy-entire-filesystem",
        category: Correctness,
        severity: Warning,
        fix: None,
        scope: EveryStage,
        aliases: ["DL3067"],
    }
}

fn is_root(path: &str) -> bool {
    matches!(path.trim_matches(['"', '\'']), "/" | "/." | "/./")
}

/// The image a stage chain starts from.
fn root_of<'s>(sem: &'s Semantic<'_>, mut stage: usize) -> &'s BaseKind {
    loop {
        match &sem.stages[stage].base.kind {
            BaseKind::Stage(b) => stage = *b,
            k => return k,
        }
    }
}

fn files_only(kind: &BaseKind) -> bool {
    match kind {
        BaseKind::Scratch => true,
        BaseKind::Image(img) => data::scratch_images().is_match(img.full_name()),
        _ => false,
    }
}

impl Rule for CopyEntireFilesystem {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let sem = ctx.semantic;
        for (i, ins) in sem.instructions.iter().copied().enumerate() {
            if ins.kind != Kind::Copy {
                continue;
            }
            let Some(stage) = sem.stage_of[i] else {
                continue;
            };
            let Some(from) = ins.flag("from").and_then(|f| f.value()) else {
                continue;
            };
            let (sources, Some(dest)) = ins.sources_and_dest() else {
                continue;
            };
            if !is_root(ins.word_text(dest)) || !sources.iter().any(|s| is_root(ins.word_text(s))) {
                continue;
            }
            let source_files_only = match sem.resolve_stage(from, stage) {
                Some(s) => files_only(root_of(sem, s)),
                None => ImageRef::parse(from)
                    .is_some_and(|img| data::scratch_images().is_match(img.full_name())),
            };
            if source_files_only || matches!(root_of(sem, stage), BaseKind::Scratch) {
                continue;
            }
            ctx.report(
                ins.span,
                format!("copies the whole filesystem of `{from}` over this stage's root"),
            )
            .help("copy only the files the image needs (`COPY --from=x /out/app /usr/local/bin/`)");
        }
    }
}
