//! The few things only a browser can do. On the server they do nothing.

#[cfg(feature = "hydrate")]
use crate::domain::attachment::FILES_PATH;
use crate::domain::attachment::UploadedFile;
use crate::error::AppError;

/// A full page load of `path`: after signing in or out, every piece of state starts over.
pub fn load_page(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Whether the page has hydrated: false while the server draws it and while the browser takes
/// it over (lazily loaded pages included), true after. Data only the browser reads
/// (`LocalResource`s) is read behind it, so the server never waits on it (a local resource read
/// inside a `<Suspense>` would make the server send that boundary's placeholder instead of the
/// page), and so is anything else that changes what is drawn (the live link): hydration must meet
/// exactly what the server drew.
#[derive(Clone, Copy)]
pub struct Hydrated(leptos::prelude::RwSignal<bool>);

impl Hydrated {
    pub fn get(self) -> bool {
        leptos::prelude::Get::get(&self.0)
    }

    /// A browser-only resource's value, and nothing until the page has hydrated (on the server
    /// included): the one way to read a `LocalResource` in a view, for the reasons above. Read
    /// it inside [`BrowserData`].
    pub fn read<T: Clone + 'static>(
        self,
        resource: leptos::prelude::LocalResource<T>,
    ) -> Option<T> {
        self.get()
            .then(|| leptos::prelude::Get::get(&resource))
            .flatten()
    }
}

/// Where browser-only data ([`Hydrated::read`]) is drawn: a boundary of its own. A resource read
/// registers with the nearest `<Suspense>`, and a page's `<Suspense>` (`Gate`) would show its
/// loading state again, in place of the whole page and what was typed on it, every time the
/// data is read anew (the bell after each live change). This boundary keeps what it showed
/// while it reads again.
#[leptos::component]
pub fn BrowserData(children: leptos::prelude::ChildrenFn) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    view! { <Transition fallback=|| ()>{children()}</Transition> }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The app's [`Hydrated`], for [`hydrate_page`] to set once hydration is over.
    static HYDRATED: std::cell::Cell<Option<Hydrated>> = const { std::cell::Cell::new(None) };
}

pub fn provide_hydrated() -> Hydrated {
    let hydrated = Hydrated(leptos::prelude::RwSignal::new(false));
    leptos::prelude::provide_context(hydrated);
    #[cfg(feature = "hydrate")]
    HYDRATED.with(|cell| cell.set(Some(hydrated)));
    hydrated
}

pub fn use_hydrated() -> Hydrated {
    leptos::prelude::expect_context::<Hydrated>()
}

/// The browser's entry point: takes over the page the server drew, waiting for the code of a
/// lazily loaded page when it is one, and then says so ([`Hydrated`], `<body data-hydrated>`).
/// The app's own effects may run before a lazily loaded page has hydrated, so they cannot tell.
#[cfg(feature = "hydrate")]
pub fn hydrate_page() {
    use leptos::prelude::Set;
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let app = leptos::mount::hydrate_from_async(body.clone(), crate::views::App).await;
        // For tests, and for styles that apply only once the app runs.
        let _ = body.set_attribute("data-hydrated", "");
        if let Some(hydrated) = HYDRATED.with(std::cell::Cell::get) {
            hydrated.0.set(true);
        }
        app.forget();
    });
}

/// Calls `ready` once a newer version of the app waits to take over. `/register-sw.js` says so
/// with an attribute on `<html>` (when it knew before the app started) and an event (after).
pub fn on_update_ready(ready: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Some(window) = web_sys::window() else {
            return;
        };
        let already = window
            .document()
            .and_then(|d| d.document_element())
            .is_some_and(|html| html.has_attribute("data-update-ready"));
        if already {
            ready();
            return;
        }
        let listener = Closure::<dyn Fn()>::new(ready);
        let _ = window.add_event_listener_with_callback(
            "frontdoor:update-ready",
            listener.as_ref().unchecked_ref(),
        );
        // Listens for the page's lifetime.
        listener.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ready;
}

