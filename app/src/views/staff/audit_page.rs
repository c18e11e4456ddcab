//! The audit log for agency admins: newest first, filtered by action and company, paged back.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::audit::{AuditPage, audit_log};
use crate::api::session::Me;
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::views::components::feedback::{EmptyState, ErrorPanel, ListSkeleton};
use crate::views::components::header::AppHeader;
use crate::views::components::time::ago;
use crate::views::server_data::server_data;
use crate::views::session::{Audience, Gate};

#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <Title text="Audit log · Frontdoor"/>
        <Gate audience=Audience::Admins let:me>
            <AuditScreen me/>
        </Gate>
    }
}

/// The filter as the address bar holds it, so a filtered view can be bookmarked and shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AuditQuery {
    action: Option<AuditAction>,
    account: Option<i64>,
    before: Option<i64>,
}

impl AuditQuery {
    fn href(self, before: Option<i64>) -> String {
        let mut parts = Vec::new();
        if let Some(action) = self.action {
            parts.push(format!("action={}", action.as_str()));
        }
        if let Some(account) = self.account {
            parts.push(format!("account={account}"));
        }
        if let Some(before) = before {
            parts.push(format!("before={before}"));
        }
        format!("/admin/audit?{}", parts.join("&"))
    }
}

#[component]
fn AuditScreen(me: Me) -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        AuditQuery {
            action: query.get("action").and_then(|a| a.parse().ok()),
            account: query.get("account").and_then(|a| a.parse().ok()),
            before: query.get("before").and_then(|b| b.parse().ok()),
        }
    });
    let page = server_data(
        move || filter.get(),
        |filter| audit_log(filter.action, filter.account, filter.before),
    );
    view! {
        <AppHeader me/>
        <main class="page">
            <h1>"Audit log"</h1>
            <p class="lead">"Every sign-in, change of access and change of a request, with who did it and from where. Entries cannot be edited or deleted."</p>
            <Transition fallback=|| view! { <ListSkeleton/> }>
                {move || {
                    page.get()
                        .map(|result| match result {
                            Ok(page) => view! { <AuditResults page filter=filter.get()/> }.into_any(),
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn AuditResults(page: AuditPage, filter: AuditQuery) -> impl IntoView {
    let now = page.now;
    let older = page.older.map(|before| filter.href(Some(before)));
    let newest = filter.before.map(|_| filter.href(None));
    view! {
        <form class="filters" method="get" action="/admin/audit">
            <div class="field">
                <label for="action">"What"</label>
                <select id="action" name="action">
                    <option value="" selected=filter.action.is_none()>"Everything"</option>
                    {AuditAction::ALL
                        .into_iter()
                        .map(|action| view! {
                            <option value=action.as_str() selected=filter.action == Some(action)>{action.label()}</option>
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="account">"Company"</label>
                <select id="account" name="account">
                    <option value="" selected=filter.account.is_none()>"All"</option>
                    {page
                        .accounts
                        .into_iter()
                        .map(|account| view! {
                            <option value=account.id selected=filter.account == Some(account.id)>{account.name}</option>
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Filter"</button>
        </form>
        {if page.entries.is_empty() {
            view! {
                <EmptyState title="Nothing recorded">
                    <p>"No entries match this filter."</p>
                </EmptyState>
            }
                .into_any()
        } else {
            view! {
                <ol class="audit-list" aria-label="Audit entries">
                    {page.entries.into_iter().map(|entry| view! { <AuditRow entry now/> }).collect_view()}
                </ol>
            }
                .into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {newest.map(|href| view! { <a class="button" href=href>"Newest"</a> })}
            {older.map(|href| view! { <a class="button" href=href>"Older entries"</a> })}
        </nav>
    }
}

#[component]
fn AuditRow(entry: AuditEntry, now: i64) -> impl IntoView {
    let who = entry
        .actor_name
        .clone()
        .unwrap_or_else(|| "Someone not signed in".to_owned());
    let context = [
        entry.subject.clone(),
        entry.account_name.clone(),
        (!entry.ip.is_empty()).then(|| format!("from {}", entry.ip)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let facts = (!entry.facts.is_empty()).then(|| {
        view! {
            <dl class="audit-entry__facts">
                {entry.facts.iter().map(|(name, value)| view! { <dt>{format!("{name}:")}</dt><dd>{value.clone()}</dd> }).collect_view()}
            </dl>
        }
    });
    view! {
        <li class="audit-entry" data-action=entry.action.clone()>
            <div class="audit-entry__head">
                <span class="audit-entry__action">{entry.action_label()}</span>
                <span class="audit-entry__when">{ago(now, entry.created_at)}</span>
            </div>
            <span class="audit-entry__who">{who}</span>
            <span class="audit-entry__context">{context}</span>
            {facts}
        </li>
    }
}
