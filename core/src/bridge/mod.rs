// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The plumbing every binding shares, so Python, Node and C cannot drift.
//!
//! A binding only converts host values (a Python dict, a JS object, C JSON
//! text) into [`serde_json::Value`] / bytes and owns its runtime glue; the
//! rest happens here, once:
//!
//! - [`ClientConfig`]: the client options of every language as one serde
//!   type (camelCase keys, unknown keys refused) with a [`Credential`] enum;
//!   [`Session`] builds core's [`Client`](crate::Client) from it lazily.
//! - [`Call`]: one `prepare` step — operation lookup, path arguments, OData
//!   options, body check against the operation's type — before any I/O.
//! - [`Response`]: one response path per representation. Python takes typed
//!   models ([`Response::typed`]); Node and C take the service's JSON bytes
//!   ([`Response::json`], [`Response::items_json`]). Both are checked by the
//!   same rule: the body must decode as the operation's documented type.
//! - [`WaitRequest`]: waiting for an assignment request, in either version.
//! - [`Job`]: long-running work (batches, bulk operations, exports) as a
//!   stream of JSON events, one glue per binding for every kind.
//! - [`Pages`]: a list call's pages with one page of read-ahead (Python, C).
//! - [`HostTokens`]: core's token provider over a host callback (a Python
//!   credential, a JS function, a C function pointer): caching, refresh and
//!   one call in flight, written once; a binding only says how to call it
//!   ([`TokenHost`]).
//! - [`model`]: models built and described by name (Python's `Model`).
//! - [`runtime`]: the fork-aware tokio runtime of hosts without one (Python, C).

mod call;
mod config;
mod host_token;
mod job;
pub mod model;
mod pages;
mod response;
pub mod runtime;

pub use call::{fetch_next, Call, RawBody};
pub use config::{ClientConfig, Credential, Session};
pub use host_token::{
    blocking, blocking_provider, fn_provider, host_error, HostFuture, HostToken, HostTokens, Lifetimes, TokenHost,
};
pub use job::{error_json, Job, JobContext};
pub use pages::{PageOut, PageTask, Pages};
pub use response::{Output, Response, WaitRequest};

pub use response::{filter_literal, ItemsJson, JoinedArrays};

/// `Filter.eq(...)` and friends in every language: one comparison with the
/// literal (a JSON string, integer, boolean or null) escaped by core.
pub fn filter_compare(property: &str, op: &str, value: serde_json::Value) -> crate::Result<String> {
    crate::Filter::compare(property, op, filter_literal(value)?).map(String::from)
}

/// Qualified names of every operation (`name`, `beta.name`): the facades'
/// tests check that each has a generated method.
pub fn operation_names() -> Vec<String> {
    crate::api::OPERATIONS.iter().map(crate::api::Operation::qualified_name).collect()
}

/// One value of a JSON document by JSON Pointer (RFC 6901; `""` is the
/// whole document): a string without its quotes, any other value as JSON
/// text. Invalid JSON or a pointer not starting with `/` is an
/// `InvalidArgument` error, a pointer that matches nothing `NotFound`.
pub fn json_get(json: &str, pointer: &str) -> crate::Result<String> {
    use crate::Error;
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(Error::invalid_argument(format!("pointer {pointer:?} must be empty or start with '/'")));
    }
    let doc: serde_json::Value =
        serde_json::from_str(json).map_err(|e| Error::invalid_argument(format!("json is not valid JSON: {e}")))?;
    match doc.pointer(pointer) {
        None => Err(Error::new(crate::ErrorKind::NotFound, format!("nothing at {pointer:?} in the document"))),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(other) => Ok(other.to_string()),
    }
}

/// Runs a binding's future, a panic in it becoming an `Internal` error
/// (an async boundary's panic guard, in every language).
pub async fn guarded<T>(fut: impl std::future::Future<Output = crate::Result<T>>) -> crate::Result<T> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(fut).catch_unwind().await.unwrap_or_else(|p| Err(panic_error(p)))
}

/// A panic caught at a binding's boundary, as an `Internal` error.
pub fn panic_error(payload: Box<dyn std::any::Any + Send>) -> crate::Error {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    crate::Error::internal(format!("panic in native code: {msg}"))
}
