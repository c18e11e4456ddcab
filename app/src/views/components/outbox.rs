//! Requests written without a connection: kept on this device (never lost) and sent when the
//! connection returns. Each keeps the key it was first sent with (`submission`), so a sending
//! whose answer was lost on the way files nothing twice.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use crate::api::tickets::CreateRequest;
use crate::domain::ticket::TicketRef;
use crate::error::AppError;
use crate::views::browser;
use crate::views::server_data::read_json;

/// A request waiting on this device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueuedRequest {
    pub request: CreateRequest,
    /// Why the server turned it down, if it did: it stays until the person discards it.
    pub problem: Option<String>,
}

impl QueuedRequest {
    fn key(&self) -> &str {
        self.request.submission.as_deref().unwrap_or_default()
    }
}

/// The requests waiting on this device for the signed-in person, and those sent from it since the
/// page opened (newest first).
#[derive(Clone, Copy)]
pub struct Outbox {
    owner: StoredValue<Option<i64>>,
    pub queued: RwSignal<Vec<QueuedRequest>>,
    pub sending: RwSignal<bool>,
    pub sent: RwSignal<Vec<(String, TicketRef)>>,
}

/// Provides the outbox; [`Outbox::open_for`] starts it once the person is known.
pub fn provide_outbox() -> Outbox {
    let outbox = Outbox {
        owner: StoredValue::new(None),
        queued: RwSignal::new(Vec::new()),
        sending: RwSignal::new(false),
        sent: RwSignal::new(Vec::new()),
    };
    provide_context(outbox);
    browser::on_connectivity(move |online| {
        // A saved copy of a page loads afresh when the connection returns, and sends then.
        if online && browser::saved_at().is_none() {
            outbox.send_all();
        }
    });
    outbox
}

pub fn use_outbox() -> Outbox {
    expect_context()
}

/// Each person's requests wait under their own name: someone else signing in on the same device
/// neither sees nor sends them.
fn storage_key(owner: i64) -> String {
    format!("{}-{owner}", browser::OUTBOX_KEY)
}

impl Outbox {
    /// Loads what an earlier visit left for `person` and sends it if the connection allows. In
    /// the browser only (an effect), after the page has hydrated.
    pub fn open_for(self, person: i64) {
        if self.owner.get_value() == Some(person) {
            return;
        }
        self.owner.set_value(Some(person));
        let kept = browser::read_locally(&storage_key(person))
            .and_then(|json| read_json(&json).ok())
            .unwrap_or_default();
        self.queued.set(kept);
        self.send_all();
    }

    /// Keeps `request` to send when the connection returns.
    pub fn queue(self, request: CreateRequest) {
        self.queued.update(|queued| {
            // A second press of "Send" while offline is the same request.
            queued.retain(|q| q.request.submission != request.submission);
            queued.push(QueuedRequest {
                request,
                problem: None,
            });
        });
        self.save();
    }

    /// Gives up on a waiting request (one the server turned down, say).
    pub fn discard(self, key: &str) {
        self.queued
            .update(|queued| queued.retain(|q| q.key() != key));
        self.save();
    }

    /// Sends a request the server turned down once more (the cause fixed meanwhile, say).
    pub fn retry(self, key: &str) {
        self.set_problem(key, None);
        self.send_all();
    }

    /// Notes why the server turned the request of `key` down (`None`: it may go again), and keeps
    /// that on this device.
    fn set_problem(self, key: &str, problem: Option<String>) {
        self.queued.update(|queued| {
            if let Some(q) = queued.iter_mut().find(|q| q.key() == key) {
                q.problem = problem;
            }
        });
        self.save();
    }

    /// Sends what waits, oldest first, until done or the connection fails again.
    pub fn send_all(self) {
        let waiting: Vec<QueuedRequest> = self
            .queued
            .get_untracked()
            .into_iter()
            .filter(|q| q.problem.is_none())
            .collect();
        if waiting.is_empty() || self.sending.get_untracked() || !browser::is_online() {
            return;
        }
        self.sending.set(true);
        leptos::task::spawn_local(async move {
            for item in waiting {
                match item.request.clone().run_on_client().await {
                    Ok(filed) => {
                        self.discard(item.key());
                        self.sent.update(|sent| {
                            sent.insert(0, (item.request.title.clone(), filed.reference));
                        });
                    }
                    // Still no way through, signed out meanwhile, or a passing trouble on the
                    // server's side: it waits for the next chance.
                    Err(
                        AppError::Unreachable
                        | AppError::Unauthorized
                        | AppError::Internal
                        | AppError::RateLimited,
                    ) => break,
                    Err(refused) => {
                        let problem = match refused {
                            // Said without the field's name: there is no form to point at.
                            AppError::Validation(mistake) => mistake.message,
                            other => other.to_string(),
                        };
                        self.set_problem(item.key(), Some(problem));
                    }
                }
            }
            self.sending.set(false);
        });
    }

    fn save(self) {
        let Some(owner) = self.owner.get_value() else {
            return;
        };
        let queued = self.queued.get_untracked();
        let json = (!queued.is_empty())
            .then(|| serde_json::to_string(&queued).ok())
            .flatten();
        browser::store_locally(&storage_key(owner), json.as_deref());
    }

    /// Forgets this person's waiting requests (signing out).
    pub fn clear(self) {
        self.queued.set(Vec::new());
        self.save();
    }
}

/// On "My requests": what waits on this device to be sent, and what was just sent from it.
#[component]
pub fn WaitingRequests() -> impl IntoView {
    let outbox = use_outbox();
    // Coming back here tries again what waits: a request kept because a proxy's error page came
    // back instead of the server's answer was never offline, so no reconnection sends it.
    Effect::new(move |_| outbox.send_all());
    view! {
        <Show when=move || !outbox.queued.read().is_empty() || !outbox.sent.read().is_empty()>
            <section class="outbox" aria-labelledby="outbox-head" aria-live="polite">
                <h2 id="outbox-head">{move || if outbox.queued.read().is_empty() { "Sent from this device" } else { "Waiting to be sent" }}</h2>
                <ul class="outbox__list">
                    {move || outbox.queued.get().into_iter().map(|item| {
                        let key = StoredValue::new(item.key().to_owned());
                        let state = match &item.problem {
                            Some(problem) => format!("Not sent: {problem}"),
                            None if outbox.sending.get() => "Sending…".to_owned(),
                            None => "Saved on this device. It is sent when you're back online.".to_owned(),
                        };
                        view! {
                            <li class="outbox__item" data-state=if item.problem.is_some() { "refused" } else { "queued" }>
                                <span class="outbox__title">{item.request.title.clone()}</span>
                                <span class="outbox__state">{state}</span>
                                // Turned down: what was written stays readable (to copy into a
                                // new request), and may be sent again or let go.
                                {item.problem.is_some().then(|| view! {
                                    <details class="outbox__text">
                                        <summary>"What you wrote"</summary>
                                        <p>{item.request.description.clone()}</p>
                                    </details>
                                    <button type="button" class="button button--small"
                                        on:click=move |_| key.with_value(|key| outbox.retry(key))>"Try again"</button>
                                    <button type="button" class="button button--quiet button--small"
                                        on:click=move |_| key.with_value(|key| outbox.discard(key))>"Discard"</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                    {move || outbox.sent.get().into_iter().map(|(title, reference)| view! {
                        <li class="outbox__item" data-state="sent">
                            <span class="outbox__title">{title}</span>
                            <span class="outbox__state">"Sent as "
                                <a href=format!("/requests/{reference}")>{reference.to_string()}</a>
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