/// Lets the waiting version in; the page reloads once it has taken over. With text typed and not
/// sent on the page (a reply, a request), asks first: the reload would lose it.
pub fn apply_update() {
    #[cfg(feature = "hydrate")]
    if let (Some(window), Ok(event)) = (
        web_sys::window(),
        web_sys::Event::new("frontdoor:apply-update"),
    ) {
        let go_ahead = !unsent_text_on_page()
            || window
                .confirm_with_message(
                    "Reload now? What you have typed here and not sent yet would be lost.",
                )
                .unwrap_or(false);
        if go_ahead {
            let _ = window.dispatch_event(&event);
        }
    }
}

/// Whether a text area on the page holds something typed (every long text is one).
#[cfg(feature = "hydrate")]
fn unsent_text_on_page() -> bool {
    use wasm_bindgen::JsCast;
    let Some(areas) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("form textarea").ok())
    else {
        return false;
    };
    (0..areas.length())
        .filter_map(|index| areas.item(index))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .any(|area| !area.value().trim().is_empty())
}

/// Whether the browser believes it is online (always, on the server).
pub fn is_online() -> bool {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        return window.navigator().on_line();
    }
    true
}

/// Calls `changed` with the new state each time the connection goes or comes back.
pub fn on_connectivity(changed: impl Fn(bool) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use std::rc::Rc;
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Some(window) = web_sys::window() else {
            return;
        };
        let changed = Rc::new(changed);
        for (name, online) in [("online", true), ("offline", false)] {
            let changed = Rc::clone(&changed);
            let listener = Closure::<dyn Fn()>::new(move || changed(online));
            let _ =
                window.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            // Listens for the page's lifetime.
            listener.forget();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = changed;
}

/// Whether the server answers now (`GET /healthz`, past any cache). Browsers say "online" when a
/// network is back, which is not yet the same thing.
#[cfg_attr(not(feature = "hydrate"), allow(clippy::unused_async))] // the server has nothing to ask
pub async fn server_answers() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else {
            return false;
        };
        let init = web_sys::RequestInit::new();
        init.set_cache(web_sys::RequestCache::NoStore);
        let answer =
            wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init("/healthz", &init))
                .await;
        answer
            .ok()
            .and_then(|r| r.dyn_into::<web_sys::Response>().ok())
            .is_some_and(|r| r.ok())
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

/// When this page is a copy the service worker kept (served offline): when it was kept, in ms.
pub fn saved_at() -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        let html = web_sys::window()?.document()?.document_element()?;
        html.get_attribute("data-saved-at")?.parse().ok()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// The name of the service worker's cache of pages kept for offline reading (`sw.js`: `PAGES`).
#[cfg(feature = "hydrate")]
const SAVED_PAGES_CACHE: &str = "frontdoor-pages";

/// Drops the pages this device kept for offline reading. At sign-out, and on the sign-in page
/// (a session that ended elsewhere leaves nothing behind either).
pub async fn forget_saved_pages() {
    #[cfg(feature = "hydrate")]
    if let Some(caches) = web_sys::window().and_then(|w| w.caches().ok()) {
        let _ = wasm_bindgen_futures::JsFuture::from(caches.delete(SAVED_PAGES_CACHE)).await;
    }
}

/// Where requests written offline wait (`localStorage`, one key per person), until sent or
/// signed out.
pub const OUTBOX_KEY: &str = "frontdoor-outbox";

/// Reads `key` from this device's storage.
pub fn read_locally(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()?
            .local_storage()
            .ok()??
            .get_item(key)
            .ok()?
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Keeps `value` under `key` on this device (`None` removes it).
pub fn store_locally(key: &str, value: Option<&str>) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// This moment, in ms since the epoch, by the device's clock.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

/// `at` (ms) as the device's wall-clock time, "14:05".
pub fn clock_time(at: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = web_sys::js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at;
        String::new()
    }
}

/// Puts `text` on the device's clipboard; `false` where the browser does not allow it (then
/// people copy it by hand).
#[cfg_attr(not(feature = "hydrate"), allow(clippy::unused_async))]
pub async fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let promise = window.navigator().clipboard().write_text(text);
        wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

