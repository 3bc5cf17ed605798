// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Tokens from the host: a C callback, which core's bridge
//! (`blocking_provider`) runs on the runtime's blocking pool, never on an
//! I/O thread, caching per scope the tokens it reports with a lifetime.
//!
//! The callback returns a plain `int32_t`, not `enum ent_status`: a caller
//! built against a newer header may return a status this library does not
//! know, and reading an out-of-range value as a Rust enum is undefined
//! behaviour. The value is checked as an integer and named in the error.

use std::ffi::{c_void, CString};
use std::os::raw::c_char;

use entitlement::bridge::{blocking_provider, host_error, HostToken, Lifetimes};
use entitlement::{Error, Result};

use crate::client::ent_client;
use crate::error::ent_error;
use crate::ffi::{guard, invalid, null, out_arg, put_box};
use crate::status::{ent_status, status_name};

/// Where a token callback puts the token: pass it to ent_token_sink_set().
/// Valid only during the callback.
pub struct ent_token_sink {
    token: Option<HostToken>,
}

/// Supplies an access token for `scope` (e.g.
/// "https://graph.microsoft.com/.default"): call ent_token_sink_set(sink,
/// ...) and return ENT_OK (0), or return any other value, an `ent_status` or
/// not (the call then fails with ENT_AUTHENTICATION, whose message names the
/// value). The return type is `int32_t` so that any value is safe to return.
/// Called on one of the library's internal threads, possibly on several at
/// once: it must be thread-safe, and it may block (e.g. to run a sign-in);
/// the time it takes counts against the call's deadline.
pub type ent_token_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        scope: *const c_char,
        sink: *mut ent_token_sink,
    ) -> i32,
>;

/// Gives the token from inside a token callback. The library copies
/// `token`. `expires_in_seconds` > 0 lets the library reuse the token for
/// its scope until shortly before it expires (a minute at least); 0 or less
/// asks for the callback again on every request; lifetimes over a day
/// count as a day.
#[no_mangle]
pub unsafe extern "C" fn ent_token_sink_set(
    sink: *mut ent_token_sink,
    token: *const c_char,
    expires_in_seconds: i64,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let sink = sink.as_mut().ok_or_else(|| null("sink"))?;
        let token = crate::ffi::str_arg(token, "token")?;
        if token.is_empty() {
            return Err(invalid("token must not be empty"));
        }
        sink.token = Some(HostToken::for_seconds(token.into(), expires_in_seconds));
        Ok(())
    })
}

/// How a non-OK return value reads in an error: its status name, or the
/// number itself when it is not a status this library knows.
fn returned(status: i32) -> String {
    match status_name(status) {
        Some(name) => format!("returned {} ({status})", name.to_string_lossy()),
        None => format!("returned {status}, which is not an ent_status this library knows (return ENT_OK after ent_token_sink_set, or an ENT_* status)"),
    }
}

/// How errors name the callback.
const NAME: &str = "token callback";

struct CallbackHost {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char, *mut ent_token_sink) -> i32,
    user_data: *mut c_void,
}

// The caller promises (in the header) that the callback and its user data
// may be used from any thread.
unsafe impl Send for CallbackHost {}
unsafe impl Sync for CallbackHost {}

impl CallbackHost {
    fn call(&self, scope: &str) -> Result<HostToken> {
        let scope_c = CString::new(scope).map_err(|_| Error::internal("scope contains NUL"))?;
        let mut sink = ent_token_sink { token: None };
        let status = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
            (self.callback)(self.user_data, scope_c.as_ptr(), &mut sink)
        }))
        .map_err(|_| Error::internal("the token callback panicked"))?;
        if status != ent_status::ENT_OK as i32 {
            return Err(host_error(NAME, returned(status)));
        }
        sink.token
            .ok_or_else(|| host_error(NAME, "returned ENT_OK without calling ent_token_sink_set"))
    }
}

/// Creates a client whose tokens come from `callback` (see
/// ent_token_callback). `options_json` as for ent_client_new(), without a
/// credential (no token, clientSecret or username). `user_data` is passed to
/// every callback; it must stay valid, and usable from any thread, until
/// the client is freed. On success `*out` receives the client (release with
/// ent_client_free()).
#[no_mangle]
pub unsafe extern "C" fn ent_client_new_with_token_callback(
    options_json: *const c_char,
    callback: ent_token_callback,
    user_data: *mut c_void,
    out: *mut *mut ent_client,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let out = out_arg(out, "out")?;
        let callback = callback.ok_or_else(|| null("callback"))?;
        let host = CallbackHost {
            callback,
            user_data,
        };
        let provider = blocking_provider(NAME, Lifetimes::Reported, move |s| host.call(s));
        put_box(out, ent_client::new(options_json, Some(provider))?)
    })
}
