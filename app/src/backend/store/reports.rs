//! Report figures, aggregated in the database over columns kept as tickets change (indexes on
//! filing and resolution times), so they stay quick at a million tickets on either backend.

use sqlx::FromRow;

use super::{Store, StoreResult, parse_stored};
use crate::domain::knowledge::DEFLECTION_GRACE_MS;
use crate::domain::report::{
    AccountUsage, AgeBand, BacklogRow, DAY_MS, Deflections, FOLLOW_UP_WINDOW_MS, FeedbackComment,
    FollowUps, MINUTE_MS, Range, Report, ReportFilter, Satisfaction, TimeStats, bucket_ms,
    percentile_of_minutes,
};
use crate::domain::ticket::{Channel, TicketRef, TicketStatus};

/// Comments a report lists.
const COMMENTS: i64 = 10;
/// Articles the deflection list names.
const TOP_ARTICLES: i64 = 10;

/// The filter on tickets `t`, with `$1`–`$5` bound by [`Cut::bind_as`]; merged duplicates are
/// left out (their survivor counts). A filter that is not set still names its parameter (bound
/// to NULL) but compares no column: `col = $n OR $n IS NULL` would keep SQLite from the index.
struct Cut<'a>(&'a ReportFilter);

impl Cut<'_> {
    fn sql(&self) -> String {
        let filter = self.0;
        let terms = [
            ("account_id", filter.account_id.is_some()),
            ("category_id", filter.category_id.is_some()),
            ("channel", filter.channel.is_some()),
            ("team_id", filter.team_id.is_some()),
            ("assignee_id", filter.agent_id.is_some()),
        ];
        let filters = terms.into_iter().zip(1..).map(|((column, set), n)| {
            if set {
                format!("t.{column} = ${n}")
            } else {
                format!("${n} IS NULL")
            }
        });
        std::iter::once("t.merged_into IS NULL".to_owned())
            .chain(filters)
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    fn bind_as<'q, O>(
        &self,
        query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        query
            .bind(self.0.account_id)
            .bind(self.0.category_id)
            .bind(self.0.channel.map(Channel::as_str))
            .bind(self.0.team_id)
            .bind(self.0.agent_id)
    }
}

#[derive(FromRow)]
struct CountRow {
    bucket: i64,
    count: i64,
}

#[derive(FromRow)]
struct MinuteRow {
    minute: i64,
    count: i64,
    met: i64,
}

#[derive(FromRow)]
struct BacklogCount {
    status: String,
    band: i64,
    count: i64,
}

#[derive(FromRow)]
struct CommentRow {
    ticket_id: i64,
    resolved: i64,
    comment: String,
    changed_at: i64,
}

#[derive(FromRow)]
struct UsageRow {
    account_id: i64,
    account_name: String,
    active_contacts: i64,
    via_portal: i64,
    via_email: i64,
    via_other: i64,
}

impl Store {
    /// The report for `filter` as of `now`.
    pub async fn report(&self, filter: &ReportFilter, now: i64) -> StoreResult<Report> {
        let range = filter.range(now);
        let bucket = bucket_ms(range);
        // Independent reads: asked at once, each on its own pooled connection, so the database
        // works on several side by side (SQLite readers run in parallel beside the writer).
        let (
            volume,
            first_response,
            resolution,
            backlog,
            satisfaction,
            follow_ups,
            usage,
            deflections,
        ) = futures::try_join!(
            self.volume(filter, range, bucket),
            self.time_stats(filter, range, "response_business_ms", "response_target_ms"),
            self.time_stats(
                filter,
                range,
                "resolution_business_ms",
                "resolution_target_ms"
            ),
            self.backlog(filter, now),
            self.satisfaction(filter, range),
            self.follow_ups(filter, range),
            self.usage(filter, range),
            self.deflections(filter, range, now),
        )?;
        Ok(Report {
            range,
            bucket_ms: bucket,
            volume,
            first_response,
            resolution,
            backlog,
            satisfaction,
            follow_ups,
            usage,
            deflections,
        })
    }

    async fn volume(
        &self,
        filter: &ReportFilter,
        range: Range,
        bucket: i64,
    ) -> StoreResult<Vec<i64>> {
        let cut = Cut(filter).sql();
        let rows: Vec<CountRow> = Cut(filter)
            .bind_as(sqlx::query_as(&format!(
                "SELECT (t.created_at - $6) / $8 AS bucket, COUNT(*) AS count FROM tickets t \
                 WHERE {cut} AND t.created_at >= $6 AND t.created_at < $7 GROUP BY bucket"
            )))
            .bind(range.start)
            .bind(range.end)
            .bind(bucket)
            .fetch_all(&self.pool)
            .await?;
        let buckets = usize::try_from((range.end - range.start + bucket - 1) / bucket).unwrap_or(0);
        let mut volume = vec![0; buckets];
        for row in rows {
            if let Some(slot) = usize::try_from(row.bucket)
                .ok()
                .and_then(|i| volume.get_mut(i))
            {
                *slot = row.count;
            }
        }
        Ok(volume)
    }

