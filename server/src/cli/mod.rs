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
  sps-plugin-ls check [OPTIONS] PATH...
      Check plugin folders (or folders of them), MANIFEST and .cfg files,
      and plugin .zip files.
  sps-plugin-ls check --plugins-of FILE...
      Check the plugin folders holding these files (the nearest folder with
      a MANIFEST above each), each once; files in no plugin are skipped.
      The pre-commit hook runs this on the files of a commit.
  sps-plugin-ls --version | --help

Options of check:
  --format FORMAT     human (default), json, sarif, github (workflow
                      commands: annotations in GitHub Actions), gitlab
                      (Code Quality report) or junit (JUnit XML).
  --fix               Apply every safe fix and write the files (never inside
                      a .zip); repeat until nothing changes. Reports what
                      remains.
  --unsafe-fixes      With --fix or --diff, also the unsafe fixes (guesses:
                      look at them before you keep them).
  --diff              Print the fixes as a unified diff instead of writing
                      them; exit 1 when there is one.
  --statistics        Print how many diagnostics of each code instead of
                      the diagnostics (human or json).
  -e, --exit-zero     Exit 0 even when errors are found.
  -q, --quiet         Print only the diagnostics: no summary, no hints.
  --color WHEN        auto (default: on a terminal, unless NO_COLOR is set),
                      always or never.
  --force-exclude     Skip a PATH named here that the configuration's
                      `exclude` matches, too (otherwise only what a folder
                      walk finds is skipped).

  Exit status: 0 no errors (warnings allowed), 1 errors found (with --diff:
  there is a diff), 2 usage or I/O failure or an unreadable configuration.

Options:
  --log-level LEVEL   error, warn, info, debug or trace (default: info;
                      RUST_LOG also works). Logs go to stderr.
";
