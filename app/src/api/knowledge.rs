//! The knowledge base: clients browse, search and read help articles (some without signing
//! in); articles are suggested while a request is written and may save it (a deflection);
//! staff write them and see how each one does.

// An article form has eight fields, and a server function takes them one by one.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::knowledge::{ArticleLink, Audience};
use crate::domain::search::SnippetPart;
use crate::error::AppError;

/// Articles shown per search; suggestions while writing a request show fewer.
#[cfg(feature = "ssr")]
const SEARCH_RESULTS: i64 = 10;
#[cfg(feature = "ssr")]
const SUGGESTIONS: usize = 3;

/// One section of the help centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpSection {
    pub name: String,
    pub articles: Vec<ArticleLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpContents {
    pub sections: Vec<HelpSection>,
    pub signed_in: bool,
}

/// An article found by a search, with its best passage (matches marked, never markup).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleHit {
    pub link: ArticleLink,
    pub snippet: Vec<SnippetPart>,
}

/// An article to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticlePage {
    pub link: ArticleLink,
    /// The body, rendered from Markdown and sanitized on the server.
    pub body_html: String,
    pub updated_at: i64,
    pub published: bool,
    /// Whether the reader may answer "Was this helpful?" (signed-in clients), and their answer.
    pub may_vote: bool,
    pub vote: Option<bool>,
    /// For staff: the article's id, to edit it.
    pub edit_id: Option<i64>,
}

/// The published articles the reader may see, by section. Works signed out (public articles).
#[server(endpoint = "help_centre")]
pub async fn help_centre() -> Result<HelpContents, AppError> {
    use crate::backend::{auth, state::app_state};

    let reader = auth::current_reader();
    let mut sections: Vec<HelpSection> = Vec::new();
    for article in app_state()?.store.articles().await? {
        if !(article.access.published && article.access.readable_by(reader.as_ref())) {
            continue;
        }
        match sections.last_mut() {
            Some(section) if section.name == article.link.section => {
                section.articles.push(article.link);
            }
            _ => sections.push(HelpSection {
                name: article.link.section.clone(),
                articles: vec![article.link],
            }),
        }
    }
    Ok(HelpContents {
        sections,
        signed_in: reader.is_some(),
    })
}

/// Published articles the reader may see matching `query`, best first.
#[server(endpoint = "search_help")]
pub async fn search_help(query: String) -> Result<Vec<ArticleHit>, AppError> {
    use crate::backend::auth;

    let reader = auth::current_reader();
    find_articles(reader.as_ref(), &query, SEARCH_RESULTS as usize).await
}

/// Articles that may answer the request being written (title and description so far).
#[server(endpoint = "suggest_articles")]
pub async fn suggest_articles(text: String) -> Result<Vec<ArticleHit>, AppError> {
    use crate::backend::auth;

    let reader = auth::require_actor()?;
    find_articles(Some(&reader), &text, SUGGESTIONS).await
}

#[cfg(feature = "ssr")]
async fn find_articles(
    reader: Option<&crate::domain::policy::Actor>,
    text: &str,
    limit: usize,
) -> Result<Vec<ArticleHit>, AppError> {
    use crate::backend::state::app_state;
    use crate::domain::knowledge::without_markup;
    use crate::domain::search::snippet_parts;

    if text.chars().count() > crate::domain::validation::DESCRIPTION_MAX_CHARS {
        return Err(AppError::BadRequest("The search text is too long.".into()));
    }
    let store = &app_state()?.store;
    let hits = store.search_articles(text, SEARCH_RESULTS * 3).await?;
    if hits.is_empty() {
        return Ok(Vec::new());
    }
    let articles = store.articles().await?;
    Ok(hits
        .into_iter()
        .filter_map(|hit| {
            let article = articles.iter().find(|a| a.id == hit.article_id)?;
            (article.access.published && article.access.readable_by(reader)).then(|| ArticleHit {
                link: article.link.clone(),
                snippet: snippet_parts(&without_markup(&hit.snippet)),
            })
        })
        .take(limit)
        .collect())
}

