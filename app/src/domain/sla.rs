//! SLA clocks: given a target in business time, when a ticket's clock started, when it was
//! paused (waiting on the client) and whether it is done, where the clock stands now. Pure: the
//! store supplies the history, the timer and the board read the answer.

use serde::{Deserialize, Serialize};

use super::business_time::{Calendar, CalendarError, add_business_time, business_time_between};
use super::ticket::TicketStatus;

/// The tier of every company not put on another (its id in the database).
pub const STANDARD_TIER: i64 = 1;

/// A service tier: its own targets per priority, and the companies on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTier {
    pub id: i64,
    pub name: String,
    pub accounts: Vec<i64>,
}

/// The targets of one priority in one tier, in business minutes, and what a breach does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub tier_id: i64,
    pub priority: super::ticket::Priority,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    /// Warn when this share of a target has passed.
    pub warning_percent: i64,
    /// On a breach, raise the priority one step.
    pub breach_raises_priority: bool,
    /// On a breach, hand the ticket to this team.
    pub breach_team_id: Option<i64>,
}

/// Where an SLA clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ClockState {
    /// Counting, with time to spare.
    Running,
    /// Counting, past the warning share of the target.
    Warning,
    /// Stopped while the ticket waits on the client; resumes where it stood.
    Paused,
    /// Done within the target. Final.
    Met,
    /// Past the target (done late, or still open). Final: a breach is never undone.
    Breached,
}

impl ClockState {
    /// The states a board filters on, with how staff call them.
    pub const FILTERABLE: [(ClockState, &'static str); 4] = [
        (ClockState::Warning, "At risk"),
        (ClockState::Breached, "Missed"),
        (ClockState::Paused, "Paused"),
        (ClockState::Running, "On track"),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Warning => "warning",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
        }
    }
}

impl std::str::FromStr for ClockState {
    type Err = super::ticket::UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            ClockState::Running,
            ClockState::Warning,
            ClockState::Paused,
            ClockState::Met,
            ClockState::Breached,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
        .ok_or_else(|| super::ticket::UnknownName(s.to_owned()))
    }
}

/// Which promise a due time is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    FirstResponse,
    Resolution,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::FirstResponse => "first_response",
            DueKind::Resolution => "resolution",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DueKind::FirstResponse => "First response",
            DueKind::Resolution => "Resolution",
        }
    }
}

impl std::str::FromStr for DueKind {
    type Err = super::ticket::UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [DueKind::FirstResponse, DueKind::Resolution]
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| super::ticket::UnknownName(s.to_owned()))
    }
}

/// A ticket's SLA as stored when it last changed: the state then, the next due instant and when
/// its warning starts. Time moves on between changes; [`SlaMark::state_at`] reads it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaMark {
    pub state: ClockState,
    pub due_at: Option<i64>,
    pub due_kind: Option<DueKind>,
    pub warn_at: Option<i64>,
}

impl SlaMark {
    /// The state at `now`: a running clock warns once past its warning instant and breaches once
    /// past its due instant; paused, met and breached stay as they were.
    pub fn state_at(&self, now: i64) -> ClockState {
        match self.state {
            ClockState::Running | ClockState::Warning => {
                if self.due_at.is_some_and(|due| now >= due) {
                    ClockState::Breached
                } else if self.warn_at.is_some_and(|warn| now >= warn) {
                    ClockState::Warning
                } else {
                    self.state
                }
            }
            settled => settled,
        }
    }
}

/// The SLA targets of a priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub first_response_ms: i64,
    pub resolution_ms: i64,
    pub warning_share_percent: i64,
}

/// What the ticket's history says about its two clocks.
#[derive(Debug, Clone)]
pub struct TicketTimes {
    pub created_at: i64,
    pub first_response_at: Option<i64>,
    /// Set while the ticket is completed.
    pub resolved_at: Option<i64>,
    /// Status changes, oldest first.
    pub history: Vec<(i64, TicketStatus)>,
}

