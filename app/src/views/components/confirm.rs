//! Asking before doing something that is hard to take back.

use leptos::html::Button;
use leptos::prelude::*;

/// The question that opens under a button whose action needs a second thought: a confirm and a
/// cancel button. Shown while `open`; either answer closes it.
#[component]
pub fn ConfirmPanel(
    open: RwSignal<bool>,
    /// The dialog's name for screen readers.
    label: &'static str,
    /// Follows its signal, so a question about changing things (which requests, merged into
    /// which) stays right while open.
    #[prop(into)]
    question: Signal<String>,
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
    // The question takes the keyboard's focus as it opens (the button that opened it is gone),
    // on the answer that does no harm: a warning's cancel, a calm question's confirm.
    let (confirm_ref, cancel_ref) = (NodeRef::<Button>::new(), NodeRef::<Button>::new());
    Effect::new(move |_| {
        let first = if calm {
            confirm_ref.get()
        } else {
            cancel_ref.get()
        };
        if let Some(button) = first {
            let _ = button.focus();
        }
    });
    view! {
        <Show when=move || open.get()>
            <div class=panel_class role="alertdialog" aria-label=label
                on:keydown=move |event| if event.key() == "Escape" { open.set(false) }>
                <p>{question}</p>
                <button
                    type="button"
                    class=confirm_class
                    node_ref=confirm_ref
                    disabled=move || pending.get()
                    on:click=move |_| {
                        open.set(false);
                        on_confirm.run(());
                    }
                >
                    {confirm}
                </button>
                <button type="button" class="button button--quiet" node_ref=cancel_ref on:click=move |_| open.set(false)>
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
    #[prop(into)] question: Signal<String>,
    confirm: &'static str,
    #[prop(default = "button button--danger")] confirm_class: &'static str,
    #[prop(default = "Cancel")] cancel: &'static str,
    #[prop(optional)] calm: bool,
    #[prop(into, optional)] pending: Signal<bool>,
    #[prop(into)] on_confirm: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    // Answered, the question gives the focus back to the button that asked it.
    let asked = StoredValue::new(false);
    let trigger = NodeRef::<Button>::new();
    Effect::new(move |_| {
        if let Some(button) = trigger.get()
            && asked.get_value()
        {
            let _ = button.focus();
        }
    });
    view! {
        <Show when=move || !open.get()>
            <button type="button" class=button_class node_ref=trigger on:click=move |_| {
                asked.set_value(true);
                open.set(true);
            }>
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
