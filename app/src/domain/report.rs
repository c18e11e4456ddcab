//! Reports: what they are cut by, how their figures are computed from counts, and how a table
//! is written as CSV that a spreadsheet cannot mistake for a formula.

use serde::{Deserialize, Serialize};

use super::ticket::Channel;
use super::validation::{format_date, parse_date};

pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// A request after a completed one counts as its follow-up within this long (7 days).
pub const FOLLOW_UP_WINDOW_MS: i64 = 7 * DAY_MS;
/// Reports cover the last 30 days unless told otherwise.
pub const DEFAULT_RANGE_DAYS: i64 = 30;
/// The longest range a report covers (two years), so a typo cannot ask for a century.
pub const MAX_RANGE_DAYS: i64 = 731;

/// What a report is cut by. Dates are whole UTC days: `from` inclusive, `to` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportFilter {
    /// The first day, as milliseconds at its start.
    pub from: Option<i64>,
    /// The last day, as milliseconds at its start.
    pub to: Option<i64>,
    pub account_id: Option<i64>,
    pub category_id: Option<i64>,
    pub channel: Option<Channel>,
    pub team_id: Option<i64>,
    pub agent_id: Option<i64>,
}

/// A filter's range as half-open instants `[start, end)`, the defaults filled in from `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub start: i64,
    pub end: i64,
}

impl Range {
    pub fn days(self) -> i64 {
        (self.end - self.start) / DAY_MS
    }
}

impl ReportFilter {
    /// Reads an address-bar query (`from=2026-11-01&to=2026-11-30&account=3`); unknown keys and
    /// bad values are ignored.
    pub fn from_query(query: &str) -> ReportFilter {
        let mut filter = ReportFilter::default();
        for pair in query.trim_start_matches('?').split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            match key {
                "from" => filter.from = parse_date(value).ok(),
                "to" => filter.to = parse_date(value).ok(),
                "account" => filter.account_id = value.parse().ok(),
                "category" => filter.category_id = value.parse().ok(),
                "channel" => filter.channel = value.parse().ok(),
                "team" => filter.team_id = value.parse().ok(),
                "agent" => filter.agent_id = value.parse().ok(),
                _ => {}
            }
        }
        filter
    }

    /// The filter as a query, in a fixed order (for links such as the CSV export).
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        let mut push = |key: &str, value: Option<String>| {
            if let Some(value) = value {
                pairs.push(format!("{key}={value}"));
            }
        };
        push("from", self.from.map(format_date));
        push("to", self.to.map(format_date));
        push("account", self.account_id.map(|v| v.to_string()));
        push("category", self.category_id.map(|v| v.to_string()));
        push("channel", self.channel.map(|c| c.as_str().to_owned()));
        push("team", self.team_id.map(|v| v.to_string()));
        push("agent", self.agent_id.map(|v| v.to_string()));
        pairs.join("&")
    }

    /// The days covered: as given, else the last [`DEFAULT_RANGE_DAYS`] up to today; a reversed
    /// range is put the right way round and a long one is cut to [`MAX_RANGE_DAYS`].
    pub fn range(&self, now: i64) -> Range {
        let today = now.div_euclid(DAY_MS) * DAY_MS;
        let last = self.to.unwrap_or(today);
        let first = self
            .from
            .unwrap_or(last - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
        let (first, last) = (first.min(last), first.max(last));
        let first = first.max(last - (MAX_RANGE_DAYS - 1) * DAY_MS);
        Range {
            start: first,
            end: last + DAY_MS,
        }
    }
}

/// Median and 90th percentile of a business-time measure, and how many met their target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TimeStats {
    /// Tickets measured.
    pub count: i64,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    /// Measured within their target.
    pub met: i64,
}

/// Open tickets of one status, by how long ago they were filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BacklogRow {
    pub status: super::ticket::TicketStatus,
    /// Counts per [`AgeBand::ALL`].
    pub by_age: [i64; 4],
}

/// An answer to "Was this resolved?" with a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackComment {
    pub reference: super::ticket::TicketRef,
    pub resolved: bool,
    pub comment: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Satisfaction {
    pub resolved: i64,
    pub not_resolved: i64,
    /// The latest comments, newest first.
    pub comments: Vec<FeedbackComment>,
}

/// Requests completed in the range, and those neither reopened nor followed by a request from
/// the same contact on the same topic within [`FOLLOW_UP_WINDOW_MS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FollowUps {
    pub completed: i64,
    pub without_follow_up: i64,
}

