//! End-to-end tests: drive the real binary over stdio.
