use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::session::Me;
use crate::api::tickets::list_my_requests;
use crate::domain::ticket::TicketSummary;
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
    let requests = Resource::new(move || live.revision.get(), |_| list_my_requests());

    view! {
        <AppHeader me/>
        <main class="page">
            <div class="page-head">
                <h1>"My requests"</h1>
                <a class="button button--primary page-head__action" href="/requests/new">"New request"</a>
            </div>
            <Transition fallback=|| view! { <ListSkeleton/> }>
                {move || {
                    requests
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.tickets.is_empty() => {
                                view! {
                                    <EmptyState title="No requests yet">
                                        <p>"When you need something from us, file a request: you'll follow every step here."</p>
                                        <a class="button button--primary" href="/requests/new">"File your first request"</a>
                                    </EmptyState>
                                }
                                    .into_any()
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