/// Both clocks of a ticket at `now`, folded into what the board stores: the pending promise
/// (first response until it is given, then resolution) and the overall state.
pub fn mark_at(
    times: &TicketTimes,
    targets: Targets,
    now: i64,
    calendar: &Calendar,
) -> Result<SlaMark, CalendarError> {
    let (pauses, paused_since) = pauses_from(&times.history);
    let clock = |target_ms, done_at| ClockInput {
        target_ms,
        started_at: times.created_at,
        done_at,
        pauses: &pauses,
        paused_since,
        warning_share_percent: targets.warning_share_percent,
    };
    let first = clock_at(
        &clock(targets.first_response_ms, times.first_response_at),
        now,
        calendar,
    )?;
    let resolution = clock_at(
        &clock(targets.resolution_ms, times.resolved_at),
        now,
        calendar,
    )?;
    let (pending, kind, target_ms) =
        if times.first_response_at.is_none() && times.resolved_at.is_none() {
            (first, DueKind::FirstResponse, targets.first_response_ms)
        } else {
            (resolution, DueKind::Resolution, targets.resolution_ms)
        };
    let state = if first.state == ClockState::Breached || resolution.state == ClockState::Breached {
        ClockState::Breached
    } else if times.resolved_at.is_some() {
        ClockState::Met
    } else {
        pending.state
    };
    let warn_at = match (pending.state, pending.due_at) {
        (ClockState::Running, Some(_)) => {
            let spare_at_warning = target_ms * (100 - targets.warning_share_percent) / 100;
            Some(add_business_time(
                now,
                pending.remaining_ms - spare_at_warning,
                calendar,
            )?)
        }
        (ClockState::Warning, _) => Some(now),
        _ => None,
    };
    Ok(SlaMark {
        state,
        due_at: pending.due_at,
        due_kind: (times.resolved_at.is_none()).then_some(kind),
        warn_at,
    })
}

/// What reports keep of a ticket's clocks: business time to the first response and to
/// resolution (time waiting on the client left out), and whether it was ever reopened after
/// being completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Measured {
    pub response_ms: Option<i64>,
    pub resolution_ms: Option<i64>,
    pub reopened: bool,
}

pub fn measured(times: &TicketTimes, calendar: &Calendar) -> Result<Measured, CalendarError> {
    let (pauses, _) = pauses_from(&times.history);
    let since_filed = |at: i64| business_time_between(times.created_at, at, calendar, &pauses);
    Ok(Measured {
        response_ms: times.first_response_at.map(since_filed).transpose()?,
        resolution_ms: times.resolved_at.map(since_filed).transpose()?,
        reopened: times.history.windows(2).any(|pair| {
            pair[0].1 == TicketStatus::Completed && pair[1].1 != TicketStatus::Completed
        }),
    })
}

/// The first-response promise as a client reads it: "within 1 business hour", "within 4 business
/// hours", "within 1 business day" (8 business hours), "within 2 business days".
pub fn response_promise(target_ms: i64) -> String {
    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 8 * HOUR;
    match target_ms {
        ms if ms <= HOUR => "within 1 business hour".to_owned(),
        ms if ms % DAY == 0 && ms / DAY == 1 => "within 1 business day".to_owned(),
        ms if ms % DAY == 0 => format!("within {} business days", ms / DAY),
        ms => format!("within {} business hours", (ms + HOUR - 1) / HOUR),
    }
}

/// An SLA clock at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClock {
    pub state: ClockState,
    /// Business time left (negative: overdue by that much).
    pub remaining_ms: i64,
    /// When it will breach if nothing changes; `None` while paused, done or already breached.
    pub due_at: Option<i64>,
}

/// The share of the target after which a running clock warns, unless configured otherwise.
pub const DEFAULT_WARNING_SHARE_PERCENT: i64 = 80;

