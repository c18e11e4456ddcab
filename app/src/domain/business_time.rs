//! Business time: how much working time lies between two instants, and when a duration of working
//! time, started at some instant, runs out. Pure (no I/O): the calendar carries its time zone.
//!
//! Working hours are written in the calendar's local time (09:00–12:30 and 13:30–17:00 on a split
//! day); holidays are local dates. Across a daylight-saving change an interval lasts what the
//! clocks on the wall say it lasts: a 01:00–04:00 shift on the night the clocks jump forward is
//! two real hours of work.

use std::collections::BTreeSet;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// One working interval of a day, in minutes after local midnight (`0..=1440`, start < end).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Shift {
    pub start_minute: u16,
    pub end_minute: u16,
}

/// Working hours, holidays and the time zone they are read in.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub time_zone: TimeZone,
    /// Monday first; each day's shifts in order and not overlapping.
    pub week: [Vec<Shift>; 7],
    pub holidays: BTreeSet<Date>,
}

/// A calendar as it is stored and edited: a time zone name, shifts per weekday (Monday first)
/// and holidays as `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CalendarSpec {
    pub time_zone: String,
    pub week: [Vec<Shift>; 7],
    pub holidays: Vec<String>,
}

impl CalendarSpec {
    /// Monday to Friday, 9:00 to 17:00, in `time_zone`.
    pub fn office_hours(time_zone: &str) -> CalendarSpec {
        let day = vec![Shift {
            start_minute: 9 * 60,
            end_minute: 17 * 60,
        }];
        CalendarSpec {
            time_zone: time_zone.to_owned(),
            week: std::array::from_fn(|d| if d < 5 { day.clone() } else { Vec::new() }),
            holidays: Vec::new(),
        }
    }

    /// The calendar, after checking the zone, the shifts and the dates.
    pub fn calendar(&self) -> Result<Calendar, CalendarError> {
        let time_zone = TimeZone::get(&self.time_zone)
            .map_err(|_| CalendarError::UnknownTimeZone(self.time_zone.clone()))?;
        let holidays = self
            .holidays
            .iter()
            .map(|day| {
                day.parse::<Date>()
                    .map_err(|_| CalendarError::BadDate(day.clone()))
            })
            .collect::<Result<BTreeSet<Date>, _>>()?;
        Calendar::new(time_zone, self.week.clone(), holidays)
    }
}

