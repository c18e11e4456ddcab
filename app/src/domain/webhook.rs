//! Outgoing webhooks: which changes another system may subscribe to, which addresses a delivery
//! may go to (never into the agency's own network unless the operator allows a host), and how
//! failed deliveries are retried.
//!
//! Deliveries follow the Standard Webhooks convention (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`), so receivers can check
//! them with any of its libraries; the signing itself is in `backend::webhooks`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use super::sla::ClockState;
use super::ticket::TicketChange;

/// The longest target address accepted.
pub const MAX_URL_CHARS: usize = 2000;
/// The longest description accepted.
pub const MAX_DESCRIPTION_CHARS: usize = 120;
/// What every webhook's signing secret starts with (the Standard Webhooks convention).
pub const SECRET_PREFIX: &str = "whsec_";

/// A change other systems can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WebhookEvent {
    TicketCreated,
    StatusChanged,
    ReplyAdded,
    SlaBreached,
    TaskCreated,
    FeedbackReceived,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 6] = [
        WebhookEvent::TicketCreated,
        WebhookEvent::StatusChanged,
        WebhookEvent::ReplyAdded,
        WebhookEvent::SlaBreached,
        WebhookEvent::TaskCreated,
        WebhookEvent::FeedbackReceived,
    ];

    /// Its name in a delivery's `type` and in the stored subscription.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::TicketCreated => "ticket.created",
            WebhookEvent::StatusChanged => "ticket.status_changed",
            WebhookEvent::ReplyAdded => "ticket.reply_added",
            WebhookEvent::SlaBreached => "ticket.sla_breached",
            WebhookEvent::TaskCreated => "ticket.task_created",
            WebhookEvent::FeedbackReceived => "ticket.feedback_received",
        }
    }

    pub fn parse(text: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// How an admin choosing events reads it.
    pub fn label(self) -> &'static str {
        match self {
            WebhookEvent::TicketCreated => "A request is filed",
            WebhookEvent::StatusChanged => "A request's status changes",
            WebhookEvent::ReplyAdded => "A reply is added to the conversation",
            WebhookEvent::SlaBreached => "An SLA is breached",
            WebhookEvent::TaskCreated => "Work is handed off to a task",
            WebhookEvent::FeedbackReceived => "A client answers “Was this resolved?”",
        }
    }

    /// The event a ticket change is, if it is one anyone can subscribe to. Internal notes and
    /// edits are not; an SLA warning is not (only the breach).
    pub fn of(change: &TicketChange) -> Option<WebhookEvent> {
        match change {
            TicketChange::Created => Some(WebhookEvent::TicketCreated),
            TicketChange::StatusChanged { .. } => Some(WebhookEvent::StatusChanged),
            TicketChange::Replied { .. } => Some(WebhookEvent::ReplyAdded),
            TicketChange::SlaAlerted {
                state: ClockState::Breached,
                ..
            } => Some(WebhookEvent::SlaBreached),
            TicketChange::TaskAdded { .. } => Some(WebhookEvent::TaskCreated),
            TicketChange::FeedbackGiven { .. } => Some(WebhookEvent::FeedbackReceived),
            _ => None,
        }
    }
}

/// The events one webhook listens to: at least one, each once, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EventSet(Vec<WebhookEvent>);

/// Why a list of events was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventSetRefused {
    #[error("Choose at least one event.")]
    Empty,
    #[error("“{0}” is not an event Frontdoor sends.")]
    Unknown(String),
}

