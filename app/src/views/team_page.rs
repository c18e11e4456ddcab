//! A team admin's page: who is in the team, inviting, promoting and deactivating people, and
//! (for a client company) who sees which requests.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::browser::load_page;
use super::components::confirm::ConfirmPanel;
use super::components::feedback::{ErrorPanel, ListSkeleton};
use super::components::form::{FormErrors, FormMessage, RadioChoice, TextField};
use super::components::header::AppHeader;
use super::components::time::ago;
use super::session::{Audience, Gate};
use crate::api::session::Me;
use crate::api::team::{
    CreateAccount, InviteMember, SetMemberActive, SetMemberRole, SetVisibility, TeamView, load_team,
};
use crate::domain::people::{MemberStatus, TeamMember};
use crate::domain::policy::{CLIENT_ROLES, Role, STAFF_ROLES, Visibility};
use crate::views::server_data::server_data;

#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <Title text="Team · Frontdoor"/>
        <Gate audience=Audience::TeamAdmins let:me>
            <TeamScreen me/>
        </Gate>
    }
}

/// The actions of the page; the team is read again after each.
#[derive(Clone, Copy)]
struct TeamActions {
    invite: ServerAction<InviteMember>,
    set_active: ServerAction<SetMemberActive>,
    set_role: ServerAction<SetMemberRole>,
    set_visibility: ServerAction<SetVisibility>,
}

