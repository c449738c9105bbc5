//! The command line: argument parsing and the `check` command, which uses
//! the syntax, analysis and workspace layers directly (no protocol).

pub mod check;
pub mod diff;
pub mod out;
pub mod report;
pub mod zip;

pub const USAGE: &str = "\
sps-plugin-ls: language server and checker for SPS plugins

Usage:
  sps-plugin-ls [--stdio] [--log-level LEVEL]
      Serve the Language Server Protocol on stdin/stdout (the default).
  sps-plugin-ls check [--format human|json|sarif] PATH...
      Check plugin folders, MANIFEST and .cfg files, and plugin .zip files.
      Exit status: 0 no errors, 1 errors found, 2 usage or I/O failure.
  sps-plugin-ls check --plugins-of FILE...
      Check the plugin folders holding these files (the nearest folder with
      a MANIFEST above each), each once; files in no plugin are skipped.
      The pre-commit hook runs this on the files of a commit.
  sps-plugin-ls --version | --help

Options:
  --log-level LEVEL   error, warn, info, debug or trace (default: info;
                      RUST_LOG also works). Logs go to stderr.
";
