//! Who is signed in, read once per page load and shared; and the gate pages put around their
//! content.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::components::feedback::{ErrorPanel, PageLoading};
use crate::api::session::{Me, current_session};
use crate::domain::policy::Role;
use crate::views::server_data::{ServerData, server_data};

pub type SessionResource = ServerData<Option<Me>>;

#[derive(Clone, Copy)]
struct SessionContext(SessionResource);

pub fn provide_session() -> SessionResource {
    let session = server_data(|| (), |()| current_session());
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
///
/// The page is one `Suspend` that waits for the session, not a closure: `<Suspense>` on the
/// server calls its closures up to three times (to find what they wait for, to check again, to
/// draw), each call drawing the page afresh, while the browser draws it once. The extra drawings'
/// resources took the numbers the browser gives its own, and one of them, dropped unfinished,
/// could hand the browser an error where the server had drawn the page. A `Suspend` is polled,
/// not called again, so the page is drawn once on both sides. Pages are drawn afresh on each
/// visit, so the gate need not follow later changes of the session.
#[component]
pub fn Gate<F, IV>(audience: Audience, children: F) -> impl IntoView
where
    F: FnOnce(Me) -> IV + Send + 'static,
    IV: IntoView + 'static,
{
    let session = use_session();
    let page = Suspend::new(async move {
        match session.await {
            // Staff who must set up two-step sign-in can only do that.
            Ok(Some(me)) if me.two_step_setup_needed && audience != Audience::SignedIn => {
                view! { <Redirect path="/account"/> }.into_any()
            }
            Ok(Some(me)) if audience.admits(&me) => children(me).into_any(),
            Ok(Some(me)) => view! { <Redirect path=me.home()/> }.into_any(),
            Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
            Err(error) => view! { <ErrorPanel error/> }.into_any(),
        }
    });
    view! { <Suspense fallback=PageLoading>{page}</Suspense> }
}

/// Renders `children` for everyone: a page that also works signed out (public help articles).
/// Drawn once the session is known, like [`Gate`].
#[component]
pub fn Open<F, IV>(children: F) -> impl IntoView
where
    F: FnOnce(Option<Me>) -> IV + Send + 'static,
    IV: IntoView + 'static,
{
    let session = use_session();
    let page = Suspend::new(async move {
        match session.await {
            Ok(me) => children(me).into_any(),
            Err(error) => view! { <ErrorPanel error/> }.into_any(),
        }
    });
    view! { <Suspense fallback=PageLoading>{page}</Suspense> }
}
