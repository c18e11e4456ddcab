//! A secret shown once — a new API token, a webhook's signing secret — with a Copy button.

use leptos::prelude::*;

use crate::views::browser;

/// The secret just made, read-only and selectable, with Copy. `children` say what it is and
/// that it is not shown again.
#[component]
pub fn SecretOnce(
    secret: String,
    /// The field's id and its name for screen readers.
    id: &'static str,
    label: &'static str,
    children: Children,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let text = StoredValue::new(secret.clone());
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            let done = browser::copy_to_clipboard(&text.get_value()).await;
            copied.set(Some(done));
        });
    };
    view! {
        <div class="token-secret" role="status">
            <p>{children()}</p>
            <label class="visually-hidden" for=id>{label}</label>
            <input id=id class="token-secret__value" type="text" readonly value=secret/>
            <button type="button" class="button button--primary" on:click=copy>"Copy"</button>
            <span class="token-secret__copied" aria-live="polite">
                {move || match copied.get() {
                    Some(true) => "Copied.",
                    Some(false) => "Select it and copy it by hand.",
                    None => "",
                }}
            </span>
        </div>
    }
}
