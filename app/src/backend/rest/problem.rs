//! Every API error is a problem document (RFC 9457) with a stable `code`, and so is every
//! malformed call: a body, query or path the API cannot read gets a 400 saying why.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::domain::api_token::TokenRefused;
use crate::error::AppError;

/// What went wrong: a stable `code`, the status that goes with it, and words for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: &'static str,
    pub status: u16,
    pub detail: String,
    /// The input field a `validation_failed` problem is about.
    pub field: Option<String>,
    /// Seconds until a `rate_limited` caller may try again.
    pub retry_after: Option<u64>,
}

/// A problem as sent (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDocument<'a> {
    /// A link to this problem's description in the API reference.
    #[serde(rename = "type")]
    kind: String,
    title: &'static str,
    status: u16,
    detail: &'a str,
    /// Stable across versions: `not_found`, `unauthorized`, `forbidden`, `conflict`,
    /// `validation_failed`, `bad_request`, `rate_limited`, `unavailable`, `internal`.
    code: &'static str,
    /// The input field a `validation_failed` problem is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    /// Seconds until a `rate_limited` caller may try again (also the `Retry-After` header).
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
}

/// The codes and what they mean, in the order the reference lists them.
pub const CODES: [(&str, u16, &str); 9] = [
    (
        "bad_request",
        400,
        "The call could not be read: a malformed body, query or path.",
    ),
    (
        "unauthorized",
        401,
        "No token, an unknown one, or one that has expired or been revoked.",
    ),
    (
        "forbidden",
        403,
        "The token lacks the scope this call needs, or its maker may not do it.",
    ),
    (
        "not_found",
        404,
        "No such thing, or not one this token may see.",
    ),
    (
        "conflict",
        409,
        "The change clashes with the current state (e.g. a status move the workflow forbids).",
    ),
    (
        "validation_failed",
        422,
        "A field's value is not acceptable; `field` names it.",
    ),
    (
        "rate_limited",
        429,
        "Too many calls with this token; wait `Retry-After` seconds.",
    ),
    (
        "unavailable",
        502,
        "Something Frontdoor depends on did not answer.",
    ),
    (
        "internal",
        500,
        "A fault on Frontdoor's side; it is logged.",
    ),
];

impl Problem {
    pub fn new(code: &'static str, detail: impl Into<String>) -> Problem {
        let status = CODES
            .iter()
            .find(|(known, _, _)| *known == code)
            .map_or(500, |(_, status, _)| *status);
        Problem {
            code,
            status,
            detail: detail.into(),
            field: None,
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new("bad_request", detail)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Problem {
        Problem {
            retry_after: Some(retry_after_secs),
            ..Problem::new(
                "rate_limited",
                format!("Too many calls with this token. Try again in {retry_after_secs} s."),
            )
        }
    }
}

fn title_of(code: &str) -> &'static str {
    match code {
        "bad_request" => "Bad request",
        "unauthorized" => "Unauthorized",
        "forbidden" => "Forbidden",
        "not_found" => "Not found",
        "conflict" => "Conflict",
        "validation_failed" => "Validation failed",
        "rate_limited" => "Too many requests",
        "unavailable" => "Unavailable",
        _ => "Internal error",
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Problem {
        let detail = error.to_string();
        match error {
            AppError::NotFound => Problem::new("not_found", detail),
            AppError::Unauthorized => Problem::new("unauthorized", detail),
            AppError::Forbidden | AppError::TwoStepSetupNeeded | AppError::SingleSignOnRequired => {
                Problem::new("forbidden", detail)
            }
            AppError::Conflict(_) => Problem::new("conflict", detail),
            AppError::Validation(field) => Problem {
                field: Some(field.field.clone()),
                ..Problem::new("validation_failed", field.message)
            },
            AppError::BadRequest(_) => Problem::bad_request(detail),
            AppError::RateLimited => Problem::rate_limited(1),
            AppError::Unreachable => Problem::new("unavailable", detail),
            AppError::Internal => Problem::new("internal", detail),
        }
    }
}

impl From<crate::backend::store::StoreError> for Problem {
    fn from(error: crate::backend::store::StoreError) -> Problem {
        AppError::from(error).into()
    }
}

impl From<TokenRefused> for Problem {
    fn from(refused: TokenRefused) -> Problem {
        let code = match refused {
            TokenRefused::Revoked | TokenRefused::Expired => "unauthorized",
            TokenRefused::MissingScope { .. } => "forbidden",
        };
        Problem::new(code, refused.to_string())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let document = ProblemDocument {
            kind: format!("/api/v1/docs#problem-{}", self.code),
            title: title_of(self.code),
            status: self.status,
            detail: &self.detail,
            code: self.code,
            field: self.field.as_deref(),
            retry_after: self.retry_after,
        };
        let mut response = (status, Json(document)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"frontdoor\""),
            );
        }
        response
    }
}

/// A JSON object body; one that cannot be read (or is not an object: serde would read a struct
/// from an array too) is a `bad_request` problem naming what is wrong.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(|rejection: JsonRejection| Problem::bad_request(rejection.body_text()))?;
        if !value.is_object() {
            return Err(Problem::bad_request("The body must be a JSON object."));
        }
        serde_json::from_value(value)
            .map(Body)
            .map_err(|error| Problem::bad_request(format!("The body does not fit: {error}.")))
    }
}

/// A query string; one that cannot be read is a `bad_request` problem.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection: QueryRejection| Problem::bad_request(rejection.body_text()))
    }
}

/// Path parameters; ones that cannot be read are a `bad_request` problem.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|rejection: PathRejection| Problem::bad_request(rejection.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldError;

    #[test]
    fn every_error_has_its_documented_status() {
        for error in [
            AppError::NotFound,
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::Conflict("x".into()),
            AppError::Validation(FieldError::new("title", "Give it a title.")),
            AppError::BadRequest("x".into()),
            AppError::RateLimited,
            AppError::Internal,
        ] {
            let status = error.status_code();
            let problem = Problem::from(error);
            assert_eq!(problem.status, status, "{problem:?}");
            assert!(
                CODES
                    .iter()
                    .any(|(code, s, _)| *code == problem.code && *s == status)
            );
        }
    }

    #[test]
    fn a_validation_problem_names_its_field() {
        let problem = Problem::from(AppError::Validation(FieldError::new("title", "Too long.")));
        assert_eq!(problem.field.as_deref(), Some("title"));
        assert_eq!(problem.detail, "Too long.");
    }
}
