//! DO3xx: builds that redo work: cache busting, layer order, build context.
mod copy_before_install;
pub(crate) mod unfiltered_build_context;

pub use copy_before_install::CopyBeforeInstall;
pub use unfiltered_build_context::UnfilteredBuildContext;
