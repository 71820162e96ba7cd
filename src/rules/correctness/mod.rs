//! DO1xx: builds that fail or behave differently from what the file suggests.
mod pipe_without_pipefail;

pub use pipe_without_pipefail::PipeWithoutPipefail;
