//! Asking before doing something that is hard to take back.

use leptos::prelude::*;

/// The question that opens under a button whose action needs a second thought: a confirm and a
/// cancel button. Shown while `open`; either answer closes it.
#[component]
pub fn ConfirmPanel(
    open: RwSignal<bool>,
    /// The dialog's name for screen readers.
    label: &'static str,
    #[prop(into)] question: String,
    /// The confirming button's text.
    confirm: &'static str,
    #[prop(default = "button button--danger")] confirm_class: &'static str,
    #[prop(default = "Cancel")] cancel: &'static str,
    /// A calm (blue) panel, for a question that is not a warning.
    #[prop(optional)]
    calm: bool,
    /// The action is under way: the confirm button waits.
    #[prop(into, optional)]
    pending: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
) -> impl IntoView {
    let panel_class = if calm {
        "confirm confirm--calm"
    } else {
        "confirm"
    };
    view! {
        <Show when=move || open.get()>
            <div class=panel_class role="alertdialog" aria-label=label>
                <p>{question.clone()}</p>
                <button
                    type="button"
                    class=confirm_class
                    disabled=move || pending.get()
                    on:click=move |_| {
                        open.set(false);
                        on_confirm.run(());
                    }
                >
                    {confirm}
                </button>
                <button type="button" class="button button--quiet" on:click=move |_| open.set(false)>
                    {cancel}
                </button>
            </div>
        </Show>
    }
}

/// A button that asks first: pressing it opens a [`ConfirmPanel`] in its place.
#[component]
pub fn AskFirst(
    /// The button's text.
    button: &'static str,
    /// Red by default: most questions guard deleting or removing something.
    #[prop(default = "button button--small button--danger-quiet")]
    button_class: &'static str,
    /// The question panel's name for screen readers.
    label: &'static str,
    #[prop(into)] question: String,
    confirm: &'static str,
    #[prop(default = "button button--danger")] confirm_class: &'static str,
    #[prop(default = "Cancel")] cancel: &'static str,
    #[prop(optional)] calm: bool,
    #[prop(into, optional)] pending: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <Show when=move || !open.get()>
            <button type="button" class=button_class on:click=move |_| open.set(true)>
                {button}
            </button>
        </Show>
        <ConfirmPanel
            open
            label
            question
            confirm
            confirm_class
            cancel
            calm
            pending
            on_confirm
        />
    }
}
