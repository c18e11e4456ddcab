use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::browser::{carry_text, forget_saved_pages, load_page, text_in};
use leptos_router::components::Redirect;

use super::components::feedback::{ErrorPanel, ListSkeleton, PageLoading};
use super::components::form::{FormErrors, FormMessage, TextField};
use super::session::use_session;
use crate::api::session::{DemoSignIn, SignIn, demo_people};
use crate::api::sign_in_links::RequestLink;
use crate::domain::people::Person;
use crate::domain::sign_in::LinkPurpose;
use crate::domain::sso::SsoFailure;
use crate::error::AppError;
use crate::views::server_data::server_data;

/// Sign-in with email and password; in demo mode, also "pick a person".
/// Someone already signed in goes straight to their start page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text="Sign in · Frontdoor"/>
        <Suspense fallback=PageLoading>
            {move || {
                session
                    .get()
                    .map(|result| match result {
                        Ok(Some(me)) => view! { <Redirect path=me.home()/> }.into_any(),
                        _ => view! { <SignInChoices/> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn SignInChoices() -> impl IntoView {
    let people = server_data(|| (), |()| demo_people());
    // Signed out (here, or the session ended elsewhere): pages kept for whoever was signed in go.
    Effect::new(|_| leptos::task::spawn_local(forget_saved_pages()));
    view! {
        <SignInFrame>
            <h1>"Sign in"</h1>
            <PasswordSignIn/>
            <SingleSignOn/>
            // An address typed above follows into the form opened (the same for single sign-on).
            <details class="disclosure" on:toggle=|_| carry_text("email", "link-email")>
                <summary>"Email me a sign-in link instead"</summary>
                <EmailLinkForm purpose=LinkPurpose::MagicLink button="Email me a link"/>
            </details>
            <details class="disclosure" on:toggle=|_| carry_text("email", "reset-email")>
                <summary>"Forgot your password?"</summary>
                <EmailLinkForm purpose=LinkPurpose::PasswordReset button="Email me a reset link"/>
            </details>
            <Suspense fallback=|| view! { <ListSkeleton rows=3/> }>
                {move || {
                    people
                        .get()
                        .map(|result| match result {
                            Ok(people) if people.is_empty() => ().into_any(),
                            Ok(people) => view! { <DemoPeople people/> }.into_any(),
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Suspense>
        </SignInFrame>
    }
}

/// Asks for a sign-in or password-reset link by email. The answer is the same whether or not the
/// address is registered; the typed address stays in the field.
#[component]
pub fn EmailLinkForm(purpose: LinkPurpose, button: &'static str) -> impl IntoView {
    let request = ServerAction::<RequestLink>::new();
    let errors = FormErrors::of(request, &["email"]);
    let pending = request.pending();
    let sent = move || request.value().get().and_then(Result::ok);
    let field = match purpose {
        LinkPurpose::PasswordReset => "reset-email",
        _ => "link-email",
    };
    view! {
        <ActionForm action=request attr:class="form form--compact" attr:novalidate=true>
            <input type="hidden" name="purpose" value=purpose.as_str()/>
            <TextField
                name="email"
                id=field
                label="Email"
                input_type="email"
                autocomplete="username"
                placeholder="you@company.com"
                max_chars=320
                error=errors.field("email")
            />
            <FormMessage message=errors.general()/>
            <Show when=move || sent().is_some()>
                <p class="form-note" role="status">{sent}</p>
            </Show>
            <button type="submit" class="button button--block" disabled=pending>
                {move || if pending.get() { "Sending…" } else { button }}
            </button>
        </ActionForm>
    }
}

/// The frame of the signed-out pages: the brand, then the page's content.
#[component]
pub fn SignInFrame(children: Children) -> impl IntoView {
    view! {
        <main class="page page--narrow sign-in">
            <div class="brand brand--large">
                <span class="brand__mark" aria-hidden="true">"FD"</span>
                <span class="brand__name">"Frontdoor"</span>
            </div>
            {children()}
        </main>
    }
}

/// After a successful sign-in (or its next step), a full page load of the path it answered.
pub fn go_home_after<A>(action: ServerAction<A>)
where
    A: ServerFn<Output = String, Error = AppError>
        + serde::de::DeserializeOwned
        + Clone
        + Send
        + Sync
        + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(home)) = action.value().get() {
            load_page(&home);
        }
    });
}

#[component]
fn PasswordSignIn() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    go_home_after(sign_in);
    let errors = FormErrors::of(sign_in, &["email", "password"]);
    let pending = sign_in.pending();
    view! {
        <ActionForm action=sign_in attr:class="form" attr:novalidate=true>
            <TextField
                name="email"
                label="Email"
                input_type="email"
                autocomplete="username"
                placeholder="you@company.com"
                max_chars=320
                error=errors.field("email")
            />
            <TextField
                name="password"
                label="Password"
                input_type="password"
                autocomplete="current-password"
                placeholder=""
                max_chars=1024
                error=errors.field("password")
            />
            <FormMessage message=errors.general()/>
            <button type="submit" class="button button--primary button--block" disabled=pending>
                {move || if pending.get() { "Signing in…" } else { "Sign in" }}
            </button>
        </ActionForm>
    }
}

/// "Use single sign-on": the work address picks the provider (the server's `/auth/sso`, which
/// sends the browser on to it). Why a try failed comes back as `?sso=` (a code, see `SsoFailure`).
#[component]
fn SingleSignOn() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let failure = move || {
        query
            .read()
            .get("sso")
            .map(|code| SsoFailure::from_code(&code).to_string())
    };
    // A page load, not the form's own submission: the policy that keeps forms on this site
    // (`form-action 'self'`) would stop the redirect to the provider.
    let go = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        load_page(&sso_start_href(&text_in("sso-email").unwrap_or_default()));
    };
    view! {
        <details class="disclosure" open=move || failure().is_some()
            on:toggle=|_| carry_text("email", "sso-email")>
            <summary>"Use single sign-on"</summary>
            <form class="form form--compact" method="get" action="/auth/sso" on:submit=go>
                <p class="muted">"With your company's or the agency's sign-in service."</p>
                <div class="field">
                    <label for="sso-email">"Work email"</label>
                    <input id="sso-email" name="email" type="email" autocomplete="email" inputmode="email" required/>
                </div>
                <FormMessage message=Signal::derive(failure)/>
                <button type="submit" class="button button--block">"Continue"</button>
            </form>
        </details>
    }
}

/// Where single sign-on starts for `email`.
fn sso_start_href(email: &str) -> String {
    let encoded: String = email
        .trim()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/auth/sso?email={encoded}")
}

#[component]
fn DemoPeople(people: Vec<Person>) -> impl IntoView {
    let sign_in = ServerAction::<DemoSignIn>::new();
    go_home_after(sign_in);
    let errors = FormErrors::of(sign_in, &[]);
    let (staff, clients): (Vec<Person>, Vec<Person>) = people
        .into_iter()
        .partition(|person| person.role.is_staff());
    view! {
        <h2 class="sign-in__demo">"Or try the demo as…"</h2>
        <p class="lead">"Choose someone to see Frontdoor through their eyes."</p>
        <FormMessage message=errors.general()/>
        <h2>"Client companies"</h2>
        <PersonList people=clients sign_in/>
        <h2>"Agency staff"</h2>
        <PersonList people=staff sign_in/>
    }
}

#[component]
fn PersonList(people: Vec<Person>, sign_in: ServerAction<DemoSignIn>) -> impl IntoView {
    let pending = sign_in.pending();
    view! {
        <ul class="person-list">
            {people
                .into_iter()
                .map(|person| {
                    let detail = match &person.account_name {
                        Some(account) => format!("{} · {account}", person.role.label()),
                        None => person.role.label().to_owned(),
                    };
                    view! {
                        <li>
                            <ActionForm action=sign_in>
                                <input type="hidden" name="user_id" value=person.user_id/>
                                <button type="submit" class="person" disabled=pending>
                                    <span class="person__name">{person.name}</span>
                                    <span class="person__detail">{detail}</span>
                                </button>
                            </ActionForm>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::sso_start_href;

    #[test]
    fn the_address_is_carried_whole_in_the_query() {
        assert_eq!(
            sso_start_href(" kim+ops@acme.example "),
            "/auth/sso?email=kim%2Bops%40acme.example"
        );
    }
}
