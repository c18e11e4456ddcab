//! People as lists show them.

use serde::{Deserialize, Serialize};

use super::policy::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The client company; `None` for agency staff.
    pub account_name: Option<String>,
}