impl EventSet {
    /// Reads space- or comma-separated event names.
    pub fn parse(text: &str) -> Result<EventSet, EventSetRefused> {
        let mut events = text
            .split([' ', ','])
            .filter(|part| !part.is_empty())
            .map(|part| {
                WebhookEvent::parse(part).ok_or_else(|| EventSetRefused::Unknown(part.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        events.sort_unstable();
        events.dedup();
        if events.is_empty() {
            return Err(EventSetRefused::Empty);
        }
        Ok(EventSet(events))
    }

    pub fn contains(&self, event: WebhookEvent) -> bool {
        self.0.contains(&event)
    }

    pub fn events(&self) -> &[WebhookEvent] {
        &self.0
    }
}

impl fmt::Display for EventSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|e| e.as_str()).collect();
        f.write_str(&names.join(" "))
    }
}

impl TryFrom<String> for EventSet {
    type Error = EventSetRefused;
    fn try_from(text: String) -> Result<EventSet, EventSetRefused> {
        EventSet::parse(&text)
    }
}

impl From<EventSet> for String {
    fn from(set: EventSet) -> String {
        set.to_string()
    }
}

/// Whether an address is out on the internet, where a webhook may be delivered. Refused:
/// loopback, private and shared (carrier-grade NAT) ranges, link-local (cloud metadata services
/// live there), unique-local IPv6, multicast, broadcast, documentation and reserved ranges, and
/// IPv4 addresses written as IPv6 (mapped, compatible, NAT64 and 6to4), judged as the IPv4
/// address they carry.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // 100.64.0.0/10, shared address space
        || (a == 100 && (64..128).contains(&b))
        // 192.0.0.0/24, protocol assignments
        || (a == 192 && b == 0 && c == 0)
        // 198.18.0.0/15, benchmarking
        || (a == 198 && (b == 18 || b == 19))
        // 240.0.0.0/4, reserved
        || a >= 240;
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    let refused = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // fc00::/7, unique local
        || (first & 0xfe00) == 0xfc00
        // fe80::/10, link-local (and the deprecated site-local fec0::/10)
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        // 2001:db8::/32, documentation
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // 100::/64, discard-only
        || (first == 0x0100 && ip.segments()[1..4] == [0, 0, 0]);
    !refused
}

/// The IPv4 address an IPv6 address carries, when it is one written the IPv6 way.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        // ::ffff:a.b.c.d (mapped), 64:ff9b::a.b.c.d (NAT64)
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        // ::a.b.c.d (compatible; not :: and ::1, judged as IPv6)
        [0, 0, 0, 0, 0, 0, hi, _] if hi != 0 => Some(low),
        // 2002::/16, 6to4: the IPv4 address is in the next 32 bits
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

/// Hosts the operator lets webhooks reach even though they are in a private range (an
/// integration on the agency's own network), by name or address, as written in the URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(hosts: I) -> AllowedHosts {
        AllowedHosts(
            hosts
                .into_iter()
                .map(|h| normalize_host(h.as_ref()))
                .filter(|h| !h.is_empty())
                .collect(),
        )
    }

    pub fn allows(&self, host: &str) -> bool {
        let host = normalize_host(host);
        self.0.contains(&host)
    }
}

/// A host as compared: lower case, without IPv6 brackets or a trailing dot.
fn normalize_host(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// How long to wait before the next try after the `attempts`-th failed one; `None`: give up.
/// Roughly the Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight
/// tries over about a day, so a receiver down overnight still gets everything.
pub fn retry_delay_ms(attempts: i64) -> Option<i64> {
    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;
    match attempts {
        ..=1 => Some(5_000),
        2 => Some(5 * MINUTE),
        3 => Some(30 * MINUTE),
        4 => Some(2 * HOUR),
        5 => Some(5 * HOUR),
        6 | 7 => Some(10 * HOUR),
        _ => None,
    }
}

/// The tries a delivery gets before it is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// A webhook as its list shows it (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookInfo {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub events: EventSet,
    pub creator_name: String,
    pub created_at: i64,
}

/// Where one delivery stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Not tried yet.
    Waiting,
    /// The receiver answered 2xx.
    Delivered { status: i64 },
    /// The last try failed; the next is at `next_at`.
    Retrying { error: String, next_at: i64 },
    /// Every try failed (or the webhook was removed); only a redelivery sends it again.
    GaveUp { error: String },
}

/// One delivery in a webhook's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryInfo {
    pub id: i64,
    /// The `webhook-id` header: the same for every try and redelivery of one message.
    pub message_id: String,
    pub event_type: String,
    pub ticket: Option<super::ticket::TicketRef>,
    pub created_at: i64,
    pub attempts: i64,
    pub last_attempt_at: Option<i64>,
    pub state: DeliveryState,
}

