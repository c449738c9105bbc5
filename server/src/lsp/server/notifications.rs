//! The notifications that change the server's state, one file each: each
//! gets `&mut Session` on the loop, from the table in `dispatch.rs`.

mod cancel;
mod did_change;
mod did_change_configuration;
mod did_change_watched_files;
mod did_change_workspace_folders;
mod did_close;
mod did_open;
mod did_save;
mod initialized;
