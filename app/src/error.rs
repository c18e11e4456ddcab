//! The one error type every server function returns. It crosses the wire, so it carries only what a
//! person may read: infrastructure failures are logged on the server and arrive here as `Internal`.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::validation::{FieldError, shortened};

/// How much of a decoder's complaint a malformed call is told: decoders quote the value they
/// refused ("unknown variant …"), which may be as long as the request.
const MALFORMED_DETAIL_MAX_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Not found.")]
    NotFound,
    #[error("Please sign in.")]
    Unauthorized,
    #[error("You don't have access to this.")]
    Forbidden,
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Validation(FieldError),
    /// Said as it is: the words are written for the person who sent it ("At most 20 tags.").
    #[error("{0}")]
    BadRequest(String),
    #[error("Too many attempts. Please wait a moment and try again.")]
    RateLimited,
    #[error("Your agency requires two-step sign-in. Set it up on your Account page first.")]
    TwoStepSetupNeeded,
    #[error(
        "Agency staff sign in with single sign-on: use “Use single sign-on” with your work email."
    )]
    SingleSignOnRequired,
    #[error("We couldn't reach the server. Check your connection and try again.")]
    Unreachable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

/// An error as the app's own routes outside server functions send it (uploads): the words to
/// show, and the error itself for the browser to read back.
#[derive(Debug, Serialize, Deserialize)]
pub struct ErrorAnswer {
    pub error: String,
    pub detail: AppError,
}

impl AppError {
    /// The HTTP status this error is sent with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::TwoStepSetupNeeded | AppError::SingleSignOnRequired => {
                403
            }
            AppError::Conflict(_) => 409,
            AppError::Validation(_) => 422,
            AppError::BadRequest(_) => 400,
            AppError::RateLimited => 429,
            AppError::Unreachable => 502,
            AppError::Internal => 500,
        }
    }

    /// The message for one form field, if this error is about it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(error) if error.field == field => Some(error.message.clone()),
            _ => None,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::Validation(error)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let malformed = |message: &str| {
            let detail = shortened(message, MALFORMED_DETAIL_MAX_CHARS);
            AppError::BadRequest(format!("The request was malformed: {detail}"))
        };
        match value {
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::UnsupportedRequestMethod(message) => malformed(&message),
            // On the server, a body it cannot read is the caller's mistake. In the browser, an
            // answer it cannot read is not the server's own (a proxy's error page during a
            // deploy, a captive portal's sign-in page): the server was not reached.
            ServerFnErrorErr::Deserialization(message) => {
                if cfg!(feature = "hydrate") {
                    AppError::Unreachable
                } else {
                    malformed(&message)
                }
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Unreachable,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_calls_are_the_callers_fault() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field".into()));
        assert_eq!(error.status_code(), 400);
        assert_eq!(
            error.to_string(),
            "The request was malformed: missing field"
        );
        // What a server function refuses in words of its own is said as written.
        assert_eq!(
            AppError::BadRequest("At most 20 tags.".into()).to_string(),
            "At most 20 tags."
        );
    }

    #[test]
    fn a_decoders_complaint_is_not_echoed_at_any_length() {
        let complaint = format!("unknown variant `{}`", "x".repeat(100_000));
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args(complaint));
        assert!(error.to_string().chars().count() < 400, "{error}");
    }

    #[test]
    fn errors_survive_the_wire() {
        let error = AppError::Validation(FieldError::new("title", "Give it a title."));
        assert_eq!(AppError::de(error.ser()), error);
    }
}
