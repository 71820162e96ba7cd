use crate::diagnostic::Fix;
use crate::rule::{Context, Rule};
use crate::rules::multistage::{detect, rewrite};
use crate::{declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a final stage that builds an artifact on an SDK image and ships the toolchain
    /// with it: `go build` on `golang`, `cargo build` on `rust`, `npm run build` on `node` (or
    /// any dependency install on the full `node` image, which carries compilers), `pip install`
    /// on the full `python` image, `mvn package`/`gradle build` on `maven`, `gradle`,
    /// `eclipse-temurin` or `openjdk` JDK images, `dotnet publish` on
    /// `mcr.microsoft.com/dotnet/sdk`. The fix rewrites the stage as a builder stage and a slim
    /// runtime stage.
    ///
    /// ## Why is this bad?
    /// The image carries the compiler, the package caches, the sources and the build-only
    /// dependencies it no longer needs: a Go service of 10 MB ships in 800 MB, a Node app with
    /// its devDependencies and the full Debian toolchain in a gigabyte. Every extra package is
    /// also attack surface and CVE noise. A builder stage keeps all of that out of the image
    /// that runs.
    ///
    /// Only the final stage is looked at, and only when it is built directly on an SDK image
    /// (a stage of its own as base is left alone). Not flagged: images meant to carry the
    /// toolchain, namely a final stage without `CMD` or `ENTRYPOINT` (a base or CI image),
    /// one with `ONBUILD`, a command that needs the toolchain or only opens a shell (`go run`,
    /// `npm run dev`, `dotnet watch`, `mvn spring-boot:run`, `bash`), a dev container
    /// (`.devcontainer/`) or a file or stage named for development or tests (`Dockerfile.dev`,
    /// `AS test`), and Windows images. `-slim` and `-alpine` Python images are not SDK images
    /// (compilers installed on a slim image are another rule's concern).
    ///
    /// Which images are SDK images, the runtime image for each (`golang` → distroless static,
    /// `rust:*-bookworm` → distroless `cc-debian12`, `node:22` → `node:22-slim`,
    /// `python:3.13` → `python:3.13-slim`, `maven:*-eclipse-temurin-21` →
    /// `eclipse-temurin:21-jre`, `dotnet/sdk:8.0` → `dotnet/aspnet:8.0`) and where each
    /// ecosystem's build writes its output are data (`rules/multistage.toml`). Add your own
    /// in `dockopt.toml` under `[[multistage.runtime]]` and `[multistage.outputs]`. The guides
    /// in `docs/multistage/` show the rewrite for each ecosystem.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.24
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /out/server ./cmd/server
    /// EXPOSE 8080
    /// CMD ["/out/server"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.24 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/server ./cmd/server
    ///
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// WORKDIR /src
    /// COPY --from=build /out/server /out/server
    /// USER 65532:65532
    /// EXPOSE 8080
    /// CMD ["/out/server"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the stage, from its `FROM` to the end of the file, with two stages.
    /// The builder is the original stage named `build`, without the instructions that only
    /// configure the image (`CMD`, `ENTRYPOINT`, `EXPOSE`, `HEALTHCHECK`, `LABEL`, `VOLUME`,
    /// `STOPSIGNAL`, and `ENV`/`USER`/`WORKDIR` after the last build step), with cache mounts
    /// for the package manager on the `RUN`s that run as root, and with the manifests-first
    /// order of `copy-before-install` when that fix is certain. Per ecosystem it also sets
    /// `CGO_ENABLED=0` on `go build` (unless the file asks for cgo), prunes development
    /// dependencies after the last Node.js step (`npm prune --omit=dev`), and creates a
    /// virtualenv before the first Python install. The runtime stage keeps the original's
    /// `ARG`s, `ENV`s, `WORKDIR`, metadata, `HEALTHCHECK`, `ENTRYPOINT` and `CMD`, copies
    /// what the image runs to the same paths (so the command still finds it), re-installs the
    /// OS packages that are not build tools, copies files the build placed outside the project
    /// (configuration, scripts), and runs as a non-root user (the original's, or the runtime
    /// image's: `65532` on distroless, `1000` on `node`, `$APP_UID` on .NET 8+, `65534`
    /// elsewhere).
    ///
    /// Unsafe when every one of those steps is certain: the command the image runs resolves
    /// to what the build wrote, no `-dev` package hints at native libraries, and the runtime
    /// image is known to match the builder's C library. Even then the image changes: it runs
    /// as non-root, lacks the sources (a program that reads files next to its sources at run
    /// time needs them copied), and a Go module that needs cgo stops working. Otherwise the fix
    /// is display-only: the runtime stage begins with a comment listing what it assumes (the
    /// artifact path, native libraries, the builder image's Debian release, packages from
    /// added repositories), and the finding's help says the same. Python rewrites are always
    /// display-only: the full image's headers let `pip` compile packages whose run-time
    /// libraries the slim image lacks, and the file cannot tell which.
    pub SingleStageBuild {
        code: "DO230",
        name: "single-stage-build",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        scope: FinalStage,
        aliases: [],
    }
}

impl Rule for SingleStageBuild {
    rule_meta!();

    fn check(&self, ctx: &mut Context<'_>) {
        let Some(det) = detect(ctx) else {
            return;
        };
        let sem = ctx.semantic;
        let stage = &sem.stages[det.stage];
        let rw = rewrite(ctx, &det);
        let title = &det.eco.title;
        let message = format!(
            "the final image is built on `{}` and ships the {title} toolchain with what `{}` builds",
            stage.base.expanded, det.evidence_text
        );
        let help = match &rw {
            Some(rw) => {
                let mut h = format!(
                    "build in a `build` stage and copy {} into a `{}` runtime stage",
                    rw.what, rw.runtime
                );
                if !rw.assumptions.is_empty() {
                    h.push_str("; the rewrite assumes that ");
                    h.push_str(&rw.assumptions.join("; that "));
                }
                h
            }
            None => "build in a builder stage and copy only what the image runs into a slim runtime stage".to_string(),
        };
        let fix = rw.map(|rw| {
            Fix::new(
                rw.applicability(),
                format!(
                    "split into a build stage and a `{}` runtime stage",
                    rw.runtime
                ),
                vec![crate::diagnostic::Edit::replace(rw.span, rw.text)],
            )
        });
        let d = ctx.report(stage.from_ins.span, message);
        d.help(help);
        for span in det.evidence.iter().take(3) {
            d.label(*span, "builds here");
        }
        d.set_fix(fix);
    }
}
