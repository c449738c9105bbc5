//! The logs on stderr, through `tracing`.

use tracing_subscriber::EnvFilter;

/// The filter for `--log-level` (else `RUST_LOG`, else `info`). A request
/// the editor cancels (routine: the user typed on) is logged by tower-lsp
/// at INFO ("successfully cancelled request"); it shows at debug and trace
/// only.
pub fn filter(level: Option<&str>) -> EnvFilter {
    let directives = level
        .map(str::to_string)
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info".to_string());
    let verbose = directives
        .split(',')
        .any(|d| matches!(d.trim(), "debug" | "trace"));
    let filter = EnvFilter::try_new(&directives).unwrap_or_else(|_| EnvFilter::new("info"));
    if verbose {
        return filter;
    }
    match "tower_lsp_server::service::pending=warn".parse() {
        Ok(d) => filter.add_directive(d),
        Err(_) => filter,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    fn cancellation_logged(level: &str) -> (bool, bool) {
        let subscriber = tracing_subscriber::registry().with(filter(Some(level)));
        tracing::subscriber::with_default(subscriber, || {
            (
                tracing::event_enabled!(target: "tower_lsp_server::service::pending", tracing::Level::INFO),
                tracing::event_enabled!(target: "tower_lsp_server::service::layers", tracing::Level::INFO),
            )
        })
    }

    #[test]
    fn cancellations_are_logged_at_debug_only() {
        assert_eq!(cancellation_logged("info"), (false, true));
        assert_eq!(cancellation_logged("debug"), (true, true));
        assert_eq!(cancellation_logged("trace"), (true, true));
        assert_eq!(cancellation_logged("warn"), (false, false));
    }
}
