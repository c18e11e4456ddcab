use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::session::Me;
use crate::api::tickets::{
    MY_REQUESTS_PAGE, SEARCH_LIMIT, TicketList, list_my_requests, search_requests,
};
use crate::domain::listing::SearchHit;
use crate::domain::search::SnippetPart;
use crate::domain::ticket::{RequestFilter, TicketSummary};
use crate::error::AppError;
use crate::views::browser::focus_list_item;
use crate::views::components::feedback::{EmptyState, ErrorPanel, ListSkeleton};
use crate::views::components::form::search_box_text;
use crate::views::components::header::AppHeader;
use crate::views::components::live::{answered_for, last_good, use_live};
use crate::views::components::outbox::WaitingRequests;
use crate::views::components::status::StatusBadge;
use crate::views::components::time::ago;
use crate::views::server_data::server_data;
use crate::views::session::{Audience, Gate};

/// A client's start page: their requests and a way to file a new one.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="My requests · Frontdoor"/>
        <Gate audience=Audience::Client let:me>
            <MyRequests me/>
        </Gate>
    }
}

#[component]
fn MyRequests(me: Me) -> impl IntoView {
    let live = use_live();
    let query = use_query_map();
    let filter =
        Memo::new(move |_| RequestFilter::from_query(query.read().get("filter").as_deref()));
    let search = Memo::new(move |_| {
        query
            .read()
            .get("q")
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty())
    });
    // How many pages the list shows: kept through live refreshes (each reads them all again),
    // back to one for another list.
    let pages = RwSignal::new(1_usize);
    // "Show more" was pressed: the keyboard goes on at the first row it brings.
    let asked_more = StoredValue::new(false);
    Effect::new(move |previous: Option<RequestFilter>| {
        let current = filter.get();
        if previous.is_some_and(|previous| previous != current) {
            pages.set(1);
            asked_more.set_value(false);
        }
        current
    });
    let requests = server_data(
        move || (filter.get(), pages.get(), live.revision.get()),
        |(filter, pages, _)| answered_for(filter, first_pages(filter, pages)),
    );
    let requests_now = last_good(requests, move || filter.get());
    // The latest reading failed (the last good list may still be on screen).
    let failed = Signal::derive(move || matches!(requests.try_get().flatten(), Some(Err(_))));
    let results = server_data(
        move || (search.get(), live.revision.get()),
        |(search, _)| async move {
            match search {
                Some(text) => search_requests(text).await.map(Some),
                None => Ok(None),
            }
        },
    );

    view! {
        <AppHeader me/>
        <main class="page">
            <div class="page-head">
                <h1>"My requests"</h1>
                <a class="button button--primary page-head__action page-head__action--fab-on-phone" href="/requests/new">"New request"</a>
            </div>
            <WaitingRequests/>
            <SearchBox filter current=search/>
            <Show
                when=move || search.try_get().flatten().is_some()
                fallback=move || view! {
                    <FilterTabs current=filter/>
                    <Transition fallback=|| view! { <ListSkeleton/> }>
                        {move || {
                            requests_now()
                                .map(|result| match result {
                                    Ok(list) if list.tickets.is_empty() => {
                                        view! { <NothingHere filter=filter.get_untracked()/> }.into_any()
                                    }
                                    Ok(list) => view! { <RequestPages list pages asked_more failed/> }.into_any(),
                                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                                })
                        }}
                    </Transition>
                }
            >
                <Transition fallback=|| view! { <ListSkeleton/> }>
                    {move || {
                        results
                            .get()
                            .map(|result| match result {
                                Ok(Some(hits)) => view! { <SearchResults hits/> }.into_any(),
                                Ok(None) => ().into_any(),
                                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                            })
                    }}
                </Transition>
            </Show>
        </main>
        // Within thumb reach on phones; hidden on wide screens where the header button shows.
        <a class="fab" href="/requests/new" aria-label="New request">"+ New request"</a>
    }
}

/// Searching one's requests. A GET form: the router runs it without a page load and the address
/// bar keeps the search (`/?q=invoice`), so back and reload work.
#[component]
fn SearchBox(filter: Memo<RequestFilter>, current: Memo<Option<String>>) -> impl IntoView {
    // (The server draws the page twice and drops the first drawing: read with `try_get`.)
    view! {
        <Form action="/" attr:class="search" attr:role="search">
            <input type="hidden" name="filter" value=move || filter.try_get().unwrap_or_default().as_str()/>
            <label class="visually-hidden" for="search">"Search my requests"</label>
            <input
                id="search"
                class="search__input"
                type="search"
                name="q"
                placeholder="Search my requests"
                // Attribute and property: see the help page's search box.
                value=current.try_get_untracked().flatten().unwrap_or_default()
                prop:value=search_box_text("search", current)
                maxlength="200"
            />
            <button type="submit" class="button search__button">"Search"</button>
            {move || current.try_get().flatten().map(|_| view! {
                <a class="button button--quiet search__clear" href=move || format!("/?filter={}", filter.try_get().unwrap_or_default().as_str())>
                    "Clear"
                </a>
            })}
        </Form>
    }
}

