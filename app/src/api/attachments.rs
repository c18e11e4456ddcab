//! Uploading files. They are checked here (size, real type from the bytes) and wait, owned by
//! the uploader, until a request or message claims them. Downloads go through
//! `backend::attachments::download`, under the same policy as the ticket.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A file stored and ready to attach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub id: i64,
    pub filename: String,
    pub size_bytes: i64,
}

/// Stores the files of a multipart form (field `file`, several allowed).
#[server(endpoint = "upload_attachment", input = MultipartFormData)]
pub async fn upload_attachment(data: MultipartData) -> Result<Vec<UploadedFile>, AppError> {
    use crate::backend::{attachments::store_upload, auth};
    use crate::domain::attachment::{
        MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, safe_filename, too_large_message,
    };
    use crate::domain::validation::FieldError;

    let actor = auth::require_actor()?;
    let mut form = data
        .into_inner()
        .ok_or_else(|| AppError::BadRequest("expected a multipart form".into()))?;
    let mut uploaded = Vec::new();
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        if uploaded.len() == MAX_ATTACHMENTS {
            return Err(FieldError::new(
                "attachments",
                format!("Attach at most {MAX_ATTACHMENTS} files."),
            )
            .into());
        }
        let filename = safe_filename(field.file_name().unwrap_or("file"));
        let mut content = Vec::new();
        // Read chunk by chunk so an oversized file is refused without being held in memory.
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| AppError::BadRequest(e.to_string()))?
        {
            if content.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                return Err(FieldError::new("attachments", too_large_message(&filename)).into());
            }
            content.extend_from_slice(&chunk);
        }
        if content.is_empty() {
            return Err(FieldError::new("attachments", format!("“{filename}” is empty.")).into());
        }
        let id = store_upload(actor.user_id, &filename, &content).await?;
        uploaded.push(UploadedFile {
            id,
            filename,
            size_bytes: content.len() as i64,
        });
    }
    Ok(uploaded)
}
