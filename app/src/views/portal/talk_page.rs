use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::session::Me;
use crate::api::ticket_work::RequestCallback;
use crate::domain::ticket::TicketRef;
use crate::views::components::confirmation::Confirmation;
use crate::views::components::form::{FormErrors, FormMessage, RadioChoice, TextField};
use crate::views::components::header::AppHeader;
use crate::views::session::{Audience, Gate};

/// "Talk to a person": a client asks to be called back, about a request or something new. The
/// request is flagged at the top of the staff board until someone answers.
#[component]
pub fn TalkPage() -> impl IntoView {
    view! {
        <Title text="Talk to a person · Frontdoor"/>
        <Gate audience=Audience::Client let:me>
            <Talk me/>
        </Gate>
    }
}

#[component]
fn Talk(me: Me) -> impl IntoView {
    let ask = ServerAction::<RequestCallback>::new();
    let errors = FormErrors::of(ask, &["phone", "note"]);
    let query = use_query_map();
    let about = move || {
        query
            .read()
            .get("request")
            .and_then(|r| r.parse::<TicketRef>().ok())
    };
    let flagged = move || ask.value().get().and_then(Result::ok);

    view! {
        <AppHeader me/>
        <main class="page page--narrow">
            <Show
                when=move || flagged().is_some()
                fallback=move || view! {
                    <h1>"Talk to a person"</h1>
                    <p class="lead">
                        "A person from our team gets back to you, usually within the hour during business hours."
                    </p>
                    <ActionForm action=ask attr:class="form" attr:novalidate=true>
                        {move || match about() {
                            Some(reference) => view! {
                                <input type="hidden" name="reference" value=reference.to_string()/>
                                <p class="notice">"About " <strong>{reference.to_string()}</strong></p>
                            }.into_any(),
                            None => view! {
                                <TextField
                                    name="note"
                                    label="What is it about? (optional)"
                                    placeholder="A few words help us call prepared."
                                    max_chars=2000
                                    multiline=true
                                    error=errors.field("note")
                                />
                            }.into_any(),
                        }}
                        <fieldset class="choices">
                            <legend>"How should we reach you?"</legend>
                            <RadioChoice name="reach_by" value="phone" id="reach-phone" title="Call me"
                                detail="A person calls you back." checked=true/>
                            <RadioChoice name="reach_by" value="email" id="reach-email" title="Email me"
                                detail="A person writes to you directly, not an automatic reply."/>
                        </fieldset>
                        <TextField
                            name="phone"
                            label="Phone number (for a call)"
                            placeholder="+1 555 010 7788"
                            max_chars=40
                            input_type="tel"
                            autocomplete="tel"
                            input_mode="tel"
                            error=errors.field("phone")
                        />
                        <FormMessage message=errors.general()/>
                        <button type="submit" class="button button--primary button--block" disabled=ask.pending()>
                            {move || if ask.pending().get() { "Sending…" } else { "Call me back" }}
                        </button>
                    </ActionForm>
                }
            >
                {move || flagged().map(|reference| view! {
                    <Confirmation icon="☎" heading="A person will get back to you">
                        <p>"Your request is at the top of our board, on " <strong>{reference.to_string()}</strong> "."</p>
                        <div class="confirmation__actions">
                            <a class="button button--primary button--block" href=format!("/requests/{reference}")>"View request"</a>
                            <a class="button button--block" href="/">"Back to my requests"</a>
                        </div>
                    </Confirmation>
                })}
            </Show>
        </main>
    }
}
