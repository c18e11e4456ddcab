//! Knowledge-base articles, their search, votes, and the suggestions clients opened while
//! writing a request (deflections).

use sqlx::FromRow;

use super::{Backend, Store, StoreError, StoreResult, is_unique_violation};
use crate::domain::knowledge::{
    ArticleAccess, ArticleLink, ArticleText, Audience, DEFLECTION_GRACE_MS, slug_for,
};
use crate::domain::search::{
    Combine, MATCH_END, MATCH_START, describing_terms, fts5_query, tsquery,
};

/// An article as stored, without its body (lists) or with it (reading, editing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArticle {
    pub id: i64,
    pub link: ArticleLink,
    pub access: ArticleAccess,
    pub body: String,
    pub views: i64,
    pub updated_at: i64,
}

/// How an article is doing: read, found helpful or not, requests it saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, FromRow)]
pub struct ArticleCounts {
    pub article_id: i64,
    pub helpful: i64,
    pub unhelpful: i64,
    pub deflections: i64,
}

/// A search hit: the article and its best passage with matches marked.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ArticleHitRow {
    pub article_id: i64,
    pub snippet: String,
}

#[derive(FromRow)]
struct ArticleRow {
    id: i64,
    slug: String,
    title: String,
    summary: String,
    section: String,
    body: String,
    published: i64,
    audience: String,
    accounts: Option<String>,
    views: i64,
    updated_at: i64,
}

impl ArticleRow {
    fn into_article(self) -> StoreResult<StoredArticle> {
        let audience = Audience::parse(&self.audience)
            .ok_or_else(|| StoreError::Corrupt(format!("article audience {}", self.audience)))?;
        let accounts = self
            .accounts
            .unwrap_or_default()
            .split(',')
            .filter_map(|id| id.trim().parse().ok())
            .collect();
        Ok(StoredArticle {
            id: self.id,
            link: ArticleLink {
                slug: self.slug,
                title: self.title,
                summary: self.summary,
                section: self.section,
            },
            access: ArticleAccess {
                published: self.published != 0,
                audience,
                accounts,
            },
            body: self.body,
            views: self.views,
            updated_at: self.updated_at,
        })
    }
}

impl Store {
    /// The columns of [`ArticleRow`]; `body_column` is `a.body` or `''` for lists.
    fn article_select(&self, body_column: &str) -> String {
        let accounts = match self.backend {
            Backend::Sqlite => {
                "(SELECT group_concat(account_id) FROM kb_article_accounts WHERE article_id = a.id)"
            }
            Backend::Postgres => {
                "(SELECT string_agg(account_id::text, ',') FROM kb_article_accounts WHERE article_id = a.id)"
            }
        };
        format!(
            "SELECT a.id, a.slug, a.title, a.summary, a.section, {body_column} AS body, a.published, \
                    a.audience, {accounts} AS accounts, a.views, a.updated_at FROM kb_articles a"
        )
    }

    /// Every article, drafts included, by section and title (bodies left out). Who may read
    /// which is the caller's decision ([`ArticleAccess::readable_by`]).
    pub async fn articles(&self) -> StoreResult<Vec<StoredArticle>> {
        let rows: Vec<ArticleRow> = sqlx::query_as(&format!(
            "{} ORDER BY a.section, a.title",
            self.article_select("''")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ArticleRow::into_article).collect()
    }

    pub async fn article_by_slug(&self, slug: &str) -> StoreResult<StoredArticle> {
        let row: Option<ArticleRow> = sqlx::query_as(&format!(
            "{} WHERE a.slug = $1",
            self.article_select("a.body")
        ))
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::NotFound)?.into_article()
    }

