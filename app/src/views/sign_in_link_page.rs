//! The page a link from an email opens: sign in, accept an invitation, or choose a new password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::components::feedback::{ErrorPanel, PageLoading};
use super::components::form::{FormErrors, FormMessage, TextField};
use super::sign_in_page::{EmailLinkForm, SignInFrame, go_home_after};
use crate::api::sign_in_links::{LinkInfo, RedeemSignInLink, sign_in_link};
use crate::domain::sign_in::{LinkPurpose, PASSWORD_MIN_CHARS};
use crate::views::server_data::server_data;

#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let info = server_data(token, sign_in_link);
    view! {
        <Title text="Sign in · Frontdoor"/>
        <SignInFrame>
            <Suspense fallback=PageLoading>
                {move || {
                    info.get()
                        .map(|result| match result {
                            Ok(LinkInfo::Usable { purpose, name }) => {
                                view! { <UseLink token=token() purpose name/> }.into_any()
                            }
                            Ok(LinkInfo::Unusable(problem)) => {
                                view! {
                                    <h1>"This link can't be used"</h1>
                                    <p class="lead" role="alert">{problem.to_string()}</p>
                                    <EmailLinkForm purpose=LinkPurpose::MagicLink button="Email me a new link"/>
                                    <p><a class="text-link" href="/signin">"Sign in with a password"</a></p>
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Suspense>
        </SignInFrame>
    }
}

/// One button uses the link (opening the page does not); a reset also asks for the new password.
#[component]
fn UseLink(token: String, purpose: LinkPurpose, name: String) -> impl IntoView {
    let redeem = ServerAction::<RedeemSignInLink>::new();
    let errors = FormErrors::of(redeem, &["password"]);
    let pending = redeem.pending();
    go_home_after(redeem);
    let (heading, lead, button) = match purpose {
        LinkPurpose::Invitation => (
            format!("Welcome, {name}"),
            "You've been invited to Frontdoor. Join to file requests and follow them here.",
            "Join and sign in",
        ),
        LinkPurpose::MagicLink => (
            format!("Sign in as {name}"),
            "Your link is ready. It works once.",
            "Sign in",
        ),
        LinkPurpose::PasswordReset => (
            format!("Choose a new password, {name}"),
            "Pick something long and unusual: a few unrelated words work well. You'll be signed out on your other devices.",
            "Save and sign in",
        ),
    };
    let asks_password = purpose == LinkPurpose::PasswordReset;
    view! {
        <h1>{heading}</h1>
        <p class="lead">{lead}</p>
        <ActionForm action=redeem attr:class="form" attr:novalidate=true>
            <input type="hidden" name="token" value=token/>
            <Show when=move || asks_password>
                <TextField
                    name="password"
                    label="New password"
                    input_type="password"
                    autocomplete="new-password"
                    placeholder=""
                    max_chars=1024
                    error=errors.field("password")
                />
                <p class="field-hint">{format!("At least {PASSWORD_MIN_CHARS} characters.")}</p>
            </Show>
            <FormMessage message=errors.general()/>
            <button type="submit" class="button button--primary button--block" disabled=pending>
                {move || if pending.get() { "One moment…" } else { button }}
            </button>
        </ActionForm>
    }
}
