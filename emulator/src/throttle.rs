// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Graph's throttling, modelled: token buckets per app and per tenant, the
//! service's object quotas, random faults on demand, and a record of clients
//! that retry before `Retry-After` (see [`RequestKey`] for what makes a
//! request a retry). Everything here is off unless the
//! configuration turns it on ([`ThrottleConfig::default`] changes nothing),
//! so the emulator's other behaviour and tests are unaffected.
//!
//! The check runs after authentication (the app is known) and before the
//! handler, on the async side: it only takes a mutex and does arithmetic.
//! Quotas count rows, so they run on the blocking pool beside the handler.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use entitlement::api::Operation;
use serde_json::{json, Value};

use crate::auth::Principal;
use crate::error::GraphError;
use crate::store::{kind, Store};

/// How `Retry-After` is written on a throttled answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RetryAfterStyle {
    /// Whole seconds, rounded up (at least 1): what Graph sends.
    Integer,
    /// Seconds with milliseconds (`0.250`), rounded up: for clients that
    /// must accept the fractional form RFC 9110 does not allow but some
    /// proxies send.
    Fractional,
    /// Always this many seconds, however soon the bucket refills: for
    /// testing a client's deadline against a long `Retry-After`.
    Fixed(u64),
}

/// A token bucket profile. The app bucket is keyed by the token's app (the
/// `appid` of an application token; delegated tokens are keyed by their
/// user, see README "Throttling"); the tenant bucket is shared by every
/// caller. A request takes its cost from both; if either lacks it, the answer
/// is 429 and nothing is taken.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketProfile {
    /// Tokens an app's bucket holds (its burst).
    pub app_capacity: f64,
    /// Tokens added to an app's bucket per second (its sustained rate).
    pub app_refill_per_sec: f64,
    /// Tokens the tenant's bucket holds, shared by every caller.
    pub tenant_capacity: f64,
    /// Tokens added to the tenant's bucket per second.
    pub tenant_refill_per_sec: f64,
    /// Cost of a GET (or HEAD).
    pub cost_read: f64,
    /// Cost of a POST, PATCH, PUT or DELETE.
    pub cost_write: f64,
    /// How a 429 from the buckets writes its `Retry-After`.
    pub retry_after: RetryAfterStyle,
}

impl BucketProfile {
    /// The "graph" profile: per app 150 tokens refilled at 15/s, per tenant
    /// 600 refilled at 60/s; GET 1, writes 2; integer `Retry-After`. Graph
    /// publishes its identity-and-access limits as resource units per 10 s
    /// window that vary with the tenant's size; these figures are of that
    /// order for a small tenant and are meant to be overridden.
    pub fn graph() -> Self {
        BucketProfile {
            app_capacity: 150.0,
            app_refill_per_sec: 15.0,
            tenant_capacity: 600.0,
            tenant_refill_per_sec: 60.0,
            cost_read: 1.0,
            cost_write: 2.0,
            retry_after: RetryAfterStyle::Integer,
        }
    }

    /// Parses a profile: a name (`graph`) optionally followed by overrides,
    /// comma-separated: `app=CAPACITY/REFILL_PER_SEC`, `tenant=CAPACITY/REFILL_PER_SEC`,
    /// `read=COST`, `write=COST`, `retry-after=integer|fractional|SECONDS`.
    /// E.g. `graph,app=10/2,retry-after=fractional`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut p = BucketProfile::graph();
        for (i, part) in spec.split(',').map(str::trim).enumerate() {
            if i == 0 && part == "graph" {
                continue;
            }
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("throttle profile: '{part}' is not `graph` or key=value"))?;
            let num = |s: &str| -> Result<f64, String> {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or_else(|| {
                        format!("throttle profile: '{s}' in '{part}' is not a non-negative number")
                    })
            };
            let pair = |s: &str| -> Result<(f64, f64), String> {
                let (c, r) = s.split_once('/').ok_or_else(|| {
                    format!("throttle profile: '{part}' needs CAPACITY/REFILL_PER_SEC")
                })?;
                Ok((num(c)?, num(r)?))
            };
            match k.trim() {
                "app" => (p.app_capacity, p.app_refill_per_sec) = pair(v)?,
                "tenant" => (p.tenant_capacity, p.tenant_refill_per_sec) = pair(v)?,
                "read" => p.cost_read = num(v)?,
                "write" => p.cost_write = num(v)?,
                "retry-after" => {
                    p.retry_after = match v.trim() {
                        "integer" => RetryAfterStyle::Integer,
                        "fractional" => RetryAfterStyle::Fractional,
                        s => RetryAfterStyle::Fixed(s.parse().map_err(|_| format!("throttle profile: retry-after '{s}' is not integer, fractional or whole seconds"))?),
                    }
                }
                other => return Err(format!("throttle profile: unknown key '{other}' (app, tenant, read, write, retry-after)")),
            }
        }
        Ok(p)
    }
}

