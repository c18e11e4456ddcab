//! Rules of signing in: one-time links, new passwords and email addresses.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::policy::UnknownName;
use super::validation::FieldError;

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 1024;
pub const EMAIL_MAX_CHARS: usize = 320;

const MINUTE_MS: i64 = 60 * 1000;

/// What a one-time link sent by email does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    /// Signs in without a password.
    MagicLink,
    /// Lets someone a team admin added sign in for the first time.
    Invitation,
    /// Lets someone choose a new password.
    PasswordReset,
}

impl LinkPurpose {
    pub const ALL: [LinkPurpose; 3] = [
        LinkPurpose::MagicLink,
        LinkPurpose::Invitation,
        LinkPurpose::PasswordReset,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::MagicLink => "magic_link",
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::PasswordReset => "password_reset",
        }
    }

    /// How long a link stays usable. A sign-in link is for right now; an invitation waits for
    /// someone to get round to their mail.
    pub fn lifetime_ms(self) -> i64 {
        match self {
            LinkPurpose::MagicLink => 15 * MINUTE_MS,
            LinkPurpose::PasswordReset => 60 * MINUTE_MS,
            LinkPurpose::Invitation => 7 * 24 * 60 * MINUTE_MS,
        }
    }
}

impl FromStr for LinkPurpose {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LinkPurpose::ALL
            .into_iter()
            .find(|purpose| purpose.as_str() == s)
            .ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// A stored one-time link, as far as deciding whether it may be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecord {
    pub purpose: LinkPurpose,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    /// Set when the link was asked for from a browser, which must then be the one using it.
    pub browser_hash: Option<String>,
}

/// Why a link cannot be used; each has its own message, none says whose link it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LinkProblem {
    #[error("This link does not work. Ask for a new one below.")]
    Unknown,
    #[error("This link has already been used. Ask for a new one below.")]
    Used,
    #[error("This link has expired. Ask for a new one below.")]
    Expired,
    #[error(
        "This link was asked for in another browser. Open it there, or ask for a new link here."
    )]
    OtherBrowser,
}

impl LinkRecord {
    /// Whether the link may be used at `now` by a browser carrying `browser_hash`.
    pub fn check(&self, now: i64, browser_hash: Option<&str>) -> Result<(), LinkProblem> {
        if self.used_at.is_some() {
            return Err(LinkProblem::Used);
        }
        if now >= self.expires_at {
            return Err(LinkProblem::Expired);
        }
        match &self.browser_hash {
            Some(expected) if browser_hash != Some(expected.as_str()) => {
                Err(LinkProblem::OtherBrowser)
            }
            _ => Ok(()),
        }
    }
}

/// Passwords so common that guessing starts with them; compared after stripping trailing digits
/// and symbols ("Password123!" is "password").
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "passwort",
    "qwerty",
    "qwertyuiop",
    "letmein",
    "welcome",
    "admin",
    "administrator",
    "iloveyou",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "abc",
    "abcdef",
    "abcdefgh",
    "secret",
    "changeme",
    "trustno",
    "master",
    "login",
    "starwars",
    "whatever",
    "superman",
    "batman",
    "shadow",
    "hello",
    "freedom",
    "azerty",
    "asdfgh",
    "asdfghjkl",
    "zxcvbnm",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "frontdoor",
    "support",
    "company",
    "summer",
    "winter",
    "spring",
    "autumn",
];

/// Checks a password someone chooses. `email` is theirs: a password containing its name part is
/// refused too.
pub fn check_new_password(password: &str, email: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(FieldError::new(
            "password",
            format!("Use at least {PASSWORD_MIN_CHARS} characters; a short sentence works well."),
        ));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(FieldError::new(
            "password",
            format!("Use at most {PASSWORD_MAX_CHARS} characters."),
        ));
    }
    let lowered = password.to_lowercase();
    let core = lowered.trim_end_matches(|c: char| !c.is_alphabetic());
    let distinct = {
        let mut seen: Vec<char> = lowered.chars().collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    let local_part = email.split('@').next().unwrap_or_default().to_lowercase();
    let guessable = core.is_empty()
        || COMMON_PASSWORDS.contains(&core)
        || distinct < 4
        || is_run(&lowered)
        || (local_part.len() >= 3 && lowered.contains(&local_part));
    if guessable {
        return Err(FieldError::new(
            "password",
            "That password is too easy to guess. Try a few unrelated words.",
        ));
    }
    Ok(())
}

