//! The SDK's default.cfg sections and options (`schemas/sdk-config.json`).
