//! Turning server-side failures into what a person may see.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::store::StoreError;
use crate::error::{AppError, ErrorAnswer};

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(message) => AppError::Conflict(message),
            StoreError::Transition(error) => AppError::Conflict(error.to_string()),
            StoreError::ReplyRefused(refused) => AppError::Conflict(refused.to_string()),
            other => {
                // The details stay in the log; the browser learns only that it was our fault.
                tracing::error!(error = %other, "store failure");
                AppError::Internal
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let answer = ErrorAnswer {
            error: self.to_string(),
            detail: self,
        };
        (status, Json(answer)).into_response()
    }
}
