//! The queue as one dense list: a row per request with everything a card shows, for scanning
//! many at once. Selection and the keyboard path work as on the board.

use leptos::prelude::*;

use crate::domain::ticket::Priority;
use crate::views::browser::focused_card;
use crate::views::components::sla::SlaChip;
use crate::views::components::status::StatusBadge;
use crate::views::components::time::ago;
use crate::views::staff::board_work::{BoardWork, CardView, SelectBox, UnreadDot};

#[component]
pub fn QueueList(cards: Vec<CardView>, now: i64, work: BoardWork) -> impl IntoView {
    if cards.is_empty() {
        return view! {
            <p class="queue-list__empty">"No requests match these filters. " <a href="/board?view=list">"Show all"</a></p>
        }
        .into_any();
    }
    view! {
        <ul class="queue-list" aria-label="Requests" on:focusin=move |_| work.cursor.set_value(focused_card())>
            <For each=move || cards.clone() key=CardView::key let:card>
                <QueueRow card now work/>
            </For>
        </ul>
    }
    .into_any()
}

#[component]
fn QueueRow(card: CardView, now: i64, work: BoardWork) -> impl IntoView {
    let (class, reference) = (card.classes("queue-row"), card.ticket.reference);
    let (ticket, shown, unread) = (card.ticket, card.shown, card.unread);
    view! {
        <li class=class data-ref=reference.to_string()>
            <SelectBox reference work/>
            <a class="card__link queue-row__title" href=format!("/requests/{reference}")>
                <span class="reference">
                    <UnreadDot unread/>
                    {reference.to_string()}
                </span>
                " "
                <span class="card__title">{ticket.title}</span>
            </a>
            <span class="queue-row__state">
                <StatusBadge status=shown/>
                {(ticket.priority != Priority::Normal).then(|| view! {
                    <span class=format!("priority priority--{}", ticket.priority.as_str())>{ticket.priority.label()}</span>
                })}
                {ticket.callback_requested.then(|| view! { <span class="card__callback">"☎ Call back"</span> })}
                {ticket.sla.map(|mark| view! { <SlaChip mark now/> })}
            </span>
            <span class="queue-row__who">{ticket.account_name} " · " {ticket.requester_name}</span>
            <span class="queue-row__assignee">{ticket.assignee_name.unwrap_or_else(|| "Unassigned".to_owned())}</span>
            <span class="queue-row__active">"active " {ago(now, ticket.updated_at)}</span>
        </li>
    }
}
