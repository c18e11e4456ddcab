use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found · Frontdoor"/>
        <main class="page page--narrow">
            <h1>"We couldn't find that page"</h1>
            <p class="lead">"The link may be old, or the page may have moved."</p>
            <a class="button button--primary" href="/">"Go to the start"</a>
        </main>
    }
}
