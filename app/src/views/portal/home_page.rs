use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::session::Me;
use crate::api::tickets::list_my_requests;
use crate::domain::ticket::{RequestFilter, TicketSummary};
use crate::views::components::feedback::{EmptyState, ErrorPanel, ListSkeleton};
use crate::views::components::header::AppHeader;
use crate::views::components::live::use_live;
use crate::views::components::status::StatusBadge;
use crate::views::components::time::ago;
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
    let requests = Resource::new(
        move || (filter.get(), live.revision.get()),
        |(filter, _)| list_my_requests(Some(filter)),
    );

    view! {
        <AppHeader me/>
        <main class="page">
            <div class="page-head">
                <h1>"My requests"</h1>
                <a class="button button--primary page-head__action" href="/requests/new">"New request"</a>
            </div>
            <FilterTabs current=filter/>
            <Transition fallback=|| view! { <ListSkeleton/> }>
                {move || {
                    requests
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.tickets.is_empty() => {
                                view! { <NothingHere filter=filter.get_untracked()/> }.into_any()
                            }
                            Ok(list) => {
                                let now = list.now;
                                view! {
                                    <ul class="ticket-list" aria-label="My requests">
                                        {list
                                            .tickets
                                            .into_iter()
                                            .map(|ticket| view! { <RequestRow ticket now/> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Transition>
        </main>
        // Within thumb reach on phones; hidden on wide screens where the header button shows.
        <a class="fab" href="/requests/new" aria-label="New request">"+ New request"</a>
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
                    let selected = move || (current.get() == filter).then_some("page");
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
