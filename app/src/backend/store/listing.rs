//! Filtered, paged ticket lists and full-text search, both within a reader's scope.

use sqlx::FromRow;

use super::tickets::{
    SCOPE_CLAUSE, SUMMARY_COLUMNS, SUMMARY_FROM, StatusFilter, SummaryRow, scope_clause,
    scope_params,
};
use super::{Backend, Store, StoreResult};
use crate::domain::listing::{AssigneeFilter, Cursor, QueueFilter, SearchHit, TicketPage};
use crate::domain::policy::TicketScope;
use crate::domain::search::{
    Combine, MATCH_END, MATCH_START, fts5_query, search_terms, snippet_parts, tsquery,
};
use crate::domain::ticket::TicketSummary;

/// What a list shows: a scope, filters, and a page.
#[derive(Debug, Clone)]
pub struct TicketQuery {
    pub scope: TicketScope,
    pub status: StatusFilter,
    pub filter: QueueFilter,
    /// Who "assigned to me" means.
    pub viewer_id: i64,
    /// Start after this position (the previous page's `next`).
    pub after: Option<Cursor>,
    pub limit: i64,
}

impl Default for TicketQuery {
    fn default() -> Self {
        TicketQuery {
            scope: TicketScope::Nothing,
            status: StatusFilter::Any,
            filter: QueueFilter::default(),
            viewer_id: 0,
            after: None,
            limit: 50,
        }
    }
}

/// How many matching passages a search reads before keeping the best one per ticket.
const SEARCH_PASSAGES: i64 = 200;

/// The request a match in `t` stands for: the one it was merged into, when the reader may see
/// that one too (the scope clause on the survivor, `m`); else itself (someone's duplicate merged
/// into a colleague's request they may not open is still found as their own).
const HIT_ID: &str = concat!(
    "COALESCE((SELECT m.id FROM tickets m WHERE m.id = t.merged_into AND ",
    scope_clause!("m"),
    "), t.id)"
);

/// A value bound to a query built at run time.
enum Arg {
    Int(i64),
    Text(String),
}

/// SQL text with its arguments, placeholders numbered as they are added.
struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    fn push(&mut self, text: std::fmt::Arguments<'_>) {
        // Writing into a String cannot fail.
        let _ = std::fmt::Write::write_fmt(&mut self.text, text);
    }

    fn and(&mut self, column: &str, arg: Arg) {
        let placeholder = self.arg(arg);
        self.push(format_args!(" AND {column} = {placeholder}"));
    }

    async fn fetch<T>(self, store: &Store) -> StoreResult<Vec<T>>
    where
        T: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let mut query = sqlx::query_as::<_, T>(&self.text);
        for arg in self.args {
            query = match arg {
                Arg::Int(value) => query.bind(value),
                Arg::Text(value) => query.bind(value),
            };
        }
        Ok(query.fetch_all(&store.pool).await?)
    }
}

#[derive(FromRow)]
struct PassageRow {
    hit_id: i64,
    snippet: String,
}

impl Store {
    /// One page of tickets, most recently updated first. Pages are cut by position (keyset), never
    /// by offset: a ticket filed meanwhile lands on top and shifts nothing already paged.
    pub async fn list_page(&self, query: &TicketQuery) -> StoreResult<TicketPage> {
        let Some((account_id, requester_id)) = scope_params(query.scope) else {
            return Ok(TicketPage {
                tickets: Vec::new(),
                next: None,
            });
        };
        let mut sql = Sql {
            text: format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE {SCOPE_CLAUSE}"),
            args: vec![Arg::Int(account_id), Arg::Int(requester_id)],
        };
        match query.status {
            StatusFilter::Any => {}
            StatusFilter::Open => sql.text.push_str(" AND t.status <> 'completed'"),
            StatusFilter::Waiting => sql.text.push_str(" AND t.status = 'waiting_on_client'"),
            StatusFilter::Completed => sql.text.push_str(" AND t.status = 'completed'"),
            StatusFilter::CompletedSince(since) => {
                let since = sql.arg(Arg::Int(since));
                sql.push(format_args!(
                    " AND t.status = 'completed' AND t.resolved_at >= {since}"
                ));
            }
        }
        let filter = &query.filter;
        if let Some(status) = filter.status {
            sql.and("t.status", Arg::Text(status.as_str().to_owned()));
        }
        if let Some(priority) = filter.priority {
            sql.and("t.priority", Arg::Text(priority.as_str().to_owned()));
        }
        if let Some(id) = filter.category_id {
            sql.and("t.category_id", Arg::Int(id));
        }
        match filter.assignee {
            None => {}
            Some(AssigneeFilter::Me) => sql.and("t.assignee_id", Arg::Int(query.viewer_id)),
            Some(AssigneeFilter::Person(id)) => sql.and("t.assignee_id", Arg::Int(id)),
            Some(AssigneeFilter::Unassigned) => sql.text.push_str(" AND t.assignee_id IS NULL"),
        }
        if let Some(id) = filter.team_id {
            sql.and("t.team_id", Arg::Int(id));
        }
        if let Some(id) = filter.account_id {
            sql.and("t.account_id", Arg::Int(id));
        }
        if let Some(channel) = filter.channel {
            sql.and("t.channel", Arg::Text(channel.as_str().to_owned()));
        }
        if let Some(sla) = filter.sla {
            sql.and("t.sla_state", Arg::Text(sla.as_str().to_owned()));
        }
        if let Some(tag) = &filter.tag {
            let tag = sql.arg(Arg::Text(tag.clone()));
            sql.push(format_args!(" AND EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = {tag})"));
        }
        if let Some(after) = query.after {
            let updated_at = sql.arg(Arg::Int(after.updated_at));
            let id = sql.arg(Arg::Int(after.id));
            sql.push(format_args!(" AND (t.updated_at < {updated_at} OR (t.updated_at = {updated_at} AND t.id < {id}))"));
        }
        // One more than asked tells whether another page exists.
        let limit = sql.arg(Arg::Int(query.limit + 1));
        sql.push(format_args!(
            " ORDER BY t.updated_at DESC, t.id DESC LIMIT {limit}"
        ));
        let rows: Vec<SummaryRow> = sql.fetch(self).await?;
        let mut tickets = rows
            .into_iter()
            .map(SummaryRow::into_summary)
            .collect::<StoreResult<Vec<TicketSummary>>>()?;
        let more = tickets.len() as i64 > query.limit;
        tickets.truncate(query.limit.max(0) as usize);
        let next = more.then(|| tickets.last()).flatten().map(|last| Cursor {
            updated_at: last.updated_at,
            id: last.reference.0,
        });
        Ok(TicketPage { tickets, next })
    }

