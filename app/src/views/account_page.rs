//! A person's own account: where they are signed in, ending sessions, and a new password.

use leptos::prelude::*;
use leptos_meta::Title;

use super::browser::load_page;
use super::components::feedback::{ErrorPanel, ListSkeleton};
use super::components::form::{FormErrors, FormMessage};
use super::components::header::AppHeader;
use super::components::time::ago;
use super::session::{Audience, Gate};
use super::sign_in_page::EmailLinkForm;
use crate::api::session::{EndOtherSession, Me, SignOutEverywhere, my_sessions};
use crate::domain::people::SessionInfo;
use crate::domain::sign_in::LinkPurpose;

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
    let end_one = ServerAction::<EndOtherSession>::new();
    let sessions = Resource::new(move || end_one.version().get(), |_| my_sessions());
    let errors = FormErrors::of(end_one, &[]);
    view! {
        <AppHeader me/>
        <main class="page page--narrow">
            <h1>"Your account"</h1>
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
            <section class="panel" aria-labelledby="password-heading">
                <h2 id="password-heading">"Password"</h2>
                <p class="lead">"We'll email you a link to choose a new password."</p>
                <EmailLinkForm purpose=LinkPurpose::PasswordReset button="Email me a link"/>
            </section>
        </main>
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
                        on:click=move |_| { end_one.dispatch(EndOtherSession { session_id }); }
                    >
                        "Sign out"
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
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class="button button--block" on:click=move |_| confirming.set(true)>
                    "Sign out everywhere"
                </button>
            }
        >
            <div class="confirm" role="alertdialog" aria-label="Confirm sign out everywhere">
                <p>"Sign out on every device, this one included?"</p>
                <ActionForm action>
                    <button type="submit" class="button button--danger" disabled=action.pending()>
                        "Sign out everywhere"
                    </button>
                </ActionForm>
                <button type="button" class="button button--quiet" on:click=move |_| confirming.set(false)>
                    "Cancel"
                </button>
            </div>
        </Show>
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
