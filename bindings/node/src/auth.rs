// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The JS side of core's host tokens: an `async (scope) => string`
//! callback, called through a thread-safe function from tokio's worker
//! threads, on every request (it reports no lifetime). The facade wraps the
//! user's function so it always returns a Promise of a string (or rejects);
//! a rejection is an `Authentication` error.

use std::sync::Arc;

use entitlement::auth::TokenProvider;
use entitlement::bridge::{fn_provider, host_error, HostToken, Lifetimes};
use napi::bindgen_prelude::{Function, Promise};
use napi::threadsafe_function::ThreadsafeFunction;

/// Weak: a pending token callback must not keep the process alive by itself.
type TokenFn = ThreadsafeFunction<String, Promise<String>, String, napi::Status, false, true>;

/// How errors name the callback.
const NAME: &str = "tokenProvider";

/// core's token provider over the JS function `f`.
pub fn provider(f: Function<String, Promise<String>>) -> napi::Result<Arc<dyn TokenProvider>> {
    let tsfn = f.build_threadsafe_function().callee_handled::<false>();
    let tsfn: Arc<TokenFn> = Arc::new(tsfn.weak::<true>().build()?);
    Ok(fn_provider(NAME, Lifetimes::Never, move |scope| {
        let tsfn = tsfn.clone();
        Box::pin(async move {
            let promise = tsfn.call_async_catch(scope).await;
            let promise = promise.map_err(|e| host_error(NAME, format!("failed: {}", e.reason)))?;
            let token = promise
                .await
                .map_err(|e| host_error(NAME, format!("rejected: {}", e.reason)))?;
            Ok(HostToken::expiring_on(token, None))
        })
    }))
}
