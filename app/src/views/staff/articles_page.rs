//! Help articles for staff: the library with how each article does (views, votes,
//! deflections), and the editor with a preview.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::knowledge::{
    ArticleForEditing, DeleteArticle, Library, LibraryArticle, SaveArticle, article_editor,
    article_library, preview_article,
};
use crate::api::session::Me;
use crate::domain::knowledge::{
    ARTICLE_BODY_MAX_CHARS, ARTICLE_SUMMARY_MAX_CHARS, ARTICLE_TITLE_MAX_CHARS, Audience,
    SECTION_MAX_CHARS,
};
use crate::views::components::confirm::AskFirst;
use crate::views::components::feedback::{EmptyState, ErrorPanel, ListSkeleton, PageLoading};
use crate::views::components::form::{
    CheckGroup, FormErrors, FormMessage, LoadFailed, Refused, TextField, on_success,
};
use crate::views::components::header::AppHeader;
use crate::views::components::time::ago;
use crate::views::server_data::server_data;
use crate::views::session::{Audience as PageAudience, Gate};

#[component]
pub fn ArticlesPage() -> impl IntoView {
    view! {
        <Title text="Help articles · Frontdoor"/>
        <Gate audience=PageAudience::Staff let:me>
            <Articles me/>
        </Gate>
    }
}