/// What the clock needs to know about a ticket.
#[derive(Debug, Clone, Copy)]
pub struct ClockInput<'a> {
    pub target_ms: i64,
    pub started_at: i64,
    /// When the measured thing happened (first response sent, ticket completed).
    pub done_at: Option<i64>,
    /// Closed pauses, and the one still open (waiting on the client since then).
    pub pauses: &'a [(i64, i64)],
    pub paused_since: Option<i64>,
    pub warning_share_percent: i64,
}

/// Where the clock stands at `now`.
pub fn clock_at(
    input: &ClockInput<'_>,
    now: i64,
    calendar: &Calendar,
) -> Result<SlaClock, CalendarError> {
    let until = input.done_at.unwrap_or(now);
    let mut pauses = input.pauses.to_vec();
    if let Some(since) = input.paused_since.filter(|_| input.done_at.is_none()) {
        pauses.push((since, now));
    }
    let used = business_time_between(input.started_at, until, calendar, &pauses)?;
    let remaining_ms = input.target_ms - used;
    let (state, due_at) = if input.done_at.is_some() {
        let state = if remaining_ms >= 0 {
            ClockState::Met
        } else {
            ClockState::Breached
        };
        (state, None)
    } else if remaining_ms <= 0 {
        (ClockState::Breached, Some(breached_at(input, calendar)?))
    } else if input.paused_since.is_some() {
        (ClockState::Paused, None)
    } else {
        let warning = used * 100 >= input.target_ms * input.warning_share_percent;
        let state = if warning {
            ClockState::Warning
        } else {
            ClockState::Running
        };
        (state, Some(add_business_time(now, remaining_ms, calendar)?))
    };
    Ok(SlaClock {
        state,
        remaining_ms,
        due_at,
    })
}

/// When a clock that is past its target ran out: its target of business time, counted from its
/// start and skipping its pauses (a clock only runs out while running, so before any pause
/// still going on).
fn breached_at(input: &ClockInput<'_>, calendar: &Calendar) -> Result<i64, CalendarError> {
    let mut pauses = input.pauses.to_vec();
    pauses.sort_unstable();
    let (mut at, mut left) = (input.started_at, input.target_ms);
    for (from, to) in pauses {
        if to <= at {
            continue;
        }
        let before_pause = business_time_between(at, from.max(at), calendar, &[])?;
        if before_pause >= left {
            break;
        }
        left -= before_pause;
        at = to;
    }
    add_business_time(at, left, calendar)
}

