//! Everything that only runs on the server: storage, sessions, the live event bus, demo data.

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod build_stamp;
pub mod clock;
pub mod feedback_link;
pub mod live;
pub mod mail;
pub mod mail_intake;
pub mod mail_originals;
pub mod mail_read;
pub mod mail_updates;
pub mod markdown;
pub mod password;
pub mod push;
pub mod report_export;
mod respond;
pub mod rest;
pub mod seed;
pub mod seed_articles;
pub mod service_worker;
pub mod sign_in_mail;
pub mod sla_watch;
pub mod slack;
pub mod sso;
pub mod state;
pub mod store;
pub mod throttle;
pub mod two_step;
pub mod webhooks;
pub mod worker;

pub use state::{AppState, Settings};
