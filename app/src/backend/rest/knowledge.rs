//! `/api/v1/categories` and `/api/v1/articles`: what requests are filed under, and the help
//! articles the token may read.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::problem::{Path, Problem, ProblemDocument};
use crate::api::desk::list_categories;
use crate::api::knowledge::{help_centre, read_article};
use crate::backend::state::AppState;
use crate::domain::api_token::{Access, ApiResource};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// Typical requests in it, as the request form shows them.
    pub examples: String,
}

/// Lists the categories a request can be filed under.
#[utoipa::path(
    get, path = "/api/v1/categories", tag = "knowledge",
    security(("token" = ["knowledge:read"])),
    responses(
        (status = 200, body = Vec<Category>),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Category>>, Problem> {
    caller.needs(ApiResource::Knowledge, Access::Read)?;
    let categories = caller.run(&state, list_categories()).await?;
    Ok(Json(
        categories
            .into_iter()
            .map(|c| Category {
                id: c.id,
                name: c.name,
                description: c.description,
                examples: c.examples,
            })
            .collect(),
    ))
}

/// A help article in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArticleSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub section: String,
}

impl From<crate::domain::knowledge::ArticleLink> for ArticleSummary {
    fn from(link: crate::domain::knowledge::ArticleLink) -> ArticleSummary {
        ArticleSummary {
            slug: link.slug,
            title: link.title,
            summary: link.summary,
            section: link.section,
        }
    }
}

/// A help article to read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Article {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// The body as sanitized HTML.
    pub body_html: String,
    pub updated_at: String,
}

/// Lists the published help articles the token may read, by section.
#[utoipa::path(
    get, path = "/api/v1/articles", tag = "knowledge",
    security(("token" = ["knowledge:read"])),
    responses(
        (status = 200, body = Vec<ArticleSummary>),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn articles(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ArticleSummary>>, Problem> {
    caller.needs(ApiResource::Knowledge, Access::Read)?;
    let contents = caller.run(&state, help_centre()).await?;
    Ok(Json(
        contents
            .sections
            .into_iter()
            .flat_map(|section| section.articles)
            .map(ArticleSummary::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ArticlePath {
    /// e.g. `reset-your-password`.
    #[param(min_length = 1, max_length = 120)]
    pub slug: String,
}

/// Reads one help article.
#[utoipa::path(
    get, path = "/api/v1/articles/{slug}", tag = "knowledge", params(ArticlePath),
    security(("token" = ["knowledge:read"])),
    responses(
        (status = 200, body = Article),
        (status = "4XX", body = ProblemDocument, content_type = "application/problem+json"),
    )
)]
pub async fn article(
    State(state): State<AppState>,
    caller: Caller,
    Path(ArticlePath { slug }): Path<ArticlePath>,
) -> Result<Json<Article>, Problem> {
    caller.needs(ApiResource::Knowledge, Access::Read)?;
    let page = caller.run(&state, read_article(slug, None)).await?;
    Ok(Json(Article {
        summary: page.link.into(),
        body_html: page.body_html,
        updated_at: super::tickets::rfc3339(page.updated_at),
    }))
}
