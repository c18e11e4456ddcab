//! The SLA clock as staff see it on cards and tickets.

use leptos::prelude::*;

use crate::domain::sla::{ClockState, SlaMark};

/// "First response due in 40 min", "Resolution overdue 2 h", "SLA paused", in the state's colour.
#[component]
pub fn SlaChip(mark: SlaMark, now: i64) -> impl IntoView {
    let state = mark.state_at(now);
    let kind = mark.due_kind.map_or("SLA", |kind| kind.label());
    let text = match (state, mark.due_at) {
        (ClockState::Running | ClockState::Warning, Some(due)) => {
            format!("{kind} due in {}", span(due - now))
        }
        (ClockState::Breached, Some(due)) => format!("{kind} overdue {}", span(now - due)),
        (ClockState::Breached, None) => "SLA breached".to_owned(),
        (ClockState::Paused, _) => "SLA paused: waiting on client".to_owned(),
        (ClockState::Met, _) => "SLA met".to_owned(),
        (ClockState::Running | ClockState::Warning, None) => "SLA running".to_owned(),
    };
    view! { <span class=format!("sla sla--{}", state.as_str())>{text}</span> }
}

/// A span of wall time, roughly: "40 min", "5 h", "3 days".
fn span(ms: i64) -> String {
    let minutes = (ms.max(0) + 59_999) / 60_000;
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h", m / 60),
        m => format!("{} days", m / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::span;

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(40 * 60_000), "40 min");
        assert_eq!(span(1), "1 min");
        assert_eq!(span(5 * 3_600_000 + 10), "5 h");
        assert_eq!(span(3 * 86_400_000), "3 days");
    }
}
