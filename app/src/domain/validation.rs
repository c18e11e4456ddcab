//! Checks on what people type, shared by the browser (instant feedback) and the server (the authority).

use serde::{Deserialize, Serialize};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;

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

/// Collapses runs of whitespace (including pasted newlines) into single spaces.
pub fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
