//! Password hashing with argon2id (the crate's defaults follow the OWASP recommendation).

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

#[derive(Debug, thiserror::Error)]
#[error("could not hash the password")]
pub struct HashError;

pub fn hash_password(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|_| HashError)
}

/// False for a wrong password and for a stored hash that does not parse.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Checks `password` against `stored_hash`; without a stored hash, checks it against a decoy so
/// that an unknown account costs the same time as a known one (no enumeration by timing).
pub fn verify_password_or_decoy(password: &str, stored_hash: Option<&str>) -> bool {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = stored_hash {
        return verify_password(password, hash);
    }
    let decoy =
        DECOY.get_or_init(|| hash_password("decoy password, never matches").unwrap_or_default());
    let _ = verify_password(password, decoy);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn no_stored_hash_never_matches() {
        assert!(!verify_password_or_decoy(
            "decoy password, never matches",
            None
        ));
        let hash = hash_password("right").unwrap();
        assert!(verify_password_or_decoy("right", Some(&hash)));
    }
}
