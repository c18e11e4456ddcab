//! The answer that takes a finished form's place.

use leptos::prelude::*;

use crate::views::browser;

/// What a sent form turned into: an icon, a heading, and what happens next (`children`). The form
/// it replaces was left scrolled to its submit button (on a phone, far down the page), so it
/// brings the page back to its top and puts the keyboard and the screen reader on its heading.
/// (The focus announces it; a live region as well would have it read twice.)
#[component]
pub fn Confirmation(
    icon: &'static str,
    #[prop(into)] heading: String,
    /// Kept on this device rather than sent (drawn in the calmer "waiting" colours).
    #[prop(optional)]
    queued: bool,
    children: Children,
) -> impl IntoView {
    Effect::new(|_| browser::show_confirmation());
    let class = if queued {
        "confirmation confirmation--queued"
    } else {
        "confirmation"
    };
    view! {
        <section class=class>
            <div class="confirmation__icon" aria-hidden="true">{icon}</div>
            <h1 tabindex="-1">{heading}</h1>
            {children()}
        </section>
    }
}
