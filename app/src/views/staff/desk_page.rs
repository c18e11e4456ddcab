use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::desk::{
    DeleteCannedReply, RetireCategory, SaveCannedReply, SaveCategory, load_desk_options,
};
use crate::api::session::Me;
use crate::api::triage::load_triage_setup;
use crate::domain::canned::{CannedReply, PLACEHOLDERS};
use crate::domain::sla::SlaTier;
use crate::domain::ticket::Category;
use crate::views::components::confirm::AskFirst;
use crate::views::components::feedback::{ErrorPanel, ListSkeleton};
use crate::views::components::form::{FormErrors, FormMessage, Refused, on_success, successes};
use crate::views::components::header::AppHeader;
use crate::views::server_data::server_data;
use crate::views::session::{Audience, Gate};
use crate::views::staff::triage_settings::{SetupVersion, TriageSettings};

/// Desk settings for leads and admins: who gets which request and how fast (rules, teams, SLA
/// targets, working hours), the categories clients choose from and the canned replies staff
/// start from.
#[component]
pub fn DeskPage() -> impl IntoView {
    view! {
        <Title text="Desk settings · Frontdoor"/>
        <Gate audience=Audience::DeskConfigurers let:me>
            <Desk me/>
        </Gate>
    }
}

#[component]
fn Desk(me: Me) -> impl IntoView {
    // Each form saves with an action of its own, so that its errors and its wait stay its own;
    // any save reads the lists again.
    let saved = RwSignal::new(0_u32);
    let retire_category = ServerAction::<RetireCategory>::new();
    let delete_canned = ServerAction::<DeleteCannedReply>::new();
    let triage_version: SetupVersion = RwSignal::new(0);
    // One server function per resource: each reads who is asking as it starts, while its page
    // is certainly alive (a second call after an await could find the page already replaced).
    let (retired, deleted) = (successes(retire_category), successes(delete_canned));
    let desk = server_data(
        move || (saved.get(), retired.get(), deleted.get()),
        |_| load_desk_options(),
    );
    let triage = server_data(move || triage_version.get(), |_| load_triage_setup());
    // Every tier's companies as last saved here. Saving a tier does not read the setup again, and
    // any save above draws the settings anew from the setup as it was read: they start from this.
    // The setup read again (after a rule or a tier is added) is newer still.
    let saved_tiers = RwSignal::new(None::<Vec<SlaTier>>);
    Effect::new(move |_| {
        if triage.with(|setup| matches!(setup, Some(Ok(_)))) {
            saved_tiers.set(None);
        }
    });
    view! {
        <AppHeader me/>
        <main class="page">
            <h1>"Desk settings"</h1>
            <Transition fallback=|| view! { <ListSkeleton/> }>
                {move || match (desk.get(), triage.get()) {
                    (Some(Ok(desk)), Some(Ok(setup))) => Some(view! {
                        <TriageSettings setup desk=desk.clone() version=triage_version saved_tiers/>
                        <section aria-labelledby="categories-heading">
                            <h2 id="categories-heading">"Categories"</h2>
                            <p class="muted">"Clients choose one when filing (or “Not sure”). Aim for 5 to 10, each with a one-line description."</p>
                            <ul class="settings-list">
                                {desk.categories.into_iter().map(|category| view! {
                                    <CategoryRow category saved retire=retire_category/>
                                }).collect_view()}
                            </ul>
                            <Refused action=retire_category/>
                            <CategoryForm saved category=None/>
                        </section>
                        <section aria-labelledby="canned-heading">
                            <h2 id="canned-heading">"Canned replies"</h2>
                            <p class="muted">
                                "Placeholders: "
                                {PLACEHOLDERS.iter().map(|(name, meaning)| view! {
                                    <code title=*meaning>{*name}</code> " "
                                }).collect_view()}
                            </p>
                            <ul class="settings-list">
                                {desk.canned_replies.into_iter().map(|reply| view! {
                                    <CannedRow reply saved delete=delete_canned/>
                                }).collect_view()}
                            </ul>
                            <Refused action=delete_canned/>
                            <CannedForm saved reply=None/>
                        </section>
                    }.into_any()),
                    (Some(Err(error)), _) | (_, Some(Err(error))) => Some(view! { <ErrorPanel error/> }.into_any()),
                    _ => None,
                }}
            </Transition>
        </main>
    }
}

