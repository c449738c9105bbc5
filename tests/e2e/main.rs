//! End-to-end tests: each drives the real `sps-plugin-ls` binary over stdio
//! (or runs `check`), as an editor or CI would.

mod harness;

mod abuse;
mod cli;
mod cli_args;
mod cli_formats;
mod code;
mod config;
mod config_differential;
mod doc;
mod edits;
mod fix_safety;
mod format;
mod hardening;
mod instances;
mod layout;
mod lifecycle;
mod manifest;
mod manifest_differential;
mod reliability;
mod rename;
mod sdk_differential;
mod sdk_help;
mod workspace;
