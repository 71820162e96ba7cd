//! dockopt: a fast Dockerfile linter and fixer.

pub mod shell;
pub mod syntax;
