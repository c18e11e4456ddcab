//! The signed link in a completion email that answers "Was this resolved?" without signing in.
//! It names one request and one person, carries its expiry, and is good for nothing else: it is
//! not a session and opens no page with the request's content.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// What a valid link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackLink {
    pub ticket_id: i64,
    pub user_id: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefused {
    #[error("This link is not valid. Open the request in the portal to answer.")]
    Invalid,
    #[error("This link has expired. Open the request in the portal to answer.")]
    Expired,
}

/// Names the purpose inside the signed text, so a signature made for anything else never
/// verifies as a feedback link.
const PURPOSE: &str = "feedback";

fn mac(key: &[u8], payload: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(PURPOSE.as_bytes());
    mac.update(b":");
    mac.update(payload.as_bytes());
    mac
}

impl FeedbackLink {
    /// The token for the link's path.
    pub fn sign(self, key: &[u8]) -> String {
        let payload = format!("{}.{}.{}", self.ticket_id, self.user_id, self.expires_at);
        let signature = mac(key, &payload).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }

    /// The link a token stands for, if it was signed with `key` and has not expired at `now`.
    pub fn verify(token: &str, key: &[u8], now: i64) -> Result<FeedbackLink, LinkRefused> {
        let (payload, signature) = token.split_once('.').ok_or(LinkRefused::Invalid)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or(LinkRefused::Invalid)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| LinkRefused::Invalid)?;
        // Checked in constant time, before anything in the payload is trusted.
        mac(key, &payload)
            .verify_slice(&signature)
            .map_err(|_| LinkRefused::Invalid)?;
        let mut parts = payload.split('.').map(str::parse::<i64>);
        let (Some(Ok(ticket_id)), Some(Ok(user_id)), Some(Ok(expires_at)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkRefused::Invalid);
        };
        if now > expires_at {
            return Err(LinkRefused::Expired);
        }
        Ok(FeedbackLink {
            ticket_id,
            user_id,
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const KEY: &[u8] = b"a key of thirty-two bytes, sort of";
    const LINK: FeedbackLink = FeedbackLink {
        ticket_id: 1042,
        user_id: 7,
        expires_at: 5_000,
    };

    #[test]
    fn a_signed_link_verifies_until_it_expires() {
        let token = LINK.sign(KEY);
        assert_eq!(FeedbackLink::verify(&token, KEY, 5_000), Ok(LINK));
        assert_eq!(
            FeedbackLink::verify(&token, KEY, 5_001),
            Err(LinkRefused::Expired)
        );
        assert_eq!(
            FeedbackLink::verify(&token, b"another key", 0),
            Err(LinkRefused::Invalid)
        );
    }

    #[test]
    fn a_changed_payload_fails_the_signature() {
        let token = LINK.sign(KEY);
        let (_, signature) = token.split_once('.').unwrap();
        let forged = format!("{}.{signature}", URL_SAFE_NO_PAD.encode("1043.7.5000"));
        assert_eq!(
            FeedbackLink::verify(&forged, KEY, 0),
            Err(LinkRefused::Invalid)
        );
    }

    proptest! {
        #[test]
        fn no_token_but_a_signed_one_verifies(token in "\\PC{0,120}") {
            prop_assert!(FeedbackLink::verify(&token, KEY, 0).is_err());
        }

        #[test]
        fn signed_links_round_trip(ticket_id: i64, user_id: i64, expires_at in 0i64..i64::MAX) {
            let link = FeedbackLink { ticket_id, user_id, expires_at };
            prop_assert_eq!(FeedbackLink::verify(&link.sign(KEY), KEY, 0), Ok(link));
        }
    }
}
