use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::desk::{list_categories, load_desk_options};
use crate::api::knowledge::{ArticleHit, ArticleSolvedIt, read_article, suggest_articles};
use crate::api::session::Me;
use crate::api::tickets::{CreateRequest, FiledRequest};
use crate::domain::knowledge::ArticleLink;
use crate::domain::ticket::{Category, TicketRef};
use crate::domain::validation::{DESCRIPTION_MAX_CHARS, NewRequest, TITLE_MAX_CHARS};
use crate::error::AppError;
use crate::views::browser::{debounced, random_key};
use crate::views::components::attachments::{AttachmentPicker, ChosenFiles};
use crate::views::components::confirmation::Confirmation;
use crate::views::components::device_notifications::push_offer;
use crate::views::components::feedback::ErrorPanel;
use crate::views::components::form::{FormErrors, FormMessage, LoadFailed, RadioChoice, TextField};
use crate::views::components::header::AppHeader;
use crate::views::components::outbox::use_outbox;
use crate::views::portal::help_page::Article;
use crate::views::portal::home_page::Snippet;
use crate::views::server_data::server_data;
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

    // The article that answered the question instead, when the client said so.
    let solved = RwSignal::new(None::<ArticleLink>);
    // Sent without a connection: the title of the request now waiting on this device.
    let queued = RwSignal::new(None::<String>);
    let outbox = use_outbox();
    // What the form sent last: kept on this device if the server could not be reached.
    let last_sent = StoredValue::new(None::<CreateRequest>);
    Effect::new(move |_| {
        if matches!(value.get(), Some(Err(AppError::Unreachable))) {
            let request = last_sent
                .get_value()
                .filter(|r| NewRequest::parse(&r.title, &r.description).is_ok());
            if let Some(request) = request {
                queued.set(Some(request.title.clone()));
                outbox.queue(request);
            }
        }
    });

    view! {
        <AppHeader me/>
        <main class="page page--narrow">
            // `Show` re-renders only when the answer flips, so a failed submit keeps the form (and
            // what was typed in it) on screen.
            <Show when=move || filed().is_some() || solved.get().is_some() || queued.get().is_some()
                fallback=move || view! { <RequestForm create staff follows solved last_sent/> }>
                {move || filed().map(|filed| view! { <Filed filed on_another=move || create.clear()/> })}
                {move || solved.get().map(|article| view! { <Solved article/> })}
                {move || queued.get().map(|title| view! {
                    <Queued title on_another=move || { create.clear(); queued.set(None); }/>
                })}
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
    solved: RwSignal<Option<ArticleLink>>,
    last_sent: StoredValue<Option<CreateRequest>>,
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
    let categories = server_data(|| (), |()| list_categories());
    let files = ChosenFiles::default();
    // What is typed, for suggesting articles (clients only: staff file what they were told).
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    // One writing session, named when the first suggestion is opened.
    let attempt = RwSignal::new(String::new());
    // This request's own key: sent again (offline, or after a lost answer) it is filed once.
    let submission = RwSignal::new(String::new());
    Effect::new(move |_| submission.set(random_key()));
    // Read what is being sent (after `ActionForm` read it too), in case it has to wait here.
    let remember = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::form::FromFormData;
            last_sent.set_value(CreateRequest::from_event(&event).ok());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, last_sent);
    };

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
        <ActionForm action=create attr:class="form" attr:novalidate=true on:submit=remember>
            {move || follows.try_get().flatten().map(|earlier| view! {
                <p class="notice">"This follows up " <strong>{earlier.to_string()}</strong> "."</p>
                <input type="hidden" name="follows" value=earlier.to_string()/>
            })}
            {staff.then(|| view! { <ContactPicker error=errors.field("requester")/> })}
            <input type="hidden" name="attempt" prop:value=move || attempt.get()/>
            <input type="hidden" name="submission" prop:value=move || submission.get()/>
            <TextField
                name="title"
                label="Title"
                placeholder="e.g. Contact form stopped sending emails"
                max_chars=TITLE_MAX_CHARS
                error=errors.field("title")
                on:input=move |event| title.set(event_target_value(&event))
            />
            <TextField
                name="description"
                label="Description"
                placeholder="What happened, what you expected, and anything we should know."
                max_chars=DESCRIPTION_MAX_CHARS
                multiline=true
                value=description
                error=errors.field("description")
            />
            {(!staff).then(|| view! { <Suggestions title description attempt solved/> })}
            <Transition fallback=|| view! { <p class="muted">"Loading categories…"</p> }>
                {move || categories.get().map(|result| match result {
                    Ok(list) => view! { <CategoryChoices categories=list error=category_error/> }.into_any(),
                    Err(error) => view! {
                        <LoadFailed what="The categories" error
                            meanwhile="You can send it without one: we'll sort it for you."
                            retry=move |()| categories.refetch()/>
                    }.into_any(),
                })}
            </Transition>
            <AttachmentPicker chosen=files/>
            <FormMessage message=errors.general() note=" Your text is still here."/>
            <button type="submit" class="button button--primary button--block"
                disabled=move || pending.get() || files.uploading.get()>
                {move || match (pending.get(), files.uploading.get()) {
                    (true, _) => "Sending…",
                    (false, true) => "Waiting for files…",
                    (false, false) => "Send request",
                }}
            </button>
        </ActionForm>
    }
}

