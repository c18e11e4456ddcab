//! Checks on what people type, shared by the browser (instant feedback) and the server (the authority).

use serde::{Deserialize, Serialize};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
/// How much of a refused value an error message quotes back.
pub const ECHO_MAX_CHARS: usize = 40;

/// A field that failed a check, with a message meant for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// A new request as filed, after trimming and checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub title: String,
    pub description: String,
}

impl NewRequest {
    /// Trims both fields and checks them; the first problem found is reported, title first.
    pub fn parse(title: &str, description: &str) -> Result<NewRequest, FieldError> {
        let title = single_line(title);
        let description = description.trim().to_owned();
        if title.is_empty() {
            return Err(FieldError::new("title", "Give your request a short title."));
        }
        if title.chars().count() > TITLE_MAX_CHARS {
            return Err(FieldError::new(
                "title",
                format!(
                    "Keep the title under {TITLE_MAX_CHARS} characters; put details in the description."
                ),
            ));
        }
        if description.is_empty() {
            return Err(FieldError::new(
                "description",
                "Tell us what you need: a sentence or two is enough.",
            ));
        }
        if description.chars().count() > DESCRIPTION_MAX_CHARS {
            return Err(FieldError::new(
                "description",
                format!("The description is too long (over {DESCRIPTION_MAX_CHARS} characters)."),
            ));
        }
        Ok(NewRequest { title, description })
    }
}

/// A message someone writes in a request's conversation, trimmed and checked.
pub fn parse_message(body: &str) -> Result<String, FieldError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(FieldError::new("body", "Write a message first."));
    }
    if body.chars().count() > DESCRIPTION_MAX_CHARS {
        return Err(FieldError::new(
            "body",
            format!("The message is too long (over {DESCRIPTION_MAX_CHARS} characters)."),
        ));
    }
    Ok(body.to_owned())
}

/// A phone number as people type it (`+49 30 1234567`, `(555) 010-7788`): digits with the usual
/// separators, 6 to 20 digits. Returned trimmed.
pub fn parse_phone(raw: &str) -> Result<String, FieldError> {
    let phone = single_line(raw);
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.' | '/'));
    if !allowed || !(6..=20).contains(&digits) {
        return Err(FieldError::new(
            "phone",
            "Enter a phone number we can call, e.g. +1 555 010 7788.",
        ));
    }
    Ok(phone)
}

