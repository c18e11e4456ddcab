//! The second step of a staff sign-in: the code from an authenticator app.

use leptos::prelude::*;
use leptos_meta::Title;

use super::browser::load_page;
use super::components::form::{CodeField, FormErrors, FormMessage};
use crate::api::two_step::VerifyTwoStep;

#[component]
pub fn TwoStepPage() -> impl IntoView {
    let verify = ServerAction::<VerifyTwoStep>::new();
    let errors = FormErrors::of(verify, &["code"]);
    let pending = verify.pending();
    Effect::new(move |_| {
        if let Some(Ok(home)) = verify.value().get() {
            load_page(&home);
        }
    });
    view! {
        <Title text="Two-step sign-in · Frontdoor"/>
        <main class="page page--narrow sign-in">
            <div class="brand brand--large">
                <span class="brand__mark" aria-hidden="true">"FD"</span>
                <span class="brand__name">"Frontdoor"</span>
            </div>
            <h1>"Enter your code"</h1>
            <p class="lead">"Open your authenticator app and type the 6-digit code it shows for Frontdoor."</p>
            <ActionForm action=verify attr:class="form" attr:novalidate=true>
                <CodeField id="code" label="Code" error=errors.field("code")/>
                <FormMessage message=errors.general()/>
                <button type="submit" class="button button--primary button--block" disabled=pending>
                    {move || if pending.get() { "Checking…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p><a href="/signin">"Start again"</a></p>
        </main>
    }
}
