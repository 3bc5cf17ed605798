// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The status codes: core's `ErrorKind`, numbered. Append-only.

use std::os::raw::c_char;

use entitlement::ErrorKind;

/// Result of every fallible function. `ENT_OK` is 0; the other values mirror
/// the error kinds shared by every binding. Numbers never change; new codes
/// are only appended.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ent_status {
    /// Success.
    ENT_OK = 0,
    /// Rejected before anything was sent: NULL or non-UTF-8 input, bad JSON,
    /// unknown operation, wrong number of path arguments, invalid body.
    ENT_INVALID_ARGUMENT = 1,
    /// HTTP 400 (e.g. a malformed `$filter`).
    ENT_BAD_REQUEST = 2,
    /// HTTP 401, or no token could be obtained.
    ENT_AUTHENTICATION = 3,
    /// HTTP 403.
    ENT_PERMISSION_DENIED = 4,
    /// HTTP 404.
    ENT_NOT_FOUND = 5,
    /// HTTP 409 or 412.
    ENT_CONFLICT = 6,
    /// HTTP 429 after the retries allowed.
    ENT_THROTTLED = 7,
    /// HTTP 5xx after the retries allowed.
    ENT_SERVICE = 8,
    /// A deadline passed (HTTP timeout, or a wait that did not finish).
    ENT_TIMEOUT = 9,
    /// Connect, DNS or TLS failure.
    ENT_NETWORK = 10,
    /// The response was not what the API documents.
    ENT_DECODE = 11,
    /// A bug in the library (or use after fork()).
    ENT_INTERNAL = 12,
    /// A Rust panic was caught at the ABI boundary.
    ENT_PANIC = 13,
}

impl ent_status {
    pub(crate) fn from_kind(kind: ErrorKind) -> ent_status {
        match kind {
            ErrorKind::InvalidArgument => ent_status::ENT_INVALID_ARGUMENT,
            ErrorKind::BadRequest => ent_status::ENT_BAD_REQUEST,
            ErrorKind::Authentication => ent_status::ENT_AUTHENTICATION,
            ErrorKind::PermissionDenied => ent_status::ENT_PERMISSION_DENIED,
            ErrorKind::NotFound => ent_status::ENT_NOT_FOUND,
            ErrorKind::Conflict => ent_status::ENT_CONFLICT,
            ErrorKind::Throttled => ent_status::ENT_THROTTLED,
            ErrorKind::Service => ent_status::ENT_SERVICE,
            ErrorKind::Timeout => ent_status::ENT_TIMEOUT,
            ErrorKind::Network => ent_status::ENT_NETWORK,
            ErrorKind::Decode => ent_status::ENT_DECODE,
            // ErrorKind is non_exhaustive: anything new is a bug until mapped.
            _ => ent_status::ENT_INTERNAL,
        }
    }

    fn name(self) -> &'static [u8] {
        match self {
            ent_status::ENT_OK => b"ENT_OK\0",
            ent_status::ENT_INVALID_ARGUMENT => b"ENT_INVALID_ARGUMENT\0",
            ent_status::ENT_BAD_REQUEST => b"ENT_BAD_REQUEST\0",
            ent_status::ENT_AUTHENTICATION => b"ENT_AUTHENTICATION\0",
            ent_status::ENT_PERMISSION_DENIED => b"ENT_PERMISSION_DENIED\0",
            ent_status::ENT_NOT_FOUND => b"ENT_NOT_FOUND\0",
            ent_status::ENT_CONFLICT => b"ENT_CONFLICT\0",
            ent_status::ENT_THROTTLED => b"ENT_THROTTLED\0",
            ent_status::ENT_SERVICE => b"ENT_SERVICE\0",
            ent_status::ENT_TIMEOUT => b"ENT_TIMEOUT\0",
            ent_status::ENT_NETWORK => b"ENT_NETWORK\0",
            ent_status::ENT_DECODE => b"ENT_DECODE\0",
            ent_status::ENT_INTERNAL => b"ENT_INTERNAL\0",
            ent_status::ENT_PANIC => b"ENT_PANIC\0",
        }
    }
}

/// The name of a status (`"ENT_NOT_FOUND"`), or `"ENT_UNKNOWN"` for a number
/// this version does not know. The string is static: do not free it.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn ent_status_name(status: i32) -> *const c_char {
    const ALL: [ent_status; 14] = [
        ent_status::ENT_OK,
        ent_status::ENT_INVALID_ARGUMENT,
        ent_status::ENT_BAD_REQUEST,
        ent_status::ENT_AUTHENTICATION,
        ent_status::ENT_PERMISSION_DENIED,
        ent_status::ENT_NOT_FOUND,
        ent_status::ENT_CONFLICT,
        ent_status::ENT_THROTTLED,
        ent_status::ENT_SERVICE,
        ent_status::ENT_TIMEOUT,
        ent_status::ENT_NETWORK,
        ent_status::ENT_DECODE,
        ent_status::ENT_INTERNAL,
        ent_status::ENT_PANIC,
    ];
    let name: &'static [u8] = ALL
        .iter()
        .find(|s| **s as i32 == status)
        .map_or(b"ENT_UNKNOWN\0", |s| s.name());
    name.as_ptr().cast()
}
