//! The command line: argument parsing and the `check` command, which uses
//! the syntax, analysis and workspace layers directly (no protocol).

pub mod args;
pub mod check;
pub mod diff;
pub mod logging;
pub mod out;
pub mod report;
pub mod rule;
pub mod settings_view;
pub mod watch;
mod write;
pub mod zip;
