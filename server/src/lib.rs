//! sps-plugin-ls: language server and checker for One Identity Safeguard for
//! Privileged Sessions plugins.
//!
//! Where everything is, the layers (`architecture_tests.rs` enforces them),
//! the invariants, who owns the state and the keystroke path:
//! `docs/architecture.md` at the top of the repository.

pub mod analysis;
#[cfg(test)]
mod architecture_tests;
pub mod cli;
pub mod features;
#[cfg(test)]
mod fixture;
pub mod lsp;
pub mod schema;
pub mod settings;
pub mod syntax;
pub mod text;
pub mod workspace;
