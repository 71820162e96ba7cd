//! Lossless Dockerfile syntax: a parser that reads every Dockerfile BuildKit reads, keeps every
//! byte, and never gives up on a file.

pub mod ast;
pub mod directives;
pub mod dump;
pub mod mount;
pub mod parser;
pub mod span;
pub mod vars;
pub mod words;

pub use ast::*;
pub use parser::parse;
pub use span::{LineCol, LineIndex, Span};
