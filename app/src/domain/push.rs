//! Web Push: which addresses a device may ask us to post to, and what a notification says.
//!
//! A browser hands us its push service's endpoint, and the server later posts to it: an address
//! anyone signed in could choose. Only the push services browsers use are accepted (HTTPS, a
//! known host), so the server never posts into the agency's own network.

use serde::{Deserialize, Serialize};

use super::ticket::{TicketRef, TicketStatus};

/// Hosts (and their subdomains) of the push services of Chrome/Edge/Android, Firefox, Safari and
/// Windows.
pub const PUSH_SERVICES: &[&str] = &[
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
];

/// Whether endpoints on this machine over plain HTTP are accepted too (a test's receiver on
/// 127.0.0.1); never in production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopbackEndpoints {
    Refused,
    Allowed,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointRefused {
    #[error("That is not a web address.")]
    Malformed,
    #[error("Notifications can only go through a browser's push service.")]
    NotAPushService,
}

/// Checks a subscription's endpoint: `https://` on a known push service (or, when allowed,
/// `http://127.0.0.1`).
pub fn check_endpoint(endpoint: &str, loopback: LoopbackEndpoints) -> Result<(), EndpointRefused> {
    if endpoint.len() > 1024 || endpoint.chars().any(char::is_whitespace) {
        return Err(EndpointRefused::Malformed);
    }
    let (scheme, rest) = endpoint
        .split_once("://")
        .ok_or(EndpointRefused::Malformed)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(EndpointRefused::Malformed);
    }
    let host = authority.to_ascii_lowercase();
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {
            // No port: the push services listen on 443.
            let known = PUSH_SERVICES
                .iter()
                .any(|service| host == *service || host.ends_with(&format!(".{service}")));
            if known {
                Ok(())
            } else {
                Err(EndpointRefused::NotAPushService)
            }
        }
        "http" if loopback == LoopbackEndpoints::Allowed => {
            let name = host
                .rsplit_once(':')
                .map_or(host.as_str(), |(name, _)| name);
            if name == "127.0.0.1" {
                Ok(())
            } else {
                Err(EndpointRefused::NotAPushService)
            }
        }
        _ => Err(EndpointRefused::NotAPushService),
    }
}

/// What a notification shows, and which page it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushMessage {
    pub title: String,
    pub body: String,
    /// The page to open, on this site.
    pub url: String,
    /// Newer notifications about one request replace older ones.
    pub tag: String,
}

/// What changed on a request, as a notification tells it.
pub enum PushNews<'a> {
    Status(TicketStatus),
    Reply { body: &'a str },
}

/// The longest reply excerpt a notification carries.
const EXCERPT_CHARS: usize = 140;

impl PushMessage {
    /// A notification to someone following `reference` that `actor` did something.
    pub fn about(reference: TicketRef, title: &str, actor: &str, news: &PushNews<'_>) -> Self {
        let body = match news {
            PushNews::Status(TicketStatus::Completed) => {
                format!("{actor} marked it completed. Was it resolved? Tap to answer.")
            }
            PushNews::Status(status) => {
                format!("{actor} changed the status to {}.", status.label())
            }
            PushNews::Reply { body } => {
                let text: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
                let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
                if text.chars().count() > EXCERPT_CHARS {
                    excerpt.push('…');
                }
                format!("{actor}: {excerpt}")
            }
        };
        PushMessage {
            title: format!("{reference} · {title}"),
            body,
            url: format!("/requests/{reference}"),
            tag: reference.to_string(),
        }
    }
}

/// How a client hears about their requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyBy {
    pub email: bool,
    pub push: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_push_services_are_posted_to() {
        let refused = LoopbackEndpoints::Refused;
        for good in [
            "https://fcm.googleapis.com/fcm/send/abc:APA91b",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
            "https://web.push.apple.com/QGuQyavXutnMH",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        ] {
            assert_eq!(check_endpoint(good, refused), Ok(()), "{good}");
        }
        for bad in [
            "http://fcm.googleapis.com/fcm/send/abc",
            "https://fcm.googleapis.com.evil.example/x",
            "https://evilfcm.googleapis.com.example/x",
            "https://fcm.googleapis.com:8443/x",
            "https://user@fcm.googleapis.com/x",
            "https://10.0.0.5/push",
            "https://localhost/push",
            "http://127.0.0.1:9000/push",
            "file:///etc/passwd",
            "gopher://fcm.googleapis.com/",
        ] {
            assert!(check_endpoint(bad, refused).is_err(), "{bad}");
        }
        assert_eq!(
            check_endpoint("no scheme", refused),
            Err(EndpointRefused::Malformed)
        );
    }

    #[test]
    fn a_test_receiver_on_this_machine_is_allowed_only_when_asked() {
        let url = "http://127.0.0.1:41234/push/1";
        assert!(check_endpoint(url, LoopbackEndpoints::Refused).is_err());
        assert_eq!(check_endpoint(url, LoopbackEndpoints::Allowed), Ok(()));
        assert!(check_endpoint("http://127.0.0.2:1/x", LoopbackEndpoints::Allowed).is_err());
        assert!(check_endpoint("http://localhost:1/x", LoopbackEndpoints::Allowed).is_err());
    }

    #[test]
    fn a_notification_names_the_request_and_opens_it() {
        let message = PushMessage::about(
            TicketRef(1201),
            "Projector flickers",
            "Sam Rivera",
            &PushNews::Status(TicketStatus::InProgress),
        );
        assert_eq!(message.title, "FD-1201 · Projector flickers");
        assert_eq!(
            message.body,
            "Sam Rivera changed the status to In progress."
        );
        assert_eq!(message.url, "/requests/FD-1201");
        let done = PushMessage::about(
            TicketRef(7),
            "x",
            "Sam",
            &PushNews::Status(TicketStatus::Completed),
        );
        assert!(done.body.contains("Was it resolved?"));
    }

    proptest! {
        #[test]
        fn reply_excerpts_stay_short_and_on_one_line(body in "\\PC{0,600}") {
            let message = PushMessage::about(TicketRef(1), "t", "Sam", &PushNews::Reply { body: &body });
            prop_assert!(message.body.chars().count() <= "Sam: ".len() + EXCERPT_CHARS + 1);
            prop_assert!(!message.body.contains('\n'));
        }

        #[test]
        fn no_endpoint_outside_the_push_services_passes(host in "[a-z0-9.-]{1,30}", path in "[a-z0-9/]{0,20}") {
            let url = format!("https://{host}/{path}");
            let allowed = PUSH_SERVICES.iter().any(|s| host == *s || host.ends_with(&format!(".{s}")));
            prop_assert_eq!(check_endpoint(&url, LoopbackEndpoints::Refused).is_ok(), allowed);
        }
    }
}
