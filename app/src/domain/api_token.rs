//! API tokens: what a token lets its holder do, and when it stops working.
//!
//! A token acts as the person who made it, narrowed twice: by its scopes (which resources, read
//! or write) and optionally by one client account. It never grants more than its maker has.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What the secret starts with, so that a leaked one is recognisable (and scanners can find it).
pub const TOKEN_PREFIX: &str = "fd_";
/// How many characters of the secret (after the prefix) are kept to tell tokens apart on screen.
pub const SHOWN_CHARS: usize = 6;
/// The longest a token may live, in days; tokens may also never expire.
pub const MAX_LIFETIME_DAYS: i64 = 366;
/// A name is a label for people; long enough for "Zapier: new tickets to #ops".
pub const MAX_NAME_CHARS: usize = 80;

/// What a token may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiResource {
    /// Requests: list, read, file, reply, notes, status and fields.
    Tickets,
    /// Client companies and their contacts.
    Accounts,
    /// Categories and help articles.
    Knowledge,
    /// The event log, for keeping another system in sync.
    Events,
}

impl ApiResource {
    pub const ALL: [ApiResource; 4] = [
        ApiResource::Tickets,
        ApiResource::Accounts,
        ApiResource::Knowledge,
        ApiResource::Events,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiResource::Tickets => "tickets",
            ApiResource::Accounts => "accounts",
            ApiResource::Knowledge => "knowledge",
            ApiResource::Events => "events",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApiResource::Tickets => "Requests",
            ApiResource::Accounts => "Accounts and contacts",
            ApiResource::Knowledge => "Categories and help articles",
            ApiResource::Events => "Event log",
        }
    }

    /// Whether anything about it can be written through the API (the event log, categories and
    /// help articles are read only there).
    pub fn writable(self) -> bool {
        matches!(self, ApiResource::Tickets | ApiResource::Accounts)
    }
}

/// Reading, or reading and writing (writing without reading is not a useful grant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

/// A token's grants: at most one access level per resource. Written as text
/// (`tickets:write events:read`), in storage and on the wire alike.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Scopes(BTreeMap<ApiResource, Access>);

impl From<Scopes> for String {
    fn from(scopes: Scopes) -> String {
        scopes.to_string()
    }
}

impl TryFrom<String> for Scopes {
    type Error = ScopeError;

    fn try_from(text: String) -> Result<Scopes, ScopeError> {
        Scopes::parse(&text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("Unknown scope “{0}”. Scopes look like tickets:read or tickets:write.")]
    Unknown(String),
    #[error("That can only be read through the API.")]
    ReadOnly,
    #[error("Choose at least one thing the token may do.")]
    Empty,
}

impl Scopes {
    /// Grants `access` to `resource` (the higher of two grants wins).
    pub fn grant(&mut self, resource: ApiResource, access: Access) -> Result<(), ScopeError> {
        if access == Access::Write && !resource.writable() {
            return Err(ScopeError::ReadOnly);
        }
        let entry = self.0.entry(resource).or_insert(access);
        *entry = (*entry).max(access);
        Ok(())
    }

    /// Whether `access` to `resource` is granted; writing includes reading.
    pub fn allows(&self, resource: ApiResource, access: Access) -> bool {
        self.0
            .get(&resource)
            .is_some_and(|granted| *granted >= access)
    }

    pub fn get(&self, resource: ApiResource) -> Option<Access> {
        self.0.get(&resource).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The grants for people to read: `Requests (read and write), Event log (read)`.
    pub fn summary(&self) -> String {
        let grants: Vec<String> = self
            .0
            .iter()
            .map(|(resource, access)| {
                let access = match access {
                    Access::Read => "read",
                    Access::Write => "read and write",
                };
                format!("{} ({access})", resource.label())
            })
            .collect();
        grants.join(", ")
    }

    /// Reads `tickets:write events:read` (spaces or commas between); the form they are stored
    /// and shown in.
    pub fn parse(text: &str) -> Result<Scopes, ScopeError> {
        let mut scopes = Scopes::default();
        for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
            let unknown = || ScopeError::Unknown(word.chars().take(40).collect());
            let (resource, access) = word.split_once(':').ok_or_else(unknown)?;
            let resource = ApiResource::ALL
                .into_iter()
                .find(|r| r.as_str() == resource)
                .ok_or_else(unknown)?;
            let access = [Access::Read, Access::Write]
                .into_iter()
                .find(|a| a.as_str() == access)
                .ok_or_else(unknown)?;
            scopes.grant(resource, access)?;
        }
        if scopes.is_empty() {
            return Err(ScopeError::Empty);
        }
        Ok(scopes)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<String> = self
            .0
            .iter()
            .map(|(resource, access)| format!("{}:{}", resource.as_str(), access.as_str()))
            .collect();
        f.write_str(&words.join(" "))
    }
}

/// What a stored token grants and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub scopes: Scopes,
    /// Only this client account's requests and people, when set.
    pub account_limit: Option<i64>,
    /// Milliseconds since the epoch; `None` never expires.
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Why a token was not honoured for a call. Expired and revoked tokens read as "not signed in"
/// (the caller needs a new token); a missing scope as "forbidden".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefused {
    #[error("This API token has been revoked.")]
    Revoked,
    #[error("This API token has expired.")]
    Expired,
    #[error("This API token may not {access} {resource}: it lacks the {resource}:{access} scope.")]
    MissingScope {
        resource: &'static str,
        access: &'static str,
    },
}

impl TokenGrant {
    /// Whether the token still works at `now` (neither revoked nor expired).
    pub fn usable_at(&self, now: i64) -> Result<(), TokenRefused> {
        if self.revoked_at.is_some_and(|at| at <= now) {
            return Err(TokenRefused::Revoked);
        }
        if self.expires_at.is_some_and(|at| at <= now) {
            return Err(TokenRefused::Expired);
        }
        Ok(())
    }