    /// Median, 90th percentile and attainment of a business-time column, over tickets filed in
    /// the range: one pass that counts them per minute (what leaves the database is at most a
    /// row per distinct minute, not a row per ticket).
    async fn time_stats(
        &self,
        filter: &ReportFilter,
        range: Range,
        measure: &str,
        target: &str,
    ) -> StoreResult<TimeStats> {
        let cut = Cut(filter).sql();
        // Column names come from this file, never from a request.
        let rows: Vec<MinuteRow> = Cut(filter)
            .bind_as(sqlx::query_as(&format!(
                "SELECT t.{measure} / {MINUTE_MS} AS minute, COUNT(*) AS count, \
                        CAST(SUM(CASE WHEN t.{measure} <= t.{target} THEN 1 ELSE 0 END) AS BIGINT) AS met \
                 FROM tickets t WHERE {cut} AND t.created_at >= $6 AND t.created_at < $7 \
                   AND t.{measure} IS NOT NULL GROUP BY minute ORDER BY minute"
            )))
            .bind(range.start)
            .bind(range.end)
            .fetch_all(&self.pool)
            .await?;
        let histogram: Vec<(i64, i64)> = rows.iter().map(|r| (r.minute, r.count)).collect();
        Ok(TimeStats {
            count: rows.iter().map(|r| r.count).sum(),
            median_ms: percentile_of_minutes(&histogram, 50),
            p90_ms: percentile_of_minutes(&histogram, 90),
            met: rows.iter().map(|r| r.met).sum(),
        })
    }

    /// Open tickets now, by status and age band.
    async fn backlog(&self, filter: &ReportFilter, now: i64) -> StoreResult<Vec<BacklogRow>> {
        let cut = Cut(filter).sql();
        let rows: Vec<BacklogCount> = Cut(filter)
            .bind_as(sqlx::query_as(&format!(
                "SELECT t.status, CASE WHEN t.created_at > $6 - {DAY_MS} THEN 0 \
                                       WHEN t.created_at > $6 - {three} THEN 1 \
                                       WHEN t.created_at > $6 - {seven} THEN 2 ELSE 3 END AS band, \
                        COUNT(*) AS count \
                 FROM tickets t WHERE {cut} AND t.status IN ('new', 'in_progress', 'waiting_on_client') \
                 GROUP BY t.status, band",
                three = 3 * DAY_MS,
                seven = 7 * DAY_MS,
            )))
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        let mut backlog: Vec<BacklogRow> = TicketStatus::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(|status| BacklogRow {
                status,
                by_age: [0; 4],
            })
            .collect();
        for row in rows {
            let status: TicketStatus = parse_stored(&row.status, "status")?;
            let band = usize::try_from(row.band).unwrap_or(AgeBand::OverAWeek.index());
            if let Some(line) = backlog.iter_mut().find(|l| l.status == status) {
                line.by_age[band.min(3)] += row.count;
            }
        }
        Ok(backlog)
    }

    /// Answers given in the range (by when they were last given), with the latest comments.
    async fn satisfaction(&self, filter: &ReportFilter, range: Range) -> StoreResult<Satisfaction> {
        let cut = Cut(filter).sql();
        // The ticket is checked per answer, by its key: written as a join, Postgres hashes every
        // ticket to meet a month's answers.
        let answered = format!(
            "FROM ticket_feedback f WHERE f.changed_at >= $6 AND f.changed_at < $7 \
               AND (SELECT 1 FROM tickets t WHERE t.id = f.ticket_id AND {cut}) IS NOT NULL"
        );
        let (resolved, not_resolved): (Option<i64>, Option<i64>) = Cut(filter)
            .bind_as(sqlx::query_as(&format!(
                "SELECT CAST(SUM(f.resolved) AS BIGINT), CAST(SUM(1 - f.resolved) AS BIGINT) {answered}"
            )))
            .bind(range.start)
            .bind(range.end)
            .fetch_one(&self.pool)
            .await?;
        let comments: Vec<CommentRow> = Cut(filter)
            .bind_as(sqlx::query_as(&format!(
                "SELECT f.ticket_id, f.resolved, f.comment, f.changed_at {answered} AND f.comment <> '' \
                 ORDER BY f.changed_at DESC LIMIT $8"
            )))
            .bind(range.start)
            .bind(range.end)
            .bind(COMMENTS)
            .fetch_all(&self.pool)
            .await?;
        Ok(Satisfaction {
            resolved: resolved.unwrap_or(0),
            not_resolved: not_resolved.unwrap_or(0),
            comments: comments
                .into_iter()
                .map(|c| FeedbackComment {
                    reference: TicketRef(c.ticket_id),
                    resolved: c.resolved != 0,
                    comment: c.comment,
                    at: c.changed_at,
                })
                .collect(),
        })
    }

