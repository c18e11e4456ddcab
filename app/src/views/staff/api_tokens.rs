//! "API tokens" on a staff member's Account page: make one (its secret shown once, to copy),
//! see when each was last used, revoke one.

use leptos::prelude::*;

use crate::api::api_tokens::{CreateApiToken, RevokeApiToken, list_api_tokens};
use crate::domain::api_token::{Access, ApiResource, ApiTokenInfo, MAX_NAME_CHARS, Scopes};
use crate::domain::people::AccountSummary;
use crate::views::components::confirm::AskFirst;
use crate::views::components::feedback::{ErrorPanel, ListSkeleton};
use crate::views::components::form::{FormErrors, FormMessage, LoadFailed, Refused, TextField};
use crate::views::components::secret::SecretOnce;
use crate::views::components::time::ago;
use crate::views::server_data::server_data;

/// How long a new token lasts, as the form offers it (days; empty: until revoked).
const LIFETIMES: [(&str, &str); 4] = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("366", "A year"),
    ("", "Until revoked"),
];

#[component]
pub fn ApiTokensSection() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    // The list is read again after a token is made or revoked, never after a refused try: the
    // form (drawn apart from the list) keeps what was typed.
    let made = RwSignal::new(0_u32);
    let tokens = server_data(
        move || (made.get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let adding = RwSignal::new(false);
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            adding.set(false);
            made.update(|n| *n += 1);
        }
    });
    // The companies a token may be limited to (and whether the viewer may make service tokens),
    // kept from the first reading of the list.
    let companies = RwSignal::new(None::<(Vec<AccountSummary>, bool)>);
    Effect::new(move |_| {
        if let Some(Ok(list)) = tokens.get()
            && companies.read_untracked().is_none()
        {
            companies.set(Some((list.accounts, list.everyone)));
        }
    });
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="panel" id="api-tokens" aria-labelledby="api-tokens-heading">
            <h2 id="api-tokens-heading">"API tokens"</h2>
            <p class="lead">
                "Let another system — a script, an automation, your own tools — work with Frontdoor as you, "
                "through the REST API. A token can do no more than you can."
            </p>
            // A page of the server, not of the app: the browser loads it (the router would not know it).
            <p><a class="text-link" href="/api/v1/docs" rel="external">"API reference"</a></p>
            {move || created().map(|token| view! {
                <SecretOnce secret=token.secret id="new-token-secret" label="New API token">
                    <strong>"Copy your new token now."</strong>" It is not shown again; if it is lost, make another."
                </SecretOnce>
            })}
            <Show
                when=move || adding.get()
                fallback=move || view! {
                    <button type="button" class="button" on:click=move |_| adding.set(true)>"New token"</button>
                }
            >
                {move || match companies.get() {
                    Some((accounts, may_make_service)) => view! {
                        <TokenForm create accounts may_make_service cancel=adding/>
                    }.into_any(),
                    // The form needs the list's companies: until they are read it says why not.
                    None => match tokens.get() {
                        Some(Err(error)) => view! {
                            <LoadFailed what="The companies a token can be limited to" error
                                meanwhile="A token cannot be made until they are."
                                retry=move |()| tokens.refetch()/>
                        }.into_any(),
                        _ => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
                    },
                }}
            </Show>
            <Refused action=revoke/>
            <Transition fallback=|| view! { <ListSkeleton rows=2/> }>
                {move || tokens.get().map(|result| match result {
                    Ok(list) if list.tokens.is_empty() => view! {
                        <p class="muted">"No tokens yet."</p>
                    }.into_any(),
                    Ok(list) => {
                        let (now, everyone) = (list.now, list.everyone);
                        view! {
                            <ul class="token-list" aria-label="Your API tokens">
                                {list.tokens.into_iter().map(|token| view! {
                                    <TokenRow token now everyone revoke/>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TokenForm(
    create: ServerAction<CreateApiToken>,
    accounts: Vec<AccountSummary>,
    /// Admins make service tokens too.
    may_make_service: bool,
    cancel: RwSignal<bool>,
) -> impl IntoView {
    let errors = FormErrors::of(create, &["name", "scopes", "account", "expires_in_days"]);
    let mut starting = Scopes::default();
    let _ = starting.grant(ApiResource::Tickets, Access::Read);
    let scopes = RwSignal::new(starting);
    view! {
        <ActionForm action=create attr:class="form form--compact" attr:novalidate=true>
            <TextField
                name="name"
                id="token-name"
                label="Name"
                placeholder="e.g. Zapier: new requests to our chat"
                max_chars=MAX_NAME_CHARS
                error=errors.field("name")
            />
            <fieldset class="token-scopes">
                <legend>"What it may do"</legend>
                <input type="hidden" name="scopes" prop:value=move || scopes.get().to_string()/>
                {ApiResource::ALL.into_iter().map(|resource| view! { <ScopeChoice resource scopes/> }).collect_view()}
                <p class="field-error" role="alert">{move || errors.field("scopes").get()}</p>
            </fieldset>
            <div class="field">
                <label for="token-account">"Companies"</label>
                <select id="token-account" name="account">
                    <option value="">"All companies"</option>
                    {accounts.into_iter().map(|account| view! {
                        <option value=account.id.to_string()>{format!("Only {}", account.name)}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || errors.field("account").get()}</p>
            </div>
            <div class="field">
                <label for="token-lifetime">"Expires"</label>
                <select id="token-lifetime" name="expires_in_days">
                    {LIFETIMES.into_iter().map(|(days, label)| view! {
                        <option value=days selected=days == "90">{label}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{move || errors.field("expires_in_days").get()}</p>
            </div>
            {may_make_service.then(|| view! {
                <label class="check">
                    <input type="checkbox" name="service" value="true"/>
                    <span>"Service token: acts as its own service account (“name (service)”, an agent), not as you, and keeps working if you leave"</span>
                </label>
            })}
            <FormMessage message=errors.general()/>
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=create.pending()>
                    {move || if create.pending().get() { "Making…" } else { "Make token" }}
                </button>
                <button type="button" class="button button--quiet" on:click=move |_| cancel.set(false)>"Cancel"</button>
            </div>
        </ActionForm>
    }
}

/// One resource's access level: none, read, or read and write.
#[component]
fn ScopeChoice(resource: ApiResource, scopes: RwSignal<Scopes>) -> impl IntoView {
    let id = format!("scope-{}", resource.as_str());
    let current = move || match scopes.get().get(resource) {
        None => "none",
        Some(access) => access.as_str(),
    };
    let choose = move |event| {
        let value = event_target_value(&event);
        scopes.update(|scopes| {
            let mut next = Scopes::default();
            for other in ApiResource::ALL.into_iter().filter(|r| *r != resource) {
                if let Some(access) = scopes.get(other) {
                    let _ = next.grant(other, access);
                }
            }
            let access = match value.as_str() {
                "read" => Some(Access::Read),
                "write" => Some(Access::Write),
                _ => None,
            };
            if let Some(access) = access {
                let _ = next.grant(resource, access);
            }
            *scopes = next;
        });
    };
    view! {
        <div class="field token-scope">
            <label for=id.clone()>{resource.label()}</label>
            <select id=id on:change=choose prop:value=current>
                <option value="none">"No access"</option>
                <option value="read">"Read"</option>
                {resource.writable().then(|| view! { <option value="write">"Read and change"</option> })}
            </select>
        </div>
    }
}

#[component]
fn TokenRow(
    token: ApiTokenInfo,
    now: i64,
    everyone: bool,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let id = token.id;
    let state = match (token.revoked_at, token.expires_at) {
        (Some(at), _) => format!("Revoked {}", ago(now, at)),
        (None, Some(at)) if at <= now => "Expired".to_owned(),
        (None, Some(at)) => format!("Expires in {} days", (at - now + 86_399_999) / 86_400_000),
        (None, None) => "Does not expire".to_owned(),
    };
    let active = token.revoked_at.is_none() && token.expires_at.is_none_or(|at| at > now);
    let used = token.last_used_at.map_or_else(
        || "Never used".to_owned(),
        |at| format!("Last used {}", ago(now, at)),
    );
    let limit = token
        .account_name
        .map_or_else(|| "All companies".to_owned(), |name| format!("Only {name}"));
    let question = format!(
        "Revoke “{}”? Whatever uses it stops working at once.",
        token.name
    );
    view! {
        <li class="token-row" data-state=if active { "active" } else { "inactive" }>
            <div class="token-row__head">
                <span class="token-row__name">{token.name}</span>
                <code class="token-row__shown">{token.shown}</code>
            </div>
            <p class="token-row__meta">
                {everyone.then(|| format!("{} · ", token.owner_name))}
                {token.scopes.summary()}" · "{limit}
            </p>
            <p class="token-row__meta">{used}" · "{state}</p>
            {active.then(|| view! {
                <AskFirst
                    button="Revoke"
                    label="Confirm revoking the token"
                    question=question.clone()
                    confirm="Revoke"
                    pending=revoke.pending()
                    on_confirm=move |()| {
                        revoke.dispatch(RevokeApiToken { id });
                    }
                />
            })}
        </li>
    }
}
