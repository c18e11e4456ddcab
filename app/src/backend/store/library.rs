//! The agency's reference lists: categories, staff teams and people to assign, canned replies,
//! and each person's saved views.

use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, is_unique_violation};
use crate::domain::canned::CannedReply;
use crate::domain::listing::{Choice, SavedView};
use crate::domain::ticket::Category;

#[derive(FromRow)]
struct CategoryRow {
    id: i64,
    name: String,
    description: String,
    examples: String,
}

impl Store {
    /// The active categories in the order clients see them.
    pub async fn categories(&self) -> StoreResult<Vec<Category>> {
        let rows: Vec<CategoryRow> = sqlx::query_as(
            "SELECT id, name, description, examples FROM categories WHERE active = 1 ORDER BY position, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Category {
                id: r.id,
                name: r.name,
                description: r.description,
                examples: r.examples,
            })
            .collect())
    }

    /// Adds a category at the end, or updates one; names are unique.
    pub async fn save_category(&self, category: &Category) -> StoreResult<i64> {
        let result = if category.id == 0 {
            sqlx::query_scalar(
                "INSERT INTO categories (name, description, examples, position) \
                 VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM categories)) RETURNING id",
            )
            .bind(&category.name)
            .bind(&category.description)
            .bind(&category.examples)
            .fetch_one(&self.pool)
            .await
        } else {
            sqlx::query_scalar(
                "UPDATE categories SET name = $2, description = $3, examples = $4 WHERE id = $1 RETURNING id",
            )
            .bind(category.id)
            .bind(&category.name)
            .bind(&category.description)
            .bind(&category.examples)
            .fetch_optional(&self.pool)
            .await
            .and_then(|id| id.ok_or(sqlx::Error::RowNotFound))
        };
        result.map_err(|e| match e {
            e if is_unique_violation(&e) => StoreError::Conflict(format!(
                "There is already a category called “{}”.",
                category.name
            )),
            sqlx::Error::RowNotFound => StoreError::NotFound,
            e => e.into(),
        })
    }

    /// Retires a category: tickets keep it, new requests no longer offer it.
    pub async fn retire_category(&self, id: i64) -> StoreResult<()> {
        let updated = sqlx::query("UPDATE categories SET active = 0 WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn staff_teams(&self) -> StoreResult<Vec<Choice>> {
        self.choices("SELECT id, name FROM staff_teams ORDER BY name")
            .await
    }

    /// Active staff, who can be assigned tickets and tasks (service accounts are not people).
    pub async fn assignable_staff(&self) -> StoreResult<Vec<Choice>> {
        self.choices(
            "SELECT id, name FROM users WHERE account_id IS NULL AND active = 1 AND service = 0 ORDER BY name",
        )
        .await
    }

    /// Active contacts of every account, for staff filing on someone's behalf.
    pub async fn contacts(&self) -> StoreResult<Vec<Choice>> {
        self.choices(
            "SELECT u.id, u.name || ' · ' || a.name AS name FROM users u JOIN accounts a ON a.id = u.account_id \
             WHERE u.active = 1 ORDER BY a.name, u.name",
        )
        .await
    }

    async fn choices(&self, sql: &str) -> StoreResult<Vec<Choice>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| Choice { id, name })
            .collect())
    }

    pub async fn canned_replies(&self) -> StoreResult<Vec<CannedReply>> {
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, title, body FROM canned_replies ORDER BY title")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, title, body)| CannedReply { id, title, body })
            .collect())
    }

    /// Adds (`id` 0) or updates a canned reply; titles are unique.
    pub async fn save_canned_reply(&self, reply: &CannedReply, now: i64) -> StoreResult<i64> {
        let result = if reply.id == 0 {
            sqlx::query_scalar(
                "INSERT INTO canned_replies (title, body, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(&reply.title)
            .bind(&reply.body)
            .bind(now)
            .fetch_one(&self.pool)
            .await
        } else {
            sqlx::query_scalar(
                "UPDATE canned_replies SET title = $2, body = $3 WHERE id = $1 RETURNING id",
            )
            .bind(reply.id)
            .bind(&reply.title)
            .bind(&reply.body)
            .fetch_optional(&self.pool)
            .await
            .and_then(|id| id.ok_or(sqlx::Error::RowNotFound))
        };
        result.map_err(|e| match e {
            e if is_unique_violation(&e) => StoreError::Conflict(format!(
                "There is already a canned reply called “{}”.",
                reply.title
            )),
            sqlx::Error::RowNotFound => StoreError::NotFound,
            e => e.into(),
        })
    }

    pub async fn delete_canned_reply(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM canned_replies WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn saved_views(&self, user_id: i64) -> StoreResult<Vec<SavedView>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, name, query FROM saved_views WHERE user_id = $1 ORDER BY name",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, query)| SavedView { id, name, query })
            .collect())
    }

    /// Saves a view under a name, replacing the person's view of the same name.
    pub async fn save_view(
        &self,
        user_id: i64,
        name: &str,
        query: &str,
        now: i64,
    ) -> StoreResult<()> {
        in_transaction!(self.begin_write(), |tx| {
            sqlx::query("DELETE FROM saved_views WHERE user_id = $1 AND name = $2")
                .bind(user_id)
                .bind(name)
                .execute(&mut **tx)
                .await?;
            sqlx::query("INSERT INTO saved_views (user_id, name, query, created_at) VALUES ($1, $2, $3, $4)")
            .bind(user_id)
            .bind(name)
            .bind(query)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
    }

    /// Deletes one of the person's own views (someone else's id deletes nothing).
    pub async fn delete_view(&self, user_id: i64, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
