//! Loading, empty and error states.

use leptos::prelude::*;

use crate::error::AppError;

#[component]
pub fn PageLoading() -> impl IntoView {
    view! {
        <div class="page-loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span class="visually-hidden">"Loading…"</span>
        </div>
    }
}

/// Grey placeholder rows while a list loads.
#[component]
pub fn ListSkeleton(#[prop(default = 4)] rows: usize) -> impl IntoView {
    view! {
        <ul class="skeleton-list" aria-busy="true" aria-label="Loading">
            {(0..rows).map(|_| view! { <li class="skeleton-row"></li> }).collect_view()}
        </ul>
    }
}

/// What a list shows when it has nothing in it.
#[component]
pub fn EmptyState(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="empty-state">
            <h2>{title}</h2>
            {children()}
        </div>
    }
}

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let sign_in = matches!(error, AppError::Unauthorized);
    view! {
        <div class="error-panel" role="alert">
            <p>{error.to_string()}</p>
            {if sign_in {
                view! { <a class="button" href="/signin">"Sign in"</a> }.into_any()
            } else {
                // `rel="external"`: a full load of this address. The router would take a link to
                // the page already shown as nothing to do.
                view! { <a class="button" href="" rel="external">"Try again"</a> }.into_any()
            }}
        </div>
    }
}

/// What the last thing done here came to, `(is_error, text)`: news is read out politely, a
/// refusal as an alert. The next outcome replaces it; × puts it away.
#[component]
pub fn OutcomeNotice(
    notice: RwSignal<Option<(bool, String)>>,
    /// A class of the place it sits in, beside `outcome-notice`.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <div class=format!("outcome-notice {class}") aria-live="polite">
            {move || notice.get().map(|(error, text)| {
                let class = if error { "notice notice--error" } else { "notice notice--info" };
                let role = if error { "alert" } else { "status" };
                view! {
                    <p class=class role=role>
                        {text}
                        <button type="button" class="button button--quiet button--small" aria-label="Dismiss"
                            on:click=move |_| notice.set(None)>"×"</button>
                    </p>
                }
            })}
        </div>
    }
}
