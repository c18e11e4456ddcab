//! Server functions: the browser's API. Each one is thin: who is asking → may they →
//! store → announce the change.

pub mod session;
pub mod tickets;
