//! The `frontdoor` host: command line, HTTP surface and commands. `main.rs` only wires them up;
//! the pieces live here so that integration tests drive the same router the binary serves.

pub mod cli;
pub mod commands;
pub mod http;
pub mod inbound;
