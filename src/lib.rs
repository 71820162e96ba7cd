//! dockopt: a fast Dockerfile linter and fixer.
//!
//! The pipeline: [`syntax::parse`] (lossless AST with byte spans) → [`semantic::Semantic`]
//! (stages, scopes, shell commands) → [`rules`] → [`diagnostic::Diagnostic`]s with fixes as
//! text edits → reporters. The core is a pure function of text and settings; files, flags and
//! threads stay at the edges (`main.rs`, `cli`).

pub mod cli;
pub mod commands;
pub mod config;
pub mod data;
pub mod diagnostic;
pub mod discover;
pub mod dockerignore;
pub mod docs;
pub mod fix;
pub mod linter;
pub mod output;
pub mod rule;
pub mod rules;
pub mod semantic;
pub mod settings;
pub mod shell;
pub mod style;
pub mod suppression;
pub mod syntax;
