//! Pure rules of the product: no I/O, no framework. Compiled for the server and the browser.

pub mod api_token;
pub mod attachment;
pub mod audit;
pub mod business_time;
pub mod canned;
pub mod email;
pub mod feedback;
pub mod knowledge;
pub mod listing;
pub mod mention;
pub mod notification;
pub mod people;
pub mod policy;
pub mod presence;
pub mod push;
pub mod report;
pub mod routing;
pub mod search;
pub mod sign_in;
pub mod sla;
pub mod slack;
pub mod sso;
pub mod ticket;
pub mod two_step;
pub mod validation;
pub mod webhook;
