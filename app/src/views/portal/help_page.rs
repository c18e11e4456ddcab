//! The help centre: browse and search articles, and read one (some work signed out).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::knowledge::{
    ArticleHit, ArticlePage, HelpContents, VoteArticle, help_centre, read_article, search_help,
};
use crate::api::session::Me;
use crate::domain::knowledge::ArticleLink;
use crate::domain::validation::format_date;
use crate::views::components::feedback::{EmptyState, ErrorPanel, ListSkeleton, PageLoading};
use crate::views::components::form::search_box_text;
use crate::views::components::header::AnyHeader;
use crate::views::portal::home_page::Snippet;
use crate::views::server_data::server_data;
use crate::views::session::Open;

#[component]
pub fn HelpPage() -> impl IntoView {
    view! {
        <Title text="Help · Frontdoor"/>
        <Open let:me>
            <Help me/>
        </Open>
    }
}

#[component]
fn Help(me: Option<Me>) -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| {
        query
            .try_read()
            .and_then(|q| q.get("q"))
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty())
    });
    let centre = server_data(|| (), |()| help_centre());
    let hits = server_data(
        move || search.get(),
        |q| async move {
            match q {
                Some(q) => search_help(q).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <AnyHeader me/>
        <main class="page page--narrow">
            <h1>"Help"</h1>
            <p class="lead">"Answers to common questions. Can't find yours? File a request and a person will help."</p>
            <Form action="/help" attr:class="search" attr:role="search">
                <label for="help-q" class="visually-hidden">"Search help articles"</label>
                <input id="help-q" class="search__input" type="search" name="q" placeholder="Search help, e.g. reset password"
                    // The attribute for the server's page (shown before the app starts), the
                    // property for the app (what a later search puts there).
                    value=search.try_get_untracked().flatten().unwrap_or_default()
                    prop:value=search_box_text("help-q", search) enterkeyhint="search"/>
                <button type="submit" class="button">"Search"</button>
            </Form>
            <Transition fallback=|| view! { <ListSkeleton rows=3/> }>
                {move || hits.get().map(|answer| match answer {
                    Ok(Some(hits)) => view! { <HelpResults hits/> }.into_any(),
                    Ok(None) => view! {
                        <Transition fallback=|| view! { <ListSkeleton rows=6/> }>
                            {move || centre.get().map(|answer| match answer {
                                Ok(centre) => view! { <Sections centre/> }.into_any(),
                                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                            })}
                        </Transition>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Sections(centre: HelpContents) -> impl IntoView {
    if centre.sections.is_empty() {
        return view! {
            <EmptyState title="No articles yet">
                {if centre.signed_in {
                    view! { <p>"File a request and we'll help you directly."</p> }.into_any()
                } else {
                    view! { <p>"Sign in to see the articles for your company."</p> }.into_any()
                }}
            </EmptyState>
        }
        .into_any();
    }
    centre
        .sections
        .into_iter()
        .map(|section| {
            view! {
                <section class="help-section">
                    <h2>{section.name}</h2>
                    <ul class="article-list">
                        {section.articles.into_iter().map(|link| view! { <ArticleRow link/> }).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

#[component]
fn ArticleRow(link: ArticleLink, #[prop(optional)] snippet: Option<ArticleHit>) -> impl IntoView {
    view! {
        <li class="article-row">
            <a class="article-row__link" href=format!("/help/{}", link.slug)>
                <span class="article-row__title">{link.title}</span>
                {match snippet {
                    Some(hit) => view! { <span class="article-row__summary"><Snippet parts=hit.snippet/></span> }.into_any(),
                    None => view! { <span class="article-row__summary">{link.summary}</span> }.into_any(),
                }}
            </a>
        </li>
    }
}

#[component]
fn HelpResults(hits: Vec<ArticleHit>) -> impl IntoView {
    if hits.is_empty() {
        return view! {
            <EmptyState title="No matching articles">
                <p>"Try other words, or "<a href="/requests/new">"ask us directly"</a>"."</p>
            </EmptyState>
        }
        .into_any();
    }
    let count = hits.len();
    view! {
        <p class="muted" role="status">{format!("{count} matching article{}", if count == 1 { "" } else { "s" })}</p>
        <ul class="article-list" aria-label="Search results">
            {hits
                .into_iter()
                .map(|hit| view! { <ArticleRow link=hit.link.clone() snippet=hit/> })
                .collect_view()}
        </ul>
        <p><a class="text-link" href="/help">"All articles"</a></p>
    }
    .into_any()
}

#[component]
pub fn ArticleReaderPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || {
        params
            .try_read()
            .and_then(|p| p.get("slug"))
            .unwrap_or_default()
    };
    let article = server_data(slug, |slug| read_article(slug, None));
    view! {
        <Open let:me>
            <AnyHeader me=me.clone()/>
            <main class="page page--narrow">
                <a class="back-link" href="/help">"← Help"</a>
                <Suspense fallback=PageLoading>
                    {move || article.get().map(|answer| match answer {
                        Ok(page) => view! {
                            <Title text=format!("{} · Help · Frontdoor", page.link.title)/>
                            <Article page/>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    })}
                </Suspense>
            </main>
        </Open>
    }
}

/// An article's text and "Was this helpful?".
#[component]
pub fn Article(page: ArticlePage) -> impl IntoView {
    view! {
        <article class="article">
            <h1>{page.link.title.clone()}</h1>
            {(!page.published).then(|| view! { <p class="notice">"Draft: only staff can see this article."</p> })}
            // Rendered from Markdown and sanitized on the server.
            <div class="article__body prose-html" inner_html=page.body_html.clone()></div>
            <p class="muted">"Updated " {format_date(page.updated_at)}</p>
            {page.edit_id.map(|id| view! { <a class="button" href=format!("/desk/articles/{id}")>"Edit article"</a> })}
            {page.may_vote.then(|| view! { <HelpfulVote slug=page.link.slug.clone() vote=page.vote/> })}
        </article>
    }
}

#[component]
fn HelpfulVote(slug: String, vote: Option<bool>) -> impl IntoView {
    let action = ServerAction::<VoteArticle>::new();
    // The answer shows at once; if the server refuses it, the last saved one comes back.
    let chosen = RwSignal::new(vote);
    let saved = StoredValue::new(vote);
    let value = action.value();
    Effect::new(move |_| match value.get() {
        Some(Ok(())) => saved.set_value(chosen.get_untracked()),
        Some(Err(_)) => chosen.set(saved.get_value()),
        None => {}
    });
    let failed = move || matches!(value.try_get().flatten(), Some(Err(_)));
    let choose = move |helpful: bool| {
        chosen.set(Some(helpful));
        action.dispatch(VoteArticle {
            slug: slug.clone(),
            helpful,
        });
    };
    let choose_yes = choose.clone();
    view! {
        <div class="helpful" role="group" aria-labelledby="helpful-q">
            <p id="helpful-q">"Was this article helpful?"</p>
            <div class="helpful__choices">
                <button type="button" class="button" aria-pressed=move || (chosen.get() == Some(true)).to_string()
                    on:click=move |_| choose_yes(true)>"Yes"</button>
                <button type="button" class="button" aria-pressed=move || (chosen.get() == Some(false)).to_string()
                    on:click=move |_| choose(false)>"No"</button>
            </div>
            <p class="muted" role="status">
                {move || match (chosen.get(), failed()) {
                    (_, true) => "Your answer could not be saved. Try again.",
                    (Some(true), _) => "Thanks! Glad it helped.",
                    (Some(false), _) => "Thanks. If you still need help, file a request.",
                    (None, _) => "",
                }}
            </p>
            {move || (chosen.get() == Some(false)).then(|| view! {
                <a class="button button--primary" href="/requests/new">"File a request"</a>
            })}
        </div>
    }
}