/// The service's object limits. Creating past one answers 400
/// `QuotaExceeded` (see README "Throttling").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotas {
    /// Access package assignments in the tenant (Graph: 300,000). Checked
    /// when an assignment request is created.
    pub assignments: usize,
    /// Access packages in the tenant (Graph: 20,000).
    pub access_packages: usize,
    /// Assignment requests (Graph: 200,000 per 3 months; the emulator counts
    /// the requests it holds, which for a tenant younger than 3 months is the same).
    pub requests: usize,
}

impl Quotas {
    /// Graph's documented limits: 300,000 assignments, 20,000 access
    /// packages, 200,000 assignment requests.
    pub fn graph() -> Self {
        Quotas {
            assignments: 300_000,
            access_packages: 20_000,
            requests: 200_000,
        }
    }
}

/// Random faults: each request (after the bucket check) fails with
/// probability `rate`, with 429, 503 or 504 in equal shares, drawn from a
/// generator seeded with `seed`, so the same requests in the same order
/// meet the same faults.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomFaults {
    /// Probability that a request fails, from 0 (never) to 1 (always).
    pub rate: f64,
    /// Seed of the generator, for reproducible runs.
    pub seed: u64,
}

/// What [`crate::EmulatorConfig::throttle`] turns on. The default is all off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThrottleConfig {
    /// Token buckets per app and per tenant; `None`: no 429 from rate.
    pub buckets: Option<BucketProfile>,
    /// Object quotas checked on create; `None`: unlimited.
    pub quotas: Option<Quotas>,
    /// Random 429/503/504 answers; `None`: none.
    pub faults: Option<RandomFaults>,
}

impl ThrottleConfig {
    fn active(&self) -> bool {
        self.buckets.is_some() || self.faults.is_some()
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(capacity: f64, now: Instant) -> Self {
        Bucket {
            tokens: capacity,
            at: now,
        }
    }
    fn refill(&mut self, capacity: f64, rate: f64, now: Instant) {
        let dt = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + dt * rate).min(capacity);
        self.at = now;
    }
    /// Seconds until `cost` tokens are there (0 if they are).
    fn wait(&self, cost: f64, rate: f64) -> f64 {
        if self.tokens >= cost {
            0.0
        } else if rate <= 0.0 {
            f64::INFINITY
        } else {
            (cost - self.tokens) / rate
        }
    }
}

#[derive(Default, Clone)]
struct AppStats {
    requests: u64,
    throttled: u64,
    early_retries: u64,
    /// New requests (not retries) that arrived while an earlier answer's
    /// `Retry-After` was running: informational, not a fault of the client
    /// (requests already on the wire, other workers, other items).
    during_retry_after: u64,
    faults: u64,
    quota_errors: u64,
}

/// What identifies one request across its retries, so that an early retry
/// is told from a new request that happens to arrive while another one's
/// `Retry-After` runs (Dev Proxy's RetryAfter plugin watches the throttled
/// request itself, not the whole app).
///
/// Two marks, either of which makes a request a retry of a throttled one:
/// its `client-request-id` (core and the SDKs send the same id on every
/// attempt of a call), and a hash of its method, target and body (a client
/// that sends each attempt as a new call, or a `$batch` item, which has no
/// id of its own, is recognised by what it asks for). Both are scoped to
/// the app.
#[derive(Debug, Clone, Default)]
pub struct RequestKey {
    client_request_id: Option<u64>,
    content: u64,
}