/// Loads this page again from the server.
pub fn reload() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Notifications on this device, as the browser has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DevicePush {
    /// No service worker, push or notifications here (or the page is not hydrated yet).
    Unsupported,
    /// The person told the browser never to show our notifications.
    Blocked,
    Off,
    On(DeviceSubscription),
}

/// A browser's push subscription: where its push service takes messages, and its keys.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct DeviceSubscription {
    pub endpoint: String,
    pub keys: DeviceKeys,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct DeviceKeys {
    pub p256dh: String,
    pub auth: String,
}

/// Whether this device takes our notifications now.
#[cfg_attr(not(feature = "hydrate"), allow(clippy::unused_async))] // the server has nothing to ask
pub async fn device_push() -> DevicePush {
    #[cfg(feature = "hydrate")]
    {
        let Some(manager) = push_manager().await else {
            return DevicePush::Unsupported;
        };
        if web_sys::Notification::permission() == web_sys::NotificationPermission::Denied {
            return DevicePush::Blocked;
        }
        let current = manager
            .get_subscription()
            .ok()
            .map(wasm_bindgen_futures::JsFuture::from);
        let subscription = match current {
            Some(pending) => pending.await.ok(),
            None => None,
        };
        subscription
            .and_then(|s| read_subscription(&s))
            .map_or(DevicePush::Off, DevicePush::On)
    }
    #[cfg(not(feature = "hydrate"))]
    DevicePush::Unsupported
}

/// Asks the browser to show our notifications and subscribes this device with our public key
/// (`application_server_key`, base64url).
#[cfg_attr(not(feature = "hydrate"), allow(clippy::unused_async))] // the server has nothing to ask
pub async fn subscribe_device(application_server_key: &str) -> Result<DeviceSubscription, String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen_futures::JsFuture;
        let manager = push_manager()
            .await
            .ok_or("This browser cannot show notifications.")?;
        let permission = JsFuture::from(
            web_sys::Notification::request_permission()
                .map_err(|_| "Notifications are not available here.")?,
        )
        .await
        .ok()
        .and_then(|p| p.as_string());
        if permission.as_deref() != Some("granted") {
            return Err("Notifications were not allowed. You can allow them in the browser's site settings.".into());
        }
        let key =
            base64url_bytes(application_server_key).ok_or("The server's key is not readable.")?;
        let options = web_sys::PushSubscriptionOptionsInit::new();
        options.set_user_visible_only(true);
        options.set_application_server_key(&web_sys::js_sys::Uint8Array::from(key.as_slice()));
        let subscribed = manager
            .subscribe_with_options(&options)
            .map_err(|_| "This browser could not subscribe.".to_owned())?;
        let subscription = JsFuture::from(subscribed).await.map_err(|_| {
            "This browser's push service could not be reached. Try again later.".to_owned()
        })?;
        read_subscription(&subscription)
            .ok_or_else(|| "The browser's answer was not readable.".into())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = application_server_key;
        Err("Notifications are set up in the browser.".into())
    }
}

/// Unsubscribes this device; returns the endpoint it had, for the server to forget.
#[cfg_attr(not(feature = "hydrate"), allow(clippy::unused_async))] // the server has nothing to ask
pub async fn unsubscribe_device() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        let manager = push_manager().await?;
        let current = JsFuture::from(manager.get_subscription().ok()?)
            .await
            .ok()?;
        let subscription = current.dyn_into::<web_sys::PushSubscription>().ok()?;
        let endpoint = subscription.endpoint();
        let _ = JsFuture::from(subscription.unsubscribe().ok()?).await;
        Some(endpoint)
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

#[cfg(feature = "hydrate")]
async fn push_manager() -> Option<web_sys::PushManager> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let has = |name: &str| {
        web_sys::js_sys::Reflect::has(&window, &wasm_bindgen::JsValue::from_str(name))
            .unwrap_or(false)
    };
    if !has("Notification") || !has("PushManager") {
        return None;
    }
    let ready = window.navigator().service_worker().ready().ok()?;
    let registration = wasm_bindgen_futures::JsFuture::from(ready)
        .await
        .ok()?
        .dyn_into::<web_sys::ServiceWorkerRegistration>()
        .ok()?;
    registration.push_manager().ok()
}

