// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! core's [`TokenProvider`] over a Python object: a `credential=` with
//! azure-identity's `TokenCredential` shape (`get_token(*scopes)` returning
//! an object with `.token` and `.expires_on`, seconds since the epoch), or
//! a `token_provider=` callable returning a str. The call runs on a
//! blocking-pool thread with the GIL taken, so a slow credential never
//! stalls the runtime's workers. Tokens are cached per scope by their
//! `expires_on` (core's [`TokenCache`]: one `get_token` in flight however
//! many calls wait); a bare callable has no expiry and is called per request.
//! `AsyncClient` hands an async credential over wrapped by the facade
//! (`_AsyncCredential`), which runs `get_token` on the caller's loop.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use entitlement::auth::{AccessToken, Secret, TokenCache, TokenProvider};
use entitlement::{Error, ErrorKind};
use futures_util::future::BoxFuture;
use pyo3::prelude::*;

pub struct PyTokenProvider {
    callback: Arc<Py<PyAny>>,
    /// `credential=` (has `get_token`), not a bare callable.
    credential: bool,
    cache: TokenCache,
}

impl PyTokenProvider {
    pub fn new(py: Python<'_>, callback: Py<PyAny>) -> Self {
        let credential = callback.bind(py).hasattr("get_token").unwrap_or(false);
        PyTokenProvider {
            callback: Arc::new(callback),
            credential,
            cache: TokenCache::default(),
        }
    }
}

impl fmt::Debug for PyTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.credential {
            "PyCredential(<get_token>)"
        } else {
            "PyTokenProvider(<callable>)"
        })
    }
}

fn auth_error(message: String) -> Error {
    Error::new(ErrorKind::Authentication, message)
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// Calls the credential: `(token, seconds left)`.
fn call(
    py: Python<'_>,
    cb: &Py<PyAny>,
    credential: bool,
    scope: &str,
) -> Result<(String, Option<i64>), Error> {
    if !credential {
        let v = cb
            .call0(py)
            .map_err(|e| auth_error(format!("token_provider raised {}", e.value(py))))?;
        let v = v.bind(py);
        return v.extract::<String>().map(|t| (t, None)).map_err(|_| {
            auth_error(format!(
                "token_provider must return str, not {}",
                type_name(v)
            ))
        });
    }
    let v = cb
        .call_method1(py, "get_token", (scope,))
        .map_err(|e| auth_error(format!("credential.get_token raised {}", e.value(py))))?;
    let v = v.bind(py);
    let token = v
        .getattr("token")
        .and_then(|t| t.extract::<String>())
        .map_err(|_| {
            auth_error(format!(
                "credential.get_token must return an AccessToken (.token, .expires_on), not {}",
                type_name(v)
            ))
        })?;
    let expires_on = v
        .getattr("expires_on")
        .ok()
        .and_then(|e| e.extract::<f64>().ok());
    let left = expires_on.map(|e| e as i64 - chrono_now());
    Ok((token, left))
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl PyTokenProvider {
    async fn fetch(&self, scope: &str) -> entitlement::Result<AccessToken> {
        let (cb, credential, scope) = (self.callback.clone(), self.credential, scope.to_string());
        let started = Instant::now();
        let (got, left) = tokio::task::spawn_blocking(move || {
            Python::attach(|py| call(py, &cb, credential, &scope))
        })
        .await
        .map_err(|e| Error::internal(format!("token_provider task failed: {e}")))??;
        if got.is_empty() {
            return Err(auth_error("the credential returned an empty token".into()));
        }
        let expires_at = left.map(|s| {
            let life = Duration::from_secs(u64::try_from(s).unwrap_or(0))
                .min(entitlement::auth::MAX_TOKEN_LIFETIME);
            started.checked_add(life).unwrap_or(started)
        });
        Ok(AccessToken {
            token: Secret::new(got),
            expires_at,
        })
    }
}

impl TokenProvider for PyTokenProvider {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, entitlement::Result<AccessToken>> {
        Box::pin(async move {
            if !self.credential {
                return self.fetch(scope).await;
            }
            self.cache.get_or_fetch(scope, || self.fetch(scope)).await
        })
    }

    fn invalidate(&self) {
        self.cache.clear();
    }
}