/// How one client company used Frontdoor in the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountUsage {
    pub account_id: i64,
    pub account_name: String,
    /// Contacts who filed or answered anything.
    pub active_contacts: i64,
    pub via_portal: i64,
    pub via_email: i64,
    /// Filed by staff for them, by chat or through the API.
    pub via_other: i64,
}

/// Requests the knowledge base saved, per article (most first).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Deflections {
    pub total: i64,
    pub by_article: Vec<(String, i64)>,
}

/// Everything one report shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub range: Range,
    /// Each volume bar's width: a day or a week.
    pub bucket_ms: i64,
    /// Requests filed per bucket, from the range's start (empty buckets included).
    pub volume: Vec<i64>,
    pub first_response: TimeStats,
    pub resolution: TimeStats,
    pub backlog: Vec<BacklogRow>,
    pub satisfaction: Satisfaction,
    pub follow_ups: FollowUps,
    pub usage: Vec<AccountUsage>,
    pub deflections: Deflections,
}

/// The tables a report shows (under its charts) and exports as CSV; the first row names the
/// columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportTable {
    Volume,
    Times,
    Backlog,
    Satisfaction,
    Usage,
    Deflections,
}

impl ReportTable {
    pub const ALL: [ReportTable; 6] = [
        ReportTable::Volume,
        ReportTable::Times,
        ReportTable::Backlog,
        ReportTable::Satisfaction,
        ReportTable::Usage,
        ReportTable::Deflections,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportTable::Volume => "volume",
            ReportTable::Times => "times",
            ReportTable::Backlog => "backlog",
            ReportTable::Satisfaction => "satisfaction",
            ReportTable::Usage => "usage",
            ReportTable::Deflections => "deflections",
        }
    }

    pub fn parse(text: &str) -> Option<ReportTable> {
        ReportTable::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The table's header and rows, durations written by `duration` (the CSV's plain text, or the
    /// screen's, which keeps a number with its unit).
    pub fn rows(self, report: &Report, duration: fn(i64) -> String) -> Vec<Vec<String>> {
        let text = |v: i64| v.to_string();
        let time = |v: Option<i64>| v.map(duration).unwrap_or_default();
        let percent = |part, whole| {
            share_percent(part, whole)
                .map(|p| format!("{p}%"))
                .unwrap_or_default()
        };
        let header = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let mut rows = Vec::new();
        match self {
            ReportTable::Volume => {
                rows.push(header(&["Period starting", "Requests filed"]));
                for (i, count) in (0i64..).zip(&report.volume) {
                    rows.push(vec![
                        format_date(report.range.start + i * report.bucket_ms),
                        text(*count),
                    ]);
                }
            }
            ReportTable::Times => {
                rows.push(header(&[
                    "Measure",
                    "Requests",
                    "Median",
                    "90th percentile",
                    "Within target",
                ]));
                for (name, stats) in [
                    ("First response", report.first_response),
                    ("Resolution", report.resolution),
                ] {
                    rows.push(vec![
                        name.to_owned(),
                        text(stats.count),
                        time(stats.median_ms),
                        time(stats.p90_ms),
                        percent(stats.met, stats.count),
                    ]);
                }
                let follow = report.follow_ups;
                rows.push(vec![
                    "Resolved without follow-up".to_owned(),
                    text(follow.completed),
                    String::new(),
                    String::new(),
                    percent(follow.without_follow_up, follow.completed),
                ]);
            }
            ReportTable::Backlog => {
                let mut head = vec!["Status".to_owned()];
                head.extend(AgeBand::ALL.iter().map(|b| b.label().to_owned()));
                head.push("Total".to_owned());
                rows.push(head);
                for line in &report.backlog {
                    let mut row = vec![line.status.label().to_owned()];
                    row.extend(line.by_age.iter().map(|n| text(*n)));
                    row.push(text(line.by_age.iter().sum()));
                    rows.push(row);
                }
            }
            ReportTable::Satisfaction => {
                rows.push(header(&["Request", "Resolved", "Comment", "Answered"]));
                for c in &report.satisfaction.comments {
                    rows.push(vec![
                        c.reference.to_string(),
                        if c.resolved { "Yes" } else { "No" }.to_owned(),
                        c.comment.clone(),
                        format_date(c.at),
                    ]);
                }
            }
            ReportTable::Usage => {
                rows.push(header(&[
                    "Company",
                    "Active contacts",
                    "Via portal",
                    "Via email",
                    "Other",
                ]));
                for u in &report.usage {
                    rows.push(vec![
                        u.account_name.clone(),
                        text(u.active_contacts),
                        text(u.via_portal),
                        text(u.via_email),
                        text(u.via_other),
                    ]);
                }
            }
            ReportTable::Deflections => {
                rows.push(header(&["Article", "Requests saved"]));
                for (title, count) in &report.deflections.by_article {
                    rows.push(vec![title.clone(), text(*count)]);
                }
            }
        }
        rows
    }
}

