//! The command line, as clap reads it (`sps-plugin-ls --help`). Arguments
//! are read as `OsString`s (`std::env::args_os`): a path that is not UTF-8
//! is a path like any other. `--` ends the options, so a plugin folder
//! named `-legacy` is `check -- -legacy`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "sps-plugin-ls",
    version,
    about = "Language server and checker for One Identity Safeguard for Privileged Sessions (SPS) plugins",
    after_help = "Run without a command on a pipe (as editors start it), it serves the Language Server Protocol.\n\
                  Documentation: https://github.com/sps-plugin-ls/sps-plugin-ls/blob/main/docs/command-line.md",
    disable_help_subcommand = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Serve the Language Server Protocol on stdin/stdout (what editors
    /// pass; the same as `server`).
    #[arg(long)]
    pub stdio: bool,

    /// Log level: error, warn, info, debug or trace (default: info; RUST_LOG
    /// also works). Logs go to stderr.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plugin folders (or folders of them), MANIFEST and .cfg files,
    /// and plugin .zip files.
    Check(CheckArgs),
    /// Serve the Language Server Protocol on stdin/stdout.
    Server {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Print the documentation of a diagnostic code (or of every code of a
    /// family), offline.
    Rule(RuleArgs),
    /// Print a plugin's configuration reference: its sections and options,
    /// from its code, the SDK and default.cfg.
    Doc(DocArgs),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true))]
pub struct RuleArgs {
    /// A code (`manifest/missing-key`) or a family (`manifest`).
    #[arg(value_name = "CODE", group = "what")]
    pub code: Option<String>,
    /// Every code.
    #[arg(long, group = "what")]
    pub all: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Exit status: 0 the reference was printed, 2 usage or I/O failure (PLUGIN is no plugin).")]
pub struct DocArgs {
    /// A plugin folder (holding its MANIFEST), its MANIFEST, or its .zip.
    #[arg(value_name = "PLUGIN")]
    pub plugin: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DocFormat::Markdown, value_name = "FORMAT")]
    pub format: DocFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    /// Tables, for people.
    Markdown,
    /// For tools; described by schemas/plugin-doc.schema.json.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
#[command(after_help = "\
`--` ends the options: `check -- -legacy` checks a folder named -legacy.
SPS_PLUGIN_LS_THREADS=N: how many plugins are checked at once (default: one per core).

Exit status: 0 no errors (warnings allowed), 1 errors found (with --diff: there is a diff),
2 usage or I/O failure or an unreadable configuration.")]
pub struct CheckArgs {
    /// Plugin folders (or folders holding plugin folders), MANIFEST and .cfg
    /// files, plugin .zip files. Default: the current folder. With
    /// --plugins-of, files of plugins.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The PATHs are files: check the plugin folders holding them (the
    /// nearest folder with a MANIFEST above each), each once; files in no
    /// plugin are skipped. The pre-commit hook runs this.
    #[arg(long)]
    pub plugins_of: bool,

    /// Output format.
    #[arg(long = "format", visible_alias = "output-format", value_enum, default_value_t = Format::Human, value_name = "FORMAT")]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Apply every safe fix and write the files (never inside a .zip);
    /// repeat until nothing changes. Reports what remains.
    #[arg(long)]
    pub fix: bool,

    /// With --fix or --diff, also the unsafe fixes (guesses: look at them
    /// before you keep them).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff instead of writing them; exit 1
    /// when there is one.
    #[arg(long)]
    pub diff: bool,

    /// Add a suppression comment (`sps-plugin-ls: ignore[code]`) for each
    /// diagnostic found, and write the files (ruff's --add-noqa).
    #[arg(long, visible_alias = "add-noqa", conflicts_with_all = ["fix", "diff", "watch", "statistics"])]
    pub add_suppressions: bool,

    /// Print how many diagnostics of each code instead of the diagnostics
    /// (human or json).
    #[arg(long)]
    pub statistics: bool,

    /// Check again whenever a file under the PATHs changes (stop with
    /// Ctrl-C).
    #[arg(short = 'w', long, conflicts_with_all = ["diff", "show_settings"])]
    pub watch: bool,

    /// Print the settings in effect for PATH (a file or folder), and exit.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["fix", "diff", "watch", "add_suppressions", "plugins_of"])]
    pub show_settings: Option<PathBuf>,

    /// Codes or families to report, instead of the configuration's
    /// `select` (comma-separated; repeatable).
    #[arg(long, value_delimiter = ',', value_name = "CODES", value_parser = selector)]
    pub select: Option<Vec<String>>,

