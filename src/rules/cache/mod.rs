//! DO3xx: builds that redo work: cache busting, layer order, build context.
mod unfiltered_build_context;

pub use unfiltered_build_context::UnfilteredBuildContext;
