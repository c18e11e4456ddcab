//! Two-step sign-in for staff: a time-based one-time code (RFC 6238) from an authenticator app,
//! asked after the password or sign-in link.

use serde::{Deserialize, Serialize};

use super::validation::FieldError;

/// How long the code step of a sign-in may take.
pub const CHALLENGE_LIFETIME_MS: i64 = 5 * 60 * 1000;
/// Wrong codes allowed in one sign-in before it has to start over.
pub const MAX_CODE_ATTEMPTS: i64 = 5;
/// Codes change every 30 seconds (what every authenticator app assumes).
pub const STEP_SECONDS: i64 = 30;

/// A staff member's two-step state, as their account page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepStatus {
    pub enabled: bool,
    /// The agency requires it of all staff.
    pub required: bool,
    /// The viewer may change whether it is required (agency admins).
    pub may_require: bool,
}

/// What someone setting up two-step sign-in needs: a QR code for their app, or the key to type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepSetup {
    /// Base32, grouped in fours for typing.
    pub key: String,
    /// An `image/svg+xml` data URL of the `otpauth://` QR code.
    pub qr_code: String,
}

/// Reads a code as people type or paste it ("123 456", "123-456") into its six digits.
pub fn parse_code(input: &str) -> Result<String, FieldError> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(FieldError::new(
            "code",
            "Enter the 6-digit code from your authenticator app.",
        ))
    }
}

/// The answer to a code that does not match (wrong, old, or used already).
pub fn wrong_code() -> FieldError {
    FieldError::new(
        "code",
        "That code didn't match. Check your authenticator app and try the newest code.",
    )
}

/// The time step a moment falls in.
pub fn step_at(now_ms: i64) -> i64 {
    now_ms.div_euclid(STEP_SECONDS * 1000)
}

/// The steps whose codes are accepted at `now_ms`: the current one and one either side, for
/// phones whose clocks drift a little. Never one at or before `last_used`, so a code works once.
pub fn acceptable_steps(now_ms: i64, last_used: i64) -> impl Iterator<Item = i64> {
    let now = step_at(now_ms);
    (now - 1..=now + 1).filter(move |step| *step > last_used)
}

/// A base32 key in groups of four, as authenticator apps show them.
pub fn group_key(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_read_the_way_people_type_them() {
        assert_eq!(parse_code(" 123 456 "), Ok("123456".to_owned()));
        assert_eq!(parse_code("123-456"), Ok("123456".to_owned()));
        for bad in ["", "12345", "1234567", "12a456"] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_are_grouped_for_typing() {
        assert_eq!(group_key("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }

    #[test]
    fn a_used_step_is_never_accepted_again() {
        let now = 1_000 * 30_000 + 5;
        assert_eq!(
            acceptable_steps(now, 0).collect::<Vec<_>>(),
            vec![999, 1000, 1001]
        );
        assert_eq!(acceptable_steps(now, 1000).collect::<Vec<_>>(), vec![1001]);
    }

    proptest! {
        #[test]
        fn accepted_steps_are_near_now_and_after_the_last_used(now in 0i64..4_000_000_000_000, last in 0i64..200_000_000) {
            for step in acceptable_steps(now, last) {
                prop_assert!(step > last);
                prop_assert!((step - step_at(now)).abs() <= 1);
            }
        }
    }
}