/// An article to read, counted as a view. `attempt` names the request being written when a
/// client opened it from the suggestions. Unknown and unreadable articles are both "not
/// found", so a link does not tell whether an article exists.
#[server(endpoint = "read_article")]
pub async fn read_article(slug: String, attempt: Option<String>) -> Result<ArticlePage, AppError> {
    use crate::backend::markdown::to_safe_html;
    use crate::backend::{auth, state::app_state};

    let reader = auth::current_reader();
    let state = app_state()?;
    let article = state.store.article_by_slug(&slug).await?;
    if !article.access.readable_by(reader.as_ref()) {
        return Err(AppError::NotFound);
    }
    let client = reader.as_ref().filter(|r| !r.is_staff());
    if client.is_some() || reader.is_none() {
        state.store.count_article_view(article.id).await?;
    }
    let now = state.clock.now_ms();
    if let (Some(client), Some(account_id), Some(attempt)) = (
        client,
        client.and_then(|c| c.account_id),
        attempt.as_deref().and_then(attempt_key),
    ) {
        state
            .store
            .open_suggestion(attempt, article.id, client.user_id, account_id, now)
            .await?;
    }
    let vote = match client {
        Some(client) => state.store.vote_of(article.id, client.user_id).await?,
        None => None,
    };
    Ok(ArticlePage {
        body_html: to_safe_html(&article.body),
        updated_at: article.updated_at,
        published: article.access.published,
        may_vote: client.is_some() && article.access.published,
        vote,
        edit_id: reader
            .filter(crate::domain::policy::Actor::is_staff)
            .map(|_| article.id),
        link: article.link,
    })
}

/// An attempt key as the browser made it: short, letters and digits only; anything else is
/// ignored rather than stored.
#[cfg(feature = "ssr")]
fn attempt_key(attempt: &str) -> Option<&str> {
    (!attempt.is_empty()
        && attempt.len() <= 64
        && attempt.chars().all(|c| c.is_ascii_alphanumeric()))
    .then_some(attempt)
}

/// A readable, published article for a signed-in client, by slug.
#[cfg(feature = "ssr")]
async fn client_article(slug: &str) -> Result<(crate::domain::policy::Actor, i64, i64), AppError> {
    use crate::backend::{auth, state::app_state};

    let reader = auth::require_signed_in()?;
    let Some(account_id) = reader.account_id.filter(|_| !reader.is_staff()) else {
        return Err(AppError::Forbidden);
    };
    let article = app_state()?.store.article_by_slug(slug).await?;
    if !(article.access.published && article.access.readable_by(Some(&reader))) {
        return Err(AppError::NotFound);
    }
    Ok((reader, article.id, account_id))
}

/// "Was this helpful?" — a client's answer, which they may change.
#[server(endpoint = "vote_article")]
pub async fn vote_article(slug: String, helpful: bool) -> Result<(), AppError> {
    use crate::backend::state::app_state;

    let (reader, article_id, _) = client_article(&slug).await?;
    let state = app_state()?;
    state
        .store
        .vote_article(article_id, reader.user_id, helpful, state.clock.now_ms())
        .await?;
    Ok(())
}

/// The client says the suggested article solved what they were writing about: the request is
/// not filed, and the article is credited with a deflection.
#[server(endpoint = "article_solved_it")]
pub async fn article_solved_it(slug: String, attempt: String) -> Result<(), AppError> {
    use crate::backend::state::app_state;

    let attempt = attempt_key(&attempt)
        .ok_or_else(|| AppError::BadRequest("The writing session is missing.".into()))?;
    let (reader, article_id, account_id) = client_article(&slug).await?;
    let state = app_state()?;
    state
        .store
        .mark_suggestion_solved(
            attempt,
            article_id,
            reader.user_id,
            account_id,
            state.clock.now_ms(),
        )
        .await?;
    Ok(())
}

/// An article in the staff library, with how it is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryArticle {
    pub id: i64,
    pub link: ArticleLink,
    pub published: bool,
    pub audience: Audience,
    pub views: i64,
    pub helpful: i64,
    pub unhelpful: i64,
    pub deflections: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Library {
    pub now: i64,
    pub articles: Vec<LibraryArticle>,
}

/// Every article, drafts included, with views, votes and deflections (staff).
#[server(endpoint = "article_library")]
pub async fn article_library() -> Result<Library, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::WriteArticles)?;
    let state = app_state()?;
    let now = state.clock.now_ms();
    let counts = state.store.article_counts(now).await?;
    let articles = state
        .store
        .articles()
        .await?
        .into_iter()
        .map(|article| {
            let count = counts
                .iter()
                .find(|c| c.article_id == article.id)
                .copied()
                .unwrap_or_default();
            LibraryArticle {
                id: article.id,
                published: article.access.published,
                audience: article.access.audience,
                views: article.views,
                helpful: count.helpful,
                unhelpful: count.unhelpful,
                deflections: count.deflections,
                updated_at: article.updated_at,
                link: article.link,
            }
        })
        .collect();
    Ok(Library { now, articles })
}

/// An article as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ArticleDraft {
    pub id: Option<i64>,
    pub slug: Option<String>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub section: String,
    pub published: bool,
    pub audience: Option<Audience>,
    pub accounts: Vec<i64>,
}