/// "1234567890", "abcdefghij", "9876543210": each character one step from the last.
fn is_run(text: &str) -> bool {
    let codes: Vec<i64> = text.chars().map(|c| i64::from(u32::from(c))).collect();
    codes
        .windows(2)
        .map(|pair| pair[1] - pair[0])
        .collect::<Vec<_>>()
        .windows(2)
        .all(|steps| steps[0] == steps[1] && steps[0].abs() == 1)
}

/// Trims and lower-cases an email address and checks its shape (the mail server has the last
/// word on whether it exists).
pub fn parse_email(field: &str, input: &str) -> Result<String, FieldError> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err(FieldError::new(field, "Enter an email address."));
    }
    let well_formed = email.chars().count() <= EMAIL_MAX_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if well_formed {
        Ok(email)
    } else {
        Err(FieldError::new(
            field,
            "That doesn't look like an email address (name@company.com).",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn link(expires_at: i64, used_at: Option<i64>, browser: Option<&str>) -> LinkRecord {
        LinkRecord {
            purpose: LinkPurpose::MagicLink,
            expires_at,
            used_at,
            browser_hash: browser.map(str::to_owned),
        }
    }

    #[test]
    fn a_fresh_link_works_once_until_it_expires() {
        assert_eq!(link(100, None, None).check(99, None), Ok(()));
        assert_eq!(
            link(100, None, None).check(100, None),
            Err(LinkProblem::Expired)
        );
        assert_eq!(
            link(100, Some(50), None).check(60, None),
            Err(LinkProblem::Used)
        );
    }

    #[test]
    fn a_link_asked_for_in_a_browser_only_works_there() {
        let bound = link(100, None, Some("abc"));
        assert_eq!(bound.check(1, Some("abc")), Ok(()));
        assert_eq!(bound.check(1, Some("xyz")), Err(LinkProblem::OtherBrowser));
        assert_eq!(bound.check(1, None), Err(LinkProblem::OtherBrowser));
        // An invitation is asked for by an admin, so any browser of the invitee may use it.
        assert_eq!(link(100, None, None).check(1, Some("xyz")), Ok(()));
    }

    #[test]
    fn links_live_as_long_as_their_purpose_needs() {
        assert_eq!(LinkPurpose::MagicLink.lifetime_ms(), 15 * 60 * 1000);
        assert_eq!(LinkPurpose::Invitation.lifetime_ms(), 7 * 24 * 3600 * 1000);
        for purpose in LinkPurpose::ALL {
            assert_eq!(purpose.as_str().parse(), Ok(purpose));
        }
    }

    #[test]
    fn guessable_passwords_are_refused() {
        for weak in [
            "short",
            "Password123!",
            "qwertyuiop",
            "1234567890",
            "aaaaaaaaaaaa",
            "abababababab",
            "dana.rossi2026",
        ] {
            assert!(
                check_new_password(weak, "dana.rossi@acme.example").is_err(),
                "{weak} was accepted"
            );
        }
        assert!(check_new_password("blue kettle on a Tuesday", "dana@acme.example").is_ok());
    }

    #[test]
    fn email_addresses_are_normalised_and_checked() {
        assert_eq!(
            parse_email("email", "  Dana@ACME.example "),
            Ok("dana@acme.example".to_owned())
        );
        for bad in [
            "",
            "dana",
            "dana@",
            "@acme.example",
            "dana@acme",
            "da na@acme.example",
            "a@b@c.de",
        ] {
            assert!(parse_email("email", bad).is_err(), "{bad} was accepted");
        }
    }

    proptest! {
        #[test]
        fn a_used_or_expired_link_never_works(
            expires_at in 0i64..1_000_000,
            now in 0i64..1_000_000,
            used in proptest::option::of(0i64..1_000_000),
        ) {
            let outcome = link(expires_at, used, None).check(now, None);
            prop_assert_eq!(outcome.is_ok(), used.is_none() && now < expires_at);
        }

        #[test]
        fn passphrases_pass(password in "[a-z]{4,12} kettle [0-9]{0,4}") {
            prop_assert!(check_new_password(&password, "someone@example.com").is_ok());
        }
    }
}