#[component]
fn TeamScreen(me: Me) -> impl IntoView {
    let is_admin = me.role == Role::Admin;
    let query = use_query_map();
    let account = move || {
        query
            .read()
            .get("account")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let actions = TeamActions {
        invite: ServerAction::new(),
        set_active: ServerAction::new(),
        set_role: ServerAction::new(),
        set_visibility: ServerAction::new(),
    };
    // Read again after every change that worked; a failed invite changes nothing.
    let invited = move || actions.invite.value().get().and_then(Result::ok);
    let team = server_data(
        move || {
            (
                account(),
                invited(),
                actions.set_active.version().get(),
                actions.set_role.version().get(),
                actions.set_visibility.version().get(),
            )
        },
        |(account, ..)| load_team(account),
    );
    let loaded = move |render: fn(TeamView, TeamActions) -> AnyView| {
        move || {
            team.get().map(|result| match result {
                Ok(view) => render(view, actions),
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
            })
        }
    };
    view! {
        <AppHeader me/>
        <main class="page page--narrow">
            <Transition fallback=|| view! { <ListSkeleton rows=1/> }>
                {loaded(|view, actions| view! { <TeamSettings view actions/> }.into_any())}
            </Transition>
            // Outside the data that reloads, so what is typed survives a refresh of the list.
            <InviteForm
                account_id=account()
                roles=if is_admin && account().is_none() { STAFF_ROLES } else { CLIENT_ROLES }
                action=actions.invite
            />
            <Transition fallback=|| view! { <ListSkeleton rows=3/> }>
                {loaded(|view, actions| view! { <Members view actions/> }.into_any())}
            </Transition>
        </main>
    }
}

/// The team's name, the switcher for agency admins and, for a company, its visibility mode.
#[component]
fn TeamSettings(view: TeamView, actions: TeamActions) -> impl IntoView {
    let account_id = view.team.account_id();
    let switcher = (!view.other_teams.is_empty())
        .then(|| view! { <TeamSwitcher current=account_id teams=view.other_teams.clone()/> });
    let visibility = view.visibility.map(|visibility| {
        view! { <VisibilitySetting visibility account_id action=actions.set_visibility/> }
    });
    view! {
        <h1>{format!("{} team", view.name)}</h1>
        {switcher}
        {visibility}
    }
}

#[component]
fn Members(view: TeamView, actions: TeamActions) -> impl IntoView {
    let roles = view.roles();
    let (me, now) = (view.me, view.now);
    let member_errors = FormErrors::of(actions.set_active, &[]);
    let role_errors = FormErrors::of(actions.set_role, &[]);
    view! {
        <section aria-labelledby="members-heading">
            <h2 id="members-heading">{format!("People ({})", view.members.len())}</h2>
            <FormMessage message=member_errors.general()/>
            <FormMessage message=role_errors.general()/>
            <ul class="member-list">
                {view
                    .members
                    .into_iter()
                    .map(|member| {
                        let is_me = member.user_id == me;
                        view! { <MemberRow member is_me roles now actions/> }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Agency admins pick which team to manage. A plain GET form: works before the app loads.
#[component]
fn TeamSwitcher(
    current: Option<i64>,
    teams: Vec<crate::domain::people::AccountSummary>,
) -> impl IntoView {
    view! {
        <form class="team-switcher" method="get" action="/team">
            <label for="account">"Team"</label>
            <select
                id="account"
                name="account"
                on:change=|event| load_page(&format!("/team?account={}", event_target_value(&event)))
            >
                <option value="" selected=current.is_none()>"Agency staff"</option>
                {teams
                    .into_iter()
                    .map(|team| {
                        let selected = current == Some(team.id);
                        view! { <option value=team.id selected=selected>{team.name}</option> }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="button button--small">"Show"</button>
        </form>
        <details class="disclosure">
            <summary>"Add a company"</summary>
            <AddCompany/>
        </details>
    }
}

/// Agency admins add a client company, then land on its (empty) team to invite its people.
#[component]
fn AddCompany() -> impl IntoView {
    let create = ServerAction::<CreateAccount>::new();
    let errors = FormErrors::of(create, &["name"]);
    Effect::new(move |_| {
        if let Some(Ok(account_id)) = create.value().get() {
            load_page(&format!("/team?account={account_id}"));
        }
    });
    view! {
        <ActionForm action=create attr:class="form form--compact" attr:novalidate=true>
            <TextField
                name="name"
                id="company-name"
                label="Company name"
                placeholder="e.g. Harbour Cafe"
                max_chars=100
                error=errors.field("name")
            />
            <FormMessage message=errors.general()/>
            <button type="submit" class="button" disabled=create.pending()>"Add company"</button>
        </ActionForm>
    }
}

#[component]
fn VisibilitySetting(
    visibility: Visibility,
    account_id: Option<i64>,
    action: ServerAction<SetVisibility>,
) -> impl IntoView {
    let errors = FormErrors::of(action, &[]);
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    let option = move |value: Visibility, title: &'static str, detail: &'static str| {
        view! { <RadioChoice name="visibility" value=value.as_str() title detail checked=visibility == value/> }
    };
    view! {
        <section class="panel" aria-labelledby="visibility-heading">
            <h2 id="visibility-heading">"Who sees which requests"</h2>
            <ActionForm action=action attr:class="form form--compact">
                {account_id.map(|id| view! { <input type="hidden" name="account_id" value=id/> })}
                <fieldset class="choices">
                    <legend class="visually-hidden">"Visibility"</legend>
                    {option(Visibility::OwnRequests, "Each person sees their own requests", "Admins still see every request of the company.")}
                    {option(Visibility::Company, "Everyone sees all company requests", "Colleagues can follow each other's requests.")}
                </fieldset>
                <FormMessage message=errors.general()/>
                <Show when=saved>
                    <p class="form-note" role="status">"Saved."</p>
                </Show>
                <button type="submit" class="button" disabled=action.pending()>"Save"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn InviteForm(
    account_id: Option<i64>,
    roles: &'static [Role],
    action: ServerAction<InviteMember>,
) -> impl IntoView {
    let value = action.value();
    let sent = move || value.try_get().flatten().and_then(Result::ok);
    view! {
        <section class="panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <Show
                when=move || sent().is_some()
                fallback=move || view! { <InviteFields account_id roles action/> }
            >
                <p class="form-note" role="status">{sent}</p>
                <button type="button" class="button" on:click=move |_| action.clear()>
                    "Invite someone else"
                </button>
            </Show>
        </section>
    }
}

/// The invite fields; a failed invite keeps what was typed.
#[component]
fn InviteFields(
    account_id: Option<i64>,
    roles: &'static [Role],
    action: ServerAction<InviteMember>,
) -> impl IntoView {
    let errors = FormErrors::of(action, &["name", "email", "role"]);
    let pending = action.pending();
    view! {
        <p class="lead">"They get an email with a link to join. It works for 7 days."</p>
        <ActionForm action=action attr:class="form form--compact" attr:novalidate=true>
            {account_id.map(|id| view! { <input type="hidden" name="account_id" value=id/> })}
            <TextField name="name" label="Name" placeholder="e.g. Luis Ortega" max_chars=100 error=errors.field("name")/>
            <TextField
                name="email"
                label="Email"
                input_type="email"
                placeholder="name@company.com"
                max_chars=320
                error=errors.field("email")
            />
            <div class="field">
                <label for="role">"Role"</label>
                <select id="role" name="role">
                    {roles
                        .iter()
                        .map(|role| view! { <option value=role.as_str()>{role.label()}</option> })
                        .collect_view()}
                </select>
                <p class="field-error" role="alert">{move || errors.field("role").get()}</p>
            </div>
            <FormMessage message=errors.general()/>
            <button type="submit" class="button button--primary" disabled=pending>
                {move || if pending.get() { "Sending…" } else { "Send invitation" }}
            </button>
        </ActionForm>
    }
}

#[component]
fn MemberRow(
    member: TeamMember,
    is_me: bool,
    roles: &'static [Role],
    now: i64,
    actions: TeamActions,
) -> impl IntoView {
    let status_class = format!(
        "badge badge--member-{}",
        member.status.label().to_lowercase()
    );
    let seen = match member.last_sign_in_at {
        Some(at) => format!("signed in {}", ago(now, at)),
        None => "not signed in yet".to_owned(),
    };
    // Someone who first wrote in without a display name goes by their address: said once.
    let detail = if member.name == member.email {
        format!("{} · {seen}", member.role.label())
    } else {
        format!("{} · {} · {seen}", member.email, member.role.label())
    };
    let controls = if is_me {
        view! { <p class="member__note">"That's you."</p> }.into_any()
    } else {
        view! { <MemberControls member=member.clone() roles actions/> }.into_any()
    };
    view! {
        <li class="member" data-email=member.email.clone()>
            <div class="member__head">
                <span class="member__name">{member.name.clone()}</span>
                <span class=status_class>{member.status.label()}</span>
            </div>
            <span class="member__detail">{detail}</span>
            {controls}
        </li>
    }
}

/// Role buttons and (after a confirmation) deactivation.
#[component]
fn MemberControls(
    member: TeamMember,
    roles: &'static [Role],
    actions: TeamActions,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let user_id = member.user_id;
    let first_name = member
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let deactivated = member.status == MemberStatus::Deactivated;
    let role_buttons = (!deactivated).then(|| {
        roles
            .iter()
            .copied()
            .filter(|role| *role != member.role)
            .map(|role| {
                view! {
                    <button
                        type="button"
                        class="button button--small"
                        on:click=move |_| { actions.set_role.dispatch(SetMemberRole { user_id, role }); }
                    >
                        {format!("Make {}", role.label().to_lowercase())}
                    </button>
                }
            })
            .collect_view()
    });
    // Someone who never signed in is deactivated too, but what the admin does is take the
    // invitation back.
    let invited = member.status == MemberStatus::Invited;
    let (verb, question) = if invited {
        (
            "Cancel invitation",
            format!("Cancel {first_name}'s invitation? The link we sent stops working."),
        )
    } else {
        (
            "Deactivate",
            format!(
                "Deactivate {first_name}? They are signed out everywhere at once; their requests stay."
            ),
        )
    };
    view! {
        <div class="member__actions">
            {role_buttons}
            {if deactivated {
                view! {
                    <button
                        type="button"
                        class="button button--small"
                        on:click=move |_| { actions.set_active.dispatch(SetMemberActive { user_id, active: true }); }
                    >
                        "Reactivate"
                    </button>
                }
                    .into_any()
            } else {
                view! {
                    <button type="button" class="button button--small button--danger-quiet" on:click=move |_| confirming.set(true)>
                        {verb}
                    </button>
                }
                    .into_any()
            }}
        </div>
        <ConfirmPanel
            open=confirming
            label=if invited { "Confirm cancelling the invitation" } else { "Confirm deactivation" }
            question=question
            confirm=verb
            cancel=if invited { "Keep it" } else { "Cancel" }
            on_confirm=move |()| {
                actions.set_active.dispatch(SetMemberActive { user_id, active: false });
            }
        />
    }
}