/// What the editor needs: the article (empty for a new one), the sections in use, the client
/// accounts to choose from, and whether this person may make an article public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleForEditing {
    pub draft: ArticleDraft,
    pub sections: Vec<String>,
    pub accounts: Vec<(i64, String)>,
    pub may_publish_publicly: bool,
}

#[server(endpoint = "article_editor")]
pub async fn article_editor(id: Option<i64>) -> Result<ArticleForEditing, AppError> {
    use crate::backend::{auth, state::app_state};
    use crate::domain::policy::Permission;

    let editor = auth::require_permission(Permission::WriteArticles)?;
    let store = &app_state()?.store;
    let draft = match id {
        None => ArticleDraft::default(),
        Some(id) => {
            let article = store.article_by_id(id).await?;
            ArticleDraft {
                id: Some(article.id),
                slug: Some(article.link.slug),
                title: article.link.title,
                summary: article.link.summary,
                body: article.body,
                section: article.link.section,
                published: article.access.published,
                audience: Some(article.access.audience),
                accounts: article.access.accounts,
            }
        }
    };
    let mut sections: Vec<String> = store
        .articles()
        .await?
        .into_iter()
        .map(|a| a.link.section)
        .collect();
    sections.dedup();
    let accounts = store
        .accounts()
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    Ok(ArticleForEditing {
        draft,
        sections,
        accounts,
        may_publish_publicly: editor.can(Permission::PublishPublicly),
    })
}

/// Saves an article (a new one when `id` is empty) and returns its slug. Only admins choose
/// "anyone with the link"; an article that has it keeps it when other staff edit it.
#[server(endpoint = "save_article")]
pub async fn save_article(
    id: Option<i64>,
    title: String,
    #[server(default)] summary: String,
    body: String,
    section: String,
    audience: String,
    #[server(default)] accounts: Vec<i64>,
    #[server(default)] publish: Option<String>,
) -> Result<String, AppError> {
    use crate::backend::audit::Audit;
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::knowledge::{ArticleAccess, ArticleText};
    use crate::domain::policy::Permission;
    use crate::domain::validation::FieldError;

    let editor = auth::require_permission(Permission::WriteArticles)?;
    let text = ArticleText::parse(&title, &summary, &body, &section)?;
    let audience = Audience::parse(&audience)
        .ok_or_else(|| FieldError::new("audience", "Choose who may read it."))?;
    let state = app_state()?;
    let was_public = match id {
        Some(id) => state.store.article_by_id(id).await?.access.audience == Audience::Public,
        None => false,
    };
    if audience == Audience::Public && !was_public && !editor.can(Permission::PublishPublicly) {
        return Err(FieldError::new(
            "audience",
            "Only an admin can make an article readable without signing in.",
        )
        .into());
    }
    // A company ticked twice (a replayed form) is still one reader.
    let mut accounts = accounts;
    accounts.sort_unstable();
    accounts.dedup();
    if audience == Audience::Accounts && accounts.is_empty() {
        return Err(FieldError::new("audience", "Choose at least one account.").into());
    }
    let access = ArticleAccess {
        published: publish.is_some(),
        audience,
        accounts,
    };
    let (article_id, slug) = state
        .store
        .save_article(id, &text, &access, editor.user_id, state.clock.now_ms())
        .await?;
    Audit::new(AuditAction::ArticleSaved, format!("article:{article_id}"))
        .detail(serde_json::json!({
            "title": text.title,
            "published": access.published,
            "audience": access.audience.as_str(),
        }))
        .record(&state)
        .await?;
    Ok(slug)
}

#[server(endpoint = "delete_article")]
pub async fn delete_article(id: i64) -> Result<(), AppError> {
    use crate::backend::audit::Audit;
    use crate::backend::{auth, state::app_state};
    use crate::domain::audit::AuditAction;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::WriteArticles)?;
    let state = app_state()?;
    let title = state.store.article_by_id(id).await?.link.title;
    state.store.delete_article(id).await?;
    Audit::new(AuditAction::ArticleDeleted, format!("article:{id}"))
        .detail(serde_json::json!({ "title": title }))
        .record(&state)
        .await?;
    Ok(())
}

/// The article body as readers will see it (Markdown, sanitized), for the editor's preview.
#[server(endpoint = "preview_article")]
#[allow(clippy::unused_async, reason = "server functions are async")]
pub async fn preview_article(body: String) -> Result<String, AppError> {
    use crate::backend::auth;
    use crate::backend::markdown::to_safe_html;
    use crate::domain::knowledge::ARTICLE_BODY_MAX_CHARS;
    use crate::domain::policy::Permission;

    auth::require_permission(Permission::WriteArticles)?;
    if body.chars().count() > ARTICLE_BODY_MAX_CHARS {
        return Err(AppError::BadRequest("The article is too long.".into()));
    }
    Ok(to_safe_html(&body))
}