/// Help articles matching what the client is writing, suggested as they type. One can be read
/// right here (what was typed stays), and "This solved it" ends the request unfiled.
#[component]
fn Suggestions(
    title: RwSignal<String>,
    description: RwSignal<String>,
    attempt: RwSignal<String>,
    solved: RwSignal<Option<ArticleLink>>,
) -> impl IntoView {
    let typed = debounced(
        Signal::derive(move || format!("{} {}", title.get(), description.get())),
        std::time::Duration::from_millis(400),
    );
    let suggestions = server_data(
        move || typed.get(),
        |text| async move {
            if text.trim().chars().count() < 3 {
                Ok(Vec::new())
            } else {
                suggest_articles(text).await
            }
        },
    );
    // The article open for reading, if any.
    let open = RwSignal::new(None::<ArticleHit>);
    view! {
        <Transition fallback=|| ()>
            {move || suggestions.get().and_then(Result::ok).filter(|hits| !hits.is_empty()).map(|hits| view! {
                <section class="suggestions" aria-labelledby="suggestions-head">
                    <h2 id="suggestions-head">"These articles may answer it"</h2>
                    <ul class="suggestions__list">
                        {hits.into_iter().map(|hit| {
                            let slug = hit.link.slug.clone();
                            let is_open = move || open.get().is_some_and(|o| o.link.slug == slug);
                            let chosen = hit.clone();
                            view! {
                                <li>
                                    <button type="button" class="suggestion" aria-expanded=move || is_open().to_string()
                                        on:click=move |_| {
                                            if attempt.get_untracked().is_empty() {
                                                attempt.set(random_key());
                                            }
                                            open.set(Some(chosen.clone()));
                                        }>
                                        <span class="suggestion__title">{hit.link.title.clone()}</span>
                                        <span class="suggestion__snippet"><Snippet parts=hit.snippet.clone()/></span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </Transition>
        {move || open.get().map(|hit| view! { <SuggestedArticle link=hit.link attempt=attempt.get_untracked() open solved/> })}
    }
}

/// A suggested article, read without leaving the form.
#[component]
fn SuggestedArticle(
    link: ArticleLink,
    attempt: String,
    open: RwSignal<Option<ArticleHit>>,
    solved: RwSignal<Option<ArticleLink>>,
) -> impl IntoView {
    let page = server_data(
        {
            let (slug, attempt) = (link.slug.clone(), attempt.clone());
            move || (slug.clone(), attempt.clone())
        },
        |(slug, attempt)| read_article(slug, Some(attempt)),
    );
    let solve = ServerAction::<ArticleSolvedIt>::new();
    let value = solve.value();
    let slug = StoredValue::new(link.slug.clone());
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            solved.set(Some(link.clone()));
        }
    });
    let failed = move || value.try_get().flatten().and_then(Result::err);
    view! {
        <section class="suggested-article" aria-label="Suggested article">
            <Suspense fallback=|| view! { <p class="muted" role="status">"Opening the article…"</p> }>
                {move || page.get().map(|answer| match answer {
                    Ok(page) => view! { <Article page/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                })}
            </Suspense>
            <div class="suggested-article__actions">
                <button type="button" class="button button--primary button--block" disabled=move || solve.pending().get()
                    on:click=move |_| {
                        solve.dispatch(ArticleSolvedIt { slug: slug.get_value(), attempt: attempt.clone() });
                    }>
                    "This solved it"
                </button>
                <button type="button" class="button button--block" on:click=move |_| open.set(None)>
                    "Back to my request"
                </button>
            </div>
            <p class="field-error" role="alert">{move || failed().map(|e| e.to_string())}</p>
        </section>
    }
}

/// After "This solved it": nothing was filed.
#[component]
fn Solved(article: ArticleLink) -> impl IntoView {
    view! {
        <Confirmation icon="✓" heading="Glad that helped">
            <p>"We didn't file a request. The article stays in Help if you need it again: "
                <a href=format!("/help/{}", article.slug)>{article.title}</a>"."</p>
            <div class="confirmation__actions">
                <a class="button button--primary button--block" href="/">"Back to my requests"</a>
                <a class="button button--block" href="/help">"Browse help"</a>
            </div>
        </Confirmation>
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
    let options = server_data(|| (), |()| load_desk_options());
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
            <Transition fallback=|| ()>
                {move || options.get().and_then(Result::err).map(|error| view! {
                    <LoadFailed what="The contacts" error
                        meanwhile="What you typed stays here."
                        retry=move |()| options.refetch()/>
                })}
            </Transition>
        </div>
    }
}

/// The confirmation after filing, with the reference people quote when they call and when to
/// expect an answer.
#[component]
fn Queued<F>(title: String, on_another: F) -> impl IntoView
where
    F: Fn() + Send + Sync + 'static,
{
    view! {
        <Confirmation icon="↻" heading="Saved on this device" queued=true>
            <p>"There is no connection right now, so " <strong>{format!("“{title}”")}</strong>
                " waits here and is sent by itself as soon as you're back online."</p>
            <p class="confirmation__next">"It's listed under My requests until then. Nothing is lost if you close the app."</p>
            <div class="confirmation__actions">
                <a class="button button--primary button--block" href="/">"Back to my requests"</a>
                <button type="button" class="button button--quiet button--block" on:click=move |_| on_another()>
                    "Write another request"
                </button>
            </div>
        </Confirmation>
    }
}

#[component]
fn Filed<F>(filed: FiledRequest, on_another: F) -> impl IntoView
where
    F: Fn() + Send + Sync + 'static,
{
    let reference = filed.reference;
    view! {
        <Confirmation icon="✓" heading="Request received">
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
            // Only an offer: when its code cannot be fetched (offline), the page goes without it.
            <Suspense fallback=|| ()>
                {Suspend::new(async { push_offer().await.unwrap_or_else(|_| ().into_any()) })}
            </Suspense>
            <div class="confirmation__actions">
                <a class="button button--primary button--block" href=format!("/requests/{reference}")>
                    "View request"
                </a>
                <a class="button button--block" href="/">"Back to my requests"</a>
                <button type="button" class="button button--quiet button--block" on:click=move |_| on_another()>
                    "File another request"
                </button>
            </div>
        </Confirmation>
    }
}
