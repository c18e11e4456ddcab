//! Who is calling the API: the bearer token, checked and rate limited, and the person it acts
//! for. Calls then run the same server functions the app's pages use, as that person.

use std::future::Future;
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::problem::Problem;
use crate::backend::auth::{self, CurrentSession, hash_token};
use crate::backend::state::AppState;
use crate::backend::store::LiveSession;
use crate::domain::api_token::{Access, ApiResource, TokenGrant, looks_like_token};
use crate::domain::policy::Actor;
use crate::error::AppError;

/// Calls one token may make in a burst, and how fast the allowance refills: 120, then 10 a
/// second.
pub const BURST: u32 = 120;
const REFILL_EVERY: Duration = Duration::from_millis(100);

/// Per-token call allowance, shared by the instance.
pub struct ApiRate(DefaultKeyedRateLimiter<i64>);

impl Default for ApiRate {
    fn default() -> Self {
        let quota = Quota::with_period(REFILL_EVERY)
            .expect("a non-zero period")
            .allow_burst(NonZeroU32::new(BURST).expect("a non-zero burst"));
        ApiRate(RateLimiter::keyed(quota))
    }
}

impl ApiRate {
    /// Counts one call for `token_id`; when used up, how many whole seconds until the next.
    fn spend(&self, token_id: i64) -> Result<(), u64> {
        let outcome = self.0.check_key(&token_id).map_err(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                + 1
        });
        if self.0.len() > 10_000 {
            self.0.retain_recent();
        }
        outcome
    }
}

/// Set on requests that came through an API token: the audit log names the token.
#[derive(Debug, Clone)]
pub struct ApiCall {
    pub token_id: i64,
    pub token_name: String,
}

/// A caller with a valid, unexpired token within its rate limit.
pub struct Caller {
    pub actor: Actor,
    grant: TokenGrant,
    now: i64,
    /// The request as the server functions see it: signed in as the token's maker.
    parts: Parts,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                Problem::new(
                    "unauthorized",
                    "Send an API token: `Authorization: Bearer fd_…`.",
                )
            })?;
        let unknown = || Problem::new("unauthorized", "This API token is not known.");
        if !looks_like_token(secret) {
            return Err(unknown());
        }
        let now = state.clock.now_ms();
        let holder = state
            .store
            .api_token_holder(&hash_token(secret), now)
            .await?
            .ok_or_else(unknown)?;
        // Revoked or expired: refused before anything else, whatever the call.
        holder.grant.usable_at(now).map_err(Problem::from)?;
        state
            .api_rate
            .spend(holder.token_id)
            .map_err(Problem::rate_limited)?;
        let actor = match holder.grant.account_limit {
            Some(account) => holder.actor.limited_to(account),
            None => holder.actor,
        };
        let mut acting = parts.clone();
        // Answers are JSON: no server function treats this as a browser form post.
        acting
            .headers
            .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        acting.extensions.insert(CurrentSession(Some(LiveSession {
            id: 0,
            actor: actor.clone(),
            two_step_missing: false,
        })));
        acting.extensions.insert(ApiCall {
            token_id: holder.token_id,
            token_name: holder.token_name,
        });
        Ok(Caller {
            actor,
            grant: holder.grant,
            now,
            parts: acting,
        })
    }
}

impl Caller {
    /// Whether the token's scopes allow `access` to `resource`.
    pub fn needs(&self, resource: ApiResource, access: Access) -> Result<(), Problem> {
        self.grant
            .check(self.now, resource, access)
            .map_err(Problem::from)
    }

    /// Runs `work` (a server function's future) as this caller: the same sign-in, policy,
    /// domain rules and audit log as the app's own pages.
    pub async fn run<T>(
        &self,
        state: &AppState,
        work: impl Future<Output = Result<T, AppError>> + Send,
    ) -> Result<T, Problem> {
        auth::with_request_context(self.parts.clone(), state, work)
            .await
            .0
            .map_err(Problem::from)
    }
}
