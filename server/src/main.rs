//! The `sps-plugin-ls` binary: `check`, `rule`, `doc`, or the language server
//! (`server`, `--stdio`, or no command on a pipe).

use std::io::IsTerminal;
use std::process::ExitCode;

use sps_plugin_ls::cli::{self, args::Command, out};

/// mimalloc 3, as ruff and ty replace the system's allocator: glibc's malloc
/// and free were a third of `check`'s CPU (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // While this is the only thread: at once, where later it waits ~10 ms.
    sps_plugin_ls::workspace::register_barriers();
    let cli = match cli::args::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(status) => return ExitCode::from(status),
    };
    cli::logging::init(cli.log_level.as_deref());
    match cli.command {
        Some(Command::Check(args)) => ExitCode::from(cli::check::run(args)),
        Some(Command::Rule(args)) => ExitCode::from(cli::rule::run(&args)),
        Some(Command::Doc(args)) => ExitCode::from(cli::doc::run(&args)),
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