#[component]
fn CategoryRow(
    category: Category,
    saved: RwSignal<u32>,
    retire: ServerAction<RetireCategory>,
) -> impl IntoView {
    let id = category.id;
    let question = format!(
        "Stop offering “{}”? Requests filed under it keep it.",
        category.name
    );
    view! {
        <li class="settings-item">
            <details>
                <summary>
                    <strong>{category.name.clone()}</strong>
                    <span class="settings-item__note">{category.description.clone()}</span>
                </summary>
                <CategoryForm saved category=Some(category)/>
                <AskFirst
                    button="Retire category"
                    label="Confirm retiring"
                    question=question
                    confirm="Retire"
                    pending=retire.pending()
                    on_confirm=move |()| { retire.dispatch(RetireCategory { id }); }
                />
            </details>
        </li>
    }
}

#[component]
fn CategoryForm(saved: RwSignal<u32>, category: Option<Category>) -> impl IntoView {
    let save = ServerAction::<SaveCategory>::new();
    on_success(save, move |_| saved.update(|n| *n += 1));
    let errors = FormErrors::of(save, &["name", "description"]);
    let editing = category.is_some();
    let Category {
        id,
        name,
        description,
        examples,
    } = category.unwrap_or(Category {
        id: 0,
        name: String::new(),
        description: String::new(),
        examples: String::new(),
    });
    let field_id = move |field: &str| format!("category-{id}-{field}");
    view! {
        <ActionForm action=save attr:class="form form--compact" attr:aria-label=if editing { "Edit category" } else { "New category" }>
            <input type="hidden" name="id" value=id/>
            <div class="field">
                <label for=field_id("name")>{if editing { "Name" } else { "New category" }}</label>
                <input id=field_id("name") name="name" type="text" maxlength="60" value=name/>
            </div>
            <div class="field">
                <label for=field_id("description")>"Description"</label>
                <input id=field_id("description") name="description" type="text" maxlength="300" value=description/>
            </div>
            <div class="field">
                <label for=field_id("examples")>"Examples"</label>
                <input id=field_id("examples") name="examples" type="text" maxlength="300" value=examples/>
            </div>
            <FormMessage message=Signal::derive(move || errors.field("name").get().or(errors.field("description").get()).or(errors.general().get()))/>
            <button type="submit" class="button button--small" disabled=save.pending()>
                {if editing { "Save category" } else { "Add category" }}
            </button>
        </ActionForm>
    }
}

#[component]
fn CannedRow(
    reply: CannedReply,
    saved: RwSignal<u32>,
    delete: ServerAction<DeleteCannedReply>,
) -> impl IntoView {
    let id = reply.id;
    let question = format!("Delete the canned reply “{}”?", reply.title);
    view! {
        <li class="settings-item">
            <details>
                <summary><strong>{reply.title.clone()}</strong></summary>
                <CannedForm saved reply=Some(reply)/>
                <AskFirst
                    button="Delete"
                    label="Confirm delete"
                    question=question
                    confirm="Delete"
                    pending=delete.pending()
                    on_confirm=move |()| { delete.dispatch(DeleteCannedReply { id }); }
                />
            </details>
        </li>
    }
}

#[component]
fn CannedForm(saved: RwSignal<u32>, reply: Option<CannedReply>) -> impl IntoView {
    let save = ServerAction::<SaveCannedReply>::new();
    on_success(save, move |_| saved.update(|n| *n += 1));
    let errors = FormErrors::of(save, &["title", "body"]);
    let editing = reply.is_some();
    let CannedReply { id, title, body } = reply.unwrap_or(CannedReply {
        id: 0,
        title: String::new(),
        body: String::new(),
    });
    let field_id = move |field: &str| format!("canned-{id}-{field}");
    view! {
        <ActionForm action=save attr:class="form form--compact" attr:aria-label=if editing { "Edit canned reply" } else { "New canned reply" }>
            <input type="hidden" name="id" value=id/>
            <div class="field">
                <label for=field_id("title")>{if editing { "Title" } else { "New canned reply" }}</label>
                <input id=field_id("title") name="title" type="text" maxlength="80" value=title/>
            </div>
            <div class="field">
                <label for=field_id("body")>"Text"</label>
                <textarea id=field_id("body") name="body" rows="4">{body}</textarea>
            </div>
            <FormMessage message=Signal::derive(move || errors.field("title").get().or(errors.field("body").get()).or(errors.general().get()))/>
            <button type="submit" class="button button--small" disabled=save.pending()>
                {if editing { "Save canned reply" } else { "Add canned reply" }}
            </button>
        </ActionForm>
    }
}