    /// Whether the token may be used at `now` for `access` to `resource`.
    pub fn check(
        &self,
        now: i64,
        resource: ApiResource,
        access: Access,
    ) -> Result<(), TokenRefused> {
        self.usable_at(now)?;
        if !self.scopes.allows(resource, access) {
            return Err(TokenRefused::MissingScope {
                resource: resource.as_str(),
                access: access.as_str(),
            });
        }
        Ok(())
    }
}

/// A token as its list shows it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    /// The start of the secret, e.g. `fd_Ab3xQz…`.
    pub shown: String,
    pub owner_name: String,
    pub scopes: Scopes,
    pub account_limit: Option<i64>,
    pub account_name: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// The part of a secret shown in lists: `fd_Ab3xQz…`.
pub fn shown_part(secret: &str) -> String {
    let body = secret.strip_prefix(TOKEN_PREFIX).unwrap_or(secret);
    format!(
        "{TOKEN_PREFIX}{}…",
        body.chars().take(SHOWN_CHARS).collect::<String>()
    )
}

/// Whether `text` has the shape of one of our secrets (before looking it up).
pub fn looks_like_token(text: &str) -> bool {
    text.strip_prefix(TOKEN_PREFIX).is_some_and(|body| {
        (32..=64).contains(&body.len())
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// A token's name, trimmed; refused when empty or too long.
pub fn parse_name(name: &str) -> Option<String> {
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= MAX_NAME_CHARS && !name.contains(char::is_control))
        .then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_resource() -> impl Strategy<Value = ApiResource> {
        prop::sample::select(ApiResource::ALL.to_vec())
    }

    fn any_access() -> impl Strategy<Value = Access> {
        prop::sample::select(vec![Access::Read, Access::Write])
    }

    fn grant(scopes: &str) -> TokenGrant {
        TokenGrant {
            scopes: Scopes::parse(scopes).unwrap(),
            account_limit: None,
            expires_at: Some(1_000),
            revoked_at: None,
        }
    }

    #[test]
    fn scopes_read_as_written() {
        let scopes = Scopes::parse("tickets:write, events:read tickets:read").unwrap();
        assert_eq!(scopes.to_string(), "tickets:write events:read");
        assert_eq!(
            scopes.summary(),
            "Requests (read and write), Event log (read)"
        );
        assert!(scopes.allows(ApiResource::Tickets, Access::Read));
        assert!(!scopes.allows(ApiResource::Accounts, Access::Read));
        assert_eq!(Scopes::parse("events:write"), Err(ScopeError::ReadOnly));
        assert_eq!(Scopes::parse(" "), Err(ScopeError::Empty));
        assert!(matches!(
            Scopes::parse("tickets:admin"),
            Err(ScopeError::Unknown(_))
        ));
        assert!(matches!(
            Scopes::parse("tickets"),
            Err(ScopeError::Unknown(_))
        ));
    }

    #[test]
    fn a_token_stops_at_expiry_and_at_revocation() {
        let mut token = grant("tickets:read");
        assert_eq!(token.check(999, ApiResource::Tickets, Access::Read), Ok(()));
        assert_eq!(
            token.check(1_000, ApiResource::Tickets, Access::Read),
            Err(TokenRefused::Expired)
        );
        token.revoked_at = Some(500);
        assert_eq!(
            token.check(600, ApiResource::Tickets, Access::Read),
            Err(TokenRefused::Revoked)
        );
        assert_eq!(
            grant("tickets:read").check(0, ApiResource::Tickets, Access::Write),
            Err(TokenRefused::MissingScope {
                resource: "tickets",
                access: "write"
            })
        );
    }

    #[test]
    fn secrets_are_recognised_and_shown_in_part() {
        let secret = format!("{TOKEN_PREFIX}{}", "a".repeat(43));
        assert!(looks_like_token(&secret));
        assert!(!looks_like_token("fd_short"));
        assert!(!looks_like_token(&format!("xx_{}", "a".repeat(43))));
        assert!(!looks_like_token(&format!(
            "{TOKEN_PREFIX}{}!",
            "a".repeat(42)
        )));
        assert_eq!(shown_part(&secret), "fd_aaaaaa…");
    }

    #[test]
    fn names_are_labels() {
        assert_eq!(parse_name("  Zapier "), Some("Zapier".into()));
        assert_eq!(parse_name(" "), None);
        assert_eq!(parse_name("a\u{7}b"), None);
        assert_eq!(parse_name(&"x".repeat(MAX_NAME_CHARS + 1)), None);
    }

    proptest! {
        #[test]
        fn scopes_survive_being_stored(grants in prop::collection::vec((any_resource(), any_access()), 1..6)) {
            let mut scopes = Scopes::default();
            for (resource, access) in grants {
                let _ = scopes.grant(resource, access);
            }
            prop_assume!(!scopes.is_empty());
            prop_assert_eq!(Scopes::parse(&scopes.to_string()), Ok(scopes));
        }

        /// A grant allows exactly what was granted and what it includes, nothing else.
        #[test]
        fn a_scope_allows_no_more_than_granted(
            granted in any_resource(), level in any_access(), asked in any_resource(), wanted in any_access(),
        ) {
            let mut scopes = Scopes::default();
            prop_assume!(scopes.grant(granted, level).is_ok());
            prop_assert_eq!(scopes.allows(asked, wanted), asked == granted && wanted <= level);
        }

        #[test]
        fn arbitrary_text_never_panics_the_parser(text in ".{0,80}") {
            let _ = Scopes::parse(&text);
            let _ = looks_like_token(&text);
            let _ = parse_name(&text);
        }
    }
}
