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

/// Where someone stands in their team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberStatus {
    /// Invited by an admin, has not signed in yet.
    Invited,
    Active,
    /// Cannot sign in; their requests stay.
    Deactivated,
}

impl MemberStatus {
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::Invited => "Invited",
            MemberStatus::Active => "Active",
            MemberStatus::Deactivated => "Deactivated",
        }
    }
}

/// Someone in a team, as its admin sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: MemberStatus,
    pub last_sign_in_at: Option<i64>,
}

/// A client account as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AccountSummary {
    pub id: i64,
    pub name: String,
}

/// One of a person's signed-in sessions, as they see it in their list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SessionInfo {
    pub id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: String,
    pub ip: String,
}
