//! Form controls that carry their own label and error message, wired for screen readers.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

use crate::domain::listing::Choice;
use crate::error::AppError;
use crate::views::browser::typed_before_start;

/// A labelled text input (or text area) whose error shows under it. The control is not
/// controlled by a signal: what people type stays until they change it, whatever the server says.
#[component]
pub fn TextField(
    /// The form field name, also the element id unless `id` is given.
    name: &'static str,
    /// The element id, when one page has two forms with the same field.
    #[prop(optional)]
    id: Option<&'static str>,
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
    /// Which on-screen keyboard phones show (`numeric` for codes).
    #[prop(default = "text")]
    input_mode: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    /// Keeps a text area's text in this signal (and shows it), so that it survives the field
    /// being drawn again.
    #[prop(optional)]
    value: Option<RwSignal<String>>,
    /// The text an input starts with (editing something saved).
    #[prop(optional, into)]
    initial: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let error_id = format!("{id}-error");
    let invalid = move || error.try_get().flatten().is_some().to_string();
    let control = if let (true, Some(value)) = (multiline, value) {
        // Taking over the server's page sets the box to the signal: text typed before the app
        // started (a slow phone) is taken into it first, so that it stays.
        if value.with_untracked(String::is_empty)
            && let Some(typed) = typed_before_start(id)
        {
            value.set(typed);
        }
        view! {
            <textarea
                id=id
                name=name
                rows="6"
                maxlength=max_chars
                placeholder=placeholder
                aria-invalid=invalid
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            ></textarea>
        }
        .into_any()
    } else if multiline {
        view! {
            <textarea
                id=id
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
                id=id
                name=name
                type=input_type
                maxlength=max_chars
                autocomplete=autocomplete
                inputmode=input_mode
                placeholder=placeholder
                value=initial
                aria-invalid=invalid
                aria-describedby=error_id.clone()
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {control}
            <p id=error_id class="field-error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// What a search box shows: `query` (the address's `q`). Taking over the server's page sets the
/// box to it; text typed into the box with id `id` before the app started is kept instead, once.
pub fn search_box_text(
    id: &str,
    query: Memo<Option<String>>,
) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let typed = StoredValue::new(typed_before_start(id));
    move || {
        // (The server draws the page twice and drops the first drawing: read with `try_get`.)
        let query = query.try_get().flatten().unwrap_or_default();
        typed
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or(query)
    }
}

/// A field for a 6-digit code from an authenticator app: numeric keyboard on phones, and the
/// browser may fill it from the app (`one-time-code`). The form field is named `code`.
#[component]
pub fn CodeField(
    id: &'static str,
    label: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <TextField
            name="code"
            id=id
            label=label
            input_mode="numeric"
            autocomplete="one-time-code"
            placeholder="123 456"
            max_chars=12
            error=error
        />
    }
}

/// The error of a form's server action, split by field: a message under each control, and the
/// rest (offline, throttled, …) above the submit button.
#[derive(Clone, Copy)]
pub struct FormErrors {
    error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
}

impl FormErrors {
    pub fn of<A>(action: ServerAction<A>, fields: &'static [&'static str]) -> Self
    where
        A: ServerFn<Error = AppError> + DeserializeOwned + Clone + Send + Sync + 'static,
        A::Output: Clone + Send + Sync + 'static,
    {
        let errors = FormErrors {
            // (The server may draw a form twice and drop the first drawing: `try_get`.)
            error: {
                let value = action.value();
                Signal::derive(move || value.try_get().flatten().and_then(Result::err))
            },
            fields,
        };
        errors.lead_to_first_mistake();
        errors
    }

    /// Once a send comes back with a field's error, that field gets the focus, which also brings
    /// it into view: the send button is at the bottom of a long form (on a phone, screens
    /// below the field in question), where nothing else would change. Only on a new answer:
    /// a form drawn again with an old error does not take the focus.
    fn lead_to_first_mistake(self) {
        Effect::watch(
            move || self.error.try_get().flatten(),
            move |error, _, _| {
                let wrong: Vec<&'static str> = error.as_ref().map_or_else(Vec::new, |e| {
                    self.fields
                        .iter()
                        .copied()
                        .filter(|f| e.field_message(f).is_some())
                        .collect()
                });
                if !wrong.is_empty() {
                    crate::views::browser::focus_first_invalid(&wrong);
                }
            },
            false,
        );
    }

    /// The message for one field's control.
    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.error
                .try_get()
                .flatten()
                .and_then(|e| e.field_message(name))
        })
    }

    /// An error about none of the form's fields.
    pub fn general(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.error
                .try_get()
                .flatten()
                .filter(|e| {
                    self.fields
                        .iter()
                        .all(|field| e.field_message(field).is_none())
                })
                .map(|e| e.to_string())
        })
    }
}