#[component]
fn Articles(me: Me) -> impl IntoView {
    let library = server_data(|| (), |()| article_library());
    view! {
        <AppHeader me/>
        <main class="page">
            <div class="page-head">
                <h1>"Help articles"</h1>
                <div class="page-head__actions">
                    <a class="button" href="/help">"Open the help centre"</a>
                    <a class="button button--primary page-head__action" href="/desk/articles/new">"New article"</a>
                </div>
            </div>
            <p class="lead">
                "A deflection is a request that was not filed: a client opened the article from the suggestions "
                "while writing one and said it solved it, or left without filing."
            </p>
            <Transition fallback=|| view! { <ListSkeleton rows=6/> }>
                {move || library.get().map(|answer| match answer {
                    Ok(library) => view! { <LibraryList library/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn LibraryList(library: Library) -> impl IntoView {
    if library.articles.is_empty() {
        return view! {
            <EmptyState title="No articles yet">
                <p>"Write the answers you give most often; clients see them while they write a request."</p>
            </EmptyState>
        }
        .into_any();
    }
    let now = library.now;
    view! {
        <ul class="library" aria-label="Articles">
            {library.articles.into_iter().map(|article| view! { <LibraryRow article now/> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn LibraryRow(article: LibraryArticle, now: i64) -> impl IntoView {
    let state = if article.published {
        "Published"
    } else {
        "Draft"
    };
    let state_class = if article.published {
        "badge badge--completed"
    } else {
        "badge badge--waiting_on_client"
    };
    view! {
        <li class="library__row" data-slug=article.link.slug.clone()>
            <a class="library__title" href=format!("/desk/articles/{}", article.id)>{article.link.title.clone()}</a>
            <span class="library__meta">
                <span class=state_class>{state}</span>
                " · " {article.link.section.clone()}
                " · " {article.audience.label()}
                " · updated " {ago(now, article.updated_at)}
            </span>
            <dl class="library__stats">
                <div><dt>"Views"</dt><dd>{article.views}</dd></div>
                <div><dt>"Helpful"</dt><dd>{format!("{} yes · {} no", article.helpful, article.unhelpful)}</dd></div>
                <div><dt>"Deflections"</dt><dd class="library__deflections">{article.deflections}</dd></div>
            </dl>
        </li>
    }
}

#[component]
pub fn ArticleEditorPage() -> impl IntoView {
    let params = use_params_map();
    // `new`, or an article's id.
    let id = move || {
        params
            .try_read()
            .and_then(|p| p.get("id"))
            .and_then(|id| id.parse::<i64>().ok())
    };
    let editor = server_data(id, article_editor);
    view! {
        <Title text="Edit article · Frontdoor"/>
        <Gate audience=PageAudience::Staff let:me>
            <AppHeader me/>
            <main class="page page--narrow">
                <a class="back-link" href="/desk/articles">"← Help articles"</a>
                <Suspense fallback=PageLoading>
                    {move || editor.get().map(|answer| match answer {
                        Ok(editor) => view! { <Editor editor/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    })}
                </Suspense>
            </main>
        </Gate>
    }
}

#[component]
fn Editor(editor: ArticleForEditing) -> impl IntoView {
    let save = ServerAction::<SaveArticle>::new();
    let delete = ServerAction::<DeleteArticle>::new();
    let navigate = use_navigate();
    on_success(save, {
        let navigate = navigate.clone();
        move |slug: &String| navigate(&format!("/help/{slug}"), NavigateOptions::default())
    });
    on_success(delete, move |()| {
        navigate("/desk/articles", NavigateOptions::default());
    });
    let errors = FormErrors::of(save, &["title", "summary", "body", "section", "audience"]);
    let draft = editor.draft;
    let body = RwSignal::new(draft.body.clone());
    let audience = RwSignal::new(draft.audience.unwrap_or(Audience::Clients));
    let public_allowed = editor.may_publish_publicly || draft.audience == Some(Audience::Public);
    let preview = RwSignal::new(false);
    let published = draft.published;
    let accounts: Vec<(String, String)> = editor
        .accounts
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let chosen: Vec<String> = draft.accounts.iter().map(ToString::to_string).collect();
    let pending = save.pending();
    view! {
        <h1>{if draft.id.is_some() { "Edit article" } else { "New article" }}</h1>
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            {draft.id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
            <TextField name="title" label="Title" placeholder="e.g. Reset your password"
                max_chars=ARTICLE_TITLE_MAX_CHARS error=errors.field("title") initial=draft.title.clone()/>
            <TextField name="summary" label="Summary (shown in lists and suggestions)" placeholder="One sentence"
                max_chars=ARTICLE_SUMMARY_MAX_CHARS error=errors.field("summary") initial=draft.summary.clone()/>
            <div class="field">
                <label for="section">"Section"</label>
                <input id="section" name="section" list="sections" maxlength=SECTION_MAX_CHARS
                    placeholder="e.g. Access and passwords" value=draft.section.clone()
                    aria-describedby="section-error"/>
                <datalist id="sections">
                    {editor.sections.into_iter().map(|s| view! { <option value=s/> }).collect_view()}
                </datalist>
                <p id="section-error" class="field-error" role="alert">{move || errors.field("section").get()}</p>
            </div>
            <div class="segmented" role="group" aria-label="Body view">
                <button type="button" class="button button--small" aria-pressed=move || (!preview.get()).to_string()
                    on:click=move |_| preview.set(false)>"Write"</button>
                <button type="button" class="button button--small" aria-pressed=move || preview.get().to_string()
                    on:click=move |_| preview.set(true)>"Preview"</button>
            </div>
            <div class:hidden=move || preview.get()>
                <TextField name="body" label="Article (Markdown)" placeholder="Steps, one per line: 1. …"
                    max_chars=ARTICLE_BODY_MAX_CHARS multiline=true value=body error=errors.field("body")/>
            </div>
            {move || preview.get().then(|| view! { <Preview body=body.get_untracked()/> })}
            <fieldset class="choices" aria-describedby="audience-error">
                <legend>"Who may read it"</legend>
                {Audience::ALL.into_iter().map(|option| {
                    let allowed = option != Audience::Public || public_allowed;
                    view! {
                        <label class="check">
                            <input type="radio" name="audience" value=option.as_str()
                                checked=move || audience.get() == option disabled=!allowed
                                on:change=move |_| audience.set(option)/>
                            <span>
                                {option.label()}
                                {(!allowed).then(|| view! { <span class="muted">" (an admin chooses this)"</span> })}
                            </span>
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" id="audience-error" role="alert">{move || errors.field("audience").get()}</p>
            </fieldset>
            <div class:hidden=move || audience.get() != Audience::Accounts>
                <CheckGroup legend="Accounts" name="accounts[]" options=accounts checked=chosen/>
            </div>
            <FormMessage message=errors.general() note=" Your text is still here."/>
            <div class="form__actions">
                <button type="submit" name="publish" value="1" class="button button--primary" disabled=pending>
                    {if published { "Save" } else { "Publish" }}
                </button>
                <button type="submit" class="button" disabled=pending>
                    {if published { "Unpublish and save as draft" } else { "Save draft" }}
                </button>
            </div>
        </ActionForm>
        {draft.id.map(|id| view! {
            <div class="danger-zone">
                <AskFirst button="Delete article" label="Delete article"
                    question="Delete this article? Links to it in replies will stop working."
                    confirm="Delete" pending=delete.pending()
                    on_confirm=move |()| { delete.dispatch(DeleteArticle { id }); }/>
                <Refused action=delete/>
            </div>
        })}
    }
}

/// The body as readers will see it, rendered by the server.
#[component]
fn Preview(body: String) -> impl IntoView {
    let html = server_data(move || body.clone(), preview_article);
    view! {
        <Suspense fallback=|| view! { <p class="muted" role="status">"Rendering…"</p> }>
            {move || html.get().map(|answer| match answer {
                Ok(html) => view! { <div class="article__body prose-html preview" inner_html=html></div> }.into_any(),
                // (Not the page's error panel: its reload would lose the article's unsaved text.)
                Err(error) => view! {
                    <LoadFailed what="The preview" error
                        meanwhile="What you wrote is kept under Write."
                        retry=move |()| html.refetch()/>
                }.into_any(),
            })}
        </Suspense>
    }
}
