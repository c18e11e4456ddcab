use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::session::Me;
use crate::api::tickets::CreateRequest;
use crate::domain::ticket::TicketRef;
use crate::domain::validation::{DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS};
use crate::views::components::form::{FormErrors, FormMessage, TextField};
use crate::views::components::header::AppHeader;
use crate::views::session::{Audience, Gate};

#[component]
pub fn NewRequestPage() -> impl IntoView {
    view! {
        <Title text="New request · Frontdoor"/>
        <Gate audience=Audience::Client let:me>
            <NewRequest me/>
        </Gate>
    }
}

#[component]
fn NewRequest(me: Me) -> impl IntoView {
    let create = ServerAction::<CreateRequest>::new();
    let filed = move || create.value().get().and_then(Result::ok);

    view! {
        <AppHeader me/>
        <main class="page page--narrow">
            // `Show` re-renders only when the answer flips, so a failed submit keeps the form (and
            // what was typed in it) on screen.
            <Show when=move || filed().is_some() fallback=move || view! { <RequestForm create/> }>
                {move || filed().map(|reference| view! { <Filed reference on_another=move || create.clear()/> })}
            </Show>
        </main>
    }
}

/// The form. It is never cleared by a failed submit: what was typed stays.
#[component]
fn RequestForm(create: ServerAction<CreateRequest>) -> impl IntoView {
    let errors = FormErrors::of(create, &["title", "description"]);
    let pending = create.pending();

    view! {
        <a class="back-link" href="/">"← My requests"</a>
        <h1>"New request"</h1>
        <p class="lead">"Tell us what you need. We'll reply here and by email."</p>
        <ActionForm action=create attr:class="form" attr:novalidate=true>
            <TextField
                name="title"
                label="Title"
                placeholder="e.g. Contact form stopped sending emails"
                max_chars=TITLE_MAX_CHARS
                error=errors.field("title")
            />
            <TextField
                name="description"
                label="Description"
                placeholder="What happened, what you expected, and anything we should know."
                max_chars=DESCRIPTION_MAX_CHARS
                multiline=true
                error=errors.field("description")
            />
            <FormMessage message=errors.general() note=" Your text is still here."/>
            <button type="submit" class="button button--primary button--block" disabled=pending>
                {move || if pending.get() { "Sending…" } else { "Send request" }}
            </button>
        </ActionForm>
    }
}

/// The confirmation after filing, with the reference people quote when they call.
#[component]
fn Filed<F>(reference: TicketRef, on_another: F) -> impl IntoView
where
    F: Fn() + Send + Sync + 'static,
{
    view! {
        <section class="confirmation" role="status" aria-live="polite">
            <div class="confirmation__icon" aria-hidden="true">"✓"</div>
            <h1>"Request received"</h1>
            <p>
                "Your reference is "
                <strong class="reference reference--big">{reference.to_string()}</strong>
                ". We'll keep you posted here as it moves along."
            </p>
            <div class="confirmation__actions">
                <a class="button button--primary button--block" href=format!("/requests/{reference}")>
                    "View request"
                </a>
                <a class="button button--block" href="/">"Back to my requests"</a>
                <button type="button" class="button button--quiet button--block" on:click=move |_| on_another()>
                    "File another request"
                </button>
            </div>
        </section>
    }
}
