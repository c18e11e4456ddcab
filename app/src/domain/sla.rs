//! SLA clocks: given a target in business time, when a ticket's clock started, when it was
//! paused (waiting on the client) and whether it is done, where the clock stands now. Pure: the
//! store supplies the history, the timer and the board read the answer.

use serde::{Deserialize, Serialize};

use super::business_time::{Calendar, CalendarError, add_business_time, business_time_between};
use super::ticket::TicketStatus;

/// Where an SLA clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
        (ClockState::Breached, None)
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
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::business_time::Shift;
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
        let day = vec![Shift {
            start_minute: 9 * 60,
            end_minute: 17 * 60,
        }];
        let week = std::array::from_fn(|d| if d < 5 { day.clone() } else { Vec::new() });
        Calendar::new(
            TimeZone::get("Europe/Berlin").unwrap(),
            week,
            BTreeSet::new(),
        )
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
}
