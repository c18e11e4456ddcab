//! Staff tools on a ticket page: triage fields, internal tasks and merging a duplicate.

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::api::desk::DeskOptions;
use crate::api::ticket_work::{
    AddTask, CompleteTask, MergeRequests, TickChecklistItem, UpdateTicket,
};
use crate::domain::listing::Choice;
use crate::domain::ticket::{Category, ChecklistItem, Priority, Task, TicketFacts, TicketRef};
use crate::views::components::confirm::ConfirmPanel;
use crate::views::components::form::{
    FormErrors, FormMessage, SelectField, choice_options, on_success, successes,
};
use crate::views::components::live::refresh_after;

/// The tools beside a request staff may work. Loaded the first time staff open a request (a
/// WASM chunk of its own, cut by `wasm-split-cli`), so the request page, which clients open most,
/// comes with the app and clients' phones never download the tools. Being loaded on demand, they
/// are drawn in the browser only (hydration cannot wait for a chunk).
///
/// Leptos' `#[lazy]` panics when its chunk cannot be fetched (offline before it was ever loaded,
/// an old tab after a deploy), which stops the whole app; the split it is built on can instead
/// report the failure (`fallible`), so the page says so and can try again.
#[leptos::wasm_split::wasm_split(
    staff_tools,
    wasm_split_path = ::leptos::wasm_split,
    fallible
)]
#[allow(
    clippy::unnecessary_wraps,
    reason = "`fallible` wants a `Result`: the chunk's load fails through it"
)]
pub fn staff_tools(
    reference: TicketRef,
    facts: Memo<Option<TicketFacts>>,
    tasks: Memo<Vec<Task>>,
    desk: DeskOptions,
) -> Result<AnyView, SplitLoaderError> {
    let staff = desk.staff.clone();
    Ok(view! {
        <TriagePanel reference facts desk/>
        <TasksPanel reference tasks staff/>
        <MergePanel reference/>
    }
    .into_any())
}