/// A calendar date `YYYY-MM-DD` as milliseconds at its start (UTC).
pub fn parse_date(raw: &str) -> Result<i64, FieldError> {
    let bad = || FieldError::new("due", "Enter a date like 2026-12-01.");
    let mut parts = raw.trim().splitn(3, '-');
    let mut next = |len: usize| -> Result<i64, FieldError> {
        parts
            .next()
            .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
            .ok_or_else(bad)
    };
    let (year, month, day) = (next(4)?, next(2)?, next(2)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[(month - 1) as usize] {
        return Err(bad());
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Ok(days * 86_400_000)
}

/// The calendar date (UTC) of a time, as `YYYY-MM-DD`: the inverse of [`parse_date`].
pub fn format_date(ms: i64) -> String {
    // Civil date from days (Howard Hinnant's algorithm).
    let days = ms.div_euclid(86_400_000) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The first `max_chars` characters of `text`, when it has more.
fn first_chars(text: &str, max_chars: usize) -> Option<&str> {
    text.char_indices()
        .nth(max_chars)
        .map(|(end, _)| &text[..end])
}

/// At most `max_chars` of `text`, with "…" where it was cut: what a message may quote of input
/// of any length, so an error stays small whatever was sent.
pub fn shortened(text: &str, max_chars: usize) -> String {
    first_chars(text, max_chars).map_or_else(|| text.to_owned(), |kept| format!("{kept}…"))
}

/// At most `max_chars` of `text`, then a note saying where the rest is: a message that came by
/// mail or chat is filed cut to the limit a form would enforce, rather than refused, since its
/// sender cannot be asked to shorten it there and then.
pub fn cut_with_note(text: &str, max_chars: usize, rest_is_in: &str) -> String {
    first_chars(text, max_chars).map_or_else(
        || text.to_owned(),
        |kept| format!("{kept}\n\n_(Cut here: {rest_is_in} has the rest.)_"),
    )
}

/// Collapses runs of whitespace (including pasted newlines) into single spaces.
pub fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sender's own key for one sending (an idempotency key): sending again under it finds what
/// the first sending made. Letters, digits, `-` and `_`, 8 to 64 of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionKey(String);

impl SubmissionKey {
    pub fn parse(key: &str) -> Option<SubmissionKey> {
        let well_formed = (8..=64).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| SubmissionKey(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quoted_input_is_shortened_on_a_character_boundary() {
        assert_eq!(shortened("FD-12", ECHO_MAX_CHARS), "FD-12");
        assert_eq!(shortened("ééé", 2), "éé…");
        assert_eq!(
            shortened(&"x".repeat(100_000), ECHO_MAX_CHARS)
                .chars()
                .count(),
            ECHO_MAX_CHARS + 1
        );
    }

    #[test]
    fn long_intake_text_is_cut_with_a_note_of_where_the_rest_is() {
        assert_eq!(cut_with_note("short", 10, "the mail"), "short");
        let cut = cut_with_note(&"é".repeat(30), 20, "the Slack message");
        assert_eq!(
            cut,
            format!(
                "{}\n\n_(Cut here: the Slack message has the rest.)_",
                "é".repeat(20)
            )
        );
    }

    #[test]
    fn submission_keys_are_short_and_plain() {
        assert!(SubmissionKey::parse("a1b2c3d4e5f6").is_some());
        assert!(SubmissionKey::parse("short").is_none());
        assert!(SubmissionKey::parse(&"x".repeat(65)).is_none());
        assert!(SubmissionKey::parse("key with spaces").is_none());
        assert!(SubmissionKey::parse("<script>alert(1)</script>").is_none());
    }

    #[test]
    fn dates_are_read_as_utc_midnight() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2026-12-01"), Ok(1_796_083_200_000));
        assert_eq!(parse_date("2024-02-29"), Ok(1_709_164_800_000));
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-1-01",
            "tomorrow",
            "",
            "2026-00-10",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn dates_round_trip(days in 0i64..200_000) {
            let ms = days * 86_400_000;
            prop_assert_eq!(parse_date(&format_date(ms)), Ok(ms));
        }
    }

    #[test]
    fn phone_numbers_as_people_type_them() {
        assert_eq!(parse_phone(" +49 30 1234567 "), Ok("+49 30 1234567".into()));
        assert!(parse_phone("(555) 010-7788").is_ok());
        assert!(parse_phone("call me").is_err());
        assert!(parse_phone("12").is_err());
        assert!(parse_phone("<script>1234567</script>").is_err());
    }

    #[test]
    fn an_empty_title_is_refused_with_a_message_for_people() {
        let err = NewRequest::parse("   ", "The printer is on fire").unwrap_err();
        assert_eq!(err.field, "title");
        assert!(err.message.contains("title"));
    }

    #[test]
    fn an_empty_description_is_refused() {
        assert_eq!(
            NewRequest::parse("Printer", "\n \t").unwrap_err().field,
            "description"
        );
    }

    #[test]
    fn fields_are_trimmed_and_the_title_is_one_line() {
        let request = NewRequest::parse("  Printer\n on  fire ", "  smoke  \n").unwrap();
        assert_eq!(request.title, "Printer on fire");
        assert_eq!(request.description, "smoke");
    }

    #[test]
    fn overlong_fields_are_refused() {
        let long_title = "x".repeat(TITLE_MAX_CHARS + 1);
        assert_eq!(
            NewRequest::parse(&long_title, "d").unwrap_err().field,
            "title"
        );
        let long_description = "x".repeat(DESCRIPTION_MAX_CHARS + 1);
        assert_eq!(
            NewRequest::parse("t", &long_description).unwrap_err().field,
            "description"
        );
    }

    proptest! {
        #[test]
        fn accepted_requests_satisfy_the_limits(title in "\\PC{0,250}", description in "\\PC{0,50}") {
            if let Ok(request) = NewRequest::parse(&title, &description) {
                prop_assert!(!request.title.is_empty() && request.title.chars().count() <= TITLE_MAX_CHARS);
                prop_assert!(!request.title.contains('\n'));
                prop_assert!(!request.description.is_empty());
                prop_assert_eq!(request.title.trim(), request.title.as_str());
            }
        }
    }
}
