//! Pure rules of the product: no I/O, no framework. Compiled for the server and the browser.

pub mod people;
pub mod policy;
pub mod ticket;
pub mod validation;