/// The pauses in a ticket's status history (oldest first): every stretch spent waiting on the
/// client, and when the current one began if it is waiting now.
pub fn pauses_from(history: &[(i64, TicketStatus)]) -> (Vec<(i64, i64)>, Option<i64>) {
    let mut pauses = Vec::new();
    let mut waiting_since = None;
    for &(at, status) in history {
        match (status == TicketStatus::WaitingOnClient, waiting_since) {
            (true, None) => waiting_since = Some(at),
            (false, Some(since)) => {
                pauses.push((since, at));
                waiting_since = None;
            }
            _ => {}
        }
    }
    (pauses, waiting_since)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::business_time::CalendarSpec;
    use jiff::civil::date;
    use jiff::tz::TimeZone;
    use proptest::prelude::*;

    const HOUR: i64 = 3_600_000;

    fn berlin(m: i8, d: i8, h: i8) -> i64 {
        date(2026, m, d)
            .at(h, 0, 0, 0)
            .to_zoned(TimeZone::get("Europe/Berlin").unwrap())
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    fn office() -> Calendar {
        CalendarSpec::office_hours("Europe/Berlin")
            .calendar()
            .unwrap()
    }

    fn input(target_ms: i64, started_at: i64) -> ClockInput<'static> {
        ClockInput {
            target_ms,
            started_at,
            done_at: None,
            pauses: &[],
            paused_since: None,
            warning_share_percent: DEFAULT_WARNING_SHARE_PERCENT,
        }
    }

    #[test]
    fn a_clock_runs_warns_and_breaches_in_business_hours() {
        let cal = office();
        // Tue 1 Dec 2026 9:00, 4 business hours.
        let start = berlin(12, 1, 9);
        let clock = clock_at(&input(4 * HOUR, start), berlin(12, 1, 10), &cal).unwrap();
        assert_eq!(clock.state, ClockState::Running);
        assert_eq!(clock.due_at, Some(berlin(12, 1, 13)));
        let warned = clock_at(&input(4 * HOUR, start), start + 3 * HOUR + HOUR / 5, &cal).unwrap();
        assert_eq!(warned.state, ClockState::Warning, "past 80 %");
        let late = clock_at(&input(4 * HOUR, start), berlin(12, 1, 15), &cal).unwrap();
        assert_eq!(late.state, ClockState::Breached);
        assert_eq!(late.remaining_ms, -2 * HOUR);
        assert_eq!(late.due_at, Some(berlin(12, 1, 13)), "when it ran out");
    }

    #[test]
    fn waiting_on_the_client_pauses_and_never_resets() {
        let cal = office();
        let start = berlin(12, 1, 9);
        // Worked 9–11, waiting since 11:00: at 16:00 two hours are still left, paused.
        let waiting = ClockInput {
            paused_since: Some(berlin(12, 1, 11)),
            ..input(4 * HOUR, start)
        };
        let paused = clock_at(&waiting, berlin(12, 1, 16), &cal).unwrap();
        assert_eq!(
            (paused.state, paused.remaining_ms, paused.due_at),
            (ClockState::Paused, 2 * HOUR, None)
        );
        // The client answers Wed 2 Dec 10:00: due at 12:00.
        let waited = [(berlin(12, 1, 11), berlin(12, 2, 10))];
        let resumed = ClockInput {
            pauses: &waited,
            ..input(4 * HOUR, start)
        };
        let clock = clock_at(&resumed, berlin(12, 2, 10), &cal).unwrap();
        assert_eq!(clock.due_at, Some(berlin(12, 2, 12)));
    }

    #[test]
    fn done_clocks_are_final() {
        let cal = office();
        let start = berlin(12, 1, 9);
        let met = ClockInput {
            done_at: Some(berlin(12, 1, 12)),
            ..input(4 * HOUR, start)
        };
        assert_eq!(
            clock_at(&met, berlin(12, 9, 9), &cal).unwrap().state,
            ClockState::Met
        );
        let late = ClockInput {
            done_at: Some(berlin(12, 2, 12)),
            ..input(4 * HOUR, start)
        };
        assert_eq!(
            clock_at(&late, berlin(12, 2, 12), &cal).unwrap().state,
            ClockState::Breached
        );
    }

    #[test]
    fn the_board_mark_follows_first_response_then_resolution() {
        use TicketStatus::*;
        let cal = office();
        let targets = Targets {
            first_response_ms: HOUR,
            resolution_ms: 8 * HOUR,
            warning_share_percent: 80,
        };
        let created = berlin(12, 1, 9);
        let mut times = TicketTimes {
            created_at: created,
            first_response_at: None,
            resolved_at: None,
            history: vec![(created, New)],
        };
        let mark = mark_at(&times, targets, created, &cal).unwrap();
        assert_eq!(
            (mark.state, mark.due_kind, mark.due_at),
            (
                ClockState::Running,
                Some(DueKind::FirstResponse),
                Some(berlin(12, 1, 10))
            )
        );
        assert_eq!(mark.warn_at, Some(created + 48 * 60_000), "80 % of an hour");
        assert_eq!(mark.state_at(created + 50 * 60_000), ClockState::Warning);
        assert_eq!(mark.state_at(berlin(12, 1, 10)), ClockState::Breached);

        times.first_response_at = Some(created + 30 * 60_000);
        times.history.push((created + 30 * 60_000, InProgress));
        let mark = mark_at(&times, targets, created + 30 * 60_000, &cal).unwrap();
        assert_eq!(
            (mark.due_kind, mark.due_at),
            (Some(DueKind::Resolution), Some(berlin(12, 1, 17)))
        );

        times.history.push((berlin(12, 1, 12), WaitingOnClient));
        let mark = mark_at(&times, targets, berlin(12, 1, 12), &cal).unwrap();
        assert_eq!((mark.state, mark.due_at), (ClockState::Paused, None));
        assert_eq!(
            mark.state_at(berlin(12, 20, 12)),
            ClockState::Paused,
            "paused clocks never breach"
        );

        times.history.push((berlin(12, 2, 9), Completed));
        times.resolved_at = Some(berlin(12, 2, 9));
        let mark = mark_at(&times, targets, berlin(12, 2, 9), &cal).unwrap();
        assert_eq!((mark.state, mark.due_kind), (ClockState::Met, None));
    }

    #[test]
    fn waiting_over_a_weekend_and_a_holiday_moves_resolution_exactly() {
        use TicketStatus::*;
        // Monday 21 December 2026 is a holiday.
        let spec = CalendarSpec {
            holidays: vec!["2026-12-21".to_owned()],
            ..CalendarSpec::office_hours("Europe/Berlin")
        };
        let cal = spec.calendar().unwrap();
        let targets = Targets {
            first_response_ms: HOUR,
            resolution_ms: 16 * HOUR,
            warning_share_percent: 80,
        };
        // Filed Thu 17 Dec 9:00, answered 10:00; Thursday's 8 and Friday morning's 4 working
        // hours pass, then it waits on the client from Fri 13:00.
        let created = berlin(12, 17, 9);
        let mut times = TicketTimes {
            created_at: created,
            first_response_at: Some(berlin(12, 17, 10)),
            resolved_at: None,
            history: vec![
                (created, New),
                (berlin(12, 17, 10), InProgress),
                (berlin(12, 18, 13), WaitingOnClient),
            ],
        };
        let waiting = mark_at(&times, targets, berlin(12, 21, 11), &cal).unwrap();
        assert_eq!((waiting.state, waiting.due_at), (ClockState::Paused, None));
        // The client answers on the holiday at 11:00: the 4 hours left start Tuesday 9:00.
        times.history.push((berlin(12, 21, 11), InProgress));
        let resumed = mark_at(&times, targets, berlin(12, 21, 11), &cal).unwrap();
        assert_eq!(resumed.state, ClockState::Running);
        assert_eq!(resumed.due_kind, Some(DueKind::Resolution));
        assert_eq!(resumed.due_at, Some(berlin(12, 22, 13)));
        // Warned when 80 % of 16 h (12.8 h) has passed: 0.8 h into Tuesday.
        assert_eq!(resumed.warn_at, Some(berlin(12, 22, 9) + 48 * 60_000));
    }

    #[test]
    fn promises_read_naturally() {
        assert_eq!(response_promise(HOUR), "within 1 business hour");
        assert_eq!(response_promise(4 * HOUR), "within 4 business hours");
        assert_eq!(response_promise(8 * HOUR), "within 1 business day");
        assert_eq!(response_promise(16 * HOUR), "within 2 business days");
        assert_eq!(response_promise(90 * 60_000), "within 2 business hours");
    }

    #[test]
    fn pauses_come_from_the_status_history() {
        use TicketStatus::*;
        let history = [
            (1, New),
            (2, InProgress),
            (3, WaitingOnClient),
            (5, InProgress),
            (8, WaitingOnClient),
        ];
        assert_eq!(pauses_from(&history), (vec![(3, 5)], Some(8)));
        assert_eq!(
            pauses_from(&[(1, WaitingOnClient), (4, Completed)]),
            (vec![(1, 4)], None)
        );
    }

    proptest! {
        #[test]
        fn pausing_never_brings_a_breach_closer(offset in 0i64..(200 * HOUR), pause in 0i64..(100 * HOUR), length in 0i64..(50 * HOUR)) {
            let cal = office();
            let start = berlin(12, 1, 9);
            let now = start + offset;
            let plain = clock_at(&input(8 * HOUR, start), now, &cal).unwrap();
            let waited = [(start + pause, start + pause + length)];
            let with_pause = clock_at(&ClockInput { pauses: &waited, ..input(8 * HOUR, start) }, now, &cal).unwrap();
            prop_assert!(with_pause.remaining_ms >= plain.remaining_ms);
        }

        #[test]
        fn a_breach_is_dated_when_the_target_ran_out(pause in 0i64..(20 * HOUR), length in 0i64..(80 * HOUR)) {
            let cal = office();
            let start = berlin(12, 1, 9);
            let waited = [(start + pause, start + pause + length)];
            let clock = ClockInput { pauses: &waited, ..input(8 * HOUR, start) };
            let late = clock_at(&clock, start + 400 * HOUR, &cal).unwrap();
            prop_assert_eq!(late.state, ClockState::Breached);
            let breached = late.due_at.unwrap();
            prop_assert_eq!(business_time_between(start, breached, &cal, &waited).unwrap(), 8 * HOUR);
            let just_before = clock_at(&clock, breached - 60_000, &cal).unwrap();
            prop_assert!(just_before.state != ClockState::Breached, "not breached a minute before");
        }

        #[test]
        fn history_pauses_are_ordered_and_disjoint(steps in prop::collection::vec((1i64..100, 0usize..4), 0..20)) {
            let mut at = 0;
            let history: Vec<(i64, TicketStatus)> = steps
                .into_iter()
                .map(|(gap, s)| { at += gap; (at, TicketStatus::ALL[s]) })
                .collect();
            let (pauses, open) = pauses_from(&history);
            let mut reach = i64::MIN;
            for (from, to) in &pauses {
                prop_assert!(reach <= *from && from < to);
                reach = *to;
            }
            if let Some(since) = open {
                prop_assert!(reach <= since);
            }
        }
    }

    #[test]
    fn reports_measure_business_time_without_waiting_and_see_reopens() {
        let calendar = CalendarSpec::office_hours("Europe/Berlin")
            .calendar()
            .unwrap();
        // Filed Monday 16:00; answered Tuesday 10:00 (2 business hours); waiting on the client
        // Tuesday 11:00–Wednesday 11:00; completed Wednesday 12:00, reopened, completed 13:00.
        let times = TicketTimes {
            created_at: berlin(11, 23, 16),
            first_response_at: Some(berlin(11, 24, 10)),
            resolved_at: Some(berlin(11, 25, 13)),
            history: vec![
                (berlin(11, 23, 16), TicketStatus::New),
                (berlin(11, 24, 10), TicketStatus::InProgress),
                (berlin(11, 24, 11), TicketStatus::WaitingOnClient),
                (berlin(11, 25, 11), TicketStatus::InProgress),
                (berlin(11, 25, 12), TicketStatus::Completed),
                (berlin(11, 25, 12), TicketStatus::InProgress),
                (berlin(11, 25, 13), TicketStatus::Completed),
            ],
        };
        let kept = measured(&times, &calendar).unwrap();
        assert_eq!(kept.response_ms, Some(2 * HOUR));
        // Mon 16–17 (1 h) + Tue 9–11 (2 h) + Wed 11–13 (2 h).
        assert_eq!(kept.resolution_ms, Some(5 * HOUR));
        assert!(kept.reopened);
        let plain = TicketTimes {
            first_response_at: None,
            resolved_at: None,
            history: vec![(berlin(11, 23, 16), TicketStatus::New)],
            ..times
        };
        assert_eq!(measured(&plain, &calendar).unwrap(), Measured::default());
    }
}
