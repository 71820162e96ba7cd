//! DO1xx: builds that fail or behave differently from what the file suggests.
mod pipe_without_pipefail;
mod system_command_in_run;

pub use pipe_without_pipefail::PipeWithoutPipefail;
pub use system_command_in_run::SystemCommandInRun;
