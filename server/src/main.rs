//! The `sps-plugin-ls` binary: the language server (default) or `check`.

use std::process::ExitCode;

use sps_plugin_ls::cli::{self, out};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut log_level: Option<String> = None;
    let mut rest = Vec::new();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-V" | "--version" => {
                out::print(&format!("sps-plugin-ls {}\n", env!("CARGO_PKG_VERSION")));
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" if rest.is_empty() => {
                out::print(cli::USAGE);
                return ExitCode::SUCCESS;
            }
            "--log-level" => match it.next() {
                Some(l) => log_level = Some(l),
                None => return usage_error("--log-level needs a level"),
            },
            s if s.starts_with("--log-level=") => {
                log_level = Some(s["--log-level=".len()..].to_string())
            }
            "--stdio" if rest.is_empty() => {}
            _ => rest.push(arg),
        }
    }
    init_logging(log_level.as_deref());
    match rest.first().map(String::as_str) {
        None => {
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
        Some("check") => ExitCode::from(cli::check::run(&rest[1..]) as u8),
        Some(other) => usage_error(&format!("unknown argument {other}")),
    }
}

fn usage_error(message: &str) -> ExitCode {
    out::eprint(&format!("sps-plugin-ls: {message}\n\n{}", cli::USAGE));
    ExitCode::from(2)
}

fn init_logging(level: Option<&str>) {
    use tracing_subscriber::EnvFilter;
    let filter = match level {
        Some(l) => EnvFilter::try_new(l).unwrap_or_else(|_| EnvFilter::new("info")),
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_ansi(false)
        .init();
}
