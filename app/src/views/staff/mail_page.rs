//! Mail that could not be read, for agency admins: what it is, why it failed, the original to
//! download, and Retry / Dismiss.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::mail::{
    DismissQuarantined, Quarantine, RetryQuarantined, UnreadableMail, quarantined_mail,
};
use crate::api::session::Me;
use crate::domain::attachment::human_size;
use crate::views::components::confirm::AskFirst;
use crate::views::components::feedback::{EmptyState, ErrorPanel, ListSkeleton, OutcomeNotice};
use crate::views::components::header::AppHeader;
use crate::views::components::time::ago;
use crate::views::server_data::server_data;
use crate::views::session::{Audience, Gate};

/// Where a quarantined message can be downloaded as it came.
pub fn quarantined_original_href(id: i64) -> String {
    format!("/mail/quarantine/{id}")
}

#[component]
pub fn MailQuarantinePage() -> impl IntoView {
    view! {
        <Title text="Unreadable mail · Frontdoor"/>
        <Gate audience=Audience::Admins let:me>
            <QuarantineScreen me/>
        </Gate>
    }
}

#[component]
fn QuarantineScreen(me: Me) -> impl IntoView {
    let retry = ServerAction::<RetryQuarantined>::new();
    let dismiss = ServerAction::<DismissQuarantined>::new();
    let quarantine = server_data(
        move || (retry.version().get(), dismiss.version().get()),
        |_| quarantined_mail(),
    );
    // The newest answer of either, in place of the one before: `(is_error, text)`.
    let outcome = RwSignal::new(None::<(bool, String)>);
    Effect::new(move |_| {
        if let Some(answer) = retry.value().get() {
            outcome.set(Some(match answer {
                Ok(retried) => (retried.not_filed, retried.said),
                Err(error) => (true, error.to_string()),
            }));
        }
    });
    Effect::new(move |_| {
        if let Some(answer) = dismiss.value().get() {
            outcome.set(Some(match answer {
                Ok(()) => (false, "Dismissed.".to_owned()),
                Err(error) => (true, error.to_string()),
            }));
        }
    });
    view! {
        <AppHeader me/>
        <main class="page">
            <h1>"Unreadable mail"</h1>
            <p class="lead">"Mail to the support address that could not be read is kept here as it came, so nothing is lost. The next messages were processed meanwhile. Download one to look at it, retry it once the cause is fixed, or dismiss it."</p>
            <OutcomeNotice notice=outcome/>
            <Transition fallback=|| view! { <ListSkeleton/> }>
                {move || {
                    quarantine.get()
                        .map(|result| match result {
                            Ok(quarantine) => view! { <QuarantineList quarantine retry dismiss/> }.into_any(),
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn QuarantineList(
    quarantine: Quarantine,
    retry: ServerAction<RetryQuarantined>,
    dismiss: ServerAction<DismissQuarantined>,
) -> impl IntoView {
    if quarantine.messages.is_empty() {
        return view! {
            <EmptyState title="Nothing waiting">
                <p>"Every message that arrived could be read."</p>
            </EmptyState>
        }
        .into_any();
    }
    let now = quarantine.now;
    view! {
        <ul class="settings-list" aria-label="Unreadable messages">
            {quarantine
                .messages
                .into_iter()
                .map(|message| view! { <QuarantineRow message now retry dismiss/> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// How a message came in, from its stored source (`http`, `smtp`, `imap:<folder>`).
fn arrival(source: &str) -> String {
    match source.split_once(':') {
        Some(("imap", folder)) => format!("Fetched from the mailbox folder {folder}"),
        _ if source == "smtp" => "Received by Frontdoor's mail server".to_owned(),
        _ if source == "http" => "Forwarded by the mail relay".to_owned(),
        _ => format!("Came by {source}"),
    }
}

#[component]
fn QuarantineRow(
    message: UnreadableMail,
    now: i64,
    retry: ServerAction<RetryQuarantined>,
    dismiss: ServerAction<DismissQuarantined>,
) -> impl IntoView {
    let id = message.id;
    let header_only = message.header_only;
    let mut error = message.error;
    if let Some(first) = error.get(..1) {
        error.replace_range(..1, &first.to_uppercase());
    }
    view! {
        <li class="settings-item quarantine-item">
            <p class="quarantine-item__error"><strong>{error}</strong></p>
            <p class="muted">
                {format!("{} · {} · ", arrival(&message.source), human_size(message.size_bytes))}
                {ago(now, message.received_at)}
            </p>
            {header_only.then(|| view! {
                <p>"Only its header was kept, so it cannot be filed: ask the sender to send it again in smaller parts, then dismiss it."</p>
            })}
            <div class="quarantine-item__actions">
                <a class="button button--quiet button--small" href=quarantined_original_href(id) download>
                    {if header_only { "Download header" } else { "Download original" }}
                </a>
                {(!header_only).then(|| view! {
                    <button type="button" class="button button--small"
                        disabled=move || retry.pending().get()
                        on:click=move |_| { retry.dispatch(RetryQuarantined { id }); }>
                        "Retry"
                    </button>
                })}
                <AskFirst
                    button="Dismiss"
                    label="Confirm dismissing"
                    question="Dismiss this message without filing it? The original stays in the mailbox it came from, if any."
                    confirm="Dismiss"
                    pending=dismiss.pending()
                    on_confirm=move |()| { dismiss.dispatch(DismissQuarantined { id }); }
                />
            </div>
        </li>
    }
}
