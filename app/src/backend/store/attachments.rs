//! Files attached to requests and messages, kept in the database (see the migration).

use sqlx::{Any, FromRow, Transaction};

use super::{Store, StoreError, StoreResult};
use crate::domain::ticket::{AttachmentInfo, TicketRef};

/// A checked upload, waiting to be attached to a request or message by its uploader.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub uploaded_by: i64,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub is_image: bool,
    pub sha256: &'a str,
    pub content: &'a [u8],
}

/// A stored file with what the download route needs to authorize it.
#[derive(Debug, Clone, FromRow)]
pub struct StoredAttachment {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub uploaded_by: i64,
    /// Came with an internal note: staff only.
    pub internal: i64,
    pub filename: String,
    pub content_type: String,
    pub is_image: i64,
    pub content: Vec<u8>,
}

#[derive(FromRow)]
struct InfoRow {
    id: i64,
    filename: String,
    content_type: String,
    size_bytes: i64,
    is_image: i64,
    event_id: Option<i64>,
}

impl Store {
    pub async fn add_attachment(&self, file: &NewAttachment<'_>, now: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO attachments (uploaded_by, filename, content_type, size_bytes, sha256, is_image, content, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(file.uploaded_by)
        .bind(file.filename)
        .bind(file.content_type)
        .bind(file.content.len() as i64)
        .bind(file.sha256)
        .bind(i64::from(file.is_image))
        .bind(file.content.to_vec())
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// How many bytes `uploader` has uploaded and not yet sent with a request or message.
    pub async fn unsent_upload_bytes(&self, uploader: i64) -> StoreResult<i64> {
        // Postgres sums BIGINTs as NUMERIC.
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments \
             WHERE uploaded_by = $1 AND ticket_id IS NULL",
        )
        .bind(uploader)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Removes uploads made before `before` and never sent; returns how many.
    pub async fn remove_unsent_uploads(&self, before: i64) -> StoreResult<u64> {
        let removed =
            sqlx::query("DELETE FROM attachments WHERE ticket_id IS NULL AND created_at < $1")
                .bind(before)
                .execute(&self.pool)
                .await?;
        Ok(removed.rows_affected())
    }

    /// Removes one upload of `uploader`'s that was never sent (taken off a form before sending).
    /// Anyone else's file, or one already sent, is not found.
    pub async fn remove_unsent_upload(&self, id: i64, uploader: i64) -> StoreResult<()> {
        let removed = sqlx::query(
            "DELETE FROM attachments WHERE id = $1 AND uploaded_by = $2 AND ticket_id IS NULL",
        )
        .bind(id)
        .bind(uploader)
        .execute(&self.pool)
        .await?;
        if removed.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Attaches uploads to a ticket (and message) inside its transaction. Only the uploader's own,
    /// not yet attached files qualify; anything else is refused as a whole.
    pub(super) async fn claim_attachments(
        tx: &mut Transaction<'static, Any>,
        ids: &[i64],
        uploader: i64,
        ticket_id: i64,
        event_id: Option<i64>,
    ) -> StoreResult<()> {
        for id in ids {
            let claimed = sqlx::query(
                "UPDATE attachments SET ticket_id = $2, event_id = $3 \
                 WHERE id = $1 AND uploaded_by = $4 AND ticket_id IS NULL",
            )
            .bind(id)
            .bind(ticket_id)
            .bind(event_id)
            .bind(uploader)
            .execute(&mut **tx)
            .await?;
            if claimed.rows_affected() != 1 {
                return Err(StoreError::Conflict(
                    "One of the files is no longer available; remove it and attach it again."
                        .into(),
                ));
            }
        }
        Ok(())
    }

    /// A ticket's files, oldest first; files of internal notes only when asked for.
    pub async fn attachments(
        &self,
        reference: TicketRef,
        include_internal: bool,
    ) -> StoreResult<Vec<AttachmentInfo>> {
        let rows: Vec<InfoRow> = sqlx::query_as(
            "SELECT f.id, f.filename, f.content_type, f.size_bytes, f.is_image, f.event_id \
             FROM attachments f LEFT JOIN ticket_events e ON e.id = f.event_id \
             WHERE f.ticket_id = $1 AND (COALESCE(e.internal, 0) = 0 OR $2 = 1) ORDER BY f.id",
        )
        .bind(reference.0)
        .bind(i64::from(include_internal))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AttachmentInfo {
                id: r.id,
                filename: r.filename,
                content_type: r.content_type,
                size_bytes: r.size_bytes,
                is_image: r.is_image == 1,
                event_id: r.event_id,
            })
            .collect())
    }

    /// One stored file with its ownership, for the download route to authorize.
    pub async fn attachment(&self, id: i64) -> StoreResult<StoredAttachment> {
        sqlx::query_as(
            "SELECT f.id, f.ticket_id, f.uploaded_by, COALESCE(e.internal, 0) AS internal, f.filename, \
                    f.content_type, f.is_image, f.content \
             FROM attachments f LEFT JOIN ticket_events e ON e.id = f.event_id WHERE f.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }
}
