use leptos::prelude::*;

use super::bell::Bell;
use super::live::{LinkState, use_live};
use leptos_router::hooks::use_location;

use crate::api::session::{Me, SignOut};
use crate::domain::policy::Role;
use crate::views::browser::{self, forget_saved_pages, load_page, unsubscribe_device};
use crate::views::components::outbox::use_outbox;

#[component]
pub fn AppHeader(me: Me) -> impl IntoView {
    let live = use_live();
    let link_label = move || match live.link.get() {
        LinkState::Connected => ("live live--on", "Live"),
        LinkState::Reconnecting => ("live live--off", "Reconnecting…"),
        LinkState::Offline => ("live live--off", "Offline"),
        LinkState::Idle => ("live", ""),
    };
    let home = me.home();
    let nav_label = if me.is_staff() {
        "Queue board"
    } else {
        "My requests"
    };
    // A phone's header has room for a first name; the rest shows where there is room for it.
    let (first_name, rest_of_name) = first_name_and_rest(&me.name);
    let rest = match &me.account_name {
        Some(account) => format!("{rest_of_name} · {account}"),
        None => format!("{rest_of_name} · {}", me.role.label()),
    };
    let first_name = first_name.to_owned();

    let mut links = vec![(home, nav_label)];
    if matches!(me.role, Role::AccountAdmin | Role::Admin) {
        links.push(("/team", "Team"));
    }
    if matches!(me.role, Role::Admin | Role::Lead) {
        links.push(("/desk", "Desk"));
    }
    if me.role == Role::Admin {
        links.push(("/admin/audit", "Audit log"));
        links.push(("/admin/mail", "Mail"));
        links.push(("/admin/integrations", "Integrations"));
    }
    if me.is_staff() {
        links.push(("/reports", "Reports"));
        links.push(("/desk/articles", "Articles"));
    } else {
        links.push(("/help", "Help"));
        links.push(("/talk", "Talk to a person"));
    }
    links.push(("/account", "Account"));
    let location = use_location();
    let tabs: Vec<&'static str> = links.iter().map(|(href, _)| *href).collect();
    // `try_get`: the server draws a page twice (see `Gate`); the first copy's location is gone
    // when its attributes are read.
    let current_tab = Memo::new(move |_| {
        location
            .pathname
            .try_get()
            .and_then(|path| tab_of(&path, &tabs, home).map(|tab| (tab, tab == path)))
    });
    Effect::new(move |_| {
        location.pathname.track();
        browser::reveal_current_tab();
    });

    view! {
        <header class="app-header">
            <a class="brand" href=home aria-label=format!("Frontdoor, {nav_label}")>
                <span class="brand__mark" aria-hidden="true">"FD"</span>
                <span class="brand__name">"Frontdoor"</span>
            </a>
            <span class=move || link_label().0 title="Updates arrive without reloading"
                data-events=move || live.received.get().0 data-last-event=move || live.received.get().1>
                {move || link_label().1}
            </span>
            <Bell/>
            <div class="app-header__who">
                <span class="app-header__name">{first_name}<span class="app-header__more">{rest}</span></span>
                <SignOutButton/>
            </div>
        </header>
        <nav class="app-nav" aria-label="Main">
            {links
                .into_iter()
                .map(|(href, label)| {
                    // The tab's own page, or a page within it (a request, an article).
                    let current = move || match current_tab.try_get().flatten() {
                        Some((tab, true)) if tab == href => Some("page"),
                        Some((tab, false)) if tab == href => Some("true"),
                        _ => None,
                    };
                    view! { <a href=href aria-current=current>{label}</a> }
                })
                .collect_view()}
        </nav>
    }
}

/// Which of the `tabs` (addresses) `path` is under: the tab of that address, else the longest
/// whose address starts the path at a `/` (`/desk/articles/3` is under Articles, not Desk); a
/// request's page is under the start page's.
fn tab_of(path: &str, tabs: &[&'static str], home: &'static str) -> Option<&'static str> {
    if path.starts_with("/requests/") {
        return Some(home);
    }
    tabs.iter()
        .copied()
        .filter(|tab| {
            path == *tab
                || (*tab != "/"
                    && path
                        .strip_prefix(tab)
                        .is_some_and(|rest| rest.starts_with('/')))
        })
        .max_by_key(|tab| tab.len())
}