    /// Tickets whose title, description or messages match `text`, best first, each with its best
    /// passage. Internal notes are searched only when `include_internal`. A passage of a duplicate
    /// counts for the request it was merged into.
    pub async fn search(
        &self,
        scope: TicketScope,
        include_internal: bool,
        text: &str,
        limit: usize,
    ) -> StoreResult<Vec<SearchHit>> {
        let terms = search_terms(text);
        let Some((account_id, requester_id)) = scope_params(scope).filter(|_| !terms.is_empty())
        else {
            return Ok(Vec::new());
        };
        // Both engines get the match markers as $5 (start) and $6 (end).
        let (passages_sql, engine_query) = match self.backend {
            Backend::Sqlite => (
                format!(
                    "SELECT {HIT_ID} AS hit_id, \
                            snippet(ticket_search, -1, $5, $6, '…', 14) AS snippet \
                     FROM ticket_search JOIN tickets t ON t.id = CAST(ticket_search.ticket_id AS INTEGER) \
                     WHERE ticket_search MATCH $3 AND {SCOPE_CLAUSE} \
                       AND (CAST(ticket_search.internal AS INTEGER) = 0 OR $4 = 1) \
                     ORDER BY bm25(ticket_search, 5.0, 1.0) LIMIT $7"
                ),
                fts5_query(&terms, Combine::All),
            ),
            Backend::Postgres => (
                format!(
                    "SELECT {HIT_ID} AS hit_id, \
                            ts_headline('english', CASE WHEN s.title = '' THEN s.body ELSE s.title || ': ' || s.body END, \
                                        q, 'StartSel=' || $5 || ', StopSel=' || $6 || ', MaxWords=24, MinWords=8') AS snippet \
                     FROM ticket_search s JOIN tickets t ON t.id = s.ticket_id, to_tsquery('english', $3) q \
                     WHERE s.document @@ q AND {SCOPE_CLAUSE} AND (s.internal = 0 OR $4 = 1) \
                     ORDER BY ts_rank(s.document, q) DESC, s.id DESC LIMIT $7"
                ),
                tsquery(&terms, Combine::All),
            ),
        };
        let passages: Vec<PassageRow> = sqlx::query_as(&passages_sql)
            .bind(account_id)
            .bind(requester_id)
            .bind(engine_query)
            .bind(i64::from(include_internal))
            .bind(MATCH_START.to_string())
            .bind(MATCH_END.to_string())
            .bind(SEARCH_PASSAGES)
            .fetch_all(&self.pool)
            .await?;
        // Passages come best first: the first one seen for a ticket is its snippet.
        let mut best: Vec<PassageRow> = Vec::new();
        for passage in passages {
            if best.len() == limit {
                break;
            }
            if !best.iter().any(|kept| kept.hit_id == passage.hit_id) {
                best.push(passage);
            }
        }
        if best.is_empty() {
            return Ok(Vec::new());
        }
        // Integers we read from the database: safe to write into the query.
        let ids: Vec<String> = best.iter().map(|p| p.hit_id.to_string()).collect();
        let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE t.id IN ({}) AND {SCOPE_CLAUSE}",
            ids.join(", ")
        ))
        .bind(account_id)
        .bind(requester_id)
        .fetch_all(&self.pool)
        .await?;
        let mut summaries = rows
            .into_iter()
            .map(SummaryRow::into_summary)
            .collect::<StoreResult<Vec<TicketSummary>>>()?;
        Ok(best
            .into_iter()
            .filter_map(|passage| {
                let at = summaries
                    .iter()
                    .position(|s| s.reference.0 == passage.hit_id)?;
                Some(SearchHit {
                    ticket: summaries.swap_remove(at),
                    snippet: snippet_parts(&passage.snippet),
                })
            })
            .collect())
    }
}
