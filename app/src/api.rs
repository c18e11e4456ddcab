//! Server functions: the browser's API. Each one is thin: who is asking → may they →
//! store → announce the change.

pub mod api_tokens;
pub mod audit;
pub mod board;
pub mod desk;
pub mod feedback;
pub mod knowledge;
pub mod mail;
pub mod notifications;
pub mod push;
pub mod reports;
pub mod session;
pub mod sign_in_links;
pub mod slack;
pub mod sso;
pub mod team;
pub mod ticket_work;
// `create_request`: a server function's arguments are its form's fields, one each.
#[allow(clippy::too_many_arguments)]
pub mod tickets;
pub mod triage;
pub mod two_step;
pub mod webhooks;
