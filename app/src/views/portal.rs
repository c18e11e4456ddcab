//! The client portal: a company's people file and follow their requests.

pub mod help_page;
pub mod home_page;
pub mod new_request_page;
pub mod talk_page;
pub mod ticket_page;
