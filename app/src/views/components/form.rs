//! Form controls that carry their own label and error message, wired for screen readers.

use leptos::prelude::*;

/// A labelled text input (or text area) whose error shows under it. The control is not
/// controlled by a signal: what people type stays until they change it, whatever the server says.
#[component]
pub fn TextField(
    /// The form field name, also the element id.
    name: &'static str,
    label: &'static str,
    placeholder: &'static str,
    max_chars: usize,
    /// A text area for longer text.
    #[prop(optional)]
    multiline: bool,
    /// The input's type (`text`, `email`, `password`, …).
    #[prop(default = "text")]
    input_type: &'static str,
    /// What the browser may fill in (`username`, `current-password`, …).
    #[prop(default = "off")]
    autocomplete: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let invalid = move || error.get().is_some().to_string();
    let control = if multiline {
        view! {
            <textarea
                id=name
                name=name
                rows="6"
                maxlength=max_chars
                placeholder=placeholder
                aria-invalid=invalid
                aria-describedby=error_id.clone()
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=name
                name=name
                type=input_type
                maxlength=max_chars
                autocomplete=autocomplete
                placeholder=placeholder
                aria-invalid=invalid
                aria-describedby=error_id.clone()
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=name>{label}</label>
            {control}
            <p id=error_id class="field-error" role="alert">{move || error.get()}</p>
        </div>
    }
}
