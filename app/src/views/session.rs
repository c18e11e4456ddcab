//! Who is signed in, read once per page load and shared; and the gate pages put around their
//! content.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::components::feedback::{ErrorPanel, PageLoading};
use crate::api::session::{Me, current_session};
use crate::domain::policy::Role;
use crate::error::AppError;

pub type SessionResource = Resource<Result<Option<Me>, AppError>>;

#[derive(Clone, Copy)]
struct SessionContext(SessionResource);

pub fn provide_session() -> SessionResource {
    let session = Resource::new(|| (), |()| current_session());
    provide_context(SessionContext(session));
    session
}

pub fn use_session() -> SessionResource {
    expect_context::<SessionContext>().0
}

/// Who may see a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// People at client companies.
    Client,
    /// Agency staff.
    Staff,
    /// Anyone signed in.
    SignedIn,
    /// People who manage a team: account admins and agency admins.
    TeamAdmins,
    /// Agency admins.
    Admins,
    /// Who configures the desk: agency leads and admins.
    DeskConfigurers,
}

impl Audience {
    fn admits(self, me: &Me) -> bool {
        match self {
            Audience::Client => !me.is_staff(),
            Audience::Staff => me.is_staff(),
            Audience::SignedIn => true,
            Audience::TeamAdmins => matches!(me.role, Role::AccountAdmin | Role::Admin),
            Audience::Admins => me.role == Role::Admin,
            Audience::DeskConfigurers => matches!(me.role, Role::Lead | Role::Admin),
        }
    }
}

/// Renders `children` for a signed-in person the audience admits; sends others where they belong.
#[component]
pub fn Gate<F, IV>(audience: Audience, children: F) -> impl IntoView
where
    F: Fn(Me) -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let session = use_session();
    view! {
        <Suspense fallback=PageLoading>
            {move || {
                session
                    .get()
                    .map(|result| match result {
                        // Staff who must set up two-step sign-in can only do that.
                        Ok(Some(me)) if me.two_step_setup_needed && audience != Audience::SignedIn => {
                            view! { <Redirect path="/account"/> }.into_any()
                        }
                        Ok(Some(me)) if audience.admits(&me) => children(me).into_any(),
                        Ok(Some(me)) => view! { <Redirect path=me.home()/> }.into_any(),
                        Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// Renders `children` for everyone: a page that also works signed out (public help articles).
#[component]
pub fn Open<F, IV>(children: F) -> impl IntoView
where
    F: Fn(Option<Me>) -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let session = use_session();
    view! {
        <Suspense fallback=PageLoading>
            {move || {
                session.get().map(|result| match result {
                    Ok(me) => children(me).into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                })
            }}
        </Suspense>
    }
}