#[component]
fn SearchResults(hits: Vec<SearchHit>) -> impl IntoView {
    if hits.is_empty() {
        return view! {
            <EmptyState title="No matching requests">
                <p>"Try other words, or fewer of them."</p>
            </EmptyState>
        }
        .into_any();
    }
    let count = hits.len();
    // The search returns at most SEARCH_LIMIT: at the limit there may be more than are shown.
    let summary = match count {
        1 => "1 matching request".to_owned(),
        SEARCH_LIMIT => format!("The {SEARCH_LIMIT} best matches. Add words to narrow it down."),
        _ => format!("{count} matching requests"),
    };
    view! {
        <p class="muted" role="status">{summary}</p>
        <ul class="ticket-list" aria-label="Search results">
            {hits
                .into_iter()
                .map(|hit| {
                    let reference = hit.ticket.reference;
                    view! {
                        <li class="ticket-row" data-ref=reference.to_string()>
                            <a class="ticket-row__link" href=format!("/requests/{reference}")>
                                <span class="ticket-row__title">{hit.ticket.title}</span>
                                <span class="ticket-row__snippet"><Snippet parts=hit.snippet/></span>
                                <span class="ticket-row__meta">
                                    <span class="reference">{reference.to_string()}</span>
                                </span>
                                <StatusBadge status=hit.ticket.status/>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// A search snippet: text as text, matches highlighted. Never parsed as HTML.
#[component]
pub fn Snippet(parts: Vec<SnippetPart>) -> impl IntoView {
    parts
        .into_iter()
        .map(|part| {
            if part.matched {
                view! { <mark>{part.text}</mark> }.into_any()
            } else {
                part.text.into_any()
            }
        })
        .collect_view()
}

/// The first `pages` pages of a list, one after the other by cursor (so requests filed meanwhile
/// don't shift what is already shown).
async fn first_pages(filter: RequestFilter, pages: usize) -> Result<TicketList, AppError> {
    let mut list = list_my_requests(Some(filter), None).await?;
    for _ in 1..pages {
        let Some(cursor) = list.next else { break };
        let page = list_my_requests(Some(filter), Some(cursor)).await?;
        list.tickets.extend(page.tickets);
        list.next = page.next;
    }
    Ok(list)
}

/// The pages of a list shown so far, and "Show more" for the next one.
#[component]
fn RequestPages(
    list: TicketList,
    pages: RwSignal<usize>,
    asked_more: StoredValue<bool>,
    failed: Signal<bool>,
) -> impl IntoView {
    let live = use_live();
    let now = list.now;
    let page_size = MY_REQUESTS_PAGE as usize;
    // Asked for more than the list on screen holds: the next page is on its way, or did not come.
    let shown = list.tickets.len();
    let asked_beyond = move || pages.get() * page_size > shown;
    let loading = move || asked_beyond() && !failed.get();
    let show_more = move |_| {
        asked_more.set_value(true);
        if asked_beyond() {
            // The page that did not come, asked for again.
            live.nudge();
        } else {
            pages.update(|pages| *pages += 1);
        }
    };
    Effect::new(move |_| {
        let first_new = (pages.get_untracked() - 1) * page_size;
        if asked_more.get_value() && shown > first_new {
            asked_more.set_value(false);
            focus_list_item("My requests", first_new);
        }
    });
    view! {
        <ul class="ticket-list" aria-label="My requests">
            {list.tickets.into_iter().map(|ticket| view! { <RequestRow ticket now/> }).collect_view()}
        </ul>
        {move || (asked_beyond() && failed.get()).then(|| view! {
            <p class="form-error" role="alert">"Couldn't load more. Try again."</p>
        })}
        {list.next.is_some().then(|| view! {
            <button type="button" class="button button--block" disabled=loading on:click=show_more>
                {move || if loading() { "Loading…" } else { "Show more" }}
            </button>
        })}
    }
}

/// The lists "My requests" switches between. Plain links: the router swaps the list without a
/// page load, the address bar says which list it is, and the back button works.
#[component]
fn FilterTabs(current: Memo<RequestFilter>) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Which requests">
            {RequestFilter::ALL
                .into_iter()
                .map(|filter| {
                    let href = format!("/?filter={}", filter.as_str());
                    let selected = move || (current.try_get() == Some(filter)).then_some("page");
                    view! { <a class="tabs__tab" href=href aria-current=selected>{filter.label()}</a> }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn NothingHere(filter: RequestFilter) -> impl IntoView {
    let (title, text) = match filter {
        RequestFilter::Open => (
            "No open requests",
            "When you need something from us, file a request: you'll follow every step here.",
        ),
        RequestFilter::Waiting => (
            "Nothing waits on you",
            "When we need an answer from you, the request shows up here.",
        ),
        RequestFilter::Closed => (
            "Nothing closed lately",
            "Requests completed in the last 30 days show up here.",
        ),
    };
    view! {
        <EmptyState title=title>
            <p>{text}</p>
            <a class="button button--primary" href="/requests/new">"File a request"</a>
        </EmptyState>
    }
}

#[component]
fn RequestRow(ticket: TicketSummary, now: i64) -> impl IntoView {
    let href = format!("/requests/{}", ticket.reference);
    view! {
        <li class="ticket-row" data-ref=ticket.reference.to_string()>
            <a class="ticket-row__link" href=href>
                <span class="ticket-row__title">{ticket.title}</span>
                <span class="ticket-row__meta">
                    <span class="reference">{ticket.reference.to_string()}</span>
                    {ticket.category.map(|category| format!(" · {category}"))}
                    " · "
                    {ticket.requester_name}
                    " · updated "
                    {ago(now, ticket.updated_at)}
                </span>
                <StatusBadge status=ticket.status/>
            </a>
        </li>
    }
}
