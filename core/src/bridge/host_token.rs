// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Tokens from the host language: a Python credential or callable, a JS
//! `async (scope) => token`, a C callback. A binding says how to ask its
//! host once ([`TokenHost`]); the protocol around that call is written here
//! once: an empty token is an `Authentication` error, lifetimes are capped
//! at [`MAX_TOKEN_LIFETIME`](crate::auth::MAX_TOKEN_LIFETIME), and a host
//! that reports lifetimes gets core's [`TokenCache`] (per scope, reused
//! until shortly before expiry, one call in flight however many requests
//! wait, dropped on a 401). A token reported without a lifetime is asked
//! for again on the next request.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

use crate::auth::{expiry_after, AccessToken, Secret, TokenCache, TokenProvider};
use crate::error::{Error, ErrorKind, Result};

/// What the host answered.
pub struct HostToken {
    /// The access token as the host gave it (never logged or printed).
    pub token: String,
    /// How long the token stays valid, when the host said (`None`: ask
    /// again on the next request).
    pub lifetime: Option<Duration>,
}

impl HostToken {
    /// A token valid for `seconds` (0 or less: no lifetime).
    pub fn for_seconds(token: String, seconds: i64) -> HostToken {
        let lifetime = u64::try_from(seconds).ok().filter(|s| *s > 0).map(Duration::from_secs);
        HostToken { token, lifetime }
    }

    /// A token that expires at `expires_on`, seconds since the Unix epoch
    /// (azure-identity's `AccessToken.expires_on`; `None`: no lifetime).
    pub fn expiring_on(token: String, expires_on: Option<f64>) -> HostToken {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let lifetime = expires_on.map(|e| Duration::from_secs(e.max(0.0) as u64).saturating_sub(now));
        HostToken { token, lifetime }
    }
}

/// A host's answer on its way.
pub type HostFuture = BoxFuture<'static, Result<HostToken>>;

/// One host callback, asked once per [`TokenHost::fetch`].
pub trait TokenHost: Send + Sync + 'static {
    /// Asks the host for a token for `scope`. Blocking host code runs
    /// through [`blocking`].
    fn fetch(self: Arc<Self>, scope: String) -> HostFuture;
}

/// Whether a host reports its tokens' lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetimes {
    /// Its tokens are cached (a token without one is asked for again).
    Reported,
    /// It is asked on every request, concurrently.
    Never,
}

/// Runs blocking host code (a Python call under the GIL, a C function) on
/// the runtime's blocking pool, never on a thread that does I/O.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::internal(format!("blocking host code failed: {e}")))?
}

/// A [`TokenHost`] that is a function of the scope.
struct FnHost<F>(F);

impl<F: Fn(String) -> HostFuture + Send + Sync + 'static> TokenHost for FnHost<F> {
    fn fetch(self: Arc<Self>, scope: String) -> HostFuture {
        (self.0)(scope)
    }
}

/// [`HostTokens::provider`] over an asynchronous host call (a JS function
/// through a thread-safe function).
pub fn fn_provider(
    name: &'static str,
    lifetimes: Lifetimes,
    fetch: impl Fn(String) -> HostFuture + Send + Sync + 'static,
) -> Arc<dyn TokenProvider> {
    HostTokens::provider(FnHost(fetch), name, lifetimes)
}

/// [`HostTokens::provider`] over a blocking host call (a Python call under
/// the GIL, a C function): `call(scope)` runs on the runtime's blocking pool
/// through [`blocking`], never on an I/O thread.
pub fn blocking_provider(
    name: &'static str,
    lifetimes: Lifetimes,
    call: impl Fn(&str) -> Result<HostToken> + Send + Sync + 'static,
) -> Arc<dyn TokenProvider> {
    let call = Arc::new(call);
    fn_provider(name, lifetimes, move |scope| {
        let call = call.clone();
        Box::pin(blocking(move || call(&scope)))
    })
}

/// An `Authentication` error of the host callback `name`.
pub fn host_error(name: &str, why: impl fmt::Display) -> Error {
    Error::new(ErrorKind::Authentication, format!("{name} {why}"))
}

/// core's [`TokenProvider`] over a [`TokenHost`].
pub struct HostTokens<H: TokenHost> {
    host: Arc<H>,
    /// How errors name the callback (`token_provider`, `tokenProvider`, …).
    name: &'static str,
    lifetimes: Lifetimes,
    cache: TokenCache,
}

impl<H: TokenHost> HostTokens<H> {
    /// A provider asking `host` for tokens; `name` names the host's call in
    /// errors (for example `credential.get_token`).
    pub fn new(host: H, name: &'static str, lifetimes: Lifetimes) -> HostTokens<H> {
        HostTokens {
            host: Arc::new(host),
            name,
            lifetimes,
            cache: TokenCache::default(),
        }
    }

    /// Boxed for [`Session::new`](super::Session::new).
    pub fn provider(host: H, name: &'static str, lifetimes: Lifetimes) -> Arc<dyn TokenProvider> {
        Arc::new(HostTokens::new(host, name, lifetimes))
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken> {
        let asked = Instant::now();
        let got = self.host.clone().fetch(scope.to_string()).await?;
        if got.token.is_empty() {
            return Err(host_error(self.name, "returned an empty token"));
        }
        // Without a lifetime the cache holds the token as expired: the next
        // request asks again (yet never two at once for one scope).
        let expires_at = match (got.lifetime, self.lifetimes) {
            (Some(life), _) => Some(expiry_after(life)),
            (None, Lifetimes::Reported) => Some(asked),
            (None, Lifetimes::Never) => None,
        };
        Ok(AccessToken {
            token: Secret::new(got.token),
            expires_at,
        })
    }
}

impl<H: TokenHost> fmt::Debug for HostTokens<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HostTokens({})", self.name)
    }
}

impl<H: TokenHost> TokenProvider for HostTokens<H> {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            if self.lifetimes == Lifetimes::Never {
                return self.fetch(scope).await;
            }
            self.cache.get_or_fetch(scope, || self.fetch(scope)).await
        })
    }

    fn invalidate(&self) {
        self.cache.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting {
        calls: AtomicUsize,
        lifetime: Option<Duration>,
    }

    impl TokenHost for Counting {
        fn fetch(self: Arc<Self>, _scope: String) -> HostFuture {
            Box::pin(blocking(move || {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                Ok(HostToken {
                    token: if n == 99 {
                        String::new()
                    } else {
                        format!("t{n}")
                    },
                    lifetime: self.lifetime,
                })
            }))
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn cached_by_lifetime_one_call_in_flight_and_asked_again_without_one() {
        let host = Counting {
            calls: AtomicUsize::new(0),
            lifetime: Some(Duration::from_secs(3600)),
        };
        let p = Arc::new(HostTokens::new(host, "test host", Lifetimes::Reported));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(
                    async move { p.token("s").await.map(|t| t.token.expose().to_string()) },
                )
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), "t0");
        }
        assert_eq!(p.host.calls.load(Ordering::SeqCst), 1);
        p.invalidate();
        assert_eq!(p.token("s").await.unwrap().token.expose(), "t1");

        let host = Counting {
            calls: AtomicUsize::new(0),
            lifetime: None,
        };
        let p = HostTokens::new(host, "test host", Lifetimes::Reported);
        p.token("s").await.unwrap();
        p.token("s").await.unwrap();
        assert_eq!(p.host.calls.load(Ordering::SeqCst), 2);
        p.host.calls.store(99, Ordering::SeqCst);
        let e = p.token("s").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Authentication);
        assert!(
            e.message.contains("test host returned an empty token"),
            "{}",
            e.message
        );
    }
}
