// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Credentials. Every token source implements [`TokenProvider`]; bindings
//! implement it over host-language callbacks. Secrets and tokens live in
//! [`Secret`], whose `Debug` never shows them.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio::sync::Mutex;

use crate::error::Result;

/// A secret string: client secrets, passwords, tokens. Not printed by
/// `Debug`, wiped from memory when the last clone is dropped (`secrecy`).
#[derive(Clone)]
pub struct Secret(Arc<secrecy::SecretString>);

impl Secret {
    /// Takes ownership of the string; from here on only [`Secret::expose`]
    /// reads it.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(Arc::new(secrecy::SecretString::from(s.into())))
    }
    /// The secret itself; call only to put it on the wire.
    pub fn expose(&self) -> &str {
        secrecy::ExposeSecret::expose_secret(&*self.0)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(Secret::new)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}
impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

/// A bearer token and when it stops being valid.
#[derive(Clone, Debug)]
pub struct AccessToken {
    /// The token sent as `Authorization: Bearer …`.
    pub token: Secret,
    /// When the issuer says it expires (on the monotonic clock, so a wall
    /// clock change does not matter); `None` when unknown (a token given as
    /// is), which counts as fresh until the service rejects it.
    pub expires_at: Option<Instant>,
}

impl AccessToken {
    /// Fresh enough to send: more than a minute left.
    pub fn is_fresh(&self) -> bool {
        self.expires_at
            .is_none_or(|t| t.checked_duration_since(Instant::now()).is_some_and(|left| left > Duration::from_secs(60)))
    }
}

/// The longest lifetime a token is trusted for, whatever its issuer says
/// (Entra's are about an hour): a broken or hostile `expires_in` can neither
/// overflow the clock nor pin a token forever.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// When a token issued now with `lifetime` expires, the lifetime capped at
/// [`MAX_TOKEN_LIFETIME`] (never an overflow).
pub fn expiry_after(lifetime: Duration) -> Instant {
    expiry_from(Instant::now(), lifetime)
}

pub(crate) fn expiry_from(issued: Instant, lifetime: Duration) -> Instant {
    issued.checked_add(lifetime.min(MAX_TOKEN_LIFETIME)).unwrap_or(issued)
}

/// Reads a token response's `expires_in`: a number or (some endpoints) a
/// string of seconds. Negative, fractional-negative, non-finite or unreadable
/// values count as already expired (the token is used once, not cached);
/// absent means no expiry was given (`None`).
pub(crate) fn lifetime_of(v: Option<&serde_json::Value>) -> Option<Duration> {
    use serde_json::Value;
    let secs = |f: f64| {
        if f.is_finite() && f > 0.0 {
            Duration::try_from_secs_f64(f).unwrap_or(Duration::MAX)
        } else {
            Duration::ZERO
        }
    };
    match v? {
        Value::Null => None,
        Value::Number(n) => Some(match n.as_u64() {
            Some(u) => Duration::from_secs(u),
            None => secs(n.as_f64().unwrap_or(0.0)),
        }),
        Value::String(s) => Some(match s.trim().parse::<u64>() {
            Ok(u) => Duration::from_secs(u),
            Err(_) => secs(s.trim().parse::<f64>().unwrap_or(0.0)),
        }),
        _ => Some(Duration::ZERO),
    }
}

/// A source of bearer tokens.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// A token for `scope` (e.g. `https://graph.microsoft.com/.default`).
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>>;
    /// The service rejected the last token (401): drop any cached one.
    fn invalidate(&self) {}
}

/// A token you already have.
#[derive(Debug, Clone)]
pub struct StaticToken(pub Secret);

impl TokenProvider for StaticToken {
    fn token<'a>(&'a self, _scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        let t = AccessToken { token: self.0.clone(), expires_at: None };
        Box::pin(async move { Ok(t) })
    }
}

pub use crate::credential::OAuthCredential;

/// How long before expiry a cached token is replaced: five minutes, or half
/// the token's lifetime when that is shorter (as MSAL does), so a call never
/// starts with a token about to lapse and a refresh never races expiry.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 2).min(Duration::from_secs(300))
}

struct Cached {
    token: AccessToken,
    refresh_at: Option<Instant>,
}

type Slot = Arc<Mutex<Option<Cached>>>;

/// Tokens by authority, tenant, client and scope. Each key has its own async
/// lock: the first caller that finds the token missing or due fetches it
/// while every concurrent caller for the same key waits on that one fetch
/// (one request in flight however many calls are waiting); other keys are
/// not held up. A refresh that fails while the old token is still valid
/// returns the old token (the next call tries again).
#[derive(Default)]
pub struct TokenCache {
    slots: std::sync::Mutex<std::collections::HashMap<String, Slot>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.slots.lock().map(|s| s.len()).unwrap_or(0);
        f.debug_struct("TokenCache").field("entries", &n).finish()
    }
}

impl TokenCache {
    /// The cache key of one token: every part that changes which token the
    /// endpoint would issue.
    pub fn key(authority: &str, tenant: &str, client_id: &str, scope: &str) -> String {
        format!("{authority}\u{1f}{tenant}\u{1f}{client_id}\u{1f}{scope}")
    }

    fn slot(&self, key: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(key.to_string()).or_default().clone()
    }

