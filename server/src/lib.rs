//! sps-plugin-ls: language server and checker for One Identity Safeguard for
//! Privileged Sessions plugins.
//!
//! Layers, each knowing only the ones below it:
//! 1. [`syntax`]: text to trees with byte ranges; never fails.
//! 2. [`analysis`]: trees plus a workspace view (and the [`settings`] of the
//!    configuration file) to diagnostics.
//! 3. [`features`]: completion, hover, code actions and symbols on byte offsets.
//! 4. [`lsp`]: the protocol; the only module that knows positions and LSP types.
//!
//! [`cli`] drives layers 1 to 3 directly for the `check` command.

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
