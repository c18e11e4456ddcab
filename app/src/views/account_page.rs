//! A person's own account: where they are signed in, ending sessions, and a new password.

use leptos::prelude::*;
use leptos_meta::Title;

use super::browser::load_page;
use super::components::confirm::ConfirmPanel;
use super::components::feedback::{ErrorPanel, ListSkeleton};
use super::components::form::{CodeField, FormErrors, FormMessage, successes};
use super::components::header::AppHeader;
use super::components::time::ago;
use super::session::{Audience, Gate};
use super::sign_in_page::EmailLinkForm;
use crate::api::mail::{SetMailUpdates, load_mail_preferences};
use crate::api::session::{EndOtherSession, Me, SignOutEverywhere, my_sessions};
use crate::api::two_step::{
    ConfirmTwoStepSetup, DisableTwoStep, SetTwoStepRequired, StartTwoStepSetup,
    load_two_step_status,
};
use crate::domain::people::SessionInfo;
use crate::domain::sign_in::LinkPurpose;
use crate::domain::two_step::{TwoStepSetup, TwoStepStatus};
use crate::views::components::device_notifications::DeviceNotifications;
use crate::views::server_data::server_data;
use crate::views::staff::api_tokens::ApiTokensSection;

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account · Frontdoor"/>
        <Gate audience=Audience::SignedIn let:me>
            <AccountScreen me/>
        </Gate>
    }
}