impl RequestKey {
    /// `client_request_id`: the header as sent (`None` when absent; the id
    /// the emulator makes up for a request without one identifies nothing).
    pub fn new(method: &str, target: &str, body: &[u8], client_request_id: Option<&str>) -> Self {
        let hash = |parts: &[&[u8]]| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for p in parts {
                p.hash(&mut h);
            }
            h.finish()
        };
        RequestKey {
            client_request_id: client_request_id
                .filter(|s| !s.is_empty())
                .map(|c| hash(&[b"crid", c.as_bytes()])),
            content: hash(&[method.as_bytes(), target.as_bytes(), body]),
        }
    }
}

/// Throttled requests awaiting their retry: mark → the instant before
/// which a retry is early.
#[derive(Default)]
struct Pending {
    by_mark: HashMap<(String, u64), Instant>,
}

/// Throttled requests remembered at most (a client that never retries
/// leaves its marks behind; past this, marks whose time has come are
/// dropped: a retry after its `Retry-After` is not early anyway).
const PENDING_MAX: usize = 100_000;

impl Pending {
    fn marks(app: &str, key: &RequestKey) -> Vec<(String, u64)> {
        key.client_request_id
            .into_iter()
            .chain(std::iter::once(key.content))
            .map(|m| (app.to_string(), m))
            .collect()
    }

    /// Whether the request is a retry of a throttled one (taking its marks:
    /// each throttled answer is matched by one retry), and if so whether
    /// it is early.
    fn take(&mut self, app: &str, key: &RequestKey, now: Instant) -> Option<bool> {
        let mut found: Option<Instant> = None;
        for m in Self::marks(app, key) {
            if let Some(t) = self.by_mark.remove(&m) {
                found = Some(found.map_or(t, |f| f.max(t)));
            }
        }
        found.map(|t| now + EARLY_SLACK < t)
    }

    fn insert(&mut self, app: &str, key: &RequestKey, until: Instant, now: Instant) {
        if self.by_mark.len() >= PENDING_MAX {
            self.by_mark.retain(|_, t| *t > now);
        }
        for m in Self::marks(app, key) {
            self.by_mark.insert(m, until);
        }
    }
}

#[derive(Default)]
struct Inner {
    app_buckets: HashMap<String, Bucket>,
    tenant_bucket: Option<Bucket>,
    /// Per app: the end of the last `Retry-After` it was given (for the
    /// informational count of new requests inside a throttle window).
    window: HashMap<String, Instant>,
    pending: Pending,
    stats: HashMap<String, AppStats>,
    rng: u64,
}

impl Inner {
    /// Records a throttled answer whose `Retry-After` promised `secs`.
    fn throttled_until(&mut self, app: &str, request: &RequestKey, now: Instant, secs: f64) {
        // A year stands for "never" (Instant cannot hold Duration::MAX).
        let until = now + Duration::try_from_secs_f64(secs.min(31_536_000.0)).unwrap_or_default();
        self.pending.insert(app, request, until, now);
        let w = self.window.entry(app.to_string()).or_insert(until);
        *w = (*w).max(until);
    }
}

/// The throttling state of one emulator.
pub struct Throttle {
    config: ThrottleConfig,
    inner: Mutex<Inner>,
}

