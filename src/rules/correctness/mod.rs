//! DO1xx: builds that fail, or images that behave differently from what the file suggests.
mod copy_from_own_stage;
mod copy_from_unknown_stage;
mod copy_multiple_sources_to_file;
mod duplicate_cmd;
mod duplicate_entrypoint;
mod duplicate_healthcheck;
mod duplicate_stage_name;
mod invalid_expose_port;
mod pinned_from_platform;
mod relative_workdir;
mod shell_form_cmd;
mod used_once;

pub use copy_from_own_stage::{CopyFromOwnStage, from_references, referenced_stage};
pub use copy_from_unknown_stage::CopyFromUnknownStage;
pub use copy_multiple_sources_to_file::CopyMultipleSourcesToFile;
pub use duplicate_cmd::DuplicateCmd;
pub use duplicate_entrypoint::DuplicateEntrypoint;
pub use duplicate_healthcheck::DuplicateHealthcheck;
pub use duplicate_stage_name::DuplicateStageName;
pub use invalid_expose_port::InvalidExposePort;
pub use pinned_from_platform::PinnedFromPlatform;
pub use relative_workdir::RelativeWorkdir;
pub use shell_form_cmd::ShellFormCmd;
