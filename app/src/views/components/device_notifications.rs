use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::api::push::{push_settings, subscribe_push, unsubscribe_push};
use crate::views::browser::{self, DevicePush, DeviceSubscription};
use crate::views::components::form::FormMessage;

/// Where "Not now" on the offer is remembered, per device.
const OFFER_DISMISSED_KEY: &str = "frontdoor-push-offer-dismissed";

/// The offer to turn notifications on, shown after a request is filed. Its code is a WASM chunk
/// of its own, fetched then: a first visit does not carry it (the device settings, on the account
/// page, are in that page's chunk). Drawn in the browser only, after a form was sent.
#[leptos::wasm_split::wasm_split(
    push_offer,
    wasm_split_path = ::leptos::wasm_split,
    fallible
)]
#[allow(
    clippy::unnecessary_wraps,
    reason = "`fallible` wants a `Result`: the chunk's load fails through it"
)]
pub fn push_offer() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <DeviceNotifications offer=true/> }.into_any())
}

/// Notifications on this device: on, off, blocked or not possible here. With `offer`, the short
/// form shown after a request is filed, only while they are off and not declined before.
#[component]
pub fn DeviceNotifications(#[prop(optional)] offer: bool) -> impl IntoView {
    // `None` while the browser is asked.
    let device = RwSignal::new(None::<DevicePush>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let declined = RwSignal::new(false);
    Effect::new(move |_| {
        declined.set(browser::read_locally(OFFER_DISMISSED_KEY).is_some());
        leptos::task::spawn_local(async move {
            let found = browser::device_push().await;
            // On here: make sure the server has it for whoever is signed in now.
            if let DevicePush::On(subscription) = &found {
                let _ = register(subscription.clone()).await;
            }
            device.set(Some(found));
        });
    });
    let turn_on = move |_| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let outcome = match push_settings().await {
                Ok(settings) => match browser::subscribe_device(&settings.public_key).await {
                    Ok(subscription) => register(subscription.clone())
                        .await
                        .map(|()| subscription)
                        .map_err(|e| e.to_string()),
                    Err(message) => Err(message),
                },
                Err(error) => Err(error.to_string()),
            };
            match outcome {
                Ok(subscription) => device.set(Some(DevicePush::On(subscription))),
                Err(message) => problem.set(Some(message)),
            }
            busy.set(false);
        });
    };
    let turn_off = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            if let Some(endpoint) = browser::unsubscribe_device().await {
                let _ = unsubscribe_push(endpoint).await;
            }
            device.set(Some(DevicePush::Off));
            busy.set(false);
        });
    };
    let not_now = move |_| {
        browser::store_locally(OFFER_DISMISSED_KEY, Some("1"));
        declined.set(true);
    };
    let shown =
        move || !offer || (matches!(device.get(), Some(DevicePush::Off)) && !declined.get());
    view! {
        <Show when=shown>
            <section class=if offer { "push-offer" } else { "panel" } aria-labelledby="push-heading">
                <h2 id="push-heading">{if offer { "Hear about it on this phone?" } else { "Notifications on this device" }}</h2>
                {move || match device.get() {
                    None => view! { <p class="muted">"Checking this device…"</p> }.into_any(),
                    Some(DevicePush::Unsupported) => view! {
                        <p class="muted">"This browser can't show notifications. You still hear by email if that is on."</p>
                    }.into_any(),
                    Some(DevicePush::Blocked) => view! {
                        <p class="muted">"Notifications from Frontdoor are blocked in this browser. Allow them in its site settings, then come back here."</p>
                    }.into_any(),
                    Some(DevicePush::Off) => view! {
                        <p class="lead">"Get a notification when a request changes status, we reply, or we ask whether it was resolved."</p>
                        <div class="push-offer__actions">
                            <button type="button" class="button button--primary" disabled=move || busy.get() on:click=turn_on>
                                {move || if busy.get() { "Turning on…" } else { "Turn on notifications" }}
                            </button>
                            {offer.then(|| view! {
                                <button type="button" class="button button--quiet" on:click=not_now>"Not now"</button>
                            })}
                        </div>
                    }.into_any(),
                    Some(DevicePush::On(_)) => view! {
                        <p class="lead" role="status">"On for this device."</p>
                        <button type="button" class="button" disabled=move || busy.get() on:click=turn_off>"Turn off on this device"</button>
                    }.into_any(),
                }}
                <FormMessage message=problem.into()/>
            </section>
        </Show>
    }
}

/// Tells the server about this device's subscription, for the signed-in person.
async fn register(subscription: DeviceSubscription) -> Result<(), crate::error::AppError> {
    subscribe_push(
        subscription.endpoint,
        subscription.keys.p256dh,
        subscription.keys.auth,
    )
    .await
}
