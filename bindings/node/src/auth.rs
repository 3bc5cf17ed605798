// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Mirrors core's `auth`: its [`TokenProvider`] over a JS `async (scope) => string` callback,
//! called through a thread-safe function from tokio's worker threads. The
//! facade wraps the user's function so it always returns a Promise of a
//! non-empty string (or rejects); a rejection is an `Authentication` error.

use std::fmt;

use entitlement::auth::{AccessToken, Secret, TokenProvider};
use entitlement::{Error, ErrorKind, Result};
use futures_util::future::BoxFuture;
use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::ThreadsafeFunction;

/// Weak: a pending token callback must not keep the process alive by itself.
pub type TokenFn = ThreadsafeFunction<String, Promise<String>, String, napi::Status, false, true>;

pub struct JsTokenProvider {
    f: TokenFn,
}

impl JsTokenProvider {
    pub fn new(f: TokenFn) -> Self {
        JsTokenProvider { f }
    }
}

impl fmt::Debug for JsTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JsTokenProvider")
    }
}

fn auth_error(what: &str, e: napi::Error) -> Error {
    Error::new(
        ErrorKind::Authentication,
        format!("tokenProvider {what}: {}", e.reason),
    )
}

impl TokenProvider for JsTokenProvider {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            let promise = self
                .f
                .call_async_catch(scope.to_string())
                .await
                .map_err(|e| auth_error("failed", e))?;
            let token = promise.await.map_err(|e| auth_error("rejected", e))?;
            if token.is_empty() {
                return Err(Error::new(
                    ErrorKind::Authentication,
                    "tokenProvider returned an empty token",
                ));
            }
            Ok(AccessToken {
                token: Secret::new(token),
                expires_at: None,
            })
        })
    }
}