/// A retry this much before its `Retry-After` is not counted early: the
/// client's clock and the server's differ by scheduling noise.
const EARLY_SLACK: Duration = Duration::from_millis(5);

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Self {
        let rng = config.faults.as_ref().map(|f| f.seed).unwrap_or(0);
        Throttle {
            config,
            inner: Mutex::new(Inner {
                rng,
                ..Inner::default()
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The bucket check and random faults for one authenticated request.
    /// `Err` is the answer to send (429/503/504 with `Retry-After`).
    ///
    /// `request` identifies the request across retries: a retry of a
    /// throttled request that arrives before the `Retry-After` that request
    /// was given is counted early.
    pub fn check(
        &self,
        who: &Principal,
        method: &str,
        request: &RequestKey,
    ) -> Result<(), GraphError> {
        if !self.config.active() {
            return Ok(());
        }
        let key = app_key(who);
        let now = Instant::now();
        let mut g = self.lock();
        let retry = g.pending.take(&key, request, now);
        let in_window = g.window.get(&key).is_some_and(|t| now + EARLY_SLACK < *t);
        let stats = g.stats.entry(key.clone()).or_default();
        stats.requests += 1;
        match retry {
            Some(true) => {
                stats.early_retries += 1;
                tracing::warn!(app = %key, "client retried before its Retry-After (early retry)");
            }
            None if in_window => stats.during_retry_after += 1,
            _ => {}
        }
        if let Some(p) = &self.config.buckets {
            let cost = if matches!(method, "GET" | "HEAD") {
                p.cost_read
            } else {
                p.cost_write
            };
            let tenant = g
                .tenant_bucket
                .get_or_insert_with(|| Bucket::full(p.tenant_capacity, now));
            tenant.refill(p.tenant_capacity, p.tenant_refill_per_sec, now);
            let tenant_wait = tenant.wait(cost, p.tenant_refill_per_sec);
            let app = g
                .app_buckets
                .entry(key.clone())
                .or_insert_with(|| Bucket::full(p.app_capacity, now));
            app.refill(p.app_capacity, p.app_refill_per_sec, now);
            let app_wait = app.wait(cost, p.app_refill_per_sec);
            if app_wait > 0.0 || tenant_wait > 0.0 {
                let (scope, wait) = if app_wait >= tenant_wait {
                    ("application", app_wait)
                } else {
                    ("tenant", tenant_wait)
                };
                let (header, secs) = retry_after(p.retry_after, wait);
                g.throttled_until(&key, request, now, secs);
                g.stats.entry(key).or_default().throttled += 1;
                let mut e = GraphError::new(
                    429,
                    "TooManyRequests",
                    format!("Too many requests from this {scope}: the request was throttled. Retry after {header} seconds."),
                );
                e.headers.push(("retry-after", header));
                return Err(e);
            }
            app.tokens -= cost;
            if let Some(t) = g.tenant_bucket.as_mut() {
                t.tokens -= cost;
            }
        }
        if let Some(f) = &self.config.faults {
            let draw = next_unit(&mut g.rng);
            if draw < f.rate {
                let kind = next_unit(&mut g.rng);
                g.stats.entry(key.clone()).or_default().faults += 1;
                let (status, code, ra) = if kind < 1.0 / 3.0 {
                    (429, "TooManyRequests", Some(1u64))
                } else if kind < 2.0 / 3.0 {
                    (503, "ServiceUnavailable", Some(1))
                } else {
                    (504, "GatewayTimeout", None)
                };
                let mut e = GraphError::new(
                    status,
                    code,
                    "Injected random fault (the emulator's fault rate).",
                );
                if let Some(s) = ra {
                    g.throttled_until(&key, request, now, s as f64);
                    e.headers.push(("retry-after", s.to_string()));
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// The object quotas, checked before a create runs (on the blocking pool:
    /// it counts rows).
    pub fn check_quota(
        &self,
        store: &Store,
        who: &Principal,
        op: &Operation,
        method: &str,
    ) -> Result<(), GraphError> {
        let Some(q) = &self.config.quotas else {
            return Ok(());
        };
        if method != "POST" {
            return Ok(());
        }
        let path = op.path.trim_end_matches('/');
        let count = |k: &str| store.count(k, None).map_err(GraphError::from);
        let over = if path.ends_with("/accessPackages") {
            let n = count(kind::ACCESS_PACKAGE)?;
            (n >= q.access_packages).then(|| {
                format!(
                    "The tenant has reached its limit of {} access packages.",
                    q.access_packages
                )
            })
        } else if path.ends_with("/assignmentRequests")
            || path.ends_with("/accessPackageAssignmentRequests")
        {
            if count(kind::REQUEST)? >= q.requests {
                Some(format!("The tenant has reached its limit of {} access package assignment requests in 3 months.", q.requests))
            } else if count(kind::ASSIGNMENT)? >= q.assignments {
                Some(format!(
                    "The tenant has reached its limit of {} access package assignments.",
                    q.assignments
                ))
            } else {
                None
            }
        } else {
            None
        };
        match over {
            Some(message) => {
                self.lock()
                    .stats
                    .entry(app_key(who))
                    .or_default()
                    .quota_errors += 1;
                Err(GraphError::new(400, "QuotaExceeded", message))
            }
            None => Ok(()),
        }
    }

    /// `GET /_emulator/throttling`: totals and per-app counts.
    pub fn report(&self) -> Value {
        let g = self.lock();
        let mut total = AppStats::default();
        let mut apps = serde_json::Map::new();
        for (k, s) in &g.stats {
            total.requests += s.requests;
            total.throttled += s.throttled;
            total.early_retries += s.early_retries;
            total.during_retry_after += s.during_retry_after;
            total.faults += s.faults;
            total.quota_errors += s.quota_errors;
            apps.insert(k.clone(), stats_json(s));
        }
        let mut out = stats_json(&total);
        out["enabled"] = json!({
            "buckets": self.config.buckets.is_some(),
            "quotas": self.config.quotas.is_some(),
            "faults": self.config.faults.is_some(),
        });
        out["apps"] = Value::Object(apps);
        out
    }

    /// `DELETE /_emulator/throttling`: zero the counts and refill the buckets.
    pub fn reset(&self) {
        let mut g = self.lock();
        let rng = self.config.faults.as_ref().map(|f| f.seed).unwrap_or(0);
        *g = Inner {
            rng,
            ..Inner::default()
        };
    }
}

fn stats_json(s: &AppStats) -> Value {
    json!({
        "requests": s.requests,
        "throttled": s.throttled,
        "earlyRetries": s.early_retries,
        "duringRetryAfter": s.during_retry_after,
        "faults": s.faults,
        "quotaErrors": s.quota_errors,
    })
}

/// The bucket key of a caller: an application token's client id; a
/// delegated token's user (its app is the one seeded app in practice).
fn app_key(who: &Principal) -> String {
    match who {
        Principal::App { client_id, .. } => client_id.clone(),
        Principal::User { id, .. } => format!("user:{id}"),
    }
}

/// The `Retry-After` text for a wait, and the seconds it promises.
fn retry_after(style: RetryAfterStyle, wait: f64) -> (String, f64) {
    match style {
        RetryAfterStyle::Integer => {
            let s = if wait.is_finite() {
                wait.ceil().clamp(1.0, 86_400.0)
            } else {
                86_400.0
            };
            (format!("{s:.0}"), s)
        }
        RetryAfterStyle::Fractional => {
            let s = if wait.is_finite() {
                ((wait * 1000.0).ceil() / 1000.0).clamp(0.001, 86_400.0)
            } else {
                86_400.0
            };
            (format!("{s:.3}"), s)
        }
        RetryAfterStyle::Fixed(s) => (s.to_string(), s as f64),
    }
}

/// splitmix64, as a uniform draw in [0, 1): small, seedable, and the same on
/// every platform (reproducible faults need nothing more).
fn next_unit(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_parses_overrides_and_rejects_junk() {
        let p = BucketProfile::parse("graph,app=10/2,write=3,retry-after=fractional").unwrap();
        assert_eq!(
            (p.app_capacity, p.app_refill_per_sec, p.cost_write),
            (10.0, 2.0, 3.0)
        );
        assert_eq!(p.retry_after, RetryAfterStyle::Fractional);
        assert_eq!(
            BucketProfile::parse("retry-after=120").unwrap().retry_after,
            RetryAfterStyle::Fixed(120)
        );
        assert!(BucketProfile::parse("graph,app=10").is_err());
        assert!(BucketProfile::parse("nope=1").is_err());
        assert!(BucketProfile::parse("app=-1/2").is_err());
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after(RetryAfterStyle::Integer, 0.2).0, "1");
        assert_eq!(retry_after(RetryAfterStyle::Integer, 2.01).0, "3");
        assert_eq!(retry_after(RetryAfterStyle::Fractional, 0.2501).0, "0.251");
        assert_eq!(retry_after(RetryAfterStyle::Fixed(90), 0.1).0, "90");
    }
}
