//! dockopt: a fast Dockerfile linter and fixer.

pub mod syntax;
