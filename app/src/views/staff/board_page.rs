use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::session::Me;
use crate::api::tickets::list_queue;
use crate::domain::ticket::{TicketStatus, TicketSummary};
use crate::views::components::feedback::{ErrorPanel, ListSkeleton};
use crate::views::components::header::AppHeader;
use crate::views::components::live::use_live;
use crate::views::components::status::StatusActions;
use crate::views::components::time::ago;
use crate::views::session::{Audience, Gate};

/// The staff queue: one column per status, updated live.
#[component]
pub fn BoardPage() -> impl IntoView {
    view! {
        <Title text="Queue board · Frontdoor"/>
        <Gate audience=Audience::Staff let:me>
            <Board me/>
        </Gate>
    }
}

#[component]
fn Board(me: Me) -> impl IntoView {
    let live = use_live();
    let queue = Resource::new(move || live.revision.get(), |_| list_queue());
    // Cards filed after the board was opened are marked, so new work catches the eye.
    let opened_at = StoredValue::new(None::<i64>);

    view! {
        <AppHeader me/>
        <main class="page page--wide">
            <div class="page-head">
                <h1>"Queue board"</h1>
            </div>
            <Transition fallback=|| view! { <ListSkeleton rows=6/> }>
                {move || {
                    queue
                        .get()
                        .map(|result| match result {
                            Ok(list) => {
                                let opened = opened_at.get_value().unwrap_or(list.now);
                                opened_at.set_value(Some(opened));
                                view! {
                                    <div class="board">
                                        {TicketStatus::ALL
                                            .into_iter()
                                            .map(|status| {
                                                let tickets: Vec<TicketSummary> = list
                                                    .tickets
                                                    .iter()
                                                    .filter(|t| t.status == status)
                                                    .cloned()
                                                    .collect();
                                                view! { <Column status tickets now=list.now opened/> }
                                            })
                                            .collect_view()}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn Column(
    status: TicketStatus,
    tickets: Vec<TicketSummary>,
    now: i64,
    opened: i64,
) -> impl IntoView {
    let heading_id = format!("column-{}", status.as_str());
    let labelled_by = heading_id.clone();
    let count = tickets.len();
    let caption = if status == TicketStatus::Completed {
        " (recent)"
    } else {
        ""
    };
    view! {
        <section class=format!("column column--{}", status.as_str()) aria-labelledby=labelled_by>
            <h2 class="column__head" id=heading_id>
                {status.label()}
                {caption}
                <span class="column__count">{count}</span>
            </h2>
            {if tickets.is_empty() {
                view! { <p class="column__empty">"Nothing here"</p> }.into_any()
            } else {
                view! {
                    <ul class="column__cards">
                        {tickets
                            .into_iter()
                            .map(|ticket| {
                                let fresh = ticket.created_at > opened;
                                view! { <Card ticket now fresh/> }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn Card(ticket: TicketSummary, now: i64, fresh: bool) -> impl IntoView {
    let reference = ticket.reference;
    let class = if fresh { "card card--fresh" } else { "card" };
    let label = format!("{reference}: {}", ticket.title);
    view! {
        <li class=class data-ref=reference.to_string() aria-label=label>
            <a class="card__link" href=format!("/requests/{reference}")>
                <span class="reference">{reference.to_string()}</span>
                <span class="card__title">{ticket.title}</span>
            </a>
            <p class="card__meta">{ticket.account_name} " · " {ticket.requester_name} " · " {ago(now, ticket.created_at)}</p>
            <StatusActions reference status=ticket.status/>
        </li>
    }
}
