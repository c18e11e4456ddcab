//! Pages whose code loads on first visit instead of with the app. Clients, who mostly come on a
//! phone, never open the agency's tools or the administration pages, and a first visit needs only
//! the page it lands on, so that code is split into WASM chunks of its own (`lazy_pages!`;
//! `wasm-split-cli` cuts them at build time, see `scripts/lib.sh`). Staying in the app: my
//! requests (the start page), sign-in, the request form (the page written offline) and a request's
//! page (where every notification leads; as a chunk it started in dozens of pieces, too slowly for
//! a phone), whose staff tools are lazy instead (`staff_tools`). On the server and in tests these
//! are ordinary pages.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use leptos_meta::Title;
use leptos_router::LazyRoute;

use super::account_page::AccountPage;
use super::components::feedback::ErrorPanel;
use super::components::header::AnyHeader;
use super::feedback_page::FeedbackLinkPage;
use super::portal::help_page::{ArticleReaderPage, HelpPage};
use super::portal::talk_page::TalkPage;
use super::sign_in_link_page::SignInLinkPage;
use super::staff::articles_page::{ArticleEditorPage, ArticlesPage};
use super::staff::audit_page::AuditLogPage;
use super::staff::board_page::BoardPage;
use super::staff::desk_page::DeskPage;
use super::staff::integrations_page::IntegrationsPage;
use super::staff::mail_page::MailQuarantinePage;
use super::staff::reports_page::ReportsPage;
use super::team_page::TeamPage;
use super::two_step_page::TwoStepPage;
use crate::error::AppError;
use crate::views::session::Open;

/// `Route => Page`: `Route` is the page's lazily loaded stand-in (`view=Lazy::<Route>::new()`).
/// The pages read their own data, so the route's part loaded up front is empty.
///
/// Written out rather than with `#[lazy_route]`, whose chunk load panics when the chunk cannot be
/// fetched (a dropped connection on the way to a page never opened before, an old tab after a
/// deploy), and a panic stops the whole app. The split it is built on can report the failure
/// instead (`fallible`): the page then says the server could not be reached, with a way to try
/// again. (Opened directly, a page whose chunk fails still cannot take over the server's page:
/// what it shows instead is not what the server drew.)
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        pub struct $route;

        const _: () = {
            #[leptos::wasm_split::wasm_split(
                $route,
                wasm_split_path = ::leptos::wasm_split,
                preload(load_page),
                fallible
            )]
            #[allow(
                clippy::unnecessary_wraps,
                reason = "`fallible` wants a `Result`: the chunk's load fails through it"
            )]
            fn page(_route: $route) -> Result<AnyView, SplitLoaderError> {
                Ok(view! { <$page/> }.into_any())
            }

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(route: Self) -> AnyView {
                    page(route).await.unwrap_or_else(|_| page_unavailable())
                }

                /// Fetched while the page before stays on screen; a failure is reported by `view`,
                /// which tries once more.
                async fn preload() {
                    let _ = load_page().await;
                }
            }
        };
    )*};
}

/// What a page whose code could not be fetched shows. "Try again" loads the address afresh; the
/// start page is in the app already.
fn page_unavailable() -> AnyView {
    view! {
        <Title text="Not reachable · Frontdoor"/>
        <Open let:me>
            <AnyHeader me/>
            <main class="page page--narrow">
                // An app on a home screen has no back button of its own.
                <a class="back-link" href="/">"← Start page"</a>
                <ErrorPanel error=AppError::Unreachable/>
            </main>
        </Open>
    }
    .into_any()
}

lazy_pages! {
    HelpRoute => HelpPage,
    ArticleReaderRoute => ArticleReaderPage,
    TalkRoute => TalkPage,
    FeedbackLinkRoute => FeedbackLinkPage,
    SignInLinkRoute => SignInLinkPage,
    BoardRoute => BoardPage,
    TeamRoute => TeamPage,
    AccountRoute => AccountPage,
    TwoStepRoute => TwoStepPage,
    AuditLogRoute => AuditLogPage,
    MailQuarantineRoute => MailQuarantinePage,
    IntegrationsRoute => IntegrationsPage,
    DeskRoute => DeskPage,
    ArticlesRoute => ArticlesPage,
    ArticleEditorRoute => ArticleEditorPage,
    ReportsRoute => ReportsPage,
}