/// How a volume chart groups days: by day for up to three months, else by week.
pub fn bucket_ms(range: Range) -> i64 {
    if range.days() <= 92 {
        DAY_MS
    } else {
        7 * DAY_MS
    }
}

/// The 0-based position of the `percent`th percentile among `count` sorted values (nearest
/// rank): the median of 4 values is the 2nd, their 90th percentile the 4th.
pub fn percentile_offset(count: i64, percent: i64) -> Option<i64> {
    if count <= 0 {
        return None;
    }
    let rank = (count * percent + 99) / 100;
    Some(rank.clamp(1, count) - 1)
}

/// Business times are counted to the minute in reports.
pub const MINUTE_MS: i64 = 60_000;

/// The `percent`th percentile (nearest rank) of values counted per whole minute — `(minute,
/// count)` pairs in ascending order, as the database groups them — in milliseconds.
pub fn percentile_of_minutes(histogram: &[(i64, i64)], percent: i64) -> Option<i64> {
    let total = histogram.iter().map(|(_, count)| count).sum();
    let offset = percentile_offset(total, percent)?;
    let mut seen = 0;
    histogram.iter().find_map(|&(minute, count)| {
        seen += count;
        (seen > offset).then_some(minute * MINUTE_MS)
    })
}

/// `part` of `whole` as a whole percentage, `None` when there is nothing to divide.
pub fn share_percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

/// Business time as people read it: "45 min", "3.5 h", "2.1 business days" (8 hours).
pub fn business_duration(ms: i64) -> String {
    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;
    const BUSINESS_DAY: i64 = 8 * HOUR;
    if ms < HOUR {
        format!("{} min", (ms + MINUTE / 2) / MINUTE)
    } else if ms < 2 * BUSINESS_DAY {
        format!("{:.1} h", ms as f64 / HOUR as f64)
    } else {
        format!("{:.1} business days", ms as f64 / BUSINESS_DAY as f64)
    }
}

/// How long a ticket has been open, in the bands the backlog is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgeBand {
    UnderADay,
    OneToThreeDays,
    ThreeToSevenDays,
    OverAWeek,
}

impl AgeBand {
    pub const ALL: [AgeBand; 4] = [
        AgeBand::UnderADay,
        AgeBand::OneToThreeDays,
        AgeBand::ThreeToSevenDays,
        AgeBand::OverAWeek,
    ];

    /// The band of a ticket filed `age_ms` ago.
    pub fn of(age_ms: i64) -> AgeBand {
        match age_ms {
            ms if ms < DAY_MS => AgeBand::UnderADay,
            ms if ms < 3 * DAY_MS => AgeBand::OneToThreeDays,
            ms if ms < 7 * DAY_MS => AgeBand::ThreeToSevenDays,
            _ => AgeBand::OverAWeek,
        }
    }

    /// Its position in [`AgeBand::ALL`].
    pub fn index(self) -> usize {
        AgeBand::ALL.iter().position(|b| *b == self).unwrap_or(0)
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeBand::UnderADay => "< 1 day",
            AgeBand::OneToThreeDays => "1–3 days",
            AgeBand::ThreeToSevenDays => "3–7 days",
            AgeBand::OverAWeek => "> 7 days",
        }
    }
}

