//! The `sps-plugin-ls` binary: `check`, `rule`, or the language server
//! (`server`, `--stdio`, or no command on a pipe).

use std::io::IsTerminal;
use std::process::ExitCode;

use sps_plugin_ls::cli::{self, args::Command, out};

fn main() -> ExitCode {
    let cli = match cli::args::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(status) => return ExitCode::from(status),
    };
    init_logging(cli.log_level.as_deref());
    match cli.command {
        Some(Command::Check(args)) => ExitCode::from(cli::check::run(args)),
        Some(Command::Rule(args)) => ExitCode::from(cli::rule::run(&args)),
        Some(Command::Server { .. }) => serve(),
        None if cli.stdio => serve(),
        // Typed at a terminal, no command: the help, not a server waiting
        // for LSP input. An editor starts it on a pipe: it serves.
        None if std::io::stdin().is_terminal() => {
            out::eprint(&cli::args::help());
            ExitCode::from(2)
        }
        None => serve(),
    }
}

fn serve() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            out::eprint(&format!("sps-plugin-ls: cannot start: {e}\n"));
            return ExitCode::from(2);
        }
    };
    let status = runtime.block_on(sps_plugin_ls::lsp::run());
    // Pending blocking work must not keep a finished server alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    ExitCode::from(status as u8)
}

/// Logs on stderr, without a timestamp: the editor that reads them puts
/// its own on each line (VS Code's output channel, Neovim's lsp.log), and
/// two were one too many. A request the editor cancels (routine: the user
/// typed on) is logged by tower-lsp at INFO; it shows at debug and trace
/// only.
fn init_logging(level: Option<&str>) {
    use tracing_subscriber::EnvFilter;
    let directives = level
        .map(str::to_string)
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info".to_string());
    let verbose = directives
        .split(',')
        .any(|d| matches!(d.trim(), "debug" | "trace"));
    let filter = EnvFilter::try_new(&directives).unwrap_or_else(|_| EnvFilter::new("info"));
    let filter = if verbose {
        filter
    } else {
        match "tower_lsp_server::service::pending=warn".parse() {
            Ok(d) => filter.add_directive(d),
            Err(_) => filter,
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_ansi(false)
        .without_time()
        .init();
}