    pub async fn article_by_id(&self, id: i64) -> StoreResult<StoredArticle> {
        let row: Option<ArticleRow> = sqlx::query_as(&format!(
            "{} WHERE a.id = $1",
            self.article_select("a.body")
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::NotFound)?.into_article()
    }

    /// Adds an article (`id` `None`) or changes one, with its audience; returns its id and slug.
    /// A new article's slug comes from its title, numbered when taken; it never changes after,
    /// so links in replies keep working.
    pub async fn save_article(
        &self,
        id: Option<i64>,
        text: &ArticleText,
        access: &ArticleAccess,
        by: i64,
        now: i64,
    ) -> StoreResult<(i64, String)> {
        let base = slug_for(&text.title);
        let mut attempt = 1;
        loop {
            let slug = if attempt == 1 {
                base.clone()
            } else {
                format!("{base}-{attempt}")
            };
            match self.write_article(id, &slug, text, access, by, now).await {
                Err(StoreError::Database(e))
                    if id.is_none() && is_unique_violation(&e) && attempt < 50 =>
                {
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    async fn write_article(
        &self,
        id: Option<i64>,
        slug: &str,
        text: &ArticleText,
        access: &ArticleAccess,
        by: i64,
        now: i64,
    ) -> StoreResult<(i64, String)> {
        in_transaction!(self.begin_write(), |tx| {
            let saved: Option<(i64, String)> = match id {
                None => sqlx::query_as(
                    "INSERT INTO kb_articles (slug, title, summary, body, section, published, audience, \
                                              updated_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id, slug",
                )
                .bind(slug)
                .bind(&text.title)
                .bind(&text.summary)
                .bind(&text.body)
                .bind(&text.section)
                .bind(i64::from(access.published))
                .bind(access.audience.as_str())
                .bind(by)
                .bind(now)
                .fetch_optional(&mut **tx)
                .await?,
                Some(id) => sqlx::query_as(
                    "UPDATE kb_articles SET title = $2, summary = $3, body = $4, section = $5, \
                            published = $6, audience = $7, updated_by = $8, updated_at = $9 \
                     WHERE id = $1 RETURNING id, slug",
                )
                .bind(id)
                .bind(&text.title)
                .bind(&text.summary)
                .bind(&text.body)
                .bind(&text.section)
                .bind(i64::from(access.published))
                .bind(access.audience.as_str())
                .bind(by)
                .bind(now)
                .fetch_optional(&mut **tx)
                .await?,
            };
            let (article_id, slug) = saved.ok_or(StoreError::NotFound)?;
            sqlx::query("DELETE FROM kb_article_accounts WHERE article_id = $1")
                .bind(article_id)
                .execute(&mut **tx)
                .await?;
            if access.audience == Audience::Accounts {
                for account_id in &access.accounts {
                    sqlx::query(
                        "INSERT INTO kb_article_accounts (article_id, account_id) VALUES ($1, $2)",
                    )
                    .bind(article_id)
                    .bind(account_id)
                    .execute(&mut **tx)
                    .await?;
                }
            }
            Ok((article_id, slug))
        })
    }

    pub async fn delete_article(&self, id: i64) -> StoreResult<()> {
        let deleted = sqlx::query("DELETE FROM kb_articles WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn count_article_view(&self, id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE kb_articles SET views = views + 1 WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Articles matching any telling word of `text` (people describe a problem in more words
    /// than an article's title has), best first, each with its best passage (matches between
    /// [`MATCH_START`] and [`MATCH_END`]). Drafts and audiences are the caller's to filter.
    pub async fn search_articles(&self, text: &str, limit: i64) -> StoreResult<Vec<ArticleHitRow>> {
        let terms = describing_terms(text);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, engine_query) = match self.backend {
            Backend::Sqlite => (
                "SELECT CAST(article_id AS INTEGER) AS article_id, \
                        snippet(kb_search, 1, $2, $3, '…', 16) AS snippet \
                 FROM kb_search WHERE kb_search MATCH $1 \
                 ORDER BY bm25(kb_search, 6.0, 1.0) LIMIT $4",
                fts5_query(&terms, Combine::Any),
            ),
            Backend::Postgres => (
                "SELECT a.id AS article_id, \
                        ts_headline('english', a.summary || ' ' || a.body, q, \
                                    'StartSel=' || $2 || ', StopSel=' || $3 || ', MaxWords=28, MinWords=10') AS snippet \
                 FROM kb_articles a, to_tsquery('english', $1) q \
                 WHERE a.document @@ q ORDER BY ts_rank(a.document, q) DESC, a.id LIMIT $4",
                tsquery(&terms, Combine::Any),
            ),
        };
        Ok(sqlx::query_as(sql)
            .bind(engine_query)
            .bind(MATCH_START.to_string())
            .bind(MATCH_END.to_string())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Records (or changes) whether `user_id` found the article helpful.
    pub async fn vote_article(
        &self,
        article_id: i64,
        user_id: i64,
        helpful: bool,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO kb_votes (article_id, user_id, helpful, voted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (article_id, user_id) DO UPDATE SET helpful = excluded.helpful, voted_at = excluded.voted_at",
        )
        .bind(article_id)
        .bind(user_id)
        .bind(i64::from(helpful))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn vote_of(&self, article_id: i64, user_id: i64) -> StoreResult<Option<bool>> {
        let helpful: Option<i64> = sqlx::query_scalar(
            "SELECT helpful FROM kb_votes WHERE article_id = $1 AND user_id = $2",
        )
        .bind(article_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(helpful.map(|h| h != 0))
    }

    /// Notes that a client opened a suggested article while writing a request (once per attempt).
    pub async fn open_suggestion(
        &self,
        attempt: &str,
        article_id: i64,
        user_id: i64,
        account_id: i64,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO kb_suggestion_opens (attempt, article_id, user_id, account_id, opened_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (attempt, article_id) DO NOTHING",
        )
        .bind(attempt)
        .bind(article_id)
        .bind(user_id)
        .bind(account_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The client said the article solved what they were writing about.
    pub async fn mark_suggestion_solved(
        &self,
        attempt: &str,
        article_id: i64,
        user_id: i64,
        account_id: i64,
        now: i64,
    ) -> StoreResult<()> {
        self.open_suggestion(attempt, article_id, user_id, account_id, now)
            .await?;
        sqlx::query(
            "UPDATE kb_suggestion_opens SET solved_at = COALESCE(solved_at, $4) \
             WHERE attempt = $1 AND article_id = $2 AND user_id = $3",
        )
        .bind(attempt)
        .bind(article_id)
        .bind(user_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The client filed the request after all: what they opened while writing it saved nothing.
    pub async fn suggestions_filed(
        &self,
        attempt: &str,
        user_id: i64,
        ticket_id: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE kb_suggestion_opens SET ticket_id = $3 \
             WHERE attempt = $1 AND user_id = $2 AND ticket_id IS NULL",
        )
        .bind(attempt)
        .bind(user_id)
        .bind(ticket_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Votes and deflections per article, as of `now`. A deflection follows
    /// [`crate::domain::knowledge::SuggestionOpened::deflected`].
    pub async fn article_counts(&self, now: i64) -> StoreResult<Vec<ArticleCounts>> {
        Ok(sqlx::query_as(
            "SELECT a.id AS article_id, \
                    (SELECT COUNT(*) FROM kb_votes v WHERE v.article_id = a.id AND v.helpful = 1) AS helpful, \
                    (SELECT COUNT(*) FROM kb_votes v WHERE v.article_id = a.id AND v.helpful = 0) AS unhelpful, \
                    (SELECT COUNT(*) FROM kb_suggestion_opens o WHERE o.article_id = a.id \
                       AND o.ticket_id IS NULL AND (o.solved_at IS NOT NULL OR o.opened_at <= $1)) AS deflections \
             FROM kb_articles a",
        )
        .bind(now - DEFLECTION_GRACE_MS)
        .fetch_all(&self.pool)
        .await?)
    }
}
