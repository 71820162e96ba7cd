//! DO3xx: builds that redo work: cache busting, layer order, build context.
mod copy_before_install;
mod missing_cache_mount;
pub(crate) mod unfiltered_build_context;
mod volatile_arg_too_early;

pub use copy_before_install::CopyBeforeInstall;
pub use missing_cache_mount::MissingCacheMount;
pub use unfiltered_build_context::UnfilteredBuildContext;
pub use volatile_arg_too_early::VolatileArgTooEarly;
