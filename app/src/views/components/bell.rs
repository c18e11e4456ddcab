//! The bell in the header: the person's notification centre, with an unread count that follows
//! the live stream.

use leptos::prelude::*;

use super::live::use_live;
use super::time::ago;
use crate::api::notifications::{mark_notifications_read, notifications};
use crate::domain::notification::Inbox;
use crate::views::browser::{BrowserData, event_inside, use_hydrated};

#[component]
pub fn Bell() -> impl IntoView {
    let live = use_live();
    // Read in the browser only, once hydrated (see `Hydrated`): the server draws the page without
    // waiting for it.
    let inbox = LocalResource::new(move || {
        live.revision.track();
        notifications()
    });
    let hydrated = use_hydrated();
    let current = move || hydrated.read(inbox).and_then(Result::ok);
    let unread = move || current().map_or(0, |inbox| inbox.unread);
    let open = RwSignal::new(false);
    let toggle = move || {
        let opening = !open.get_untracked();
        open.set(opening);
        let newest = current().and_then(|inbox| inbox.items.first().map(|n| n.event_id));
        if let Some(through) = newest.filter(|_| opening && unread() > 0) {
            leptos::task::spawn_local(async move {
                if mark_notifications_read(through).await.is_ok() {
                    inbox.refetch();
                }
            });
        }
    };
    let outside = window_event_listener(leptos::ev::click, move |event| {
        if open.get_untracked() && !event_inside(&event, ".bell") {
            open.set(false);
        }
    });
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if open.get_untracked() && event.key() == "Escape" {
            open.set(false);
        }
    });
    on_cleanup(move || {
        outside.remove();
        escape.remove();
    });
    let label = move || match unread() {
        0 => "Notifications".to_owned(),
        1 => "Notifications, 1 unread".to_owned(),
        n => format!("Notifications, {n} unread"),
    };

    view! {
        <BrowserData>
        <details class="bell" prop:open=move || open.get()>
            <summary class="bell__button" aria-label=label
                on:click=move |event| { event.prevent_default(); toggle(); }>
                <svg class="bell__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                    <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"/>
                </svg>
                {move || (unread() > 0).then(|| view! {
                    <span class="bell__count" aria-hidden="true">{unread().min(99)}</span>
                })}
            </summary>
            <div class="bell__panel" role="region" aria-label="Notifications">
                <h2 class="bell__title">"Notifications"</h2>
                {move || current().map(|inbox| view! { <InboxList inbox open/> })}
            </div>
        </details>
        </BrowserData>
    }
}

#[component]
fn InboxList(inbox: Inbox, open: RwSignal<bool>) -> impl IntoView {
    if inbox.items.is_empty() {
        return view! {
            <p class="bell__empty">"Nothing yet. Changes to your requests will show here."</p>
        }
        .into_any();
    }
    let now = inbox.now;
    view! {
        <ul class="bell__list">
            {inbox.items.into_iter().map(|item| {
                let class = if item.unread { "bell__item bell__item--unread" } else { "bell__item" };
                view! {
                    <li class=class>
                        <a href=format!("/requests/{}", item.reference) on:click=move |_| open.set(false)>
                            <span class="bell__what">{item.text}</span>
                            <span class="bell__on">
                                <span class="reference">{item.reference.to_string()}</span>
                                " " {item.title}
                            </span>
                            <span class="bell__when">{ago(now, item.at)}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