/// Priority, category, assignee, team and tags. The form is drawn again only when the facts change:
/// other changes to the request leave an edit in progress be, while a colleague's triage replaces
/// it with what they set. The form carries the version it was drawn from, so a save that crosses a
/// colleague's (sent before their change arrived here) is refused with a clear message.
#[component]
fn TriagePanel(
    reference: TicketRef,
    facts: Memo<Option<TicketFacts>>,
    desk: DeskOptions,
) -> impl IntoView {
    let update = ServerAction::<UpdateTicket>::new();
    refresh_after(update);
    let errors = FormErrors::of(update, &[]);
    // The version the last save made, while it is still the one on screen.
    let saved = move || {
        let on_screen = facts.with(|facts| facts.as_ref().map(|facts| facts.version));
        on_screen.is_some() && update.value().get().and_then(Result::ok) == on_screen
    };
    let categories: Vec<Choice> = desk.categories.iter().map(Category::choice).collect();
    let form = move |facts: TicketFacts| {
        let (categories, staff, teams) =
            (categories.clone(), desk.staff.clone(), desk.teams.clone());
        view! {
            <ActionForm action=update attr:class="form form--grid" attr:aria-label="Triage">
                <input type="hidden" name="reference" value=reference.to_string()/>
                <input type="hidden" name="version" value=facts.version/>
                <div class="field">
                    <label for="priority">"Priority"</label>
                    <select id="priority" name="priority">
                        {Priority::ALL.into_iter().map(|p| view! {
                            <option value=p.as_str() selected=p == facts.priority title=p.definition()>
                                {format!("{} — {}", p.label(), p.definition())}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <Picker id="category" label="Category" none="Not sure" choices=categories current=facts.category_id/>
                <Picker id="assignee" label="Assignee" none="Nobody yet" choices=staff current=facts.assignee_id/>
                <Picker id="team" label="Team" none="No team" choices=teams current=facts.team_id/>
                <div class="field">
                    <label for="tags">"Tags"</label>
                    <input id="tags" name="tags" type="text" value=facts.tags.join(", ") placeholder="e.g. dns, invoice"/>
                </div>
                <FormMessage message=errors.general()/>
                <div class="form__actions">
                    <button type="submit" class="button" disabled=update.pending()>"Save triage"</button>
                    <span class="muted" role="status">{move || saved().then_some("Saved")}</span>
                </div>
            </ActionForm>
        }
    };
    view! {
        <details class="panel" open=true>
            <summary class="panel__title">"Triage"</summary>
            {move || facts.get().map(form.clone())}
        </details>
    }
}

/// A labelled select of named choices with a "none" option.
#[component]
fn Picker(
    id: &'static str,
    label: &'static str,
    none: &'static str,
    choices: Vec<Choice>,
    current: Option<i64>,
) -> impl IntoView {
    let current = current.map(|id| id.to_string()).unwrap_or_default();
    view! { <SelectField id name=id label options=choice_options(&choices) current none/> }
}

/// Internal tasks the ticket was handed off into. The client keeps seeing one request in
/// progress; when the last task is done its owner is prompted to reply or complete.
/// The list follows the request's tasks; the form to add one is drawn again only after a task
/// was added, so what is being typed into it survives other changes to the request.
#[component]
fn TasksPanel(reference: TicketRef, tasks: Memo<Vec<Task>>, staff: Vec<Choice>) -> impl IntoView {
    let add = ServerAction::<AddTask>::new();
    let errors = FormErrors::of(add, &["title", "due"]);
    let complete = ServerAction::<CompleteTask>::new();
    refresh_after(add);
    refresh_after(complete);
    // A "done" that did not go through says so.
    let complete_errors = FormErrors::of(complete, &[]);
    let open = move || tasks.with(|tasks| tasks.iter().filter(|t| t.done_at.is_none()).count());
    let empty = move || tasks.with(Vec::is_empty);
    let added = successes(add);
    view! {
        <details class="panel" open=true>
            <summary class="panel__title">
                "Tasks " <span class="panel__count">{move || format!("{} open", open())}</span>
            </summary>
            {move || empty().then(|| view! { <p class="muted">"No tasks yet. Hand work off here; the client keeps seeing one request."</p> })}
            <ul class="tasks" aria-label="Tasks">
                {move || tasks.get().into_iter().map(|task| {
                    let task_id = task.id;
                    let done = task.done_at.is_some();
                    view! {
                        <li class=if done { "task task--done" } else { "task" }>
                            <p class="task__title">
                                {task.title}
                                {task.assignee_name.map(|name| format!(" · {name}"))}
                                {task.due_at.map(|due| format!(" · due {}", crate::domain::validation::format_date(due)))}
                            </p>
                            <ul class="task__checklist">
                                {task.checklist.into_iter().enumerate().map(|(index, item)| view! {
                                    <ChecklistLine task=task_id index item locked=done/>
                                }).collect_view()}
                            </ul>
                            {(!done).then(|| view! {
                                <button
                                    type="button"
                                    class="button button--small"
                                    disabled=move || complete.pending().get()
                                    on:click=move |_| { complete.dispatch(CompleteTask { task: task_id }); }
                                >
                                    "Mark task done"
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <FormMessage message=complete_errors.general()/>
            {move || {
                added.track();
                let staff = staff.clone();
                view! {
                    <details class="disclosure">
                    <summary>"Add a task"</summary>
                    <ActionForm action=add attr:class="form form--compact" attr:aria-label="New task">
                        <input type="hidden" name="reference" value=reference.to_string()/>
                        <div class="field">
                            <label for="task-title">"New task"</label>
                            <input id="task-title" name="title" type="text" maxlength="200" placeholder="e.g. Update DNS records"/>
                            <p class="field-error" role="alert">{errors.field("title")}</p>
                        </div>
                        <div class="field">
                            <label for="task-assignee">"Assignee"</label>
                            <select id="task-assignee" name="assignee">
                                <option value="">"Nobody yet"</option>
                                {staff.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="task-due">"Due"</label>
                            <input id="task-due" name="due" type="date"/>
                            <p class="field-error" role="alert">{errors.field("due")}</p>
                        </div>
                        <div class="field">
                            <label for="task-checklist">"Checklist (one item per line)"</label>
                            <textarea id="task-checklist" name="checklist" rows="3"></textarea>
                        </div>
                        <FormMessage message=errors.general()/>
                        <button type="submit" class="button" disabled=add.pending()>"Add task"</button>
                    </ActionForm>
                    </details>
                }
            }}
        </details>
    }
}

/// One checklist line: ticked at once, and put back as the server has it, saying why, if the
/// server refuses. Each line sends its own ticks, so a refused tick never takes back another
/// line's; ticks in quick succession each get their answer, and the box ends as stored.
#[component]
fn ChecklistLine(task: i64, index: usize, item: ChecklistItem, locked: bool) -> impl IntoView {
    let tick = ServerAction::<TickChecklistItem>::new();
    refresh_after(tick);
    let errors = FormErrors::of(tick, &[]);
    let ticked = RwSignal::new(item.done);
    // The line as the server last said it is.
    let stored = StoredValue::new(item.done);
    Effect::new(move |_| match tick.value().get() {
        Some(Ok(done)) => stored.set_value(done),
        Some(Err(_)) => {
            ticked.try_set(stored.get_value());
        }
        None => {}
    });
    view! {
        <li>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=ticked
                    disabled=locked
                    on:change=move |event| {
                        let done = event_target_checked(&event);
                        ticked.set(done);
                        tick.dispatch(TickChecklistItem { task, index, done });
                    }
                />
                {item.text}
            </label>
            <FormMessage message=errors.general()/>
        </li>
    }
}

/// Merging this request, a duplicate, into the one that continues. Asks first.
#[component]
fn MergePanel(reference: TicketRef) -> impl IntoView {
    let merge = ServerAction::<MergeRequests>::new();
    refresh_after(merge);
    let errors = FormErrors::of(merge, &[]);
    let survivor = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    on_success(merge, move |&()| {
        survivor.set(String::new());
        confirming.set(false);
    });
    let invalid = RwSignal::new(false);
    let target = move || survivor.get().parse::<TicketRef>().ok();
    let question = move || {
        format!(
            "Merge {reference} into {}? {reference} will be completed and its conversation will continue there. Its requester is told.",
            target().map(|t| t.to_string()).unwrap_or_default()
        )
    };
    view! {
        <details class="panel">
            <summary class="panel__title">"Merge into another request"</summary>
            <div class="form form--compact">
                <div class="field">
                    <label for="merge-into">"The request that continues"</label>
                    <input
                        id="merge-into"
                        type="text"
                        placeholder="FD-1042"
                        on:input=move |event| {
                            survivor.set(event_target_value(&event));
                            invalid.set(false);
                        }
                        prop:value=move || survivor.get()
                    />
                    <p class="field-error" role="alert">
                        {move || invalid.get().then_some("Enter a reference like FD-1042.")}
                    </p>
                </div>
                <FormMessage message=errors.general()/>
                <Show when=move || !confirming.get()>
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            if target().is_some() { confirming.set(true) } else { invalid.set(true) }
                        }
                    >
                        "Merge…"
                    </button>
                </Show>
                <ConfirmPanel
                    open=confirming
                    label="Confirm merge"
                    question
                    confirm="Merge"
                    pending=merge.pending()
                    on_confirm=move |()| {
                        if let Some(survivor) = target() {
                            merge.dispatch(MergeRequests { duplicate: reference, survivor });
                        }
                    }
                />
            </div>
        </details>
    }
}
