//! The ways mail reaches the intake pipeline besides the HTTP hook: IMAP polling and the SMTP
//! listener.

pub mod imap;
pub mod smtp;
