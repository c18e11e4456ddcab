//! Pages and components. Mobile first; every list has loading, empty and error states.

pub mod account_page;
pub mod browser;
pub mod components;
pub mod feedback_page;
mod lazy_pages;
pub mod portal;
pub mod server_data;
pub mod session;
pub mod sign_in_link_page;
pub mod sign_in_page;
pub mod staff;
pub mod team_page;
pub mod two_step_page;

use std::sync::LazyLock;

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use self::components::connection::ConnectionBanner;
use self::components::live::{LiveToasts, provide_live};
use self::components::not_found::NotFoundPage;
use self::components::outbox::provide_outbox;
use self::components::update_prompt::UpdatePrompt;
use self::lazy_pages::{
    AccountRoute, ArticleEditorRoute, ArticleReaderRoute, ArticlesRoute, AuditLogRoute, BoardRoute,
    DeskRoute, FeedbackLinkRoute, HelpRoute, IntegrationsRoute, MailQuarantineRoute, ReportsRoute,
    SignInLinkRoute, TalkRoute, TeamRoute, TwoStepRoute,
};
use self::portal::{
    home_page::HomePage, new_request_page::NewRequestPage, ticket_page::TicketPage,
};
use self::session::provide_session;
use self::sign_in_page::SignInPage;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#1d4ed8" media="(prefers-color-scheme: light)"/>
                <meta name="theme-color" content="#172033" media="(prefers-color-scheme: dark)"/>
                <meta name="description" content="Frontdoor: file, follow and work support requests."/>
                <link rel="icon" href="/icon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icon-192.png"/>
                <link rel="stylesheet" id="leptos" href=format!("/{}/frontdoor.css", options.site_pkg_dir)/>
                <script src="/register-sw.js" defer></script>
                <AutoReload options=options.clone()/>
                <StartApp options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Loads and starts the app once the page the server drew is on screen. Leptos'
/// `HydrationScripts` preloads the WASM from the head; the content never waits on it, but
/// Lighthouse's model of a slow phone then counts the whole download before the largest paint
/// (3.2 s instead of about 1 s). Here the preload is added after the first paint; it stays a
/// preload (not the app's own fetch) because Chromium reports no bytes for a response compiled
/// as it streams, and the download must be counted. The fallback timer starts a page that paints
/// no frame soon (a tab in the background).
#[component]
fn StartApp(options: LeptosOptions) -> impl IntoView {
    // Its comments are for us, not for every page: taken out once.
    static SCRIPT: LazyLock<String> = LazyLock::new(|| {
        include_str!("views/start_app.js")
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let app = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    let script = SCRIPT.replace("__APP__", &app);
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let session = provide_session();
    let live = provide_live();
    let outbox = provide_outbox();
    let hydrated = browser::provide_hydrated();
    // Live updates start once we know who is signed in and the page has taken over what the
    // server drew (the live indicator is part of it); requests written offline wait for the same.
    Effect::new(move |_| {
        if !hydrated.get() {
            return;
        }
        if let Some(Ok(Some(me))) = session.get() {
            live.connect(me.live_cursor);
            outbox.open_for(me.id);
        }
    });

    view! {
        <ConnectionBanner/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/requests/new") view=NewRequestPage ssr=SsrMode::Async/>
                <Route path=path!("/requests/:reference") view=TicketPage ssr=SsrMode::Async/>
                <Route path=path!("/signin/link") view={Lazy::<SignInLinkRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/signin/two-step") view={Lazy::<TwoStepRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/board") view={Lazy::<BoardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/team") view={Lazy::<TeamRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view={Lazy::<AuditLogRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/mail") view={Lazy::<MailQuarantineRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/integrations") view={Lazy::<IntegrationsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/talk") view={Lazy::<TalkRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/desk") view={Lazy::<DeskRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/desk/articles") view={Lazy::<ArticlesRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/desk/articles/:id") view={Lazy::<ArticleEditorRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reports") view={Lazy::<ReportsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/help") view={Lazy::<HelpRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/feedback/:token") view={Lazy::<FeedbackLinkRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/help/:slug") view={Lazy::<ArticleReaderRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
            // Inside the router: a note about the request on screen is read out, not drawn.
            <LiveToasts/>
        </Router>
        <UpdatePrompt/>
    }
}
