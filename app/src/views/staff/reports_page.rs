//! Staff reports: filters in the address bar, each figure as an accessible SVG chart with the
//! same numbers as a table and as CSV.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_location;

use crate::api::desk::{DeskOptions, load_desk_options};
use crate::api::reports::{ReportView, load_report};
use crate::api::session::Me;
use crate::domain::report::{
    AgeBand, DAY_MS, Report, ReportFilter, ReportTable, TimeStats, business_duration, share_percent,
};
use crate::domain::ticket::Channel;
use crate::domain::validation::format_date;
use crate::views::components::feedback::{EmptyState, ErrorPanel, ListSkeleton};
use crate::views::components::form::{LoadFailed, SelectField, choice_options};
use crate::views::components::header::AppHeader;
use crate::views::server_data::server_data;
use crate::views::session::{Audience, Gate};

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <Title text="Reports · Frontdoor"/>
        <Gate audience=Audience::Staff let:me>
            <Reports me/>
        </Gate>
    }
}

#[component]
fn Reports(me: Me) -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| {
        location
            .search
            .try_get()
            .unwrap_or_default()
            .trim_start_matches('?')
            .to_owned()
    });
    let report = server_data(move || query.get(), load_report);
    let desk = server_data(|| (), |()| load_desk_options());
    view! {
        <AppHeader me/>
        <main class="page page--wide">
            <h1>"Reports"</h1>
            <Transition fallback=|| ()>
                {move || desk.get().map(|result| match result {
                    Ok(desk) => view! {
                        <ReportFilters desk filter=ReportFilter::from_query(&query.get()) now=report.get().and_then(Result::ok).map(|r| r.now)/>
                    }.into_any(),
                    Err(error) => view! {
                        <LoadFailed what="The report's filters" error
                            meanwhile="The figures below are for the period shown."
                            retry=move |()| desk.refetch()/>
                    }.into_any(),
                })}
            </Transition>
            <Transition fallback=|| view! { <ListSkeleton rows=6/> }>
                {move || report.get().map(|answer| match answer {
                    Ok(view) => view! { <Figures view query=query.get()/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn ReportFilters(desk: DeskOptions, filter: ReportFilter, now: Option<i64>) -> impl IntoView {
    let range = now.map(|now| filter.range(now));
    let date = move |ms: Option<i64>| ms.map(format_date).unwrap_or_default();
    let current = |id: Option<i64>| id.map(|i| i.to_string()).unwrap_or_default();
    let channels = Channel::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.label().to_owned()))
        .collect();
    let categories = desk
        .categories
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    let cuts = [
        filter.account_id,
        filter.category_id,
        filter.team_id,
        filter.agent_id,
    ]
    .iter()
    .filter(|c| c.is_some())
    .count()
        + usize::from(filter.channel.is_some());
    let summary = match (range, cuts) {
        (Some(r), 0) => format!(
            "Filters · {} to {}",
            format_date(r.start),
            format_date(r.end - DAY_MS)
        ),
        (Some(r), n) => format!(
            "Filters · {} to {} · {n} more",
            format_date(r.start),
            format_date(r.end - DAY_MS)
        ),
        (None, _) => "Filters".to_owned(),
    };
    view! {
        <details class="panel report-filters">
            <summary class="panel__title">{summary}</summary>
            <Form action="/reports" attr:class="form form--grid" attr:aria-label="Report filters">
                <div class="field">
                    <label for="report-from">"From"</label>
                    <input id="report-from" name="from" type="date" value=date(range.map(|r| r.start))/>
                </div>
                <div class="field">
                    <label for="report-to">"To"</label>
                    <input id="report-to" name="to" type="date" value=date(range.map(|r| r.end - DAY_MS))/>
                </div>
                <SelectField id="report-account" name="account" label="Company" options=choice_options(&desk.accounts)
                    current=current(filter.account_id) none="Any"/>
                <SelectField id="report-category" name="category" label="Category" options=categories
                    current=current(filter.category_id) none="Any"/>
                <SelectField id="report-channel" name="channel" label="Channel" options=channels
                    current=filter.channel.map(|c| c.as_str().to_owned()).unwrap_or_default() none="Any"/>
                <SelectField id="report-team" name="team" label="Team" options=choice_options(&desk.teams)
                    current=current(filter.team_id) none="Any"/>
                <SelectField id="report-agent" name="agent" label="Agent" options=choice_options(&desk.staff)
                    current=current(filter.agent_id) none="Any"/>
                <div class="form__actions">
                    <button type="submit" class="button button--primary">"Apply"</button>
                    <a class="button button--quiet" href="/reports">"Last 30 days"</a>
                </div>
            </Form>
        </details>
    }
}

#[component]
fn Figures(view: ReportView, query: String) -> impl IntoView {
    let report = view.report;
    // Each date kept whole: a phone would otherwise break one at its hyphen.
    let (first_day, last_day) = (
        format_date(report.range.start),
        format_date(report.range.end - DAY_MS),
    );
    let table = |table: ReportTable| view! { <FigureTable report=report.clone() table query=query.clone()/> };
    let tables = ReportTable::ALL.map(table);
    let [
        volume_table,
        times_table,
        backlog_table,
        satisfaction_table,
        usage_table,
        deflections_table,
    ] = tables;
    let volume = view! { <VolumeChart report=report.clone()/> };
    let backlog = view! { <BacklogChart report=report.clone()/> };
    let (first_response, resolution, follow_ups) =
        (report.first_response, report.resolution, report.follow_ups);
    let satisfaction = report.satisfaction;
    let answers = vec![
        ("Yes".to_owned(), satisfaction.resolved),
        ("No".to_owned(), satisfaction.not_resolved),
    ];
    // With no answers (nor, below, no saved requests) the bars say so; one line is enough.
    let said_yes = share_percent(
        satisfaction.resolved,
        satisfaction.resolved + satisfaction.not_resolved,
    )
    .map(|p| view! { <p class="report-note">{format!("{p}% said yes.")}</p> });
    let usage: Vec<(String, i64)> = report
        .usage
        .iter()
        .map(|u| (u.account_name.clone(), u.via_portal))
        .collect();
    let saved = match report.deflections.total {
        0 => None,
        1 => Some("1 request not filed after reading a suggested article.".to_owned()),
        n => Some(format!(
            "{n} requests not filed after reading a suggested article."
        )),
    }
    .map(|saved| view! { <p class="report-note report-saved">{saved}</p> });
    let by_article = report.deflections.by_article;
    view! {
        <p class="muted" role="status">
            "Requests filed "<span class="nowrap">{first_day}</span>" to "<span class="nowrap">{last_day}</span>
            ". Times are business time."
        </p>
        <div class="report-grid">
            <Figure title="Requests filed">
                {volume}
                {volume_table}
            </Figure>
            <Figure title="Response and resolution">
                <div class="tiles">
                    <TimeTile name="First response" stats=first_response/>
                    <TimeTile name="Resolution" stats=resolution/>
                    <Tile name="Resolved without follow-up"
                        value=percent(follow_ups.without_follow_up, follow_ups.completed)
                        detail=format!("of {} completed", follow_ups.completed)/>
                </div>
                {times_table}
            </Figure>
            <Figure title="Backlog by status and age">
                {backlog}
                {backlog_table}
            </Figure>
            <Figure title="Was it resolved?">
                <Bars label="Answers to “Was this resolved?”" bars=answers/>
                {said_yes}
                {satisfaction_table}
            </Figure>
            <Figure title="Portal usage by company">
                <Bars label="Requests filed in the portal, by company" bars=usage/>
                {usage_table}
            </Figure>
            <Figure title="Requests saved by help articles">
                {saved}
                <Bars label="Deflections by article" bars=by_article/>
                {deflections_table}
            </Figure>
        </div>
    }
}

fn percent(part: i64, whole: i64) -> String {
    share_percent(part, whole).map_or_else(|| "–".to_owned(), |p| format!("{p}%"))
}

#[component]
fn Figure(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="figure">
            <h2>{title}</h2>
            {children()}
        </section>
    }
}

#[component]
fn Tile(
    name: &'static str,
    #[prop(into)] value: String,
    #[prop(into)] detail: String,
) -> impl IntoView {
    view! {
        <div class="tile">
            <span class="tile__name">{name}</span>
            <span class="tile__value">{value}</span>
            <span class="tile__detail">{detail}</span>
        </div>
    }
}

#[component]
fn TimeTile(name: &'static str, stats: TimeStats) -> impl IntoView {
    let median = stats
        .median_ms
        .map_or_else(|| "–".to_owned(), duration_on_screen);
    let detail = match stats.p90_ms {
        Some(p90) => format!(
            "median · 90% within {} · {} on target",
            duration_on_screen(p90),
            percent(stats.met, stats.count)
        ),
        None => "no requests measured".to_owned(),
    };
    view! { <Tile name value=median detail/> }
}

/// A business duration on screen (a tile, a table's cell): its number and its unit kept on one
/// line ("3.8 h", not "3.8" with "h" under it); a long unit ("business days") may still wrap after
/// its first word.
fn duration_on_screen(ms: i64) -> String {
    business_duration(ms).replacen(' ', "\u{a0}", 1)
}

/// Requests per day (or week) as columns.
#[component]
fn VolumeChart(report: Report) -> impl IntoView {
    let total: i64 = report.volume.iter().sum();
    if total == 0 {
        return view! { <EmptyState title="No requests in this period"><p>"Try a longer range or fewer filters."</p></EmptyState> }.into_any();
    }
    let max = report.volume.iter().copied().max().unwrap_or(1).max(1);
    let count = report.volume.len().max(1);
    let width = 600.0_f64;
    let height = 160.0_f64;
    #[allow(clippy::cast_precision_loss)]
    let step = width / count as f64;
    let per = if report.bucket_ms == DAY_MS {
        "day"
    } else {
        "week"
    };
    let summary = format!(
        "{total} requests over {count} {per}s, at most {max} in one {per}, from {} to {}.",
        format_date(report.range.start),
        format_date(report.range.end - DAY_MS)
    );
    let title = summary.clone();
    let bars = report
        .volume
        .iter()
        .enumerate()
        .map(|(i, value)| {
            #[allow(clippy::cast_precision_loss)]
            let bar = (*value as f64 / max as f64) * (height - 20.0);
            #[allow(clippy::cast_precision_loss)]
            let x = i as f64 * step;
            view! {
                <rect x=format!("{:.1}", x + step * 0.1) y=format!("{:.1}", height - bar) width=format!("{:.1}", step * 0.8)
                    height=format!("{bar:.1}") class="chart__bar"/>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {width} {height}") role="img" aria-label=summary preserveAspectRatio="none">
            <title>{title}</title>
            {bars}
        </svg>
        <p class="chart__axis"><span>{format_date(report.range.start)}</span><span>{format_date(report.range.end - DAY_MS)}</span></p>
    }
    .into_any()
}

/// Open requests per status, stacked by age.
#[component]
fn BacklogChart(report: Report) -> impl IntoView {
    let total: i64 = report.backlog.iter().flat_map(|l| l.by_age).sum();
    if total == 0 {
        return view! { <p class="report-note">"Nothing open. Well done."</p> }.into_any();
    }
    let max = report
        .backlog
        .iter()
        .map(|l| l.by_age.iter().sum::<i64>())
        .max()
        .unwrap_or(1)
        .max(1);
    let rows = report
        .backlog
        .iter()
        .map(|line| {
            let sum: i64 = line.by_age.iter().sum();
            let description = AgeBand::ALL
                .iter()
                .zip(line.by_age)
                .map(|(band, n)| format!("{n} {}", band.label()))
                .collect::<Vec<_>>()
                .join(", ");
            let mut offset = 0.0_f64;
            let segments = AgeBand::ALL
            .iter()
            .zip(line.by_age)
            .map(|(band, n)| {
                #[allow(clippy::cast_precision_loss)]
                let width = n as f64 / max as f64 * 100.0;
                let segment = view! {
                    <rect x=format!("{offset:.2}%") y="0" width=format!("{width:.2}%") height="24"
                        class=format!("chart__age chart__age--{}", band.index())/>
                };
                offset += width;
                segment
            })
            .collect_view();
            let label = format!("{}: {sum} open ({description})", line.status.label());
            let title = label.clone();
            view! {
                <div class="hbar">
                    <span class="hbar__label">{line.status.label()} " · " {sum}</span>
                    <svg class="hbar__svg" role="img" aria-label=label preserveAspectRatio="none">
                        <title>{title}</title>
                        {segments}
                    </svg>
                </div>
            }
        })
        .collect_view();
    view! {
        {rows}
        <p class="chart__legend" aria-hidden="true">
            {AgeBand::ALL.iter().map(|band| view! {
                <span><i class=format!("swatch chart__age--{}", band.index())></i>{band.label()}</span>
            }).collect_view()}
        </p>
    }
    .into_any()
}

/// Labelled horizontal bars.
#[component]
fn Bars(label: &'static str, bars: Vec<(String, i64)>) -> impl IntoView {
    if bars.iter().all(|(_, n)| *n == 0) {
        return view! { <p class="report-note">"Nothing in this period."</p> }.into_any();
    }
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    view! {
        <div class="hbars" role="group" aria-label=label>
            {bars.into_iter().map(|(name, value)| {
                #[allow(clippy::cast_precision_loss)]
                let width = value as f64 / max as f64 * 100.0;
                let text = format!("{name}: {value}");
                let title = text.clone();
                view! {
                    <div class="hbar">
                        <span class="hbar__label">{name} " · " {value}</span>
                        <svg class="hbar__svg" role="img" aria-label=text preserveAspectRatio="none">
                            <title>{title}</title>
                            <rect x="0" y="0" width=format!("{width:.2}%") height="24" class="chart__bar"/>
                        </svg>
                    </div>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// A figure's numbers as a table, and its CSV.
#[component]
fn FigureTable(report: Report, table: ReportTable, query: String) -> impl IntoView {
    let mut rows = table.rows(&report, duration_on_screen).into_iter();
    let head = rows.next().unwrap_or_default();
    let body: Vec<Vec<String>> = rows.collect();
    let csv = if query.is_empty() {
        format!("/reports/{}.csv", table.as_str())
    } else {
        format!("/reports/{}.csv?{query}", table.as_str())
    };
    // With nothing to list, the figure above says so; an empty table and CSV add nothing.
    (!body.is_empty()).then(|| view! {
        <details class="figure__table">
            <summary>"Table"</summary>
            <div class="table-scroll">
                <table>
                    <thead><tr>{head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {body.into_iter().map(|row| view! {
                            <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
        <a class="button button--small figure__csv" href=csv download>"Download CSV"</a>
    })
}
