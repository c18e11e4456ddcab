//! Time-based one-time codes (RFC 6238, via `totp-rs`): new keys, their QR codes, and checking a
//! code against a key.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use qrcode::QrCode;
use qrcode::render::svg;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::domain::two_step::{STEP_SECONDS, acceptable_steps};

/// The issuer name authenticator apps list the key under.
const ISSUER: &str = "Frontdoor";

/// A new random key (160 bits, as RFC 4226 recommends), base32.
pub fn new_key() -> String {
    Secret::Raw(rand::random::<[u8; 20]>().to_vec())
        .to_encoded()
        .to_string()
}

fn totp(key: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(key.to_owned()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS as u64,
        bytes,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .ok()
}

/// The `otpauth://` QR code for `key`, as an `image/svg+xml` data URL.
pub fn qr_code(key: &str, account: &str) -> Option<String> {
    let url = totp(key, account)?.get_url();
    let svg = QrCode::new(url.as_bytes())
        .ok()?
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        STANDARD.encode(svg)
    ))
}

/// The time step `code` is valid for at `now_ms`, if it matches `key` in a step after
/// `last_used` (so each code works once).
pub fn matching_step(key: &str, code: &str, now_ms: i64, last_used: i64) -> Option<i64> {
    let totp = totp(key, "")?;
    acceptable_steps(now_ms, last_used).find(|step| {
        let expected = totp.generate((*step * STEP_SECONDS) as u64);
        constant_time_eq(expected.as_bytes(), code.as_bytes())
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 key "12345678901234567890" at T = 59 s gives 94287082
    /// (8 digits); its last six are the 6-digit code.
    #[test]
    fn codes_match_the_rfc_test_vector() {
        let key = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(matching_step(&key, "287082", 59_000, 0), Some(1));
        assert_eq!(
            matching_step(&key, "287082", 59_000, 1),
            None,
            "used once already"
        );
        assert_eq!(matching_step(&key, "000000", 59_000, 0), None);
    }

    #[test]
    fn new_keys_differ_and_have_a_qr_code() {
        let (a, b) = (new_key(), new_key());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32, "160 bits in base32");
        let qr = qr_code(&a, "sam@agency.example").unwrap();
        assert!(qr.starts_with("data:image/svg+xml;base64,"));
    }
}
