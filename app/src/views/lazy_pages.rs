//! Pages whose code loads on first visit instead of with the app. Clients, who mostly come on a
//! phone, never open the agency's tools or the administration pages, and a first visit needs only
//! the page it lands on, so that code is split into WASM chunks of its own (`#[lazy_route]`;
//! `wasm-split-cli` cuts them at build time, see `scripts/lib.sh`). Staying in the app: my
//! requests (the start page), sign-in, the request form (the page written offline) and a request's
//! page (where every notification leads; as a chunk it started in dozens of pieces, too slowly for
//! a phone), whose staff tools are lazy instead (`staff_tools`). On the server and in tests these
//! are ordinary pages.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::account_page::AccountPage;
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

/// `Route => Page`: `Route` is the page's lazily loaded stand-in (`view=Lazy::<Route>::new()`).
/// The pages read their own data, so the route's part loaded up front is empty.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_route: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
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
