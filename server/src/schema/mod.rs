//! The knowledge of SPS, kept as data in `schemas/` at the top of the
//! repository and embedded at build time. Other tools can use the same files.

pub mod config;
pub mod hooks;
pub mod manifest;
pub mod python;
pub mod sdk_api;
pub mod sps;
