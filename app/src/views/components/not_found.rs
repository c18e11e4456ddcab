use leptos::prelude::*;
use leptos_meta::Title;

use crate::views::components::header::AnyHeader;
use crate::views::session::Open;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    // With the app's header, so the way on (the tabs, signing in) is where it always is.
    view! {
        <Title text="Not found · Frontdoor"/>
        <Open let:me>
            <AnyHeader me/>
            <main class="page page--narrow">
                <h1>"We couldn't find that page"</h1>
                <p class="lead">"The link may be old, or the page may have moved."</p>
                <a class="button button--primary" href="/">"Go to the start"</a>
            </main>
        </Open>
    }
}