#[component]
fn AccountScreen(me: Me) -> impl IntoView {
    let two_step = me.is_staff().then(|| {
        let setup_needed = me.two_step_setup_needed;
        view! { <TwoStepSection setup_needed/> }
    });
    let client = !me.is_staff();
    let end_one = ServerAction::<EndOtherSession>::new();
    let sessions = server_data(move || end_one.version().get(), |_| my_sessions());
    let errors = FormErrors::of(end_one, &[]);
    view! {
        <AppHeader me/>
        <main class="page page--narrow">
            <h1>"Your account"</h1>
            {two_step}
            <section aria-labelledby="sessions-heading">
                <h2 id="sessions-heading">"Where you're signed in"</h2>
                <FormMessage message=errors.general()/>
                <Transition fallback=|| view! { <ListSkeleton rows=2/> }>
                    {move || {
                        sessions
                            .get()
                            .map(|result| match result {
                                Ok(list) => {
                                    let (now, current) = (list.now, list.current);
                                    view! {
                                        <ul class="session-list">
                                            {list
                                                .sessions
                                                .into_iter()
                                                .map(|session| {
                                                    let is_current = session.id == current;
                                                    view! { <SessionRow session now is_current end_one/> }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }
                                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                            })
                    }}
                </Transition>
                <SignOutEverywhereButton/>
            </section>
            {client.then(|| view! { <MailUpdatesSection/> <DeviceNotifications/> })}
            {(!client).then(|| view! { <ApiTokensSection/> })}
            <section class="panel" aria-labelledby="password-heading">
                <h2 id="password-heading">"Password"</h2>
                <p class="lead">"We'll email you a link to choose a new password."</p>
                <EmailLinkForm purpose=LinkPurpose::PasswordReset button="Email me a link"/>
            </section>
        </main>
    }
}

/// Mail about one's requests: on or off, and why it stopped if the address bounced.
#[component]
fn MailUpdatesSection() -> impl IntoView {
    let set = ServerAction::<SetMailUpdates>::new();
    let preferences = server_data(move || set.version().get(), |_| load_mail_preferences());
    let errors = FormErrors::of(set, &[]);
    view! {
        <section class="panel" aria-labelledby="mail-heading">
            <h2 id="mail-heading">"Mail about your requests"</h2>
            <FormMessage message=errors.general()/>
            <Transition fallback=|| view! { <ListSkeleton rows=1/> }>
                {move || {
                    preferences
                        .get()
                        .map(|result| match result {
                            Ok(preferences) => {
                                let updates = preferences.updates;
                                view! {
                                    <label class="choice">
                                        <input type="checkbox" checked=updates
                                            disabled=move || set.pending().get()
                                            on:change=move |_| { set.dispatch(SetMailUpdates { updates: !updates }); }/>
                                        " Email me when a request I filed or follow is received, changes status or gets a reply"
                                    </label>
                                    {preferences.bounced.map(|reason| view! {
                                        <p class="notice notice--urgent" role="status">
                                            "Mail to your address bounced"
                                            {(!reason.is_empty()).then(|| format!(" ({reason})"))}
                                            ". Updates start again when you next write to us by email."
                                        </p>
                                    })}
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn SessionRow(
    session: SessionInfo,
    now: i64,
    is_current: bool,
    end_one: ServerAction<EndOtherSession>,
) -> impl IntoView {
    let device = describe_device(&session.user_agent);
    let detail = format!(
        "{} · signed in {} · last active {}",
        if session.ip.is_empty() {
            "unknown address"
        } else {
            session.ip.as_str()
        },
        ago(now, session.created_at),
        ago(now, session.last_seen_at)
    );
    let session_id = session.id;
    // This row's sign-out is under way (the list is read again when it is done).
    let ending = move || {
        end_one.pending().get()
            && end_one
                .input()
                .with(|input| input.as_ref().is_some_and(|i| i.session_id == session_id))
    };
    view! {
        <li class="session">
            <div class="session__text">
                <span class="session__device">{device}</span>
                <span class="session__detail">{detail}</span>
            </div>
            {if is_current {
                view! { <span class="badge badge--current">"This device"</span> }.into_any()
            } else {
                view! {
                    <button
                        type="button"
                        class="button button--small"
                        disabled=ending
                        on:click=move |_| { end_one.dispatch(EndOtherSession { session_id }); }
                    >
                        {move || if ending() { "Signing out…" } else { "Sign out" }}
                    </button>
                }
                    .into_any()
            }}
        </li>
    }
}

/// Two steps: the first press asks, the second signs out on every device.
#[component]
fn SignOutEverywhereButton() -> impl IntoView {
    let action = ServerAction::<SignOutEverywhere>::new();
    let confirming = RwSignal::new(false);
    let errors = FormErrors::of(action, &[]);
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            load_page("/signin");
        }
    });
    view! {
        <FormMessage message=errors.general()/>
        <Show when=move || !confirming.get()>
            <button type="button" class="button button--block" on:click=move |_| confirming.set(true)>
                "Sign out everywhere"
            </button>
        </Show>
        <ConfirmPanel
            open=confirming
            label="Confirm sign out everywhere"
            question="Sign out on every device, this one included?"
            confirm="Sign out everywhere"
            pending=action.pending()
            on_confirm=move |()| {
                action.dispatch(SignOutEverywhere {});
            }
        />
    }
}

/// The actions of the two-step section; its state is read again after each one that succeeds.
#[derive(Clone, Copy)]
struct TwoStepActions {
    start: ServerAction<StartTwoStepSetup>,
    confirm: ServerAction<ConfirmTwoStepSetup>,
    disable: ServerAction<DisableTwoStep>,
    require: ServerAction<SetTwoStepRequired>,
}

/// Staff: turn two-step sign-in on or off; agency admins also require it of all staff.
#[component]
fn TwoStepSection(setup_needed: bool) -> impl IntoView {
    let actions = TwoStepActions {
        start: ServerAction::new(),
        confirm: ServerAction::new(),
        disable: ServerAction::new(),
        require: ServerAction::new(),
    };
    let changes = (
        successes(actions.confirm),
        successes(actions.disable),
        successes(actions.require),
    );
    let status = server_data(
        move || (changes.0.get(), changes.1.get(), changes.2.get()),
        |_| load_two_step_status(),
    );
    // Someone sent here to set it up goes on to their work once it is on.
    Effect::new(move |_| {
        if setup_needed && matches!(actions.confirm.value().get(), Some(Ok(()))) {
            load_page("/board");
        }
    });
    view! {
        <section class="panel" id="two-step" aria-labelledby="two-step-heading">
            <h2 id="two-step-heading">"Two-step sign-in"</h2>
            <Show when=move || setup_needed>
                <p class="form-error" role="alert">
                    "Your agency requires two-step sign-in. Set it up to continue."
                </p>
            </Show>
            <Transition fallback=|| view! { <ListSkeleton rows=1/> }>
                {move || {
                    status
                        .get()
                        .map(|result| match result {
                            Ok(status) => view! { <TwoStepControls status actions/> }.into_any(),
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn TwoStepControls(status: TwoStepStatus, actions: TwoStepActions) -> impl IntoView {
    let main = if status.enabled {
        view! { <TwoStepOn required=status.required disable=actions.disable/> }.into_any()
    } else {
        view! { <TwoStepOff actions/> }.into_any()
    };
    let requirement = status.may_require.then(|| {
        let required = status.required;
        view! {
            <ActionForm action=actions.require attr:class="form form--compact">
                <input type="hidden" name="required" value=(!required).to_string()/>
                <p class="field-hint">
                    {if required {
                        "Every staff member must use two-step sign-in."
                    } else {
                        "Staff may choose whether to use two-step sign-in."
                    }}
                </p>
                <button type="submit" class="button" disabled=actions.require.pending()>
                    {if required { "Stop requiring it for staff" } else { "Require it for all staff" }}
                </button>
            </ActionForm>
        }
    });
    view! {
        {main}
        {requirement}
    }
}

#[component]
fn TwoStepOn(required: bool, disable: ServerAction<DisableTwoStep>) -> impl IntoView {
    let errors = FormErrors::of(disable, &["code"]);
    view! {
        <p>
            <span class="badge badge--member-active">"On"</span>
            " After your password or sign-in link, Frontdoor asks for a code from your app."
        </p>
        {if required {
            view! { <p class="field-hint">"Your agency requires it, so it stays on."</p> }.into_any()
        } else {
            view! {
                <ActionForm action=disable attr:class="form form--compact" attr:novalidate=true>
                    <CodeField id="disable-code" label="Code from your app, to turn it off" error=errors.field("code")/>
                    <FormMessage message=errors.general()/>
                    <button type="submit" class="button button--danger-quiet" disabled=disable.pending()>
                        "Turn off"
                    </button>
                </ActionForm>
            }
                .into_any()
        }}
    }
}

#[component]
fn TwoStepOff(actions: TwoStepActions) -> impl IntoView {
    let setup = move || actions.start.value().get().and_then(Result::ok);
    let start_errors = FormErrors::of(actions.start, &[]);
    view! {
        <p>"Off. With it on, a stolen password alone cannot open the queue."</p>
        <FormMessage message=start_errors.general()/>
        <Show
            when=move || setup().is_some()
            fallback=move || view! {
                <button
                    type="button"
                    class="button button--primary"
                    disabled=actions.start.pending()
                    on:click=move |_| { actions.start.dispatch(StartTwoStepSetup {}); }
                >
                    "Set up two-step sign-in"
                </button>
            }
        >
            {move || setup().map(|setup| view! { <TwoStepEnrol setup confirm=actions.confirm/> })}
        </Show>
    }
}

/// The QR code (or key) for the app, and the first code to prove it works.
#[component]
fn TwoStepEnrol(setup: TwoStepSetup, confirm: ServerAction<ConfirmTwoStepSetup>) -> impl IntoView {
    let errors = FormErrors::of(confirm, &["code"]);
    view! {
        <ol class="steps-list">
            <li>"Scan this code with an authenticator app (1Password, Google Authenticator, Authy…)."</li>
            <li>"Type the 6-digit code the app shows."</li>
        </ol>
        <img class="qr-code" src=setup.qr_code alt="QR code to add Frontdoor to your authenticator app" width="220" height="220"/>
        <p class="field-hint">"Can't scan? Enter this key in the app: " <code class="key">{setup.key}</code></p>
        <ActionForm action=confirm attr:class="form form--compact" attr:novalidate=true>
            <CodeField id="setup-code" label="Code from your app" error=errors.field("code")/>
            <FormMessage message=errors.general()/>
            <button type="submit" class="button button--primary" disabled=confirm.pending()>"Turn on"</button>
        </ActionForm>
    }
}

/// A short name for the browser and system in a user agent string, e.g. "Chrome on Android".
fn describe_device(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map_or("A browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_device;

    #[test]
    fn devices_are_named_the_way_people_know_them() {
        let pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0 Mobile Safari/537.36";
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_device(pixel), "Chrome on Android");
        assert_eq!(describe_device(iphone), "Safari on iPhone");
        assert_eq!(describe_device(""), "A browser");
    }
}
