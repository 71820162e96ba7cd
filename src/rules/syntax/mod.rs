//! DO0xx: what BuildKit rejects.
mod invalid_instruction;
mod syntax_error;

pub use invalid_instruction::InvalidInstruction;
pub use syntax_error::SyntaxError;
