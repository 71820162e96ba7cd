//! DO1xx: the build fails or behaves differently from what the file suggests.
mod copy_ignored_file;
mod expose_invalid_format;
mod invalid_default_arg_in_from;
mod reserved_stage_name;
mod undefined_arg_in_from;
mod undefined_var;

pub use copy_ignored_file::CopyIgnoredFile;
pub use expose_invalid_format::ExposeInvalidFormat;
pub use invalid_default_arg_in_from::InvalidDefaultArgInFrom;
pub use reserved_stage_name::ReservedStageName;
pub use undefined_arg_in_from::UndefinedArgInFrom;
pub use undefined_var::UndefinedVar;
