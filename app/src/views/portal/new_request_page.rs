use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::desk::{list_categories, load_desk_options};
use crate::api::session::Me;
use crate::api::tickets::{CreateRequest, FiledRequest};
use crate::domain::attachment::UploadedFile;
use crate::domain::ticket::{Category, TicketRef};
use crate::domain::validation::{DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS};
use crate::views::components::attachments::AttachmentPicker;
use crate::views::components::form::{FormErrors, FormMessage, RadioChoice, TextField};
use crate::views::components::header::AppHeader;
use crate::views::session::{Audience, Gate};

/// Filing a request: clients for themselves, staff on behalf of a contact (a phone call).
#[component]
pub fn NewRequestPage() -> impl IntoView {
    view! {
        <Title text="New request · Frontdoor"/>
        <Gate audience=Audience::SignedIn let:me>
            <NewRequest me/>
        </Gate>
    }
}

#[component]
fn NewRequest(me: Me) -> impl IntoView {
    let create = ServerAction::<CreateRequest>::new();
    // (The server draws this twice and drops the first drawing: read with `try_get`.)
    let value = create.value();
    let filed = move || value.try_get().flatten().and_then(Result::ok);
    let staff = me.is_staff();
    // Read here, inside the router, not in the form the `Show` below may draw later.
    let query = use_query_map();
    let follows = Signal::derive(move || {
        query
            .try_read()?
            .get("follows")
            .and_then(|r| r.parse::<TicketRef>().ok())
    });

    view! {
        <AppHeader me/>
        <main class="page page--narrow">
            // `Show` re-renders only when the answer flips, so a failed submit keeps the form (and
            // what was typed in it) on screen.
            <Show when=move || filed().is_some() fallback=move || view! { <RequestForm create staff follows/> }>
                {move || filed().map(|filed| view! { <Filed filed on_another=move || create.clear()/> })}
            </Show>
        </main>
    }
}

/// The form. It is never cleared by a failed submit: what was typed stays.
#[component]
fn RequestForm(
    create: ServerAction<CreateRequest>,
    staff: bool,
    /// The earlier request this one follows up (`?follows=FD-…`).
    follows: Signal<Option<TicketRef>>,
) -> impl IntoView {
    let errors = FormErrors::of(
        create,
        &[
            "title",
            "description",
            "category",
            "requester",
            "attachments",
        ],
    );
    let pending = create.pending();
    let category_error = errors.field("category");
    let categories = Resource::new(|| (), |()| list_categories());
    let files = RwSignal::new(Vec::<UploadedFile>::new());

    view! {
        <a class="back-link" href=if staff { "/board" } else { "/" }>
            {if staff { "← Queue board" } else { "← My requests" }}
        </a>
        <h1>{if staff { "File a request for a client" } else { "New request" }}</h1>
        <p class="lead">
            {if staff {
                "For a request that came by phone or in a meeting. The contact sees it in their portal."
            } else {
                "Tell us what you need. We'll reply here and by email."
            }}
        </p>
        <ActionForm action=create attr:class="form" attr:novalidate=true>
            {move || follows.try_get().flatten().map(|earlier| view! {
                <p class="notice">"This follows up " <strong>{earlier.to_string()}</strong> "."</p>
                <input type="hidden" name="follows" value=earlier.to_string()/>
            })}
            {staff.then(|| view! { <ContactPicker error=errors.field("requester")/> })}
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
            <Transition fallback=|| view! { <p class="muted">"Loading categories…"</p> }>
                {move || categories.get().and_then(Result::ok).map(|list| view! {
                    <CategoryChoices categories=list error=category_error/>
                })}
            </Transition>
            <AttachmentPicker files/>
            <FormMessage message=errors.general() note=" Your text is still here."/>
            <button type="submit" class="button button--primary button--block" disabled=pending>
                {move || if pending.get() { "Sending…" } else { "Send request" }}
            </button>
        </ActionForm>
    }
}

/// Categories as large choices with their descriptions; "Not sure" is always there, and chosen
/// unless the person picks something else.
#[component]
fn CategoryChoices(
    categories: Vec<Category>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="choices" aria-describedby="category-error">
            <legend>"What is it about? " <span class="muted">"(optional)"</span></legend>
            {categories
                .into_iter()
                .map(|category| view! {
                    <RadioChoice
                        name="category"
                        value=category.id.to_string()
                        id=format!("category-{}", category.id)
                        title=category.name
                        detail=category.description
                    />
                })
                .collect_view()}
            <RadioChoice name="category" value="" id="category-unsure" title="Not sure"
                detail="We'll sort it for you." checked=true/>
            // `try_get`: the list lives in a Transition, whose content can outlive the form by a
            // moment when a successful submit replaces it; the error is gone by then.
            <p class="field-error" id="category-error" role="alert">{move || error.try_get().flatten()}</p>
        </fieldset>
    }
}

/// Staff choose whose request this is.
#[component]
fn ContactPicker(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let options = Resource::new(|| (), |()| load_desk_options());
    view! {
        <div class="field">
            <label for="requester">"Contact"</label>
            <select id="requester" name="requester" aria-describedby="requester-error" required=true>
                <option value="">"Choose the contact…"</option>
                <Transition fallback=|| ()>
                    {move || options.get().and_then(Result::ok).map(|desk| {
                        desk.contacts
                            .into_iter()
                            .map(|contact| view! { <option value=contact.id>{contact.name}</option> })
                            .collect_view()
                    })}
                </Transition>
            </select>
            <p class="field-error" id="requester-error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// The confirmation after filing, with the reference people quote when they call and when to
/// expect an answer.
#[component]
fn Filed<F>(filed: FiledRequest, on_another: F) -> impl IntoView
where
    F: Fn() + Send + Sync + 'static,
{
    let reference = filed.reference;
    view! {
        <section class="confirmation" role="status" aria-live="polite">
            <div class="confirmation__icon" aria-hidden="true">"✓"</div>
            <h1>"Request received"</h1>
            <p>
                "Your reference is "
                <strong class="reference reference--big">{reference.to_string()}</strong>
                "."
            </p>
            <p class="confirmation__next">
                "What happens next: a person reads it and answers "
                <strong>{filed.first_response}</strong>
                ". You'll see every step here and get an email."
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
