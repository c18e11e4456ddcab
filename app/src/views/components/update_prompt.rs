use leptos::prelude::*;

use crate::views::browser;

/// "A new version is available": shown when a newer build's service worker waits to take over.
/// Reload lets it in; until then the page keeps working on the version it started with.
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let waiting = RwSignal::new(false);
    Effect::new(move |_| browser::on_update_ready(move || waiting.set(true)));
    view! {
        <Show when=move || waiting.get()>
            <div class="update-prompt" role="status">
                <span>"A new version is available."</span>
                <button type="button" class="button button--primary" on:click=|_| browser::apply_update()>
                    "Reload"
                </button>
            </div>
        </Show>
    }
}
