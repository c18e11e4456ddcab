use leptos::prelude::*;

use crate::views::browser;

/// Says when the connection is gone and how old what is on screen is. A page the service worker
/// served from its saved copy is loaded again once the connection returns; a live page catches
/// up by itself (the event stream reconnects).
#[component]
pub fn ConnectionBanner() -> impl IntoView {
    let online = RwSignal::new(true);
    // The saved copy's time, when this page is one.
    let saved_at = RwSignal::new(None::<i64>);
    // Until when what is on screen is known to be current.
    let current_at = RwSignal::new(0_i64);
    Effect::new(move |_| {
        let saved = browser::saved_at();
        saved_at.set(saved);
        online.set(browser::is_online());
        current_at.set(saved.unwrap_or_else(browser::now_ms));
        // A saved copy served while the device is online (the server was down, or the worker
        // still could not reach it a moment after the connection came back): no "online" event
        // will come, so it checks on its own.
        if saved.is_some() && browser::is_online() {
            set_timeout(reload_once_answering, CHECK_EVERY);
        }
        browser::on_connectivity(move |now_online| {
            if now_online && saved_at.get_untracked().is_some() {
                reload_once_answering();
            }
            if !now_online && saved_at.get_untracked().is_none() {
                current_at.set(browser::now_ms());
            }
            online.set(now_online);
        });
    });
    let message = move || {
        let at = browser::clock_time(current_at.get());
        match (online.get(), saved_at.get().is_some()) {
            (false, true) => Some(format!(
                "You're offline. Saved copy from {at}; it updates when you're back."
            )),
            (false, false) => Some(format!(
                "You're offline. Shown as of {at}; it updates when you're back."
            )),
            (true, true) => Some(format!("Frontdoor can't be reached. Saved copy from {at}.")),
            (true, false) => None,
        }
    };
    view! {
        <div class="connection-banner" role="status" aria-live="polite" hidden=move || message().is_none()>
            <span>{message}</span>
            <Show when=move || online.get() && saved_at.get().is_some()>
                <button type="button" class="button button--small" on:click=|_| browser::reload()>"Try again"</button>
            </Show>
        </div>
    }
}

/// How often a saved copy asks whether the server answers again.
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// A saved copy makes way for the real page once the server answers again (checked every few
/// seconds while the device says it is online).
fn reload_once_answering() {
    leptos::task::spawn_local(async {
        if browser::server_answers().await {
            browser::reload();
        } else if browser::is_online() {
            set_timeout(reload_once_answering, CHECK_EVERY);
        }
    });
}
