//! Times as people say them.

const MINUTE: i64 = 60 * 1000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", "3 weeks ago", "5 months ago".
pub fn ago(now_ms: i64, then_ms: i64) -> String {
    let elapsed = (now_ms - then_ms).max(0);
    match elapsed {
        e if e < MINUTE => "just now".to_owned(),
        e if e < HOUR => format!("{} min ago", e / MINUTE),
        e if e < DAY => format!("{} h ago", e / HOUR),
        e if e < 2 * DAY => "yesterday".to_owned(),
        e if e < 14 * DAY => format!("{} days ago", e / DAY),
        e if e < 60 * DAY => format!("{} weeks ago", e / (7 * DAY)),
        e => format!("{} months ago", e / (30 * DAY)),
    }
}

/// "in a moment", "in 5 min", "in 3 h", "in 2 days": when something due soon happens.
pub fn from_now(now_ms: i64, then_ms: i64) -> String {
    match (then_ms - now_ms).max(0) {
        e if e < MINUTE => "in a moment".to_owned(),
        e if e < HOUR => format!("in {} min", (e + MINUTE - 1) / MINUTE),
        e if e < 2 * DAY => format!("in {} h", (e + HOUR - 1) / HOUR),
        e => format!("in {} days", e / DAY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_speech() {
        let now = 1_000 * DAY;
        assert_eq!(ago(now, now), "just now");
        assert_eq!(
            ago(now, now + 5 * MINUTE),
            "just now",
            "clock skew is not the future"
        );
        assert_eq!(ago(now, now - 5 * MINUTE), "5 min ago");
        assert_eq!(ago(now, now - 3 * HOUR), "3 h ago");
        assert_eq!(ago(now, now - 30 * HOUR), "yesterday");
        assert_eq!(ago(now, now - 4 * DAY), "4 days ago");
        assert_eq!(ago(now, now - 21 * DAY), "3 weeks ago");
        assert_eq!(ago(now, now - 150 * DAY), "5 months ago");
        assert_eq!(from_now(now, now + 5_000), "in a moment");
        assert_eq!(from_now(now, now + 5 * MINUTE), "in 5 min");
        assert_eq!(from_now(now, now + 90 * MINUTE), "in 2 h");
        assert_eq!(from_now(now, now + 3 * DAY), "in 3 days");
    }
}