/// A `PushSubscription` as its JSON form gives it (keys already base64url).
#[cfg(feature = "hydrate")]
fn read_subscription(subscription: &wasm_bindgen::JsValue) -> Option<DeviceSubscription> {
    use crate::views::server_data::read_json;
    if subscription.is_null() || subscription.is_undefined() {
        return None;
    }
    let json = web_sys::js_sys::JSON::stringify(subscription)
        .ok()?
        .as_string()?;
    read_json(&json).ok()
}

#[cfg(feature = "hydrate")]
fn base64url_bytes(text: &str) -> Option<Vec<u8>> {
    let mut standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    let binary = web_sys::window()?.atob(&standard).ok()?;
    Some(binary.chars().map(|c| c as u8).collect())
}

/// Uploads the files chosen in the `<input type="file">` that fired `event` (`POST /files`), then
/// empties the input so the same file can be chosen again. `done` gets the server's answer.
pub fn upload_chosen_files<F>(event: &leptos::ev::Event, done: F)
where
    F: FnOnce(Result<Vec<UploadedFile>, AppError>) + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files().filter(|f| f.length() > 0) else {
            return;
        };
        let Ok(form) = web_sys::FormData::new() else {
            return;
        };
        for index in 0..files.length() {
            if let Some(file) = files.get(index) {
                let _ = form.append_with_blob_and_filename("file", &file, &file.name());
            }
        }
        input.set_value("");
        leptos::task::spawn_local(async move {
            done(post_files(form).await);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, done);
}

