//! DO7xx: casing and formatting.
mod expose_proto_casing;
mod from_as_casing;
mod inconsistent_instruction_casing;
mod invalid_label_key;
mod stage_name_casing;

pub use expose_proto_casing::ExposeProtoCasing;
pub use from_as_casing::FromAsCasing;
pub use inconsistent_instruction_casing::InconsistentInstructionCasing;
pub use invalid_label_key::InvalidLabelKey;
pub use stage_name_casing::StageNameCasing;
