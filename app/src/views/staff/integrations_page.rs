//! Integrations, for agency admins: webhooks — subscribe a URL to events, copy its signing
//! secret once, send a test, read each delivery's outcome and send one again — and the Slack
//! channels connected to client companies.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::session::Me;
use crate::api::slack::{ConnectSlackChannel, DisconnectSlackChannel, SlackOverview, slack_setup};
use crate::api::sso::{ConnectSso, RemoveSso, SsoOverview, sso_setup};
use crate::api::webhooks::{
    AddWebhook, RedeliverWebhook, RemoveWebhook, TestWebhook, list_webhooks, webhook_deliveries,
};
use crate::domain::webhook::{
    DeliveryInfo, DeliveryState, MAX_DESCRIPTION_CHARS, MAX_URL_CHARS, WebhookEvent, WebhookInfo,
};
use crate::error::AppError;
use crate::views::browser::{BrowserData, use_hydrated};
use crate::views::components::confirm::AskFirst;
use crate::views::components::feedback::{EmptyState, ErrorPanel, ListSkeleton};
use crate::views::components::form::{
    FormErrors, FormMessage, Refused, TextField, newest_message, successes,
};
use crate::views::components::header::AppHeader;
use crate::views::components::secret::SecretOnce;
use crate::views::components::time::{ago, from_now};
use crate::views::server_data::server_data;
use crate::views::session::{Audience, Gate};

/// How often an open delivery log is read again (deliveries settle in the background).
#[cfg(feature = "hydrate")]
const LOG_REFRESH: std::time::Duration = std::time::Duration::from_secs(4);

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    view! {
        <Title text="Integrations · Frontdoor"/>
        <Gate audience=Audience::Admins let:me>
            <IntegrationsScreen me/>
        </Gate>
    }
}