/// Takes back an upload that will not be sent (`DELETE /files/{id}`), so it stops counting
/// towards what its uploader may have unsent. Best effort: one the server keeps anyway goes
/// with the unsent uploads after three days.
pub fn take_back_upload(id: i64) {
    #[cfg(feature = "hydrate")]
    {
        let init = web_sys::RequestInit::new();
        init.set_method("DELETE");
        if let Some(window) = web_sys::window() {
            let sent = window.fetch_with_str_and_init(&format!("{FILES_PATH}/{id}"), &init);
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(sent).await;
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Sends a multipart form to `POST /files` and reads the answer: the stored files, or the
/// server's error.
#[cfg(feature = "hydrate")]
async fn post_files(form: web_sys::FormData) -> Result<Vec<UploadedFile>, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    use crate::error::ErrorAnswer;
    use crate::views::server_data::read_json;

    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    let window = web_sys::window().ok_or(AppError::Unreachable)?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init(FILES_PATH, &init))
            .await
            .ok()
            .and_then(|r| r.dyn_into().ok())
            .ok_or(AppError::Unreachable)?;
    let text = JsFuture::from(response.text().map_err(|_| AppError::Unreachable)?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    if response.ok() {
        read_json(&text).map_err(|_| AppError::Internal)
    } else {
        read_json::<ErrorAnswer>(&text).map_or(Err(AppError::Internal), |answer| Err(answer.detail))
    }
}

/// The text in the text box (a text area or an input) with id `id`. `None` on the server, or
/// when the page has no such box.
pub fn text_in(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let element: web_sys::Element = element_by_id(id)?;
        element
            .dyn_ref::<web_sys::HtmlTextAreaElement>()
            .map(web_sys::HtmlTextAreaElement::value)
            .or_else(|| {
                element
                    .dyn_ref::<web_sys::HtmlInputElement>()
                    .map(web_sys::HtmlInputElement::value)
            })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// While the app takes over the server's page, the text already in the text box with id `id`:
/// typed before the app started. `None` once it runs (the box is the app's), on the server, or
/// when the box is empty.
pub fn typed_before_start(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::GetUntracked;
        if HYDRATED
            .with(std::cell::Cell::get)
            .is_none_or(|hydrated| hydrated.0.get_untracked())
        {
            return None;
        }
    }
    text_in(id).filter(|text| !text.is_empty())
}

/// Puts `text` into the text area with id `id` (inserting a canned reply), and focuses it.
pub fn fill_text_area(id: &str, text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(area) = element_by_id::<web_sys::HtmlTextAreaElement>(id) {
        area.set_value(text);
        let _ = area.focus();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, text);
}

/// Puts the text of the box with id `from` into the empty input with id `to`: an address typed
/// into one sign-in form follows to the next one opened.
pub fn carry_text(from: &str, to: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(text) = text_in(from)
        && let Some(input) = element_by_id::<web_sys::HtmlInputElement>(to)
        && input.value().is_empty()
    {
        input.set_value(&text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (from, to);
}

/// The element with id `id` on the page, as the kind of element it must be.
#[cfg(feature = "hydrate")]
fn element_by_id<E: wasm_bindgen::JsCast>(id: &str) -> Option<E> {
    use wasm_bindgen::JsCast;
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into()
        .ok()
}

/// Brings the page to its top and the focus to the confirmation's heading (see `Confirmation`).
pub fn show_confirmation() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(heading) = window
            .document()
            .and_then(|d| d.query_selector(".confirmation h1").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = heading.focus();
        }
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Focuses the first control named in `names` and marked invalid (`aria-invalid="true"`), once
/// the marks of the error just shown are drawn. It looks in the form that has the focus (the one
/// just sent, by its button or a field), or the page if nothing has it (a phone's tap does not
/// focus a button); someone already typing outside a form keeps their place.
pub fn focus_first_invalid(names: &[&'static str]) {
    #[cfg(feature = "hydrate")]
    {
        let selector = names
            .iter()
            .map(|name| format!("[aria-invalid=\"true\"][name=\"{name}\"]"))
            .collect::<Vec<_>>()
            .join(", ");
        leptos::prelude::request_animation_frame(move || {
            use wasm_bindgen::JsCast;
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let active = document
                .active_element()
                .filter(|active| Some(active) != document.body().as_ref().map(AsRef::as_ref));
            let scope: web_sys::Element = match active {
                None => match document.document_element() {
                    Some(root) => root,
                    None => return,
                },
                Some(active) => match active.closest("form").ok().flatten() {
                    Some(form) => form,
                    None => return,
                },
            };
            if let Some(control) = scope
                .query_selector(&selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = control.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = names;
}

/// Scrolls the tab bar sideways so that the current page's tab is in sight (on a phone, the
/// later tabs start out past the edge).
pub fn reveal_current_tab() {
    #[cfg(feature = "hydrate")]
    leptos::prelude::request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        let Some(nav) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(".app-nav").ok().flatten())
        else {
            return;
        };
        let Some(tab) = nav
            .query_selector("[aria-current]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let (start, end) = (tab.offset_left(), tab.offset_left() + tab.offset_width());
        let (shown_from, shown_width) = (nav.scroll_left(), nav.client_width());
        // (The last 40 px fade out: see `.app-nav` in the style sheet.)
        if start < shown_from || end > shown_from + shown_width - 40 {
            nav.set_scroll_left(start - 16);
        }
    });
}

/// The queue card (or list row) that has the keyboard focus (or holds the element that has it).
pub fn focused_card() -> Option<crate::domain::ticket::TicketRef> {
    #[cfg(feature = "hydrate")]
    {
        let active = web_sys::window()?.document()?.active_element()?;
        let card = active.closest(".card, .queue-row").ok()??;
        card.get_attribute("data-ref")?.parse().ok()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Moves the keyboard focus to the next (or previous) card on the board, or the first one.
pub fn focus_next_card(forward: bool) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(links) = document.query_selector_all(".card .card__link, .queue-row .card__link")
        else {
            return;
        };
        let links: Vec<web_sys::HtmlElement> = (0..links.length())
            .filter_map(|i| links.get(i)?.dyn_into().ok())
            .collect();
        let current = focused_card().and_then(|reference| {
            links.iter().position(|link| {
                link.closest(".card, .queue-row")
                    .ok()
                    .flatten()
                    .and_then(|card| card.get_attribute("data-ref"))
                    == Some(reference.to_string())
            })
        });
        let next = match (current, forward) {
            (None, _) => 0,
            (Some(i), true) => (i + 1).min(links.len().saturating_sub(1)),
            (Some(i), false) => i.saturating_sub(1),
        };
        if let Some(link) = links.get(next) {
            let _ = link.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = forward;
}

/// Focuses the link of the `index`-th item (from 0) of the list named `label` (its
/// `aria-label`): the first of the rows "Show more" brought, where the keyboard goes on.
pub fn focus_list_item(label: &str, index: usize) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let selector = format!("ul[aria-label=\"{label}\"] > li:nth-child({}) a", index + 1);
        let link = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(link) = link {
            let _ = link.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (label, index);
}

/// Focuses the card of `reference` (after the board was drawn again), unless something else on
/// the page has the focus.
pub fn refocus_card(reference: crate::domain::ticket::TicketRef) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let focus_is_free = document
            .active_element()
            .is_none_or(|active| Some(&active) == document.body().as_ref().map(AsRef::as_ref));
        if !focus_is_free {
            return;
        }
        if let Some(link) = document
            .query_selector(&format!("[data-ref=\"{reference}\"] .card__link"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = link.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = reference;
}

/// Watches for elements added or removed anywhere in the page and calls `on_redraw` once the
/// change is in the document. Watching stops when the guard is dropped.
///
/// The whole body is watched: a page's own elements may not be in the document yet when it
/// starts watching (after an in-app navigation the old page is still there).
pub fn watch_redraws(on_redraw: impl Fn() + 'static) -> Option<RedrawWatch> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let root = web_sys::window()?.document()?.body()?;
        let callback = Closure::<dyn FnMut()>::new(on_redraw);
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        let options = web_sys::MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        observer.observe_with_options(&root, &options).ok()?;
        Some(RedrawWatch {
            observer,
            _callback: callback,
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = on_redraw;
        None
    }
}

/// Keeps a [`watch_redraws`] going; dropping it stops the watching.
pub struct RedrawWatch {
    #[cfg(feature = "hydrate")]
    observer: web_sys::MutationObserver,
    #[cfg(feature = "hydrate")]
    _callback: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for RedrawWatch {
    fn drop(&mut self) {
        #[cfg(feature = "hydrate")]
        self.observer.disconnect();
    }
}

/// Follows the focused card's link (the "o" shortcut).
pub fn open_focused_card() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(link) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .filter(|e| e.class_list().contains("card__link"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            link.click();
        }
    }
}

/// Whether a key press is typing into a field (so shortcuts must leave it alone).
pub fn typing_in_field(event: &leptos::ev::KeyboardEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        false
    }
}

/// Whether an event happened inside an element matching `selector` (e.g. a click inside an open
/// menu, which must not close it).
pub fn event_inside(event: &leptos::ev::MouseEvent, selector: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(selector).ok().flatten())
            .is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (event, selector);
        false
    }
}

/// A short random key made in the browser (letters and digits), e.g. to name one writing
/// session of a request. Empty on the server, which never needs one.
pub fn random_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::js_sys::{Date, Math};
        // Time plus 64 random bits: unique enough to tell one person's writing sessions apart.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let random = (Math::random() * 2f64.powi(52)) as u64
            ^ ((Math::random() * 4_294_967_296.0) as u64) << 20;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let time = Date::now() as u64;
        format!("{time:x}{random:x}")
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// `source` once it has held still for `delay`: what people type, without a request per key.
pub fn debounced(
    source: leptos::prelude::Signal<String>,
    delay: std::time::Duration,
) -> leptos::prelude::ReadSignal<String> {
    use leptos::prelude::*;

    let (settled, set_settled) = signal(source.get_untracked());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let text = source.get();
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        pending.set_value(set_timeout_with_handle(move || set_settled.set(text), delay).ok());
    });
    settled
}
