//! Pointing a client at a help article from a reply: search, pick, and a Markdown link goes
//! into the message.

use leptos::prelude::*;

use crate::api::knowledge::search_help;
use crate::domain::knowledge::{ArticleLink, reply_link};
use crate::views::browser::debounced;
use crate::views::server_data::server_data;

/// Whether the picker is open and what is typed in it: held by the form's owner, so that a page
/// drawn again (a live change re-reads the request) keeps the search the person is in.
#[derive(Clone, Copy, Default)]
pub struct PickerState {
    pub open: RwSignal<bool>,
    pub typed: RwSignal<String>,
}

impl PickerState {
    pub fn clear(self) {
        self.open.set(false);
        self.typed.set(String::new());
    }
}

/// A search box over published articles; picking one hands its link (as Markdown) to `on_pick`.
#[component]
pub fn ArticleLinkPicker(
    state: PickerState,
    #[prop(into)] on_pick: Callback<String>,
) -> impl IntoView {
    let PickerState { open, typed } = state;
    let query = debounced(typed.into(), std::time::Duration::from_millis(300));
    let hits = server_data(
        move || query.get(),
        |text| async move {
            if text.trim().is_empty() {
                Ok(Vec::new())
            } else {
                search_help(text).await
            }
        },
    );
    let pick = move |link: &ArticleLink| {
        on_pick.run(reply_link(link));
        state.clear();
    };
    view! {
        <div class="article-picker">
            <button type="button" class="button button--small" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                "Link a help article"
            </button>
            <Show when=move || open.get()>
                <div class="article-picker__panel">
                    <label for="article-search" class="visually-hidden">"Search help articles"</label>
                    <input id="article-search" type="search" placeholder="Search articles…" autofocus=true
                        prop:value=move || typed.get() on:input=move |event| typed.set(event_target_value(&event))/>
                    <Transition fallback=|| ()>
                        {move || hits.get().map(|answer| match answer {
                            Ok(hits) if hits.is_empty() && !query.get().trim().is_empty() => {
                                view! { <p class="muted">"No published article matches."</p> }.into_any()
                            }
                            Ok(hits) => view! {
                                <ul class="article-picker__hits">
                                    {hits.into_iter().map(|hit| {
                                        let link = hit.link.clone();
                                        view! {
                                            <li><button type="button" class="button button--quiet button--block"
                                                on:click=move |_| pick(&link)>{hit.link.title.clone()}</button></li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(error) => view! { <p class="field-error" role="alert">{error.to_string()}</p> }.into_any(),
                        })}
                    </Transition>
                </div>
            </Show>
        </div>
    }
}