    /// Requests completed in the range, and those with no follow-up: never reopened, and not
    /// followed (see [`Store::recount_follow_ups`]).
    async fn follow_ups(&self, filter: &ReportFilter, range: Range) -> StoreResult<FollowUps> {
        let cut = Cut(filter).sql();
        let (completed, with_follow_up): (i64, Option<i64>) = Cut(filter)
            .bind_as(sqlx::query_as(&format!(
                "SELECT COUNT(*), CAST(SUM(CASE WHEN t.reopened = 1 OR t.followed_up = 1 \
                        THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM tickets t WHERE {cut} AND t.status = 'completed' \
                   AND t.resolved_at >= $6 AND t.resolved_at < $7"
            )))
            .bind(range.start)
            .bind(range.end)
            .fetch_one(&self.pool)
            .await?;
        Ok(FollowUps {
            completed,
            without_follow_up: completed - with_follow_up.unwrap_or(0),
        })
    }

    /// Keeps `followed_up` true of exactly the completed requests that a request from the same
    /// contact on the same category, or one saying it follows them, came after within
    /// [`FOLLOW_UP_WINDOW_MS`] of completion. Run whenever `reference` changed (with its requester,
    /// the request it follows and its filing time, as just read): it may be such a later request
    /// (for the requests before it) or such a completed one (for itself).
    pub(super) async fn recount_follow_ups(
        &self,
        reference: TicketRef,
        requester_id: i64,
        follows: Option<i64>,
        created_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE tickets SET followed_up = CASE WHEN EXISTS (SELECT 1 FROM tickets n \
                 WHERE (n.follows = tickets.id OR (n.requester_id = tickets.requester_id \
                        AND n.category_id = tickets.category_id)) \
                   AND n.created_at > tickets.resolved_at AND n.created_at <= tickets.resolved_at + $5) \
               THEN 1 ELSE 0 END \
             WHERE id = $1 OR id = $2 \
                OR (requester_id = $3 AND resolved_at >= $4 - $5 AND resolved_at < $4)",
        )
        .bind(reference.0)
        .bind(follows)
        .bind(requester_id)
        .bind(created_at)
        .bind(FOLLOW_UP_WINDOW_MS)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Per client company: contacts who filed in the range, and how their requests came in.
    /// Counted per contact, then per company, then named: hashing contacts beats sorting
    /// requests, and each company is looked up once, not once per request.
    async fn usage(&self, filter: &ReportFilter, range: Range) -> StoreResult<Vec<AccountUsage>> {
        let cut = Cut(filter).sql();
        let rows: Vec<UsageRow> = Cut(filter)
            .bind_as(sqlx::query_as(&format!(
                "SELECT u.account_id, a.name AS account_name, u.active_contacts, u.via_portal, \
                        u.via_email, u.via_other \
                 FROM (SELECT c.account_id, COUNT(*) AS active_contacts, \
                         CAST(SUM(c.filed) AS BIGINT) AS filed, CAST(SUM(c.web) AS BIGINT) AS via_portal, \
                         CAST(SUM(c.email) AS BIGINT) AS via_email, \
                         CAST(SUM(c.filed - c.web - c.email) AS BIGINT) AS via_other \
                       FROM (SELECT t.account_id, t.requester_id, COUNT(*) AS filed, \
                               SUM(CASE WHEN t.channel = 'web' THEN 1 ELSE 0 END) AS web, \
                               SUM(CASE WHEN t.channel = 'email' THEN 1 ELSE 0 END) AS email \
                             FROM tickets t WHERE {cut} AND t.created_at >= $6 AND t.created_at < $7 \
                             GROUP BY t.account_id, t.requester_id) c \
                       GROUP BY c.account_id) u \
                 JOIN accounts a ON a.id = u.account_id ORDER BY u.filed DESC, a.name"
            )))
            .bind(range.start)
            .bind(range.end)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| AccountUsage {
                account_id: r.account_id,
                account_name: r.account_name,
                active_contacts: r.active_contacts,
                via_portal: r.via_portal,
                via_email: r.via_email,
                via_other: r.via_other,
            })
            .collect())
    }

    /// Suggestions opened in the range that saved a request (the rule of
    /// [`crate::domain::knowledge::SuggestionOpened::deflected`]), per article. Only the
    /// account filter applies: no request exists to cut by the others.
    async fn deflections(
        &self,
        filter: &ReportFilter,
        range: Range,
        now: i64,
    ) -> StoreResult<Deflections> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT a.title, COUNT(*) FROM kb_suggestion_opens o JOIN kb_articles a ON a.id = o.article_id \
             WHERE o.opened_at >= $1 AND o.opened_at < $2 AND ($3 IS NULL OR o.account_id = $3) \
               AND o.ticket_id IS NULL AND (o.solved_at IS NOT NULL OR o.opened_at <= $4) \
             GROUP BY a.id, a.title ORDER BY COUNT(*) DESC, a.title",
        )
        .bind(range.start)
        .bind(range.end)
        .bind(filter.account_id)
        .bind(now - DEFLECTION_GRACE_MS)
        .fetch_all(&self.pool)
        .await?;
        Ok(Deflections {
            total: rows.iter().map(|(_, n)| n).sum(),
            by_article: rows
                .into_iter()
                .take(usize::try_from(TOP_ARTICLES).unwrap_or(10))
                .collect(),
        })
    }
}