impl DeliveryInfo {
    /// Settled one way or the other: what a redelivery is offered for.
    pub fn settled(&self) -> bool {
        matches!(
            self.state,
            DeliveryState::Delivered { .. } | DeliveryState::GaveUp { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_internet_is_public_and_the_agency_network_is_not() {
        for public in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip(public)), "{public}");
        }
        for private in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "192.0.0.170",
            "::",
            "::1",
            "fe80::1",
            "fd00::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::10.0.0.1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::1",
        ] {
            assert!(!is_public(ip(private)), "{private}");
        }
    }

    #[test]
    fn ticket_changes_map_to_the_events_one_can_subscribe_to() {
        use crate::domain::sla::DueKind;
        assert_eq!(
            WebhookEvent::of(&TicketChange::Created),
            Some(WebhookEvent::TicketCreated)
        );
        assert_eq!(
            WebhookEvent::of(&TicketChange::NoteAdded { body: "x".into() }),
            None,
            "internal notes never leave"
        );
        let alert = |state| TicketChange::SlaAlerted {
            state,
            due: DueKind::Resolution,
            due_at: 0,
            assignee_id: None,
        };
        assert_eq!(
            WebhookEvent::of(&alert(ClockState::Breached)),
            Some(WebhookEvent::SlaBreached)
        );
        assert_eq!(WebhookEvent::of(&alert(ClockState::Warning)), None);
    }

    #[test]
    fn event_sets_read_names_and_refuse_unknown_ones() {
        let set = EventSet::parse("ticket.reply_added, ticket.created ticket.created").unwrap();
        assert_eq!(set.to_string(), "ticket.created ticket.reply_added");
        assert_eq!(EventSet::parse("  "), Err(EventSetRefused::Empty));
        assert_eq!(
            EventSet::parse("ticket.created ticket.deleted"),
            Err(EventSetRefused::Unknown("ticket.deleted".into()))
        );
    }

    #[test]
    fn allowed_hosts_compare_as_written_in_urls() {
        let allowed = AllowedHosts::new(["127.0.0.1", "Hooks.Internal.", "[::1]"]);
        assert!(allowed.allows("127.0.0.1"));
        assert!(allowed.allows("hooks.internal"));
        assert!(allowed.allows("::1"));
        assert!(!allowed.allows("10.0.0.1"));
        assert!(!AllowedHosts::default().allows("127.0.0.1"));
    }

    #[test]
    fn retries_spread_over_a_day_then_stop() {
        let total: i64 = (1..MAX_ATTEMPTS).map(|n| retry_delay_ms(n).unwrap()).sum();
        assert!(total > 24 * 3_600_000 && total < 36 * 3_600_000, "{total}");
        assert_eq!(retry_delay_ms(MAX_ATTEMPTS), None);
    }

    proptest! {
        #[test]
        fn no_private_ipv4_address_is_public(a in any::<u32>()) {
            let v4 = Ipv4Addr::from(a);
            let [x, y, ..] = v4.octets();
            let private = x == 10 || x == 127 || (x == 172 && (16..32).contains(&y))
                || (x == 192 && y == 168) || (x == 169 && y == 254) || x == 0;
            if private {
                prop_assert!(!is_public(IpAddr::V4(v4)));
            }
            // However it is written as IPv6, it is judged as itself.
            prop_assert_eq!(is_public(IpAddr::V6(v4.to_ipv6_mapped())), is_public(IpAddr::V4(v4)));
        }

        #[test]
        fn event_sets_survive_being_written_and_read(picks in proptest::collection::vec(0..6_usize, 1..8)) {
            let text: Vec<&str> = picks.iter().map(|i| WebhookEvent::ALL[*i].as_str()).collect();
            let set = EventSet::parse(&text.join(" ")).unwrap();
            prop_assert_eq!(EventSet::parse(&set.to_string()).unwrap(), set.clone());
            for i in picks {
                prop_assert!(set.contains(WebhookEvent::ALL[i]));
            }
        }
    }
}
