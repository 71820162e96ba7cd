//! The multi-stage rewrite behind DO230 (`single-stage-build`): recognise a final stage that
mod entry;
mod rewrite;

pub use entry::EntryCommand;
pub use rewrite::{Rewrite, rewrite};

use crate::data::{self, BuildEcosystem, Captures, RuntimeImage};
use crate::rule::Context;
use crate::rules::common::commands_in;
use crate::semantic::{BaseKind, ImageRef, Semantic};
use crate::syntax::{Kind, Span};
/// A final stage that builds on an SDK image.
pub struct Detection<'c> {
    /// Index of the stage (the final one).
    pub stage: usize,
    pub eco: &'c BuildEcosystem,
    /// The builder image as matched (`name:tag`).
    pub builder: String,
    pub image: ImageRef,
    /// Runtime images whose `builder` pattern matches, in the order they are tried.
    pub candidates: Vec<(&'c RuntimeImage, Captures)>,
    /// The builder image carries C compilers.
    pub full: bool,
    /// Source spans of the commands that build (for labels).
    pub evidence: Vec<Span>,
    /// The first build command, shortened (for the message).
    pub evidence_text: String,
}
/// `name:tag` of an image as the patterns see it (`latest` when untagged).
pub fn name_tag(image: &ImageRef) -> String {
    format!(
        "{}:{}",
        image.full_name().to_ascii_lowercase(),
        image.tag.as_deref().unwrap_or("latest")
    )
}
/// `name:tag` of an image written as text.
pub fn name_tag_str(image: &str) -> Option<String> {
    ImageRef::parse(image).map(|r| name_tag(&r))
}
/// Every runtime mapping, the project's first.
fn runtimes<'c>(ctx: &Context<'c>) -> impl Iterator<Item = &'c RuntimeImage> {
    let settings: &'c crate::settings::Settings = ctx.settings;
    settings
        .multistage
        .runtimes
        .iter()
        .chain(data::multistage().runtimes.iter())
}
/// The ecosystem data by name.
pub fn ecosystem(name: &str) -> Option<&'static BuildEcosystem> {
    data::multistage()
        .ecosystems
        .iter()
        .find(|e| e.name == name)
}
/// Does an argv start with `prefix`: the same program (by basename), then the prefix's other
/// words in a row among the arguments that are not flags (`mvn -B clean package` runs
/// `mvn package`)?
pub fn argv_has(words: &[&str], prefix: &[String]) -> bool {
    let Some((p0, rest)) = prefix.split_first() else {
        return false;
    };
    let Some(w0) = words.first() else {
        return false;
    };
    if crate::shell::basename(w0) != crate::shell::basename(p0) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let args: Vec<&str> = words[1..]
        .iter()
        .copied()
        .filter(|w| !w.starts_with('-') || rest.iter().any(|r| r == w))
        .collect();
    args.windows(rest.len())
        .any(|win| win.iter().zip(rest).all(|(a, b)| *a == b))
}
/// Find a final stage that builds on an SDK image (None when the file is no such build, or is
/// a development or base image).
pub fn detect<'c>(ctx: &Context<'c>) -> Option<Detection<'c>> {
    let sem: &'c Semantic<'c> = ctx.semantic;
    if sem.is_windows() {
        return None;
    }
    let stage = sem.final_stage()?;
    let BaseKind::Image(image) = &stage.base.kind else {
        return None;
    };
    let builder = name_tag(image);
    // the first mapping whose pattern matches decides the ecosystem (or that it is no SDK image)
    let first = runtimes(ctx).find(|r| r.pattern.captures(&builder).is_some())?;
    first.spec.image.as_ref()?;
    let eco_name = first.spec.ecosystem.as_str();
    let eco = ecosystem(eco_name)?;
    let candidates: Vec<(&RuntimeImage, Captures)> = runtimes(ctx)
        .filter(|r| r.spec.ecosystem == eco_name && r.spec.image.is_some())
        .filter_map(|r| r.pattern.captures(&builder).map(|c| (r, c)))
        .collect();
    let full = first.spec.full;
    let body = sem.body(stage);
    if body
        .clone()
        .any(|i| sem.instructions[i].kind == Kind::Onbuild)
    {
        // a base image for other builds
        return None;
    }
    let entry = EntryCommand::of(sem, stage.index);
    if entry.is_empty() || entry.is_dev(eco) || dev_image(ctx, stage.name) {
        return None;
    }
    let mut evidence = Vec::new();
    let mut evidence_text = String::new();
    let mut named_build = false;
    for c in commands_in(sem, body) {
        let words: Vec<&str> = c.argv().words.iter().map(|w| w.as_str()).collect();
        let build = eco.builds.iter().find(|p| argv_has(&words, p));
        let install = full
            .then(|| eco.installs.iter().find(|p| argv_has(&words, p)))
            .flatten();
        if let Some(p) = build.or(install) {
            // name a build in the message rather than an install
            if evidence_text.is_empty() || (build.is_some() && !named_build) {
                evidence_text = p.join(" ");
                named_build = build.is_some();
            }
            evidence.push(c.span(sem, c.command.span));
        }
    }
    if evidence.is_empty() {
        return None;
    }
    Some(Detection {
        stage: stage.index,
        eco,
        builder,
        image: image.clone(),
        candidates,
        full,
        evidence,
        evidence_text,
    })
}
/// A development, test or CI image by its file name (`Dockerfile.dev`, `.devcontainer/…`,
/// `test.Dockerfile`) or its final stage's name (`AS dev`).
fn dev_image(ctx: &Context<'_>, stage_name: Option<&str>) -> bool {
    const DEV: &[&str] = &[
        "dev",
        "devel",
        "develop",
        "development",
        "devcontainer",
        "test",
        "tests",
        "testing",
        "ci",
        "debug",
        "local",
    ];
    let words = |s: &str| -> bool {
        s.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| DEV.contains(&w))
    };
    if stage_name.is_some_and(words) {
        return true;
    }
    let Some(path) = ctx.path else {
        return false;
    };
    if path
        .components()
        .any(|c| c.as_os_str().to_string_lossy().contains(".devcontainer"))
    {
        return true;
    }
    path.file_name()
        .is_some_and(|n| words(&n.to_string_lossy().replace("Dockerfile", " ")))
}
#[cfg(test)]
mod tests {
    use super::*;
    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }
    #[test]
    fn argv_prefixes() {
        assert!(argv_has(
            &["mvn", "-B", "clean", "package"],
            &s(&["mvn", "package"])
        ));
        assert!(argv_has(
            &["/usr/bin/go", "build", "-o", "x"],
            &s(&["go", "build"])
        ));
        assert!(argv_has(
            &["python", "-m", "pip", "install", "x"],
            &s(&["python", "-m", "pip", "install"])
        ));
        assert!(!argv_has(
            &["npm", "install", "build"],
            &s(&["npm", "run", "build"])
        ));
        assert!(argv_has(&["./mvnw", "package"], &s(&["./mvnw", "package"])));
        assert!(!argv_has(&["go", "test"], &s(&["go", "build"])));
    }
}
