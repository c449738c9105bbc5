//! The logs on stderr, through `tracing`.

use tracing_subscriber::EnvFilter;

/// The filter for `--log-level` (else `RUST_LOG`, else `info`).
pub fn filter(level: Option<&str>) -> EnvFilter {
    let directives = level
        .map(str::to_string)
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info".to_string());
    EnvFilter::try_new(&directives).unwrap_or_else(|_| EnvFilter::new("info"))
}

/// Logs on stderr, without a timestamp: the editor that reads them puts
/// its own on each line (VS Code's output channel, Neovim's lsp.log), and
/// two were one too many.
pub fn init(level: Option<&str>) {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter(level))
        .with_ansi(false)
        .without_time()
        .init();
}
