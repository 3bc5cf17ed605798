// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The JS side of core's host tokens ([`TokenHost`]): an
//! `async (scope) => string` callback, called through a thread-safe
//! function from tokio's worker threads, on every request (it reports no
//! lifetime). The facade wraps the user's function so it always returns a
//! Promise of a string (or rejects); a rejection is an `Authentication`
//! error.

use std::sync::Arc;

use entitlement::bridge::{host_error, HostFuture, HostToken, TokenHost};
use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::ThreadsafeFunction;

/// Weak: a pending token callback must not keep the process alive by itself.
pub type TokenFn = ThreadsafeFunction<String, Promise<String>, String, napi::Status, false, true>;

pub struct JsTokenHost(pub TokenFn);

/// How errors name the callback.
pub const NAME: &str = "tokenProvider";

impl TokenHost for JsTokenHost {
    fn fetch(self: Arc<Self>, scope: String) -> HostFuture {
        Box::pin(async move {
            let promise = self.0.call_async_catch(scope).await;
            let promise = promise.map_err(|e| host_error(NAME, format!("failed: {}", e.reason)))?;
            let token = promise
                .await
                .map_err(|e| host_error(NAME, format!("rejected: {}", e.reason)))?;
            Ok(HostToken {
                token,
                lifetime: None,
            })
        })
    }
}
