use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_location;

use crate::api::desk::{DeleteView, DeskOptions, SaveView, load_desk_options};
use crate::api::session::Me;
use crate::api::tickets::list_queue;
use crate::api::triage::{SetAway, am_i_away};
use crate::domain::listing::{AssigneeFilter, Choice, QueueFilter};
use crate::domain::sla::ClockState;
use crate::domain::ticket::{Category, Channel, Priority, TicketRef, TicketStatus};
use crate::views::browser::{RedrawWatch, focused_card, refocus_card, watch_redraws};
use crate::views::components::feedback::{ErrorPanel, ListSkeleton, OutcomeNotice};
use crate::views::components::form::{
    FormErrors, FormMessage, LoadFailed, Refused, SelectField, choice_options, successes,
};
use crate::views::components::header::AppHeader;
use crate::views::components::live::{answered_for, last_good, use_live};
use crate::views::components::sla::SlaChip;
use crate::views::components::status::StatusActions;
use crate::views::components::time::ago;
use crate::views::server_data::server_data;
use crate::views::session::{Audience, Gate};
use crate::views::staff::board_work::{
    BoardChange, BoardShortcuts, BoardWork, BulkBar, CardView, CompleteQuestion, SelectBox,
    UnreadDot,
};
use crate::views::staff::queue_list::QueueList;

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
    let location = use_location();
    // The filter lives in the address bar: shareable, and back/forward work.
    let filter = Memo::new(move |_| QueueFilter::from_query(&location.search.get()));
    let layout = Memo::new(move |_| Layout::from_query(&location.search.get()));
    let work = BoardWork::new(live);
    // While a card is dragged the board is not redrawn under the pointer; it catches up after.
    let revision = Memo::new(
        move |held: Option<&u64>| match (work.dragging.get(), held) {
            (Some(_), Some(held)) => *held,
            _ => live.revision.get(),
        },
    );
    let queue = server_data(
        move || (filter.get(), revision.get()),
        |(filter, _)| {
            let query = filter.to_query();
            answered_for(filter, list_queue(Some(query)))
        },
    );
    let queue_now = last_good(queue, move || filter.get());
    let save_view = ServerAction::<SaveView>::new();
    let delete_view = ServerAction::<DeleteView>::new();
    let (saved, deleted) = (successes(save_view), successes(delete_view));
    let desk = server_data(
        move || (saved.get(), deleted.get()),
        |_| load_desk_options(),
    );
    // Cards filed after the board was opened are marked, so new work catches the eye; cards
    // that changed since the board was last drawn flash once.
    let opened_at = StoredValue::new(None::<i64>);
    let last_drawn = StoredValue::new(HashMap::<TicketRef, i64>::new());
    Effect::new(move |_| {
        if queue_now().is_some_and(|r| r.is_ok()) {
            work.settle();
        }
    });
    // A redraw replaces the focused card's element and the focus falls back to the page: once the
    // new element is in the document (a transition may swap it in later than the data arrives),
    // the focus goes back to that card.
    // (The watch lives in the effect, which runs in the browser only, and ends with it.)
    Effect::new(move |watch: Option<Option<RedrawWatch>>| {
        watch.flatten().or_else(|| {
            watch_redraws(move || {
                if let Some(reference) = work.cursor.try_get_value().flatten() {
                    refocus_card(reference);
                }
            })
        })
    });

    view! {
        <AppHeader me/>
        <main class="page page--wide">
            <div class="page-head">
                <h1>"Queue board"</h1>
                <div class="page-head__actions">
                    <LayoutSwitch filter layout/>
                    <AwayToggle/>
                    <a class="button page-head__action" href="/requests/new">"File for a client"</a>
                </div>
            </div>
            <Transition fallback=|| ()>
                {move || desk.get().map(|result| match result {
                    Ok(desk) => view! {
                        <SavedViews desk=desk.clone() filter save_view delete_view/>
                        <FilterBar desk filter=filter.get() layout=layout.get()/>
                    }.into_any(),
                    Err(error) => view! {
                        <LoadFailed what="The filters and saved views" error
                            meanwhile="The board below still shows the queue."
                            retry=move |()| desk.refetch()/>
                    }.into_any(),
                })}
            </Transition>
            <BoardShortcuts work/>
            <BulkBar work/>
            <CompleteQuestion work/>
            <OutcomeNotice notice=work.notice class="board-notice"/>
            <Transition fallback=|| view! { <ListSkeleton rows=6/> }>
                {move || {
                    queue_now()
                        .map(|result| match result {
                            Ok(list) => {
                                let opened = opened_at.get_value().unwrap_or(list.now);
                                opened_at.set_value(Some(opened));
                                let before = last_drawn.get_value();
                                last_drawn.set_value(list.tickets.iter().map(|t| (t.reference, t.updated_at)).collect());
                                work.statuses.set_value(list.tickets.iter().map(|t| (t.reference, t.status)).collect());
                                let moves = work.moves.get();
                                let cards: Vec<CardView> = list
                                    .tickets
                                    .into_iter()
                                    .map(|ticket| CardView {
                                        shown: moves.get(&ticket.reference).map_or(ticket.status, |m| m.to),
                                        moving: moves.get(&ticket.reference).is_some_and(|m| !m.settled),
                                        fresh: ticket.created_at > opened,
                                        arrived: ticket.created_at > opened && !before.contains_key(&ticket.reference),
                                        changed: before.get(&ticket.reference).is_some_and(|at| *at != ticket.updated_at),
                                        unread: list.unread.contains(&ticket.reference),
                                        ticket,
                                    })
                                    .collect();
                                if layout.get() == Layout::List {
                                    return view! { <QueueList cards now=list.now work/> }.into_any();
                                }
                                view! {
                                    <div class="board" on:focusin=move |_| work.cursor.set_value(focused_card())>
                                        {TicketStatus::ALL
                                            .into_iter()
                                            .map(|status| {
                                                let mut cards: Vec<CardView> = cards
                                                    .iter()
                                                    .filter(|c| c.shown == status)
                                                    .cloned()
                                                    .collect();
                                                // Call-back requests first, then by priority;
                                                // otherwise most recent activity first.
                                                cards.sort_by_key(|c| (!c.ticket.callback_requested, c.ticket.priority));
                                                view! { <Column status cards now=list.now work/> }
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

/// How the queue is laid out: columns by status, or one dense list (`?view=list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Columns,
    List,
}

impl Layout {
    fn from_query(query: &str) -> Layout {
        if query
            .trim_start_matches('?')
            .split('&')
            .any(|pair| pair == "view=list")
        {
            Layout::List
        } else {
            Layout::Columns
        }
    }
}

/// Board or list, keeping the filter.
#[component]
fn LayoutSwitch(filter: Memo<QueueFilter>, layout: Memo<Layout>) -> impl IntoView {
    let href = move |list: bool| {
        let query = filter.get().to_query();
        match (query.is_empty(), list) {
            (true, false) => "/board".to_owned(),
            (true, true) => "/board?view=list".to_owned(),
            (false, false) => format!("/board?{query}"),
            (false, true) => format!("/board?{query}&view=list"),
        }
    };
    let current = move |which: Layout| (layout.get() == which).then_some("page");
    view! {
        <nav class="layout-switch" aria-label="Layout">
            <a href=move || href(false) aria-current=move || current(Layout::Columns)>"Board"</a>
            <a href=move || href(true) aria-current=move || current(Layout::List)>"List"</a>
        </nav>
    }
}

/// "I'm away": team rotation skips people who are away until they switch it off.
#[component]
fn AwayToggle() -> impl IntoView {
    let set_away = ServerAction::<SetAway>::new();
    let away = server_data(move || set_away.version().get(), |_| am_i_away());
    view! {
        <Transition fallback=|| ()>
            {move || away.get().map(|result| match result {
                Ok(away) => view! {
                    <button type="button" class="button away-toggle"
                        aria-pressed=away.to_string()
                        title="While you are away, new requests are not given to you"
                        disabled=set_away.pending()
                        on:click=move |_| { set_away.dispatch(SetAway { away: !away }); }>
                        {if away { "I'm away · back now" } else { "I'm away" }}
                    </button>
                }.into_any(),
                Err(error) => view! {
                    <LoadFailed what="Whether you are away" error
                        meanwhile="New requests may still be given to you."
                        retry=move |()| away.refetch()/>
                }.into_any(),
            })}
        </Transition>
        <Refused action=set_away/>
    }
}

#[component]
fn Column(status: TicketStatus, cards: Vec<CardView>, now: i64, work: BoardWork) -> impl IntoView {
    let heading_id = format!("column-{}", status.as_str());
    let labelled_by = heading_id.clone();
    let count = cards.len();
    let caption = if status == TicketStatus::Completed {
        " (recent)"
    } else {
        ""
    };
    // A column lights up while a card that may move here is dragged over it.
    let over = RwSignal::new(false);
    let accepts = move || {
        work.dragging
            .get_untracked()
            .is_some_and(|(_, from)| from != status && from.can_move_to(status))
    };
    let class = move || {
        format!(
            "column column--{}{}",
            status.as_str(),
            if over.get() { " column--drop" } else { "" }
        )
    };
    view! {
        <section class=class aria-labelledby=labelled_by
            on:dragover=move |event| {
                if accepts() {
                    event.prevent_default();
                    over.set(true);
                }
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |event| {
                event.prevent_default();
                over.set(false);
                if let Some((reference, from)) = work.dragging.get_untracked()
                    && from != status
                {
                    work.apply(vec![reference], BoardChange::Move(status));
                }
                work.dragging.set(None);
            }>
            <h2 class="column__head" id=heading_id>
                {status.label()}
                {caption}
                <span class="column__count">{count}</span>
            </h2>
            {if cards.is_empty() {
                view! { <p class="column__empty">"Nothing here"</p> }.into_any()
            } else {
                view! {
                    <ul class="column__cards">
                        // Keyed: a card that did not change keeps its element (and the focus, or
                        // a drag in progress) when the board is drawn again.
                        <For each=move || cards.clone() key=CardView::key let:card>
                            <Card card now work/>
                        </For>
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn Card(card: CardView, now: i64, work: BoardWork) -> impl IntoView {
    let class = card.classes("card");
    let CardView {
        ticket,
        shown,
        unread,
        ..
    } = card;
    let reference = ticket.reference;
    let label = format!("{reference}: {}", ticket.title);
    let from = ticket.status;
    view! {
        <li class=class data-ref=reference.to_string() aria-label=label draggable="true"
            on:dragstart=move |_| work.dragging.set(Some((reference, from)))
            on:dragend=move |_| work.dragging.set(None)>
            <div class="card__top">
                <a class="card__link" href=format!("/requests/{reference}")>
                    <span class="reference">
                        <UnreadDot unread/>
                        {reference.to_string()}
                    </span>
                    <span class="card__title">{ticket.title}</span>
                </a>
                <SelectBox reference work/>
            </div>
            {ticket.callback_requested.then(|| view! { <p class="card__callback">"☎ Call back"</p> })}
            {ticket.sla.map(|mark| view! { <p class="card__sla"><SlaChip mark now/></p> })}
            <p class="card__meta">
                {(ticket.priority != Priority::Normal).then(|| view! {
                    <span class=format!("priority priority--{}", ticket.priority.as_str())>{ticket.priority.label()}</span>
                    " · "
                })}
                {ticket.account_name} " · " {ticket.requester_name} " · filed " {ago(now, ticket.created_at)}
            </p>
            <p class="card__meta">
                {ticket.assignee_name.unwrap_or_else(|| "Unassigned".to_owned())}
                {ticket.category.map(|c| format!(" · {c}"))}
                " · active " {ago(now, ticket.updated_at)}
            </p>
            <StatusActions reference status=shown/>
        </li>
    }
}

/// The staff filters, as a GET form: applying it changes the address, which reloads the list
/// without a page load.
#[component]
fn FilterBar(desk: DeskOptions, filter: QueueFilter, layout: Layout) -> impl IntoView {
    let categories: Vec<Choice> = desk.categories.iter().map(Category::choice).collect();
    let assignee = match filter.assignee {
        None => String::new(),
        Some(AssigneeFilter::Me) => "me".to_owned(),
        Some(AssigneeFilter::Unassigned) => "none".to_owned(),
        Some(AssigneeFilter::Person(id)) => id.to_string(),
    };
    let named = |value: &str, label: &str| (value.to_owned(), label.to_owned());
    let mut assignees = vec![named("me", "Me"), named("none", "Unassigned")];
    assignees.extend(
        desk.staff
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone())),
    );
    let active = filter
        .to_query()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .count();
    let summary = match active {
        0 => "Filters".to_owned(),
        1 => "Filters · 1 on".to_owned(),
        n => format!("Filters · {n} on"),
    };
    view! {
        <details class="panel board-filters">
            <summary class="panel__title">{summary}</summary>
            <Form action="/board" attr:class="form form--grid" attr:aria-label="Filters">
                <Select name="status" label="Status" current=filter.status.map(|s| s.as_str().to_owned()).unwrap_or_default()
                    options=TicketStatus::ALL.iter().map(|s| named(s.as_str(), s.label())).collect()/>
                <Select name="priority" label="Priority" current=filter.priority.map(|p| p.as_str().to_owned()).unwrap_or_default()
                    options=Priority::ALL.iter().map(|p| named(p.as_str(), p.label())).collect()/>
                <Select name="category" label="Category" current=filter.category_id.map(|i| i.to_string()).unwrap_or_default()
                    options=choice_options(&categories)/>
                <Select name="assignee" label="Assignee" current=assignee options=assignees/>
                <Select name="team" label="Team" current=filter.team_id.map(|i| i.to_string()).unwrap_or_default()
                    options=choice_options(&desk.teams)/>
                <Select name="account" label="Company" current=filter.account_id.map(|i| i.to_string()).unwrap_or_default()
                    options=choice_options(&desk.accounts)/>
                <Select name="channel" label="Channel" current=filter.channel.map(|c| c.as_str().to_owned()).unwrap_or_default()
                    options=Channel::ALL.iter().map(|c| named(c.as_str(), c.label())).collect()/>
                <Select name="sla" label="SLA" current=filter.sla.map(|s| s.as_str().to_owned()).unwrap_or_default()
                    options=ClockState::FILTERABLE.iter().map(|(s, label)| named(s.as_str(), label)).collect()/>
                <div class="field">
                    <label for="filter-tag">"Tag"</label>
                    <input id="filter-tag" name="tag" type="text" value=filter.tag.clone().unwrap_or_default()/>
                </div>
                {(layout == Layout::List).then(|| view! { <input type="hidden" name="view" value="list"/> })}
                <div class="form__actions">
                    <button type="submit" class="button button--primary">"Apply"</button>
                    <a class="button button--quiet" href="/board">"Clear"</a>
                </div>
            </Form>
        </details>
    }
}

/// A filter select whose empty option means "any".
#[component]
fn Select(
    name: &'static str,
    label: &'static str,
    current: String,
    options: Vec<(String, String)>,
) -> impl IntoView {
    view! { <SelectField id=format!("filter-{name}") name label options current none="Any"/> }
}

/// The person's saved views as links, and saving the current filter under a name.
#[component]
fn SavedViews(
    desk: DeskOptions,
    filter: Memo<QueueFilter>,
    save_view: ServerAction<SaveView>,
    delete_view: ServerAction<DeleteView>,
) -> impl IntoView {
    let errors = FormErrors::of(save_view, &["name"]);
    view! {
        <nav class="views" aria-label="Saved views">
            <a class="tabs__tab" href="/board">"All"</a>
            {desk.saved_views.into_iter().map(|saved| {
                let href = format!("/board?{}", saved.query);
                let remove = format!("Delete view {}", saved.name);
                let id = saved.id;
                view! {
                    <span class="views__item">
                        <a class="tabs__tab" href=href>{saved.name}</a>
                        <button type="button" class="button button--quiet button--small" aria-label=remove
                            disabled=delete_view.pending()
                            on:click=move |_| { delete_view.dispatch(DeleteView { id }); }>"×"</button>
                    </span>
                }
            }).collect_view()}
            <Show when=move || !filter.get().is_empty()>
                <ActionForm action=save_view attr:class="views__save">
                    <input type="hidden" name="query" value=move || filter.get().to_query()/>
                    <label class="visually-hidden" for="view-name">"View name"</label>
                    <input id="view-name" name="name" type="text" placeholder="Name this view" maxlength="60"/>
                    <button type="submit" class="button button--small">"Save view"</button>
                    <FormMessage message=errors.field("name")/>
                    <FormMessage message=errors.general()/>
                </ActionForm>
            </Show>
            <Refused action=delete_view/>
        </nav>
    }
}