    /// Codes or families to report besides those selected.
    #[arg(long, value_delimiter = ',', value_name = "CODES", value_parser = selector)]
    pub extend_select: Vec<String>,

    /// Codes or families not to report (added to the configuration's
    /// `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "CODES", value_parser = selector)]
    pub ignore: Vec<String>,

    /// A configuration file to use instead of the ones found (its globs
    /// are relative to the current folder), or a `KEY = VALUE` of one
    /// (TOML), which overrides the files' (repeatable).
    #[arg(long, value_name = "FILE|KEY=VALUE")]
    pub config: Vec<OsString>,

    /// Exit 0 even when errors are found.
    #[arg(short = 'e', long)]
    pub exit_zero: bool,

    /// Print only the diagnostics: no summary, no hints.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Colours.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    /// Skip a PATH named here that the configuration's `exclude` matches,
    /// too (otherwise only what a folder walk finds is skipped).
    #[arg(long)]
    pub force_exclude: bool,

    /// Check FILE as an instance configuration (what an administrator
    /// writes in SPS) of the plugin PATH, a plugin folder or its .zip.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff", "watch", "add_suppressions", "plugins_of", "show_settings"])]
    pub instance: Option<PathBuf>,
}

/// A code or family of the registry, as `--select` and the rest take them.
fn selector(s: &str) -> Result<String, String> {
    let s = s.trim();
    if crate::analysis::codes::is_known(s) {
        Ok(s.to_string())
    } else {
        let hint = crate::analysis::did_you_mean(s, crate::analysis::codes::selectors())
            .map(|k| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        Err(format!(
            "not a code or family; {hint}`sps-plugin-ls rule --all` lists them"
        ))
    }
}

/// What the command line asks for, or the exit status to leave with at
/// once (help, version, a usage error: already printed).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Cli, u8> {
    let args: Vec<OsString> = args.into_iter().collect();
    match Cli::try_parse_from(&args) {
        Ok(cli) => Ok(cli),
        Err(e) => {
            // The command the help is for: the subcommand named, if any.
            let sub = args
                .iter()
                .skip(1)
                .take_while(|a| *a != "--")
                .filter_map(|a| a.to_str())
                .find(|a| ["check", "rule", "server", "doc"].contains(a));
            let command = match sub {
                Some(sub) => format!("sps-plugin-ls {sub}"),
                None => "sps-plugin-ls".to_string(),
            };
            Err(clap_error(&e, &command))
        }
    }
}

/// Prints what clap says: help and version on stdout (exit 0); a usage
/// error in two lines on stderr, what is wrong and where the help is
/// (exit 2), not the whole help.
fn clap_error(e: &clap::Error, command: &str) -> u8 {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let rendered = e.render().to_string();
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            super::out::print(&rendered);
            return 0;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            super::out::eprint(&rendered);
            return 2;
        }
        _ => {}
    }
    let mut what = rendered
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    if matches!(e.kind(), ErrorKind::MissingRequiredArgument) {
        if let Some(ContextValue::Strings(missing)) = e.get(ContextKind::InvalidArg) {
            what = format!("missing {}", missing.join(", "));
        }
    }
    if let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) {
        what.push_str(&format!(" (possible values: {})", valid.join(", ")));
    }
    match e.get(ContextKind::SuggestedArg) {
        Some(ContextValue::String(s)) => what.push_str(&format!("; did you mean '{s}'?")),
        Some(ContextValue::Strings(s)) if !s.is_empty() => {
            what.push_str(&format!("; did you mean '{}'?", s[0]))
        }
        _ => {}
    }
    if let Some(ContextValue::Strings(s)) = e.get(ContextKind::SuggestedSubcommand) {
        if let Some(s) = s.first() {
            what.push_str(&format!("; did you mean '{s}'?"));
        }
    }
    if matches!(e.kind(), ErrorKind::UnknownArgument) {
        if let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) {
            if arg.starts_with('-') && e.get(ContextKind::SuggestedArg).is_none() {
                what.push_str(&format!(" (a path starting with '-': write '-- {arg}')"));
            }
        }
    }
    usage_error(&what, command)
}

/// A usage error: what is wrong, then where the help is; two lines.
pub fn usage_error(what: &str, command: &str) -> u8 {
    super::out::eprint(&format!(
        "sps-plugin-ls: {what}\nFor more information, try '{command} --help'.\n"
    ));
    2
}

/// The whole help, as `--help` prints it.
pub fn help() -> String {
    use clap::CommandFactory;
    Cli::command().render_help().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
