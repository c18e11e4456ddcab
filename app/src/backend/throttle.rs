//! Throttling of guessable actions: a few quick tries are fine, a stream of them is not.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// Above this many remembered keys, forget the ones whose allowance is back to full.
const MAX_REMEMBERED_KEYS: usize = 10_000;

pub struct Throttle {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, one_more_every: Duration) -> Quota {
    Quota::with_period(one_more_every)
        .expect("a non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("a non-zero burst"))
}

impl Throttle {
    /// For password sign-in: per account 5 tries, then one a minute; per address 20, then one
    /// every 6 seconds (an office behind one address is not locked out by one person).
    pub fn sign_in() -> Self {
        Throttle {
            per_account: RateLimiter::keyed(quota(5, Duration::from_mins(1))),
            per_address: RateLimiter::keyed(quota(20, Duration::from_secs(6))),
        }
    }

    /// Counts one attempt for `account` from `address`; `RateLimited` once either is used up.
    pub fn attempt(&self, account: &str, address: Option<IpAddr>) -> Result<(), AppError> {
        let by_address = address.is_none_or(|ip| self.per_address.check_key(&ip).is_ok());
        let by_account = self.per_account.check_key(&account.to_owned()).is_ok();
        if self.per_account.len() > MAX_REMEMBERED_KEYS {
            self.per_account.retain_recent();
        }
        if self.per_address.len() > MAX_REMEMBERED_KEYS {
            self.per_address.retain_recent();
        }
        if by_address && by_account {
            Ok(())
        } else {
            Err(AppError::RateLimited)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_tries_pass_and_a_stream_is_stopped_per_account() {
        let throttle = Throttle::sign_in();
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..5 {
            assert!(throttle.attempt("dana@acme.example", ip).is_ok());
        }
        assert_eq!(
            throttle.attempt("dana@acme.example", ip),
            Err(AppError::RateLimited)
        );
        // Someone else is not held up by Dana's attempts.
        assert!(throttle.attempt("luis@acme.example", ip).is_ok());
    }

    #[test]
    fn one_address_trying_many_accounts_is_stopped() {
        let throttle = Throttle::sign_in();
        let ip = Some(IpAddr::from([10, 0, 0, 2]));
        let results: Vec<_> = (0..25)
            .map(|n| throttle.attempt(&format!("user{n}@x.test"), ip))
            .collect();
        assert!(results[..20].iter().all(Result::is_ok));
        assert!(results[20..].iter().all(Result::is_err));
    }
}
