//! The pin fix shared by untagged and `latest` base images.

use crate::data;
use crate::diagnostic::{Edit, Fix};
use crate::rule::Context;
use crate::semantic::{ImageRef, Stage};

/// A fix that pins a stage's base image: safe with a `[pins]` entry from dockopt.toml,
/// display-only with dockopt's suggested tag, None when neither knows the image or the image
/// word uses variables.
pub fn pin_fix(ctx: &Context<'_>, stage: &Stage<'_>, image: &ImageRef) -> Option<Fix> {
    if stage.base.has_vars {
        return None;
    }
    let full = image.full_name();
    let (pin, safe) = match ctx
        .settings
        .pins
        .get(&full)
        .or_else(|| ctx.settings.pins.get(image.name()))
    {
        Some(p) => (p.clone(), true),
        None => (
            data::base_images().suggested_tags.get(&full)?.clone(),
            false,
        ),
    };
    let token = stage.base.token;
    let raw = &stage.base.raw;
    let without_tag = match &image.tag {
        Some(t) => raw.strip_suffix(&format!(":{t}")).unwrap_or(raw),
        None => raw.as_str(),
    };
    let pinned = if pin.starts_with("sha256:") {
        format!("{without_tag}@{pin}")
    } else {
        format!("{without_tag}:{}", pin.trim_start_matches(':'))
    };
    let edit = Edit::replace(token.span, pinned.clone());
    Some(if safe {
        Fix::safe(format!("pin to {pinned} (from [pins])"), vec![edit])
    } else {
        Fix::display_only(format!("pin to a release, e.g. {pinned}"), vec![edit])
    })
}
