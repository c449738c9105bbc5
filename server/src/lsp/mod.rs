//! The Language Server Protocol. The only module that knows LSP
//! types, positions and encodings; it converts at the edge and calls the
//! features and analysis layers on byte offsets.

pub mod convert;
pub mod documents;
pub mod editor_settings;
pub mod handlers;
pub mod rpc;
pub mod scan;
pub mod server;
pub mod snapshot;
pub mod transport;

pub use server::run;