/// A name's first word, and the rest from the space on; for someone known only by an address,
/// its part before the `@`.
fn first_name_and_rest(name: &str) -> (&str, &str) {
    name.split_at(name.find([' ', '@']).unwrap_or(name.len()))
}

/// The header of pages that work signed out (public help articles).
#[component]
pub fn PublicHeader() -> impl IntoView {
    view! {
        <header class="app-header">
            <a class="brand" href="/help" aria-label="Frontdoor, help centre">
                <span class="brand__mark" aria-hidden="true">"FD"</span>
                <span class="brand__name">"Frontdoor"</span>
            </a>
            <div class="app-header__who">
                <a class="button button--small" href="/signin">"Sign in"</a>
            </div>
        </header>
    }
}

/// The signed-in header, or the public one.
#[component]
pub fn AnyHeader(me: Option<Me>) -> impl IntoView {
    match me {
        Some(me) => view! { <AppHeader me/> }.into_any(),
        None => view! { <PublicHeader/> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::{first_name_and_rest, tab_of};

    #[test]
    fn a_phone_shows_the_first_name() {
        assert_eq!(
            first_name_and_rest("Dana Whitfield"),
            ("Dana", " Whitfield")
        );
        assert_eq!(first_name_and_rest("Mary Ann Lee"), ("Mary", " Ann Lee"));
        assert_eq!(
            first_name_and_rest("kim@acme.example"),
            ("kim", "@acme.example")
        );
        assert_eq!(first_name_and_rest("Cher"), ("Cher", ""));
    }

    #[test]
    fn pages_within_a_tab_belong_to_it() {
        let staff = ["/board", "/desk", "/reports", "/desk/articles", "/account"];
        assert_eq!(tab_of("/board", &staff, "/board"), Some("/board"));
        assert_eq!(tab_of("/requests/FD-12", &staff, "/board"), Some("/board"));
        assert_eq!(
            tab_of("/desk/articles/4", &staff, "/board"),
            Some("/desk/articles")
        );
        assert_eq!(tab_of("/desk", &staff, "/board"), Some("/desk"));
        assert_eq!(tab_of("/deskette", &staff, "/board"), None);
        let client = ["/", "/help", "/talk", "/account"];
        assert_eq!(tab_of("/requests/new", &client, "/"), Some("/"));
        assert_eq!(tab_of("/help/reset-password", &client, "/"), Some("/help"));
        assert_eq!(tab_of("/", &client, "/"), Some("/"));
        assert_eq!(tab_of("/signin", &client, "/"), None);
    }
}

/// Signs out, leaving nothing of theirs on this device. One that did not go through must not look
/// done (on a shared computer, the next person would be in their portal).
#[component]
fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let outbox = use_outbox();
    Effect::new(move |_| {
        if matches!(sign_out.value().get(), Some(Ok(()))) {
            // No saved pages, no waiting requests, and no notifications (its push service then
            // tells the server the device is gone).
            outbox.clear();
            leptos::task::spawn_local(async {
                forget_saved_pages().await;
                let _ = unsubscribe_device().await;
                load_page("/signin");
            });
        }
    });
    let failed = move || {
        sign_out
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| format!("You are still signed in: {error}"))
    };
    view! {
        <ActionForm action=sign_out>
            <button type="submit" class="button button--quiet button--small" disabled=move || sign_out.pending().get()>
                {move || match (sign_out.pending().get(), failed()) {
                    (true, _) => "Signing out…",
                    (false, Some(_)) => "Sign out failed: try again",
                    (false, None) => "Sign out",
                }}
            </button>
            // An alert is read out as it appears.
            {move || failed().map(|message| view! { <span class="visually-hidden" role="alert">{message}</span> })}
        </ActionForm>
    }
}
