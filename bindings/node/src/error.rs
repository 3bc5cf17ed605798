// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! napi-rs async functions can only reject with napi's own status codes, so
//! a core [`Error`] travels as JSON behind a marker in the message; the JS
//! facade (`lib/errors.js`) recognises the marker and throws the typed error.
//! Keep `MARKER` in sync with `lib/errors.js`.

use entitlement::Error;
use napi::Status;
use serde_json::json;

pub const MARKER: &str = "\u{1}entitlement-error:";

/// The napi error carrying every field of a core error.
pub fn to_napi(e: Error) -> napi::Error {
    let detail = json!({
        "kind": e.kind.as_str(),
        "message": e.message,
        "status": e.status,
        "graphCode": e.code,
        "requestId": e.request_id,
        "clientRequestId": e.client_request_id,
        "date": e.date,
        "retryAfter": e.retry_after.map(|d| d.as_secs_f64()),
        "outcomeUnknown": e.outcome_unknown,
    });
    napi::Error::new(Status::GenericFailure, format!("{MARKER}{detail}"))
}

pub trait IntoNapi<T> {
    fn napi(self) -> napi::Result<T>;
}

impl<T> IntoNapi<T> for Result<T, Error> {
    fn napi(self) -> napi::Result<T> {
        self.map_err(to_napi)
    }
}