/// A CSV cell as written: quoted when needed, and a cell a spreadsheet would run as a formula
/// (starting `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'` so it stays text.
pub fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Rows of cells as CSV (CRLF line ends, as RFC 4180 has them).
pub fn csv(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const NOV_26: i64 = 1_795_651_200_000; // 2026-11-26T00:00:00Z

    #[test]
    fn ranges_default_to_the_last_30_days_and_are_put_in_order() {
        let now = NOV_26 + 15 * 3_600_000;
        let range = ReportFilter::default().range(now);
        assert_eq!(range.end, NOV_26 + DAY_MS);
        assert_eq!(range.days(), 30);
        let reversed = ReportFilter {
            from: Some(NOV_26),
            to: Some(NOV_26 - 2 * DAY_MS),
            ..ReportFilter::default()
        };
        assert_eq!(
            reversed.range(now),
            Range {
                start: NOV_26 - 2 * DAY_MS,
                end: NOV_26 + DAY_MS
            }
        );
        let century = ReportFilter {
            from: Some(0),
            ..ReportFilter::default()
        };
        assert_eq!(century.range(now).days(), MAX_RANGE_DAYS);
    }

    #[test]
    fn filters_read_back_what_they_write() {
        let filter = ReportFilter::from_query(
            "from=2026-11-01&to=2026-11-26&account=3&channel=email&agent=7&x=1",
        );
        assert_eq!(filter.account_id, Some(3));
        assert_eq!(filter.channel, Some(Channel::Email));
        assert_eq!(ReportFilter::from_query(&filter.to_query()), filter);
        assert_eq!(ReportFilter::from_query("from=yesterday").from, None);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        assert_eq!(percentile_offset(0, 50), None);
        assert_eq!(percentile_offset(1, 90), Some(0));
        assert_eq!(percentile_offset(4, 50), Some(1));
        assert_eq!(percentile_offset(4, 90), Some(3));
        assert_eq!(percentile_offset(10, 90), Some(8));
        assert_eq!(percentile_offset(10, 50), Some(4));
    }

    #[test]
    fn shares_and_durations_read_well() {
        assert_eq!(share_percent(2, 3), Some(67));
        assert_eq!(share_percent(0, 0), None);
        assert_eq!(business_duration(30 * 60_000), "30 min");
        assert_eq!(business_duration(3 * 3_600_000 + 30 * 60_000), "3.5 h");
        assert_eq!(business_duration(20 * 3_600_000), "2.5 business days");
    }

    #[test]
    fn the_times_table_writes_durations_as_asked() {
        let stats = TimeStats {
            count: 2,
            median_ms: Some(45 * 60_000),
            p90_ms: Some(3 * 3_600_000),
            met: 1,
        };
        let report = Report {
            range: Range {
                start: NOV_26,
                end: NOV_26 + DAY_MS,
            },
            bucket_ms: DAY_MS,
            volume: vec![2],
            first_response: stats,
            resolution: TimeStats::default(),
            backlog: Vec::new(),
            satisfaction: Satisfaction::default(),
            follow_ups: FollowUps::default(),
            usage: Vec::new(),
            deflections: Deflections::default(),
        };
        let first_response = |duration| ReportTable::Times.rows(&report, duration)[1].clone();
        assert_eq!(
            first_response(business_duration),
            ["First response", "2", "45 min", "3.0 h", "50%"]
        );
        assert_eq!(
            first_response(|ms| business_duration(ms).replace(' ', "\u{a0}"))[2..4],
            ["45\u{a0}min", "3.0\u{a0}h"]
        );
        // Nothing measured: empty cells, whichever way durations are written.
        assert_eq!(
            ReportTable::Times.rows(&report, business_duration)[2][2..4],
            ["", ""]
        );
    }

    #[test]
    fn backlog_ages_fall_in_bands() {
        assert_eq!(AgeBand::of(0), AgeBand::UnderADay);
        assert_eq!(AgeBand::of(DAY_MS), AgeBand::OneToThreeDays);
        assert_eq!(AgeBand::of(6 * DAY_MS), AgeBand::ThreeToSevenDays);
        assert_eq!(AgeBand::of(30 * DAY_MS), AgeBand::OverAWeek);
    }

    #[test]
    fn formula_cells_stay_text() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("plain, text"), "\"plain, text\"");
        assert_eq!(csv(&[vec!["a".into(), "b".into()]]), "a,b\r\n");
    }

    proptest! {
        #[test]
        fn no_cell_starts_a_formula(value in "\\PC{0,40}") {
            let cell = csv_cell(&value);
            let unquoted = cell.strip_prefix('"').unwrap_or(&cell);
            prop_assert!(!unquoted.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }

        #[test]
        fn percentiles_of_a_histogram_match_the_sorted_values(
            mut minutes in prop::collection::vec(0i64..5_000, 1..200),
            percent in 1i64..=100,
        ) {
            minutes.sort_unstable();
            let mut histogram: Vec<(i64, i64)> = Vec::new();
            for &minute in &minutes {
                match histogram.last_mut() {
                    Some((last, count)) if *last == minute => *count += 1,
                    _ => histogram.push((minute, 1)),
                }
            }
            let offset = percentile_offset(minutes.len() as i64, percent).unwrap();
            prop_assert_eq!(
                percentile_of_minutes(&histogram, percent),
                Some(minutes[usize::try_from(offset).unwrap()] * MINUTE_MS)
            );
        }

        #[test]
        fn percentile_offsets_are_in_bounds(count in 1i64..100_000, percent in 1i64..=100) {
            let offset = percentile_offset(count, percent).unwrap();
            prop_assert!((0..count).contains(&offset));
        }
    }
}
