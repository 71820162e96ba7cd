//! DO6xx: deprecated or confusing constructs.
mod constant_platform_flag;
mod invalid_definition_description;
mod legacy_key_value_format;
mod no_empty_continuation;
mod redundant_target_platform;

pub use constant_platform_flag::ConstantPlatformFlag;
pub use invalid_definition_description::InvalidDefinitionDescription;
pub use legacy_key_value_format::LegacyKeyValueFormat;
pub use no_empty_continuation::NoEmptyContinuation;
pub use redundant_target_platform::RedundantTargetPlatform;
