// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Retry policy and the one deadline of a call.
//!
//! Every call has a deadline (default [`DEFAULT_DEADLINE`]) covering the
//! token, every attempt, every backoff and every `Retry-After` wait; a wait
//! that would end past it fails the call at once, with the error of the last
//! answer and its `retry_after`, instead of sleeping first.
//!
//! What is retried depends on whether sending the request again is safe:
//! - reads and idempotent writes (GET, PUT, PATCH, DELETE): 429, 503 and 504,
//!   network failures and responses whose body was lost;
//! - creates and actions (POST): only when nothing reached the service (a
//!   refused connection) or the service said it did not process the request
//!   (429, or 503 with `Retry-After`). After a 504 or another 5xx, a
//!   connection lost after sending, or a timeout, the outcome is unknown: the
//!   call fails with [`crate::Error::outcome_unknown`] set and is never sent
//!   twice.
//!
//! `Retry-After` (seconds, fractional seconds or an HTTP date) is honoured
//! exactly; without it, exponential backoff with jitter. Values a server
//! sends are parsed with saturating arithmetic: a hostile `Retry-After` can
//! make the call fail, never panic.

use std::time::{Duration, SystemTime};

/// How often and how long to retry.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    /// First backoff step when the service gives no `Retry-After`.
    pub base_delay: Duration,
    /// Largest backoff step (does not cap `Retry-After`).
    pub max_delay: Duration,
    /// The whole call's time limit, from its start: the token, every attempt
    /// (each attempt's timeout is cut to what is left) and every wait. `None`
    /// waits as long as the service asks, however long.
    pub deadline: Option<Duration>,
}

/// The default deadline of a call (five minutes): long enough for Graph's
/// usual `Retry-After` (seconds to a few minutes) and a slow attempt or two.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(400),
            max_delay: Duration::from_secs(30),
            deadline: Some(DEFAULT_DEADLINE),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries (the default deadline still applies): for
    /// callers that retry themselves or must see the first failure.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..Default::default() }
    }

    /// Statuses worth another attempt of an idempotent request.
    pub fn retryable_status(status: u16) -> bool {
        matches!(status, 429 | 503 | 504)
    }

    /// Statuses by which the service says it did not process the request,
    /// so even a create or an action may be sent again: 429, and 503 when it
    /// says when to come back.
    pub fn not_processed(status: u16, has_retry_after: bool) -> bool {
        status == 429 || (status == 503 && has_retry_after)
    }

    /// Statuses after which a non-idempotent request may have been applied:
    /// a 5xx other than 501/505 (which refuse the request as such) that is not
    /// [`RetryPolicy::not_processed`]. 504 is the typical case: a gateway gave
    /// up waiting while the service may still have done the work.
    pub fn outcome_unknown_status(status: u16, has_retry_after: bool) -> bool {
        (500..600).contains(&status) && !matches!(status, 501 | 505) && !Self::not_processed(status, has_retry_after)
    }

    /// Backoff before attempt `attempt + 1` (attempt counts from 1).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let cap = exp.min(self.max_delay);
        // Full jitter: anywhere in [cap/2, cap].
        let half = cap / 2;
        half + Duration::from_nanos(fastrand::u64(0..=half.as_nanos().min(u64::MAX as u128) as u64))
    }
}

/// Parses `Retry-After`: delay-seconds (fractions tolerated) or an HTTP
/// date. A value too large for a `Duration` saturates (`1e20` seconds is
/// "longer than any deadline", not a panic); a negative, non-finite or
/// unreadable one is ignored (`None`: the client backs off on its own).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_nan() || secs < 0.0 || secs.is_infinite() {
            return None;
        }
        return Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("600", now), Some(Duration::from_secs(600)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(240));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(240)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(5));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn hostile_retry_after_saturates_or_is_ignored() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("1e20", now), Some(Duration::MAX));
        assert_eq!(parse_retry_after("18446744073709551616", now), Some(Duration::MAX));
        for ignored in ["-5", "-0.5", "NaN", "inf", "-inf", "", "1 2", "Mon, 99 Foo 2024"] {
            assert_eq!(parse_retry_after(ignored, now), None, "{ignored:?}");
        }
        assert_eq!(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now).map(|d| d > Duration::from_secs(1 << 37)), Some(true));
    }

    #[test]
    fn what_may_be_sent_again() {
        for s in [429, 503, 504] {
            assert!(RetryPolicy::retryable_status(s));
        }
        assert!(RetryPolicy::not_processed(429, false) && RetryPolicy::not_processed(503, true));
        assert!(!RetryPolicy::not_processed(503, false) && !RetryPolicy::not_processed(504, true));
        for s in [500, 502, 503, 504, 599] {
            assert!(RetryPolicy::outcome_unknown_status(s, false), "{s}");
        }
        for (s, ra) in [(503, true), (429, false), (501, false), (404, false), (200, false)] {
            assert!(!RetryPolicy::outcome_unknown_status(s, ra), "{s}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let p = RetryPolicy { base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1), ..Default::default() };
        for _ in 0..100 {
            let d1 = p.backoff(1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = p.backoff(3);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            assert!(p.backoff(30) <= Duration::from_secs(1));
        }
    }
}
