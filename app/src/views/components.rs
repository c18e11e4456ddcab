//! Small building blocks shared by pages.

pub mod attachments;
pub mod bell;
pub mod confirm;
pub mod confirmation;
pub mod connection;
pub mod device_notifications;
pub mod feedback;
pub mod form;
pub mod header;
pub mod live;
pub mod not_found;
pub mod outbox;
pub mod secret;
pub mod sla;
pub mod status;
pub mod time;
pub mod update_prompt;