/// The weekday names of a calendar's week, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Shift {
    /// Reads a day's hours as people write them: `09:00-12:30, 13:30-17:00`; empty for a day
    /// off. `24:00` ends a day.
    pub fn parse_day(text: &str) -> Result<Vec<Shift>, CalendarError> {
        let minute = |clock: &str| -> Option<u16> {
            let (hours, minutes) = clock.trim().split_once(':')?;
            let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
            (minutes < 60 && hours * 60 + minutes <= 1440).then_some(hours * 60 + minutes)
        };
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                let bad = || CalendarError::BadShift(part.to_owned());
                let (start, end) = part.split_once(['-', '–']).ok_or_else(bad)?;
                Ok(Shift {
                    start_minute: minute(start).ok_or_else(bad)?,
                    end_minute: minute(end).ok_or_else(bad)?,
                })
            })
            .collect()
    }

    /// A day's hours as [`Shift::parse_day`] reads them.
    pub fn format_day(shifts: &[Shift]) -> String {
        let clock = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        shifts
            .iter()
            .map(|s| format!("{}-{}", clock(s.start_minute), clock(s.end_minute)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A calendar that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the calendar has no working hours")]
    NoWorkingTime,
    #[error("shifts must lie within a day, start before they end and not overlap ({0})")]
    BadShift(String),
    #[error("the time is out of range")]
    OutOfRange,
    #[error("unknown time zone `{0}`")]
    UnknownTimeZone(String),
    #[error("`{0}` is not a date like 2026-12-25")]
    BadDate(String),
}

/// How far ahead a due time is searched: a duration that does not fit in this many days (only
/// possible with absurd holiday lists) is an error rather than a loop.
const SEARCH_DAYS: i32 = 3_660;

impl Calendar {
    /// Checks the shifts: within `0..=1440` minutes, each starting before it ends, in order.
    pub fn new(
        time_zone: TimeZone,
        week: [Vec<Shift>; 7],
        holidays: BTreeSet<Date>,
    ) -> Result<Calendar, CalendarError> {
        for (day, shifts) in week.iter().enumerate() {
            let mut previous_end = 0;
            for shift in shifts {
                if shift.start_minute >= shift.end_minute
                    || shift.end_minute > 1440
                    || shift.start_minute < previous_end
                {
                    return Err(CalendarError::BadShift(format!("day {day}: {shift:?}")));
                }
                previous_end = shift.end_minute;
            }
        }
        if week.iter().all(Vec::is_empty) {
            return Err(CalendarError::NoWorkingTime);
        }
        Ok(Calendar {
            time_zone,
            week,
            holidays,
        })
    }

    /// Around the clock, every day: business time is elapsed time.
    pub fn always_open(time_zone: TimeZone) -> Calendar {
        let day = vec![Shift {
            start_minute: 0,
            end_minute: 1440,
        }];
        Calendar {
            time_zone,
            week: std::array::from_fn(|_| day.clone()),
            holidays: BTreeSet::new(),
        }
    }

    /// The working intervals of one local date, as instants (milliseconds), in order.
    fn intervals_on(&self, date: Date) -> Result<Vec<(i64, i64)>, CalendarError> {
        if self.holidays.contains(&date) {
            return Ok(Vec::new());
        }
        let weekday = date.weekday().to_monday_zero_offset() as usize;
        self.week[weekday]
            .iter()
            .map(|shift| {
                Ok((
                    self.instant(date, shift.start_minute)?,
                    self.instant(date, shift.end_minute)?,
                ))
            })
            .filter(|interval| !matches!(interval, Ok((start, end)) if start >= end))
            .collect()
    }

    /// The instant of a local wall-clock minute. A minute skipped by a clock change counts from
    /// where the clocks land (the "compatible" reading), and minute 1440 is the next midnight.
    fn instant(&self, date: Date, minute: u16) -> Result<i64, CalendarError> {
        let (date, minute) = if minute == 1440 {
            (date.tomorrow().map_err(|_| CalendarError::OutOfRange)?, 0)
        } else {
            (date, minute)
        };
        let time = Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0)
            .map_err(|_| CalendarError::OutOfRange)?;
        let zoned = DateTime::from_parts(date, time)
            .to_zoned(self.time_zone.clone())
            .map_err(|_| CalendarError::OutOfRange)?;
        Ok(zoned.timestamp().as_millisecond())
    }

    fn local_date(&self, ms: i64) -> Result<Date, CalendarError> {
        let timestamp = Timestamp::from_millisecond(ms).map_err(|_| CalendarError::OutOfRange)?;
        Ok(Zoned::new(timestamp, self.time_zone.clone()).date())
    }
}

/// When `duration_ms` of working time, counted from `start_ms`, runs out. Adding nothing is the
/// start itself; otherwise the result lies within a working interval (possibly at its very end).
pub fn add_business_time(
    start_ms: i64,
    duration_ms: i64,
    calendar: &Calendar,
) -> Result<i64, CalendarError> {
    if duration_ms <= 0 {
        return Ok(start_ms);
    }
    let mut remaining = duration_ms;
    // The day before too: its last interval may run past midnight in instants after a clock change.
    let mut date = calendar
        .local_date(start_ms)?
        .yesterday()
        .map_err(|_| CalendarError::OutOfRange)?;
    for _ in 0..SEARCH_DAYS {
        for (from, to) in calendar.intervals_on(date)? {
            let from = from.max(start_ms);
            if from >= to {
                continue;
            }
            if remaining <= to - from {
                return Ok(from + remaining);
            }
            remaining -= to - from;
        }
        date = date.tomorrow().map_err(|_| CalendarError::OutOfRange)?;
    }
    Err(CalendarError::NoWorkingTime)
}

/// The working time between `from_ms` and `to_ms` (0 when `to` is not after `from`), leaving out
/// the `pauses` (half-open intervals, e.g. while a ticket waits on the client).
pub fn business_time_between(
    from_ms: i64,
    to_ms: i64,
    calendar: &Calendar,
    pauses: &[(i64, i64)],
) -> Result<i64, CalendarError> {
    if to_ms <= from_ms {
        return Ok(0);
    }
    let mut total = 0;
    let mut date = calendar
        .local_date(from_ms)?
        .yesterday()
        .map_err(|_| CalendarError::OutOfRange)?;
    let last = calendar.local_date(to_ms)?;
    while date <= last {
        for (start, end) in calendar.intervals_on(date)? {
            let (start, end) = (start.max(from_ms), end.min(to_ms));
            if start < end {
                total += end - start - paused_within(start, end, pauses);
            }
        }
        date = date.tomorrow().map_err(|_| CalendarError::OutOfRange)?;
    }
    Ok(total)
}

/// How much of `[start, end)` the pauses cover (overlapping pauses count once).
fn paused_within(start: i64, end: i64, pauses: &[(i64, i64)]) -> i64 {
    let mut clipped: Vec<(i64, i64)> = pauses
        .iter()
        .map(|&(a, b)| (a.max(start), b.min(end)))
        .filter(|(a, b)| a < b)
        .collect();
    clipped.sort_unstable();
    let mut covered = 0;
    let mut reach = start;
    for (a, b) in clipped {
        let a = a.max(reach);
        if b > a {
            covered += b - a;
            reach = b;
        }
    }
    covered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_hours_read_as_written() {
        let split = Shift::parse_day(" 09:00-12:30, 13:30–17:00 ").unwrap();
        assert_eq!(
            split,
            vec![
                Shift {
                    start_minute: 540,
                    end_minute: 750
                },
                Shift {
                    start_minute: 810,
                    end_minute: 1020
                },
            ]
        );
        assert_eq!(Shift::format_day(&split), "09:00-12:30, 13:30-17:00");
        assert_eq!(Shift::parse_day(""), Ok(Vec::new()));
        assert_eq!(Shift::parse_day("00:00-24:00").unwrap()[0].end_minute, 1440);
        for bad in ["9-17", "09:00", "25:00-26:00", "09:60-10:00"] {
            assert!(Shift::parse_day(bad).is_err(), "{bad}");
        }
    }
    use jiff::civil::date;
    use proptest::prelude::*;

    const HOUR: i64 = 3_600_000;
    const MINUTE: i64 = 60_000;

    fn at(zone: &str, y: i16, m: i8, d: i8, h: i8, min: i8) -> i64 {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned(TimeZone::get(zone).unwrap())
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    fn shift(from: u16, to: u16) -> Shift {
        Shift {
            start_minute: from * 60,
            end_minute: to * 60,
        }
    }

    /// Monday to Friday 9–17, in `zone`, with the given holidays.
    fn office(zone: &str, holidays: &[Date]) -> Calendar {
        let mut cal = CalendarSpec::office_hours(zone).calendar().unwrap();
        cal.holidays.extend(holidays);
        cal
    }

    /// A split day in Berlin: 9–12:30 and 13:30–17, Monday to Friday.
    fn split_berlin() -> Calendar {
        let day = vec![
            Shift {
                start_minute: 540,
                end_minute: 750,
            },
            Shift {
                start_minute: 810,
                end_minute: 1020,
            },
        ];
        let week = std::array::from_fn(|d| if d < 5 { day.clone() } else { Vec::new() });
        Calendar::new(
            TimeZone::get("Europe/Berlin").unwrap(),
            week,
            BTreeSet::new(),
        )
        .unwrap()
    }

    #[test]
    fn four_hours_from_friday_afternoon_end_on_monday_morning() {
        let cal = office("Europe/Berlin", &[]);
        // Friday 2026-11-27 15:00 + 4 h = 2 h on Friday, 2 h on Monday → Monday 11:00.
        let due =
            add_business_time(at("Europe/Berlin", 2026, 11, 27, 15, 0), 4 * HOUR, &cal).unwrap();
        assert_eq!(due, at("Europe/Berlin", 2026, 11, 30, 11, 0));
    }

    #[test]
    fn a_request_filed_at_night_starts_counting_in_the_morning() {
        let cal = office("America/New_York", &[]);
        let due =
            add_business_time(at("America/New_York", 2026, 12, 1, 22, 0), HOUR, &cal).unwrap();
        assert_eq!(due, at("America/New_York", 2026, 12, 2, 10, 0));
    }

    #[test]
    fn lunch_breaks_are_skipped() {
        let cal = split_berlin();
        let due = add_business_time(at("Europe/Berlin", 2026, 12, 1, 12, 0), HOUR, &cal).unwrap();
        assert_eq!(due, at("Europe/Berlin", 2026, 12, 1, 14, 0));
    }

    #[test]
    fn holidays_on_working_days_are_skipped_and_year_ends_are_crossed() {
        // Thu 24 Dec 16:00, with 25 and 26 Dec (a Friday and a Saturday) off: + 3 h → Mon 28 Dec 11:00.
        let cal = office("Europe/Berlin", &[date(2026, 12, 25), date(2026, 12, 26)]);
        let due =
            add_business_time(at("Europe/Berlin", 2026, 12, 24, 16, 0), 3 * HOUR, &cal).unwrap();
        assert_eq!(due, at("Europe/Berlin", 2026, 12, 28, 11, 0));
        // Thu 31 Dec 16:00 with 1 Jan off: + 2 h → Mon 4 Jan 10:00.
        let cal = office("Europe/Berlin", &[date(2027, 1, 1)]);
        let due =
            add_business_time(at("Europe/Berlin", 2026, 12, 31, 16, 0), 2 * HOUR, &cal).unwrap();
        assert_eq!(due, at("Europe/Berlin", 2027, 1, 4, 10, 0));
    }

    #[test]
    fn around_the_clock_calendars_follow_the_wall_across_dst() {
        let berlin = Calendar::always_open(TimeZone::get("Europe/Berlin").unwrap());
        // The night of 29 March 2026 has 23 hours in Berlin; 24 business hours are 24 real hours.
        let start = at("Europe/Berlin", 2026, 3, 28, 12, 0);
        assert_eq!(
            add_business_time(start, 24 * HOUR, &berlin).unwrap(),
            start + 24 * HOUR
        );
        assert_eq!(
            business_time_between(start, at("Europe/Berlin", 2026, 3, 29, 12, 0), &berlin, &[])
                .unwrap(),
            23 * HOUR
        );
    }

    #[test]
    fn a_night_shift_over_a_clock_change_lasts_what_the_wall_says() {
        // 01:00–04:00 every day in New York; on 8 March 2026 the clocks jump from 02:00 to 03:00,
        // on 1 November 2026 they fall back from 02:00 to 01:00.
        let week = std::array::from_fn(|_| vec![shift(1, 4)]);
        let cal = Calendar::new(
            TimeZone::get("America/New_York").unwrap(),
            week,
            BTreeSet::new(),
        )
        .unwrap();
        let spring = |d| at("America/New_York", 2026, 3, d, 0, 0);
        assert_eq!(
            business_time_between(spring(8), spring(9), &cal, &[]).unwrap(),
            2 * HOUR
        );
        let autumn = |d| at("America/New_York", 2026, 11, d, 0, 0);
        assert_eq!(
            business_time_between(autumn(1), autumn(2), &cal, &[]).unwrap(),
            4 * HOUR
        );
        // Half an hour after the jump starts counting at 03:00, which is the compatible reading.
        let due = add_business_time(spring(8), 90 * MINUTE, &cal).unwrap();
        assert_eq!(due, at("America/New_York", 2026, 3, 8, 3, 30));
    }

    #[test]
    fn waiting_over_a_weekend_and_a_holiday_pauses_the_clock_exactly() {
        // Filed Thu 3 Dec 2026 10:00 in Berlin, 16 business hours to resolve, holiday Tue 8 Dec.
        // Thu 10–11 worked (1 h), then waiting on the client from Thu 11:00 to Wed 9 Dec 10:00.
        let cal = office("Europe/Berlin", &[date(2026, 12, 8)]);
        let filed = at("Europe/Berlin", 2026, 12, 3, 10, 0);
        let paused = (
            at("Europe/Berlin", 2026, 12, 3, 11, 0),
            at("Europe/Berlin", 2026, 12, 9, 10, 0),
        );
        let used = business_time_between(filed, paused.1, &cal, &[paused]).unwrap();
        assert_eq!(used, HOUR);
        // 15 h left from Wed 10:00: Wed 10–17 (7 h), Thu 9–17 (8 h) → due Thu 10 Dec 17:00.
        let due = add_business_time(paused.1, 16 * HOUR - used, &cal).unwrap();
        assert_eq!(due, at("Europe/Berlin", 2026, 12, 10, 17, 0));
    }

    #[test]
    fn stored_calendars_are_checked_when_read() {
        let mut spec = CalendarSpec::office_hours("Europe/Berlin");
        spec.holidays.push("2026-12-25".into());
        let cal = spec.calendar().unwrap();
        assert!(cal.holidays.contains(&date(2026, 12, 25)));
        spec.holidays.push("Christmas".into());
        assert_eq!(
            spec.calendar().unwrap_err(),
            CalendarError::BadDate("Christmas".into())
        );
        assert!(matches!(
            CalendarSpec::office_hours("Mars/Olympus").calendar(),
            Err(CalendarError::UnknownTimeZone(_))
        ));
    }

    #[test]
    fn calendars_without_working_time_or_with_bad_shifts_are_refused() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let empty: [Vec<Shift>; 7] = std::array::from_fn(|_| Vec::new());
        assert_eq!(
            Calendar::new(zone.clone(), empty, BTreeSet::new()).unwrap_err(),
            CalendarError::NoWorkingTime
        );
        let overlapping = std::array::from_fn(|_| vec![shift(9, 12), shift(11, 14)]);
        assert!(matches!(
            Calendar::new(zone, overlapping, BTreeSet::new()),
            Err(CalendarError::BadShift(_))
        ));
    }

    fn any_calendar() -> impl Strategy<Value = Calendar> {
        let zones = prop::sample::select(vec![
            "Europe/Berlin",
            "America/New_York",
            "UTC",
            "Asia/Kolkata",
        ]);
        let day = prop::collection::vec((0u16..24, 1u16..6), 0..3).prop_map(|spans| {
            let mut shifts = Vec::new();
            let mut hour = 0;
            for (gap, length) in spans {
                let start = hour + gap;
                let end = (start + length).min(24);
                if start < end {
                    shifts.push(shift(start, end));
                }
                hour = end;
                if hour >= 24 {
                    break;
                }
            }
            shifts
        });
        let holidays = prop::collection::btree_set(
            (0i32..400).prop_map(|n| date(2026, 1, 1) + jiff::Span::new().days(n)),
            0..20,
        );
        (zones, prop::collection::vec(day, 7), holidays).prop_filter_map(
            "a calendar with working time",
            |(zone, week, holidays)| {
                let week: [Vec<Shift>; 7] = week.try_into().ok()?;
                Calendar::new(TimeZone::get(zone).ok()?, week, holidays).ok()
            },
        )
    }

    fn any_instant() -> impl Strategy<Value = i64> {
        // 2026 and 2027, to the minute: both DST changes and a year end, in every zone above.
        let start = at("UTC", 2026, 1, 1, 0, 0);
        (0i64..(2 * 365 * 24 * 60)).prop_map(move |minutes| start + minutes * MINUTE)
    }

    fn any_duration() -> impl Strategy<Value = i64> {
        (0i64..(300 * 60)).prop_map(|minutes| minutes * MINUTE)
    }

    /// Whether an instant lies in a working interval (its end included).
    fn within_working_hours(ms: i64, cal: &Calendar) -> bool {
        let date = cal.local_date(ms).unwrap();
        [date.yesterday().unwrap(), date]
            .into_iter()
            .flat_map(|d| cal.intervals_on(d).unwrap())
            .any(|(from, to)| from < ms && ms <= to)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn adding_more_never_ends_earlier(cal in any_calendar(), start in any_instant(), a in any_duration(), b in any_duration()) {
            let (short, long) = (a.min(b), a.max(b));
            prop_assert!(add_business_time(start, short, &cal).unwrap() <= add_business_time(start, long, &cal).unwrap());
        }

        #[test]
        fn adding_in_two_steps_is_adding_once(cal in any_calendar(), start in any_instant(), a in any_duration(), b in any_duration()) {
            let once = add_business_time(start, a + b, &cal).unwrap();
            let twice = add_business_time(add_business_time(start, a, &cal).unwrap(), b, &cal).unwrap();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn between_undoes_adding(cal in any_calendar(), start in any_instant(), d in any_duration()) {
            let due = add_business_time(start, d, &cal).unwrap();
            prop_assert_eq!(business_time_between(start, due, &cal, &[]).unwrap(), d);
        }

        #[test]
        fn due_times_fall_in_working_hours(cal in any_calendar(), start in any_instant(), d in 1i64..(300 * 60)) {
            let due = add_business_time(start, d * MINUTE, &cal).unwrap();
            prop_assert!(within_working_hours(due, &cal));
        }

        #[test]
        fn pauses_only_ever_take_time_away(cal in any_calendar(), a in any_instant(), b in any_instant(), p in any_instant(), len in 0i64..(100 * 60)) {
            let (from, to) = (a.min(b), a.max(b));
            let pause = (p, p + len * MINUTE);
            let full = business_time_between(from, to, &cal, &[]).unwrap();
            let paused = business_time_between(from, to, &cal, &[pause]).unwrap();
            prop_assert!(paused <= full && full - paused <= len * MINUTE);
        }
    }
}