/// Why the server refused `action`, for an action with no form of its own (a button that acts at
/// once): all it can say belongs to no field.
#[component]
pub fn Refused<A>(action: ServerAction<A>) -> impl IntoView
where
    A: ServerFn<Error = AppError> + DeserializeOwned + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    view! { <FormMessage message=FormErrors::of(action, &[]).general()/> }
}

/// A form-wide message (from [`FormErrors::general`]), with an optional reassurance after it.
#[component]
pub fn FormMessage(
    message: Signal<Option<String>>,
    #[prop(optional)] note: &'static str,
) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class="form-error" role="alert">{move || message.get()} {note}</p>
        </Show>
    }
}

/// Part of a form whose choices could not be read: what is missing, why, what to do meanwhile,
/// and a way to read it again. The rest of the form, and what was typed, stay as they are.
#[component]
pub fn LoadFailed(
    /// What could not be read, e.g. "The categories".
    what: &'static str,
    error: crate::error::AppError,
    /// What can be done without it.
    meanwhile: &'static str,
    #[prop(into)] retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="form-error load-failed" role="alert">
            <p>{format!("{what} could not be loaded. {error}")} " " {meanwhile}</p>
            <button type="button" class="button button--small" on:click=move |_| retry.run(())>"Try again"</button>
        </div>
    }
}

/// One radio button as a large choice card: a title and a line explaining it. The whole card is
/// the tap target.
#[component]
pub fn RadioChoice(
    name: &'static str,
    #[prop(into)] value: String,
    #[prop(into)] title: String,
    #[prop(into)] detail: String,
    #[prop(optional)] checked: bool,
    /// The input's id, when something refers to it.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    view! {
        <label class="choice">
            <input type="radio" id=id name=name value=value checked=checked/>
            <span class="choice__text">
                <span class="choice__title">{title}</span>
                <span class="choice__detail">{detail}</span>
            </span>
        </label>
    }
}

/// A labelled select whose first, empty option reads `none` ("Any", "Leave as is", "Nobody
/// yet"); no empty option when `none` is empty. Options are (value, text) pairs.
#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    #[prop(into)] current: String,
    none: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {(!none.is_empty()).then(|| view! { <option value="">{none}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// Named choices as a select's (value, text) pairs.
pub fn choice_options(choices: &[Choice]) -> Vec<(String, String)> {
    choices
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect()
}

/// Runs `after` with the answer each time `action` succeeds.
pub fn on_success<A>(action: ServerAction<A>, after: impl Fn(&A::Output) + 'static)
where
    A: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(output)) = action.value().get() {
            after(&output);
        }
    });
}

/// Checkboxes for "any of these". A box moves only when `checked` changes for it (a save
/// elsewhere moved what it stands for): until then it keeps what the viewer ticked, before the
/// page was interactive too.
#[component]
pub fn CheckGroup(
    legend: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(into)] checked: Signal<Vec<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="check-group">
            <legend>{legend}</legend>
            {options.into_iter().map(|(value, label)| {
                let on = {
                    let value = value.clone();
                    Memo::new(move |_| checked.with(|c| c.contains(&value)))
                };
                let input = NodeRef::<leptos::html::Input>::new();
                Effect::new(move |before: Option<bool>| {
                    let now = on.get();
                    if before.is_some_and(|before| before != now)
                        && let Some(input) = input.get_untracked()
                    {
                        input.set_checked(now);
                    }
                    now
                });
                view! {
                    <label class="check check--chip">
                        <input type="checkbox" node_ref=input name=name value=value checked=on.get_untracked()/>
                        {label}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// One place for the messages of several actions: whichever answered last is shown, so an older
/// refusal never hides a newer one (and a newer success clears it).
pub fn newest_message(messages: Vec<Signal<Option<String>>>) -> Signal<Option<String>> {
    let shown = RwSignal::new(None);
    for message in messages {
        Effect::new(move |_| shown.set(message.get()));
    }
    shown.into()
}

/// A count of `action`'s successes: what a list keyed on it reads again after (never after a
/// refused try, so that a form drawn with the list keeps what was typed).
pub fn successes<A>(action: ServerAction<A>) -> Signal<u32>
where
    A: ServerFn<Error = AppError> + DeserializeOwned + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    let count = RwSignal::new(0_u32);
    on_success(action, move |_| count.update(|n| *n += 1));
    count.into()
}
