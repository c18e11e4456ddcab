//! The REST API, `/api/v1`: JSON for other systems, authorized by API tokens.
//!
//! Every call names a token (`Authorization: Bearer fd_…`) made on a staff member's Account
//! page. The token acts as that person, narrowed by its scopes and account limit, and writes run
//! the same server functions as the app's pages. Errors are problem documents (RFC 9457). The
//! OpenAPI 3.1 document is derived from the handlers below and served at `/api/v1/openapi.json`,
//! with a readable reference at `/api/v1/docs`.

mod accounts;
mod caller;
mod events;
mod knowledge;
mod problem;
mod tickets;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use caller::{ApiCall, ApiRate, BURST};
pub use problem::{CODES, Problem};
pub use tickets::{Ticket, rfc3339};

use super::state::AppState;
use crate::domain::api_token::ApiResource;
use crate::domain::sla::ClockState;
use crate::domain::ticket::{Channel, Priority, TicketStatus};

/// JSON bodies are small: a request's text, a reply.
const BODY_LIMIT: usize = 256 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Frontdoor API",
        version = "1",
        description = "Requests and their conversations, client companies and contacts, categories, help \
            articles and the event log of a Frontdoor portal. \
            Authenticate with an API token made on your Account page: \
            `Authorization: Bearer fd_…`. Errors are problem documents (RFC 9457) with a stable `code`."
    ),
    paths(
        tickets::list_tickets,
        tickets::get_one,
        tickets::create,
        tickets::change,
        tickets::add_reply,
        tickets::add_note,
        events::list_events,
        accounts::list_accounts,
        accounts::add_account,
        accounts::list_contacts,
        accounts::invite_contact,
        knowledge::list,
        knowledge::articles,
        knowledge::article,
    ),
    // Types only parameters name are not collected from the paths.
    components(schemas(TicketStatus, Priority, Channel, ClockState)),
    modifiers(&TokenAuth),
    tags(
        (name = "tickets", description = "Requests: list, read, file, reply, note and change."),
        (name = "events", description = "The event log, oldest first, for keeping in sync."),
        (name = "accounts", description = "Client companies and their contacts."),
        (name = "knowledge", description = "Categories and help articles (read only)."),
    )
)]
pub struct ApiDoc;

struct TokenAuth;

impl Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "token",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("fd_…")
                        .description(Some("An API token from the Account page."))
                        .build(),
                ),
            );
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(tickets::list_tickets).post(tickets::create))
        .route(
            "/tickets/{reference}",
            get(tickets::get_one).patch(tickets::change),
        )
        .route("/tickets/{reference}/replies", post(tickets::add_reply))
        .route("/tickets/{reference}/notes", post(tickets::add_note))
        .route("/events", get(events::list_events))
        .route(
            "/accounts",
            get(accounts::list_accounts).post(accounts::add_account),
        )
        .route(
            "/accounts/{account_id}/contacts",
            get(accounts::list_contacts).post(accounts::invite_contact),
        )
        .route("/categories", get(knowledge::list))
        .route("/articles", get(knowledge::articles))
        .route("/articles/{slug}", get(knowledge::article))
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(reference_page))
        .fallback(|| async {
            Problem::new("not_found", "There is no such API route. See /api/v1/docs.")
        })
        .method_not_allowed_fallback(|| async {
            let mut response =
                Problem::bad_request("This route does not take that method. See /api/v1/docs.")
                    .into_response();
            *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            response
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi().to_pretty_json().unwrap_or_default(),
    )
        .into_response()
}

