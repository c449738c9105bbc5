//! Python configparser dialect.
