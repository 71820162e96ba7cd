//! DO1xx: builds that fail, or behave differently from what the file suggests.
mod copy_entire_filesystem;
mod copy_relative_without_workdir;
mod env_reference_in_same_env;
mod instruction_before_from;
mod onbuild_invalid_trigger;
mod reserved_stage_name;

pub use copy_entire_filesystem::CopyEntireFilesystem;
pub use copy_relative_without_workdir::CopyRelativeWithoutWorkdir;
pub use env_reference_in_same_env::EnvReferenceInSameEnv;
pub use instruction_before_from::InstructionBeforeFrom;
pub use onbuild_invalid_trigger::OnbuildInvalidTrigger;
pub use reserved_stage_name::ReservedStageName;