/// The API reference, drawn from the OpenAPI document: every route with what it needs and
/// returns, the scopes, and the problem codes.
async fn reference_page() -> Html<String> {
    use std::fmt::Write;

    let doc = ApiDoc::openapi();
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Frontdoor API reference</title><style>\
         body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1b2430}\
         code,pre{font:14px/1.4 ui-monospace,monospace}pre{background:#f3f5f8;padding:.75rem;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}\
         .op{border-top:1px solid #d5dbe3;padding:.5rem 0}.method{font-weight:700;text-transform:uppercase}\
         table{border-collapse:collapse}td,th{border:1px solid #d5dbe3;padding:.25rem .5rem;text-align:left}\
         td p,dd p{margin:0}dd{margin:0 0 .5rem 1rem}\
         @media (prefers-color-scheme:dark){body{background:#10151c;color:#e4e9f0}pre{background:#1b2430}}\
         </style></head><body><main><h1>Frontdoor API reference</h1>",
    );
    let _ = write!(
        html,
        "{}<p>Machine-readable: <a href=\"/api/v1/openapi.json\">OpenAPI 3.1 document</a>.</p>",
        prose(doc.info.description.as_deref().unwrap_or_default())
    );
    html.push_str("<h2>Scopes</h2><p>A token may read or write each of these; writing includes reading.</p><ul>");
    for resource in ApiResource::ALL {
        let _ = write!(
            html,
            "<li><code>{0}:read</code>{1} — {2}</li>",
            resource.as_str(),
            if resource.writable() {
                format!(", <code>{}:write</code>", resource.as_str())
            } else {
                String::new()
            },
            text(resource.label())
        );
    }
    let _ = write!(
        html,
        "</ul><p>Each token may make {BURST} calls at once, then 10 a second; beyond that the \
         answer is <code>429</code> with <code>Retry-After</code>.</p><h2>Routes</h2>"
    );
    write_operations(&mut html, &doc);
    html.push_str("<h2>Problems</h2><table><tr><th>code</th><th>status</th><th>meaning</th></tr>");
    for (code, status, meaning) in CODES {
        let _ = write!(
            html,
            "<tr id=\"problem-{code}\"><td><code>{code}</code></td><td>{status}</td><td>{}</td></tr>",
            prose(meaning)
        );
    }
    html.push_str("</table><h2>Schemas</h2>");
    if let Some(components) = &doc.components {
        for (name, schema) in &components.schemas {
            let _ = write!(
                html,
                "<h3 id=\"schema-{0}\">{0}</h3><pre tabindex=\"0\">{1}</pre>",
                text(name),
                text(&serde_json::to_string_pretty(schema).unwrap_or_default())
            );
        }
    }
    html.push_str("</main></body></html>");
    Html(html)
}

/// Names in the API reference are text.
fn text(s: &str) -> String {
    ammonia::clean_text(s)
}

/// Descriptions are Markdown (as OpenAPI has it), rendered and sanitized.
fn prose(s: &str) -> String {
    crate::backend::markdown::to_safe_html(s)
}

/// The API reference's section for each route and method.
fn write_operations(html: &mut String, doc: &utoipa::openapi::OpenApi) {
    use std::fmt::Write;

    for (path, item) in &doc.paths.paths {
        let operations = [
            ("get", &item.get),
            ("post", &item.post),
            ("patch", &item.patch),
            ("put", &item.put),
            ("delete", &item.delete),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let _ = write!(
                html,
                "<section class=\"op\"><h3><span class=\"method\">{method}</span> <code>{}</code></h3>{}",
                text(path),
                prose(
                    operation
                        .description
                        .as_deref()
                        .or(operation.summary.as_deref())
                        .unwrap_or_default()
                )
            );
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            if !parameters.is_empty() {
                html.push_str("<dl>");
                for parameter in parameters {
                    let _ = write!(
                        html,
                        "<dt><code>{}</code></dt><dd>{}</dd>",
                        text(&parameter.name),
                        prose(parameter.description.as_deref().unwrap_or_default())
                    );
                }
                html.push_str("</dl>");
            }
            html.push_str("</section>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_with_every_route() {
        let doc: serde_json::Value = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for path in [
            "/api/v1/tickets",
            "/api/v1/tickets/{reference}",
            "/api/v1/tickets/{reference}/replies",
            "/api/v1/tickets/{reference}/notes",
            "/api/v1/events",
            "/api/v1/accounts",
            "/api/v1/accounts/{account_id}/contacts",
            "/api/v1/categories",
            "/api/v1/articles",
            "/api/v1/articles/{slug}",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} missing");
        }
        assert_eq!(
            doc["components"]["securitySchemes"]["token"]["scheme"],
            "bearer"
        );
    }
}