    /// The cached token for `key`, or the one `fetch` gets (called at most
    /// once per refresh however many callers wait).
    pub async fn get_or_fetch<F, Fut>(&self, key: &str, fetch: F) -> Result<AccessToken>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<AccessToken>>,
    {
        let slot = self.slot(key);
        let mut entry = slot.lock().await;
        if let Some(c) = entry.as_ref() {
            if c.refresh_at.is_none_or(|at| Instant::now() < at) && c.token.is_fresh() {
                return Ok(c.token.clone());
            }
        }
        match fetch().await {
            Ok(token) => {
                let refresh_at = token.expires_at.map(|exp| {
                    let life = exp.saturating_duration_since(Instant::now());
                    exp.checked_sub(refresh_margin(life)).unwrap_or(exp)
                });
                *entry = Some(Cached { token: token.clone(), refresh_at });
                Ok(token)
            }
            Err(e) => match entry.as_ref() {
                Some(c) if c.token.is_fresh() => Ok(c.token.clone()),
                _ => Err(e),
            },
        }
    }

    /// Forgets every token (the service refused one with 401). Slots being
    /// refreshed right now are left alone: they are about to hold a new one.
    pub fn clear(&self) {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        for slot in slots.values() {
            if let Ok(mut s) = slot.try_lock() {
                *s = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let c = OAuthCredential::client_secret("https://login.example", "t", "app", "hunter2-secret");
        let p = OAuthCredential::username_password("https://login.example", "t", "app", "u@x", "pa55word");
        let s = format!("{c:?} {p:?} {:?} {:?}", Secret::new("tok-123"), StaticToken(Secret::new("tok-123")));
        assert!(!s.contains("hunter2") && !s.contains("pa55word") && !s.contains("tok-123"), "{s}");
    }

    #[test]
    fn hostile_expires_in_neither_panics_nor_pins_a_token() {
        use serde_json::json;
        let life = |v: serde_json::Value| lifetime_of(Some(&v));
        assert_eq!(life(json!(3599)), Some(Duration::from_secs(3599)));
        assert_eq!(life(json!("3599")), Some(Duration::from_secs(3599)));
        assert_eq!(life(json!(u64::MAX)), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(life(json!(1e300)), Some(Duration::MAX));
        for expired in [json!(-5), json!(-0.5), json!("-5"), json!("soon"), json!([1]), json!({})] {
            assert_eq!(life(expired.clone()), Some(Duration::ZERO), "{expired}");
        }
        assert_eq!(lifetime_of(None), None);
        assert_eq!(life(serde_json::Value::Null), None);
        let now = Instant::now();
        let at = expiry_from(now, Duration::MAX);
        assert_eq!(at, now + MAX_TOKEN_LIFETIME);
        let t = AccessToken { token: Secret::new("t"), expires_at: Some(at) };
        assert!(t.is_fresh());
        let t = AccessToken { token: Secret::new("t"), expires_at: Some(expiry_from(now, Duration::ZERO)) };
        assert!(!t.is_fresh());
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn token(name: &str, life: Duration) -> AccessToken {
        AccessToken { token: Secret::new(name), expires_at: Some(Instant::now() + life) }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_fetch_for_many_concurrent_callers_and_per_key() {
        let cache = Arc::new(TokenCache::default());
        let fetches = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..200 {
            let (cache, fetches) = (cache.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                let key = TokenCache::key("a", "t", "c", if i % 2 == 0 { "s1" } else { "s2" });
                cache
                    .get_or_fetch(&key, || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok(token("tok", Duration::from_secs(3600)))
                    })
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap().token.expose(), "tok");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 2, "one fetch per scope");
        cache.clear();
        let key = TokenCache::key("a", "t", "c", "s1");
        cache.get_or_fetch(&key, || async { Ok(token("new", Duration::from_secs(3600))) }).await.unwrap();
        assert_eq!(cache.get_or_fetch(&key, || async { unreachable!() }).await.unwrap().token.expose(), "new");
    }

    #[tokio::test]
    async fn due_tokens_are_refreshed_and_a_failed_refresh_keeps_a_valid_token() {
        let cache = TokenCache::default();
        let key = TokenCache::key("a", "t", "c", "s");
        // 10 minutes left, refresh due (as if issued long ago): refreshed.
        cache.get_or_fetch(&key, || async { Ok(token("old", Duration::from_secs(600))) }).await.unwrap();
        let slot = cache.slot(&key);
        slot.lock().await.as_mut().unwrap().refresh_at = Some(Instant::now());
        let t = cache.get_or_fetch(&key, || async { Ok(token("fresh", Duration::from_secs(600))) }).await.unwrap();
        assert_eq!(t.token.expose(), "fresh");
        // Due again, the service fails: the still-valid token is used.
        slot.lock().await.as_mut().unwrap().refresh_at = Some(Instant::now());
        let t = cache
            .get_or_fetch(&key, || async { Err(crate::error::Error::new(crate::error::ErrorKind::Service, "down")) })
            .await
            .unwrap();
        assert_eq!(t.token.expose(), "fresh");
        // Expired and failing: the error.
        *slot.lock().await = Some(Cached { token: token("gone", Duration::from_secs(1)), refresh_at: None });
        let e =
            cache.get_or_fetch(&key, || async { Err(crate::error::Error::new(crate::error::ErrorKind::Service, "down")) }).await;
        assert!(e.is_err());
        // A token of a 70 s lifetime is refreshed after half of it, not at once.
        assert_eq!(refresh_margin(Duration::from_secs(70)), Duration::from_secs(35));
        assert_eq!(refresh_margin(Duration::from_secs(3600)), Duration::from_secs(300));
    }
}
