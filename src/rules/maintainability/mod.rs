//! DO6xx: deprecated or confusing constructs.
mod add_instead_of_copy;
mod constant_platform_flag;
mod copied_archive_extracted;
mod invalid_definition_description;
mod legacy_key_value_format;
mod maintainer_deprecated;
mod no_empty_continuation;
mod redundant_target_platform;

pub use add_instead_of_copy::AddInsteadOfCopy;
pub use constant_platform_flag::ConstantPlatformFlag;
pub use copied_archive_extracted::CopiedArchiveExtracted;
pub use invalid_definition_description::InvalidDefinitionDescription;
pub use legacy_key_value_format::LegacyKeyValueFormat;
pub use maintainer_deprecated::MaintainerDeprecated;
pub use no_empty_continuation::NoEmptyContinuation;
pub use redundant_target_platform::RedundantTargetPlatform;