#[component]
fn IntegrationsScreen(me: Me) -> impl IntoView {
    let add = ServerAction::<AddWebhook>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    // Read again after a webhook is added or removed, never after a refused try: the form keeps
    // what was typed.
    let added = RwSignal::new(0_u32);
    let webhooks = server_data(
        move || (added.get(), remove.version().get()),
        |_| list_webhooks(),
    );
    let adding = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_))) {
            adding.set(false);
            added.update(|n| *n += 1);
        }
    });
    let secret = move || add.value().get().and_then(Result::ok).map(|w| w.secret);
    view! {
        <AppHeader me/>
        <main class="page">
            <h1>"Integrations"</h1>
            <section class="panel" aria-labelledby="webhooks-heading">
                <h2 id="webhooks-heading">"Webhooks"</h2>
                <p class="lead">
                    "Tell your other systems — chat, CRM, an automation — when something happens to a request. "
                    "Frontdoor posts a signed JSON message to each address for the events it listens to, and tries again for about a day when it cannot get through."
                </p>
                <SignatureHelp/>
                {move || secret().map(|secret| view! {
                    <SecretOnce secret id="new-webhook-secret" label="Signing secret">
                        <strong>"Copy the signing secret now."</strong>
                        " Your receiver checks every delivery with it. It is not shown again; if it is lost, add the webhook again."
                    </SecretOnce>
                })}
                <Show
                    when=move || adding.get()
                    fallback=move || view! {
                        <button type="button" class="button" on:click=move |_| adding.set(true)>"Add webhook"</button>
                    }
                >
                    <WebhookForm add cancel=adding/>
                </Show>
                <Refused action=remove/>
                <Transition fallback=|| view! { <ListSkeleton rows=2/> }>
                    {move || webhooks.get().map(|result| match result {
                        Ok(list) if list.webhooks.is_empty() => view! {
                            <EmptyState title="No webhooks yet">
                                <p>"Add one to tell another system about new requests, replies and status changes."</p>
                            </EmptyState>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="webhook-list" aria-label="Webhooks">
                                {list.webhooks.into_iter().map(|webhook| view! { <WebhookCard webhook remove/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    })}
                </Transition>
            </section>
            <SlackSection/>
            <SsoSection/>
        </main>
    }
}

/// What was read, drawn by `draw`; or why it could not be read.
fn drawn<T, V: IntoView + 'static>(
    result: Result<T, AppError>,
    draw: impl FnOnce(T) -> V,
) -> AnyView {
    match result {
        Ok(value) => draw(value).into_any(),
        Err(error) => view! { <ErrorPanel error/> }.into_any(),
    }
}

#[component]
fn SsoSection() -> impl IntoView {
    let connect = ServerAction::<ConnectSso>::new();
    let remove = ServerAction::<RemoveSso>::new();
    let changed = successes(connect);
    let setup = server_data(
        move || (changed.get(), remove.version().get()),
        |_| sso_setup(),
    );
    view! {
        <section class="panel" aria-labelledby="sso-heading">
            <h2 id="sso-heading">"Single sign-on"</h2>
            <p class="lead">
                "People sign in with their organization's OpenID Connect provider (Google Workspace, Entra ID, Okta, …) from “Use single sign-on” on the sign-in page. "
                "A company's provider signs in its contacts, and makes an account at first sign-in for addresses at the company's own domains; passwords keep working for everyone, break-glass admins included."
            </p>
            <Refused action=remove/>
            <Transition fallback=|| view! { <ListSkeleton rows=2/> }>
                {move || setup.get().map(|result| drawn(result, |setup| view! { <SsoCompanies setup connect remove/> }))}
            </Transition>
        </section>
    }
}

#[component]
fn SsoCompanies(
    setup: SsoOverview,
    connect: ServerAction<ConnectSso>,
    remove: ServerAction<RemoveSso>,
) -> impl IntoView {
    let errors = FormErrors::of(
        connect,
        &["account", "issuer", "client_id", "client_secret"],
    );
    let staff = if setup.staff_configured {
        "Agency staff: signed in by the agency's provider (a server setting)."
    } else {
        "Agency staff: no provider yet (start the server with --oidc-issuer, --oidc-client-id and --oidc-client-secret)."
    };
    view! {
        <p>{staff}</p>
        <p class="muted">"Register this redirect address with each provider: " <code>{setup.redirect_uri}</code></p>
        <ul class="token-list" aria-label="Companies with single sign-on">
            {setup.companies.into_iter().map(|company| {
                let account = company.account_id;
                let question = format!("Stop single sign-on for {}? Its people sign in with passwords or email links again.", company.account_name);
                view! {
                    <li class="token-row">
                        <div class="token-row__head">
                            <span class="token-row__name">{company.account_name}</span>
                        </div>
                        <p class="token-row__meta">{company.issuer}" · client "{company.client_id}</p>
                        <AskFirst
                            button="Remove"
                            label="Confirm removing single sign-on"
                            question=question
                            confirm="Remove"
                            pending=remove.pending()
                            on_confirm=move |()| { remove.dispatch(RemoveSso { account }); }
                        />
                    </li>
                }
            }).collect_view()}
        </ul>
        <details class="disclosure">
            <summary>"Set up a company's provider"</summary>
            <ActionForm action=connect attr:class="form form--compact" attr:novalidate=true>
                <div class="field">
                    <label for="sso-account">"Company"</label>
                    <select id="sso-account" name="account">
                        {setup.accounts.into_iter().map(|account| view! {
                            <option value=account.id.to_string()>{account.name}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{move || errors.field("account").get()}</p>
                </div>
                <TextField name="issuer" id="sso-issuer" label="Issuer URL" placeholder="https://login.example.com" max_chars=300 input_type="url" error=errors.field("issuer")/>
                <TextField name="client_id" id="sso-client-id" label="Client ID" placeholder="From the provider" max_chars=200 error=errors.field("client_id")/>
                <TextField name="client_secret" id="sso-client-secret" label="Client secret" placeholder="From the provider" max_chars=500 input_type="password" error=errors.field("client_secret")/>
                <FormMessage message=errors.general()/>
                <div class="form__actions">
                    <button type="submit" class="button" disabled=connect.pending()>
                        {move || if connect.pending().get() { "Saving…" } else { "Save provider" }}
                    </button>
                </div>
            </ActionForm>
        </details>
    }
}

#[component]
fn SlackSection() -> impl IntoView {
    let connect = ServerAction::<ConnectSlackChannel>::new();
    let disconnect = ServerAction::<DisconnectSlackChannel>::new();
    let changed = successes(connect);
    let setup = server_data(
        move || (changed.get(), disconnect.version().get()),
        |_| slack_setup(),
    );
    view! {
        <section class="panel" aria-labelledby="slack-heading">
            <h2 id="slack-heading">"Slack"</h2>
            <p class="lead">
                "Clients file requests from Slack: with " <code>"/request"</code> " anywhere, or by writing in a channel connected to their company. "
                "Each request's thread gets its reference, status changes and your replies; their replies in the thread join the conversation."
            </p>
            <Refused action=disconnect/>
            <Transition fallback=|| view! { <ListSkeleton rows=2/> }>
                {move || setup.get().map(|result| drawn(result, |setup| view! { <SlackChannels setup connect disconnect/> }))}
            </Transition>
        </section>
    }
}

#[component]
fn SlackChannels(
    setup: SlackOverview,
    connect: ServerAction<ConnectSlackChannel>,
    disconnect: ServerAction<DisconnectSlackChannel>,
) -> impl IntoView {
    let errors = FormErrors::of(connect, &["channel_id", "account"]);
    view! {
        {(!setup.configured).then(|| view! {
            <p class="notice">
                "Slack is not set up on this server yet: ask whoever runs your Frontdoor to add your Slack app's signing secret and bot token to its settings. Channels connected now start working then."
            </p>
        })}
        {if setup.channels.is_empty() {
            view! { <p class="muted">"No channels connected."</p> }.into_any()
        } else {
            view! {
                <ul class="token-list" aria-label="Connected Slack channels">
                    {setup.channels.into_iter().map(|channel| {
                        let id = channel.channel_id.clone();
                        let question = format!("Disconnect {}? Its new messages stop becoming requests; threads of requests filed already keep working.", channel.channel_id);
                        view! {
                            <li class="token-row">
                                <div class="token-row__head">
                                    <code class="token-row__name">{channel.channel_id}</code>
                                    <span>{channel.account_name}</span>
                                </div>
                                <AskFirst
                                    button="Disconnect"
                                    label="Confirm disconnecting the channel"
                                    question=question
                                    confirm="Disconnect"
                                    pending=disconnect.pending()
                                    on_confirm=move |()| { disconnect.dispatch(DisconnectSlackChannel { channel_id: id.clone() }); }
                                />
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <ActionForm action=connect attr:class="form form--compact" attr:novalidate=true>
            <TextField
                name="channel_id"
                id="slack-channel"
                label="Channel ID"
                placeholder="C0123ABCD"
                max_chars=20
                error=errors.field("channel_id")
            />
            <div class="field">
                <label for="slack-account">"Company"</label>
                <select id="slack-account" name="account">
                    {setup.accounts.into_iter().map(|account| view! {
                        <option value=account.id.to_string()>{account.name}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || errors.field("account").get()}</p>
            </div>
            <FormMessage message=errors.general()/>
            <div class="form__actions">
                <button type="submit" class="button" disabled=connect.pending()>
                    {move || if connect.pending().get() { "Connecting…" } else { "Connect channel" }}
                </button>
            </div>
        </ActionForm>
    }
}

/// How a receiver checks that a delivery came from Frontdoor (docs/webhooks.md says more).
#[component]
fn SignatureHelp() -> impl IntoView {
    view! {
        <details class="webhook-help">
            <summary>"How a receiver checks a delivery"</summary>
            <p>
                "Deliveries follow the Standard Webhooks convention, so its libraries (JavaScript, Python, Go, Ruby, PHP, …) check them as they are. "
                "Each POST carries " <code>"webhook-id"</code> ", " <code>"webhook-timestamp"</code> " (Unix seconds) and "
                <code>"webhook-signature"</code> ": " <code>"v1,"</code> " and the Base64 HMAC-SHA256 of "
                <code>"id.timestamp.body"</code> ", keyed with the Base64-decoded part of the secret after " <code>"whsec_"</code> "."
            </p>
            <p>"Refuse a delivery whose signature does not match or whose timestamp is more than five minutes off; use " <code>"webhook-id"</code> " to ignore one you already handled. Answer with any 2xx status within 10 seconds."</p>
        </details>
    }
}

#[component]
fn WebhookForm(add: ServerAction<AddWebhook>, cancel: RwSignal<bool>) -> impl IntoView {
    let errors = FormErrors::of(add, &["url", "description", "events"]);
    // Which of `WebhookEvent::ALL` are ticked: new requests and status changes to start with.
    let chosen = RwSignal::new(
        WebhookEvent::ALL
            .map(|e| matches!(e, WebhookEvent::TicketCreated | WebhookEvent::StatusChanged)),
    );
    let events_text = move || {
        let ticked = chosen.get();
        let names: Vec<&str> = WebhookEvent::ALL
            .iter()
            .zip(ticked)
            .filter_map(|(event, on)| on.then_some(event.as_str()))
            .collect();
        names.join(" ")
    };
    view! {
        <ActionForm action=add attr:class="form form--compact" attr:novalidate=true>
            <TextField
                name="url"
                id="webhook-url"
                label="Address (URL)"
                placeholder="https://hooks.example.com/frontdoor"
                max_chars=MAX_URL_CHARS
                input_type="url"
                error=errors.field("url")
            />
            <TextField
                name="description"
                id="webhook-description"
                label="What it is for (optional)"
                placeholder="e.g. New requests to our team chat"
                max_chars=MAX_DESCRIPTION_CHARS
                error=errors.field("description")
            />
            <fieldset class="webhook-events">
                <legend>"Events"</legend>
                <input type="hidden" name="events" prop:value=events_text/>
                {(0..WebhookEvent::ALL.len()).map(|index| view! { <EventChoice index chosen/> }).collect_view()}
                <p class="field-error" role="alert">{move || errors.field("events").get()}</p>
            </fieldset>
            <FormMessage message=errors.general()/>
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=add.pending()>
                    {move || if add.pending().get() { "Adding…" } else { "Add webhook" }}
                </button>
                <button type="button" class="button button--quiet" on:click=move |_| cancel.set(false)>"Cancel"</button>
            </div>
        </ActionForm>
    }
}

/// The `index`-th of `WebhookEvent::ALL`, ticked or not.
#[component]
fn EventChoice(index: usize, chosen: RwSignal<[bool; 6]>) -> impl IntoView {
    let event = WebhookEvent::ALL[index];
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        chosen.update(|ticked| ticked[index] = on);
    };
    view! {
        <label class="check">
            <input type="checkbox" prop:checked=move || chosen.get()[index] on:change=toggle/>
            <span>{event.label()}" "<code>{event.as_str()}</code></span>
        </label>
    }
}

#[component]
fn WebhookCard(webhook: WebhookInfo, remove: ServerAction<RemoveWebhook>) -> impl IntoView {
    let id = webhook.id;
    let test = ServerAction::<TestWebhook>::new();
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    let question = format!(
        "Remove the webhook to {}? Nothing more is sent to it; deliveries on their way stop.",
        webhook.url
    );
    let events: Vec<&'static str> = webhook.events.events().iter().map(|e| e.label()).collect();
    view! {
        <li class="webhook">
            <p class="webhook__url"><code>{webhook.url.clone()}</code></p>
            {(!webhook.description.is_empty()).then(|| view! { <p>{webhook.description.clone()}</p> })}
            <p class="muted">{events.join(" · ")}</p>
            <p class="muted">{format!("Added by {}", webhook.creator_name)}</p>
            <div class="webhook__actions">
                <button type="button" class="button button--small"
                    disabled=move || test.pending().get()
                    on:click=move |_| { test.dispatch(TestWebhook { webhook_id: id }); }>
                    {move || if test.pending().get() { "Sending…" } else { "Send test" }}
                </button>
                <AskFirst
                    button="Remove"
                    label="Confirm removing the webhook"
                    question=question
                    confirm="Remove"
                    pending=remove.pending()
                    on_confirm=move |()| { remove.dispatch(RemoveWebhook { id }); }
                />
            </div>
            <FormMessage message=newest_message(vec![
                FormErrors::of(test, &[]).general(),
                FormErrors::of(redeliver, &[]).general(),
            ])/>
            <DeliveryLogView webhook_id=id test redeliver/>
        </li>
    }
}

/// A webhook's latest deliveries, read again every few seconds and after a test or redelivery.
#[component]
fn DeliveryLogView(
    webhook_id: i64,
    test: ServerAction<TestWebhook>,
    redeliver: ServerAction<RedeliverWebhook>,
) -> impl IntoView {
    let beat = RwSignal::new(0_u32);
    #[cfg(feature = "hydrate")]
    {
        if let Ok(timer) = set_interval_with_handle(move || beat.update(|n| *n += 1), LOG_REFRESH) {
            on_cleanup(move || timer.clear());
        }
    }
    // Read in the browser only, once the page has hydrated (see `Hydrated`): a resource made
    // inside the list's own comes later on the server than in the browser, so it would be numbered
    // differently on each side and the page would not hydrate. The log sits closed under its
    // summary anyway; until it is read, both sides draw the placeholder.
    let hydrated = use_hydrated();
    let log = LocalResource::new(move || {
        beat.track();
        test.version().track();
        redeliver.version().track();
        webhook_deliveries(webhook_id)
    });
    let deliveries = move || match hydrated.read(log) {
        None => view! { <ListSkeleton rows=2/> }.into_any(),
        Some(Ok(log)) if log.deliveries.is_empty() => view! {
            <p class="muted">"Nothing sent yet. “Send test” sends a test message now."</p>
        }
        .into_any(),
        Some(Ok(log)) => {
            let now = log.now;
            view! {
                <ul class="delivery-list" aria-label="Deliveries">
                    {log.deliveries.into_iter().map(|delivery| view! {
                        <DeliveryRow delivery now redeliver/>
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
        Some(Err(error)) => view! { <ErrorPanel error/> }.into_any(),
    };
    view! {
        <details class="webhook__log">
            <summary>"Recent deliveries"</summary>
            <BrowserData>{deliveries}</BrowserData>
        </details>
    }
}

#[component]
fn DeliveryRow(
    delivery: DeliveryInfo,
    now: i64,
    redeliver: ServerAction<RedeliverWebhook>,
) -> impl IntoView {
    let id = delivery.id;
    let settled = delivery.settled();
    let (state, outcome) = match &delivery.state {
        DeliveryState::Waiting => ("waiting", "Sending…".to_owned()),
        DeliveryState::Delivered { status } => ("delivered", format!("Delivered ({status})")),
        DeliveryState::Retrying { error, next_at } => (
            "retrying",
            format!("{error} Trying again {}.", from_now(now, *next_at)),
        ),
        DeliveryState::GaveUp { error } => ("failed", format!("Not delivered: {error}")),
    };
    let subject = match delivery.ticket {
        Some(reference) => format!("{} · {reference}", delivery.event_type),
        None => delivery.event_type.clone(),
    };
    let tries = match delivery.attempts {
        0 | 1 => String::new(),
        n => format!(" · {n} tries"),
    };
    let when = delivery.last_attempt_at.unwrap_or(delivery.created_at);
    view! {
        <li class="delivery" data-state=state>
            <p class="delivery__head"><code>{subject}</code><span class="muted">{ago(now, when)}{tries}</span></p>
            <p class="delivery__outcome">{outcome}</p>
            {settled.then(|| view! {
                <button type="button" class="button button--quiet button--small"
                    disabled=move || redeliver.pending().get()
                    on:click=move |_| { redeliver.dispatch(RedeliverWebhook { delivery_id: id }); }>
                    "Send again"
                </button>
            })}
        </li>
    }
}
