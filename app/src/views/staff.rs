//! The agency's side: the live queue board, desk and triage settings, the audit log and unreadable mail.

pub mod api_tokens;
pub mod article_picker;
pub mod articles_page;
pub mod audit_page;
pub mod board_page;
pub mod board_work;
pub mod desk_page;
pub mod integrations_page;
pub mod mail_page;
pub mod queue_list;
pub mod reports_page;
pub mod ticket_tools;
pub mod triage_settings;
