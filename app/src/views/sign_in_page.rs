use leptos::prelude::*;
use leptos_meta::Title;

use super::browser::load_page;
use leptos_router::components::Redirect;

use super::components::feedback::{ErrorPanel, ListSkeleton, PageLoading};
use super::session::use_session;
use crate::api::session::{DemoSignIn, demo_people};
use crate::domain::people::Person;

/// Sign-in. For now the demo sign-in: pick a seeded person. Real credentials come next.
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
    let people = Resource::new(|| (), |()| demo_people());
    let sign_in = ServerAction::<DemoSignIn>::new();
    Effect::new(move |_| {
        if let Some(Ok(home)) = sign_in.value().get() {
            load_page(&home);
        }
    });
    let error = move || sign_in.value().get().and_then(Result::err);

    view! {
        <main class="page page--narrow sign-in">
            <div class="brand brand--large">
                <span class="brand__mark" aria-hidden="true">"FD"</span>
                <span class="brand__name">"Frontdoor"</span>
            </div>
            <h1>"Sign in"</h1>
            <Show when=move || error().is_some()>
                <p class="form-error" role="alert">{move || error().map(|e| e.to_string())}</p>
            </Show>
            <Suspense fallback=|| view! { <ListSkeleton rows=3/> }>
                {move || {
                    people
                        .get()
                        .map(|result| match result {
                            Ok(people) if people.is_empty() => {
                                view! {
                                    <p class="lead">"Sign-in is not set up on this server yet. Ask your administrator."</p>
                                }
                                    .into_any()
                            }
                            Ok(people) => view! { <DemoPeople people sign_in/> }.into_any(),
                            Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn DemoPeople(people: Vec<Person>, sign_in: ServerAction<DemoSignIn>) -> impl IntoView {
    let (staff, clients): (Vec<Person>, Vec<Person>) = people
        .into_iter()
        .partition(|person| person.role.is_staff());
    view! {
        <p class="lead">"This is a demo. Choose someone to see Frontdoor through their eyes."</p>
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
