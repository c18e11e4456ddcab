//! Frontdoor's shared crate: domain rules, views and server functions, compiled for the server
//! (`ssr`) and for the browser (`hydrate`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod domain;
pub mod error;
pub mod views;

pub use views::{App, shell};
