//! DO6xx: deprecated or confusing constructs.
mod add_instead_of_copy;
mod copied_archive_extracted;
mod maintainer_deprecated;

pub use add_instead_of_copy::AddInsteadOfCopy;
pub use copied_archive_extracted::CopiedArchiveExtracted;
pub use maintainer_deprecated::MaintainerDeprecated;
