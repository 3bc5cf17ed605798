// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `ent_error`: the details of a failure. Plain immutable data, so it may be
//! read and freed from any thread; accessors return strings borrowed from it.

use std::ffi::CString;
use std::os::raw::c_char;
use std::ptr;

use entitlement::Error;

use crate::status::ent_status;

/// Details of a failed call: status, kind name, HTTP status, Graph error
/// code, message and request ids. Created by the library on failure (through
/// the trailing `ent_error **err` parameter), released with
/// ent_error_free(). Immutable: safe to read from any thread, and to free
/// from a different thread than the one that received it.
pub struct ent_error {
    status: ent_status,
    kind: CString,
    http_status: u16,
    code: Option<CString>,
    message: CString,
    request_id: Option<CString>,
    client_request_id: Option<CString>,
    retry_after_ms: i64,
    outcome_unknown: bool,
}

/// A `CString` from text that may contain NULs (they are dropped).
pub(crate) fn cstring_lossy(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

impl ent_error {
    pub(crate) fn from_error(status: ent_status, e: &Error) -> ent_error {
        ent_error {
            status,
            // A panic's error is `Internal` too (`panic_error`).
            kind: cstring_lossy(e.kind.as_str()),
            http_status: e.status.unwrap_or(0),
            code: e.code.as_deref().map(cstring_lossy),
            message: cstring_lossy(&e.message),
            request_id: e.request_id.as_deref().map(cstring_lossy),
            client_request_id: e.client_request_id.as_deref().map(cstring_lossy),
            retry_after_ms: e
                .retry_after
                .map_or(-1, |d| d.as_millis().min(i64::MAX as u128) as i64),
            outcome_unknown: e.outcome_unknown,
        }
    }
}

fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

/// Releases an error. `ent_error_free(NULL)` is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ent_error_free(err: *mut ent_error) {
    crate::ffi::free_box(err)
}

/// The status the failed call returned (ENT_INTERNAL for NULL).
#[no_mangle]
pub unsafe extern "C" fn ent_error_status(err: *const ent_error) -> ent_status {
    err.as_ref().map_or(ent_status::ENT_INTERNAL, |e| e.status)
}

/// The error kind's name, shared with the other bindings: "NotFound",
/// "BadRequest", ... ("Internal" for a panic). Borrowed from `err`; NULL if
/// `err` is NULL.
#[no_mangle]
pub unsafe extern "C" fn ent_error_kind(err: *const ent_error) -> *const c_char {
    err.as_ref().map_or(ptr::null(), |e| e.kind.as_ptr())
}

/// The HTTP status of the failed response, or 0 when none was received.
#[no_mangle]
pub unsafe extern "C" fn ent_error_http_status(err: *const ent_error) -> u16 {
    err.as_ref().map_or(0, |e| e.http_status)
}

/// Graph's error code (e.g. "ResourceNotFound"), or the token endpoint's
/// `error` (e.g. "invalid_grant"); NULL when the service sent none.
/// Borrowed from `err`.
#[no_mangle]
pub unsafe extern "C" fn ent_error_code(err: *const ent_error) -> *const c_char {
    err.as_ref().map_or(ptr::null(), |e| opt_ptr(&e.code))
}

/// A message for humans (never NULL for a non-NULL `err`). Borrowed from `err`.
#[no_mangle]
pub unsafe extern "C" fn ent_error_message(err: *const ent_error) -> *const c_char {
    err.as_ref().map_or(ptr::null(), |e| e.message.as_ptr())
}

/// The `request-id` of the failed response, or NULL. Borrowed from `err`.
#[no_mangle]
pub unsafe extern "C" fn ent_error_request_id(err: *const ent_error) -> *const c_char {
    err.as_ref().map_or(ptr::null(), |e| opt_ptr(&e.request_id))
}

/// The `client-request-id` this library sent, or NULL when nothing was sent.
/// Borrowed from `err`.
#[no_mangle]
pub unsafe extern "C" fn ent_error_client_request_id(err: *const ent_error) -> *const c_char {
    err.as_ref()
        .map_or(ptr::null(), |e| opt_ptr(&e.client_request_id))
}

/// The wait the service asked for with `Retry-After`, in milliseconds, or -1.
#[no_mangle]
pub unsafe extern "C" fn ent_error_retry_after_ms(err: *const ent_error) -> i64 {
    err.as_ref().map_or(-1, |e| e.retry_after_ms)
}

/// 1 when a create or action may have been carried out although it failed
/// (504, connection lost after sending): read the object back before
/// repeating it. 0 otherwise, and for NULL.
#[no_mangle]
pub unsafe extern "C" fn ent_error_outcome_unknown(err: *const ent_error) -> i32 {
    err.as_ref().map_or(0, |e| i32::from(e.outcome_unknown))
}
