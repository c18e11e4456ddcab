//! The page the "Was this resolved?" links in a completion email open. It works signed out,
//! shows only the request's reference, and records nothing until the person presses a button
//! (mail scanners open links too).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::components::feedback::PageLoading;
use super::components::form::{FormErrors, FormMessage, TextField};
use super::sign_in_page::SignInFrame;
use crate::api::feedback::{FeedbackByLink, FeedbackLinkState, linked_feedback};
use crate::domain::feedback::COMMENT_MAX_CHARS;
use crate::views::server_data::server_data;

#[component]
pub fn FeedbackLinkPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || {
        params
            .try_read()
            .and_then(|p| p.get("token"))
            .unwrap_or_default()
    };
    // The button pressed in the email, shown first; nothing is recorded from the address alone.
    let leaning = move || query.try_read().and_then(|q| q.get("answer")).as_deref() != Some("no");
    let state = server_data(token, linked_feedback);
    view! {
        <Title text="Was this resolved? · Frontdoor"/>
        <SignInFrame>
            <Suspense fallback=PageLoading>
                {move || state.get().map(|answer| match answer {
                    Ok(state) => view! { <Answer token=token() state leaning=leaning()/> }.into_any(),
                    Err(error) => view! {
                        <h1>"This link can't be used"</h1>
                        <p class="lead" role="alert">{error.to_string()}</p>
                        <a class="button button--primary button--block" href="/signin">"Sign in to the portal"</a>
                    }.into_any(),
                })}
            </Suspense>
        </SignInFrame>
    }
}

#[component]
fn Answer(token: String, state: FeedbackLinkState, leaning: bool) -> impl IntoView {
    let give = ServerAction::<FeedbackByLink>::new();
    let errors = FormErrors::of(give, &["comment"]);
    let value = give.value();
    let pending: Signal<bool> = give.pending().into();
    let reference = state.reference;
    let token = StoredValue::new(token);
    let given = move || {
        value.try_get().flatten().and_then(Result::ok).map(|()| {
            view! {
                <div class="confirmation__icon" aria-hidden="true">"✓"</div>
                <h1>"Thank you"</h1>
                <p class="lead" role="status">"Your answer about " <strong>{reference.to_string()}</strong> " is saved."</p>
            }
        })
    };
    view! {
        <Show when=move || given().is_none() fallback=given>
            <h1>"Was " {reference.to_string()} " resolved?"</h1>
            {match (state.answer, state.open) {
                (Some(resolved), true) => view! {
                    <p class="lead">{if resolved { "You said it was resolved." } else { "You said it was not resolved." }}
                        " You can still change your answer."</p>
                }.into_any(),
                (Some(_), false) => view! {
                    <p class="lead" role="status">"Thanks, we have your answer. It can no longer be changed here; reply to the email or file a new request if something is still wrong."</p>
                }.into_any(),
                (None, _) => view! { <p class="lead">"Tell us in one tap. “No” reopens the request and tells the person who worked on it."</p> }.into_any(),
            }}
            {state.open.then(|| view! {
                <ActionForm action=give attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="token" value=token.get_value()/>
                    <TextField name="comment" label="Anything to add? (optional)" placeholder="What worked, or what is still wrong"
                        max_chars=COMMENT_MAX_CHARS multiline=true error=errors.field("comment")/>
                    <div class="feedback__choices feedback__choices--stacked">
                        // The answer pressed in the email comes first, under the thumb.
                        {if leaning {
                            view! { <Choice resolved=true pending/><Choice resolved=false pending/> }.into_any()
                        } else {
                            view! { <Choice resolved=false pending/><Choice resolved=true pending/> }.into_any()
                        }}
                    </div>
                    <FormMessage message=errors.general() note=" What you wrote is still here."/>
                </ActionForm>
            })}
        </Show>
    }
}

#[component]
fn Choice(resolved: bool, pending: Signal<bool>) -> impl IntoView {
    let (class, label) = if resolved {
        ("button button--ok button--block", "Yes, resolved")
    } else {
        ("button button--danger button--block", "No, reopen it")
    };
    view! {
        <button type="submit" name="resolved" value=resolved.to_string() class=class disabled=pending>{label}</button>
    }
}
