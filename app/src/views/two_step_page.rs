//! The second step of a staff sign-in: the code from an authenticator app.

use leptos::prelude::*;
use leptos_meta::Title;

use super::components::form::{CodeField, FormErrors, FormMessage};
use super::sign_in_page::{SignInFrame, go_home_after};
use crate::api::two_step::VerifyTwoStep;

#[component]
pub fn TwoStepPage() -> impl IntoView {
    let verify = ServerAction::<VerifyTwoStep>::new();
    let errors = FormErrors::of(verify, &["code"]);
    let pending = verify.pending();
    go_home_after(verify);
    view! {
        <Title text="Two-step sign-in · Frontdoor"/>
        <SignInFrame>
            <h1>"Enter your code"</h1>
            <p class="lead">"Open your authenticator app and type the 6-digit code it shows for Frontdoor."</p>
            <ActionForm action=verify attr:class="form" attr:novalidate=true>
                <CodeField id="code" label="Code" error=errors.field("code")/>
                <FormMessage message=errors.general()/>
                <button type="submit" class="button button--primary button--block" disabled=pending>
                    {move || if pending.get() { "Checking…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p><a class="text-link" href="/signin">"Start again"</a></p>
        </SignInFrame>
    }
}
