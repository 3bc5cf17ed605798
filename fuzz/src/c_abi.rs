// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Fuzz target `c_abi`: the exports of `libentitlement` called as a C
//! program might: fuzzed option JSON, operation names, path arguments, query
//! options, bodies, filters and JSON pointers, as byte strings that may hold
//! invalid UTF-8 and embedded NULs (the C string then ends there), and with
//! NULL chosen by fuzz bits for any pointer. Nothing may panic (a caught
//! panic is `ENT_PANIC`, a crash here), every failure returns a status and,
//! when asked for, an error object whose accessors are read and which is
//! freed; outputs are written only on success.
//!
//! No traffic leaves the process: a call that would pass every check (and
//! so be sent) is recognised first with core's own checks (`Call::new`,
//! `WaitRequest::new`) and skipped; the shared client's base URL is a closed
//! loopback port all the same.
//!
//! Shared with `bindings/c/src/lib.rs` (`#[cfg(test)]`), which includes this
//! file by path with `capi` naming the C ABI crate.

use std::ffi::{c_void, CStr};
use std::os::raw::c_char;
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use entitlement::bridge::{Call, RawBody, WaitRequest};
use serde_json::Value;

use super::capi;
use capi::{ent_client, ent_error, ent_pager, ent_status};

/// Never called: no call made here reaches the network.
unsafe extern "C" fn no_token(
    _: *mut c_void,
    _: *const c_char,
    _: *mut capi::ent_token_sink,
) -> i32 {
    ent_status::ENT_AUTHENTICATION as i32
}

struct SharedClient(*mut ent_client);
// SAFETY: ent_client is documented thread-safe; the pointer is never freed.
unsafe impl Send for SharedClient {}
unsafe impl Sync for SharedClient {}

/// One client for every input (its HTTP client is built once).
fn shared_client() -> *const ent_client {
    static C: OnceLock<SharedClient> = OnceLock::new();
    C.get_or_init(|| {
        let opts = c"{\"baseUrl\":\"http://127.0.0.1:1\",\"token\":\"fuzz\",\"maxRetries\":0,\"timeoutMs\":100}";
        let mut out = null_mut();
        let st = unsafe { capi::ent_client_new(opts.as_ptr(), &mut out, null_mut()) };
        assert_eq!(st, ent_status::ENT_OK);
        SharedClient(out)
    })
    .0
}

/// The fields of one input: byte strings separated by 0x1F, each made a C
/// string (NUL added; an embedded NUL ends it early, as in C), or NULL when
/// its bit in `nulls` is set.
struct Fields {
    strings: Vec<Vec<u8>>,
    nulls: u32,
}

impl Fields {
    fn new(data: &[u8], nulls: u32) -> Fields {
        let strings = data
            .split(|&b| b == 0x1f)
            .map(|s| {
                let mut v = s.to_vec();
                v.push(0);
                v
            })
            .collect();
        Fields { strings, nulls }
    }

    /// Field `i` as a C string pointer (empty when the input has fewer fields).
    fn ptr(&self, i: usize) -> *const c_char {
        if self.nulls & (1 << i) != 0 {
            return null();
        }
        self.strings
            .get(i)
            .map_or(c"".as_ptr(), |s| s.as_ptr().cast())
    }

    /// What the library sees for field `i`: None for NULL, Some(Err) for non-UTF-8.
    fn text(&self, i: usize) -> Option<Result<&str, ()>> {
        let p = self.ptr(i);
        if p.is_null() {
            return None;
        }
        Some(unsafe { CStr::from_ptr(p) }.to_str().map_err(drop))
    }
}

/// Checks the status/error contract of one call and frees the error.
unsafe fn check(what: &str, st: ent_status, err: *mut ent_error, asked: bool) {
    if st == ent_status::ENT_OK {
        assert!(err.is_null(), "{what}: an error object on success");
        return;
    }
    if !asked {
        assert_ne!(st, ent_status::ENT_PANIC, "{what} panicked");
        return;
    }
    assert!(!err.is_null(), "{what}: {st:?} without an error object");
    let msg = CStr::from_ptr(capi::ent_error_message(err))
        .to_str()
        .expect("messages are UTF-8")
        .to_string();
    assert_ne!(st, ent_status::ENT_PANIC, "{what} panicked: {msg}");
    assert_eq!(capi::ent_error_status(err), st);
    let kind = CStr::from_ptr(capi::ent_error_kind(err))
        .to_str()
        .expect("kinds are UTF-8");
    assert!(!kind.is_empty());
    for p in [
        capi::ent_error_code(err),
        capi::ent_error_request_id(err),
        capi::ent_error_client_request_id(err),
    ] {
        if !p.is_null() {
            CStr::from_ptr(p).to_str().expect("error strings are UTF-8");
        }
    }
    let _ = (
        capi::ent_error_http_status(err),
        capi::ent_error_retry_after_ms(err),
    );
    capi::ent_error_free(err);
}

/// An output slot preset to a sentinel, to prove failures leave it alone.
const SENTINEL: usize = 0x5e17;

unsafe fn string_out(what: &str, st: ent_status, out: *mut c_char, may_be_null: bool) {
    if st == ent_status::ENT_OK {
        assert!(
            out as usize != SENTINEL,
            "{what}: success without an output"
        );
        if out.is_null() {
            assert!(may_be_null, "{what}: NULL output on success");
        } else {
            CStr::from_ptr(out).to_str().expect("outputs are UTF-8");
            capi::ent_string_free(out);
        }
    } else {
        assert_eq!(out as usize, SENTINEL, "{what}: output written on failure");
    }
}

fn json(f: Option<Result<&str, ()>>) -> Option<Result<Value, ()>> {
    f.map(|t| t.and_then(|t| serde_json::from_str(t).map_err(drop)))
}

/// Whether `ent_client_call` would get past every check and send (skipped).
fn call_would_send(f: &Fields) -> bool {
    let (Some(Ok(op)), args, query, body) = (f.text(0), f.text(1), f.text(2), f.text(3)) else {
        return false;
    };
    let (Some(args), Some(query)) = (
        json(args).or(Some(Ok(Value::Null))),
        json(query).or(Some(Ok(Value::Null))),
    ) else {
        return false;
    };
    let (Ok(args), Ok(query)) = (args, query) else {
        return false;
    };
    let body = match body {
        None => RawBody::None,
        Some(Ok(b)) => RawBody::Text(b.as_bytes()),
        Some(Err(())) => return false,
    };
    Call::new(op, args, query, body).is_ok()
}

fn list_would_send(f: &Fields) -> bool {
    let (Some(Ok(op)), args, query) = (f.text(0), f.text(1), f.text(2)) else {
        return false;
    };
    let (Some(Ok(args)), Some(Ok(query))) = (
        json(args).or(Some(Ok(Value::Null))),
        json(query).or(Some(Ok(Value::Null))),
    ) else {
        return false;
    };
    Call::list(op, args, query).is_ok()
}

fn wait_would_send(f: &Fields) -> bool {
    let (Some(Ok(id)), opts) = (f.text(0), f.text(1)) else {
        return false;
    };
    let Some(Ok(opts)) = json(opts).or(Some(Ok(Value::Null))) else {
        return false;
    };
    WaitRequest::new(id.to_string(), opts).is_ok()
}

/// Runs one input; panics (a fuzzer crash) on a broken contract.
pub fn run(data: &[u8]) {
    let [sel, nulls, rest @ ..] = data else {
        return;
    };
    let f = Fields::new(rest, u32::from(*nulls) & 0x0f);
    let no_out = nulls & 0x40 != 0;
    let asked = nulls & 0x80 == 0;
    let use_client = nulls & 0x20 == 0;
    let client = if use_client { shared_client() } else { null() };
    let mut err: *mut ent_error = null_mut();
    let errp: *mut *mut ent_error = if asked { &mut err } else { null_mut() };
    let mut out: *mut c_char = SENTINEL as *mut c_char;
    let outp: *mut *mut c_char = if no_out { null_mut() } else { &mut out };
    unsafe {
        match sel % 12 {
            0 => {
                let mut c: *mut ent_client = SENTINEL as *mut ent_client;
                let cp = if no_out { null_mut() } else { &mut c };
                let st = capi::ent_client_new(f.ptr(0), cp, errp);
                check("ent_client_new", st, err, asked);
                if st == ent_status::ENT_OK {
                    assert!(!c.is_null() && c as usize != SENTINEL);
                    capi::ent_client_free(c);
                } else {
                    assert_eq!(
                        c as usize, SENTINEL,
                        "ent_client_new wrote its output on failure"
                    );
                }
            }
            1 => {
                let cb: capi::ent_token_callback = if sel & 0x80 == 0 {
                    Some(no_token)
                } else {
                    None
                };
                let mut c: *mut ent_client = SENTINEL as *mut ent_client;
                let cp = if no_out { null_mut() } else { &mut c };
                let st =
                    capi::ent_client_new_with_token_callback(f.ptr(0), cb, null_mut(), cp, errp);
                check("ent_client_new_with_token_callback", st, err, asked);
                if st == ent_status::ENT_OK {
                    capi::ent_client_free(c);
                }
            }
            2 => {
                if use_client && !no_out && call_would_send(&f) {
                    return;
                }
                let st = capi::ent_client_call(
                    client,
                    f.ptr(0),
                    f.ptr(1),
                    f.ptr(2),
                    f.ptr(3),
                    outp,
                    errp,
                );
                check("ent_client_call", st, err, asked);
                string_out("ent_client_call", st, out, true);
            }
            3 => {
                let mut p: *mut ent_pager = SENTINEL as *mut ent_pager;
                let pp = if no_out { null_mut() } else { &mut p };
                let st = capi::ent_client_list(client, f.ptr(0), f.ptr(1), f.ptr(2), pp, errp);
                check("ent_client_list", st, err, asked);
                if st == ent_status::ENT_OK {
                    // A NULL output or done flag is refused before any fetch.
                    let mut done = false;
                    let mut items: *mut c_char = SENTINEL as *mut c_char;
                    let mut e2: *mut ent_error = null_mut();
                    let st = if sel & 0x80 == 0 {
                        capi::ent_pager_next(p, null_mut(), &mut done, &mut e2)
                    } else {
                        capi::ent_pager_next(p, &mut items, null_mut(), &mut e2)
                    };
                    assert_eq!(st, ent_status::ENT_INVALID_ARGUMENT);
                    check("ent_pager_next", st, e2, true);
                    assert_eq!(items as usize, SENTINEL);
                    capi::ent_pager_free(p);
                } else {
                    assert_eq!(
                        p as usize, SENTINEL,
                        "ent_client_list wrote its output on failure"
                    );
                }
            }
            4 => {
                if use_client && !no_out && list_would_send(&f) {
                    return;
                }
                let st =
                    capi::ent_client_list_all(client, f.ptr(0), f.ptr(1), f.ptr(2), outp, errp);
                check("ent_client_list_all", st, err, asked);
                string_out("ent_client_list_all", st, out, false);
            }
            5 => {
                if use_client && !no_out && wait_would_send(&f) {
                    return;
                }
                let st = capi::ent_client_wait_for_assignment_request(
                    client,
                    f.ptr(0),
                    f.ptr(1),
                    outp,
                    errp,
                );
                check("ent_client_wait_for_assignment_request", st, err, asked);
                string_out("ent_client_wait_for_assignment_request", st, out, false);
            }
            6 | 7 => {
                let st = capi::ent_filter_compare(f.ptr(0), f.ptr(1), f.ptr(2), outp, errp);
                check("ent_filter_compare", st, err, asked);
                let text = (st == ent_status::ENT_OK)
                    .then(|| CStr::from_ptr(out).to_string_lossy().into_owned());
                string_out("ent_filter_compare", st, out, false);
                // What the builder writes, the emulator's filter parser reads.
                if let Some(text) = text {
                    if let Err(e) = entitlement_emulator::odata::filter::parse(&text) {
                        panic!(
                            "ent_filter_compare wrote {text:?}, which the emulator refuses: {e}"
                        );
                    }
                }
            }
            8 => {
                let st = capi::ent_json_get(f.ptr(0), f.ptr(1), outp, errp);
                check("ent_json_get", st, err, asked);
                string_out("ent_json_get", st, out, false);
            }
            9 => {
                let mut done = false;
                let st = capi::ent_pager_next(null_mut(), outp, &mut done, errp);
                assert_eq!(st, ent_status::ENT_INVALID_ARGUMENT);
                check("ent_pager_next", st, err, asked);
                string_out("ent_pager_next", st, out, false);
                capi::ent_pager_free(null_mut());
                capi::ent_client_free(null_mut());
                capi::ent_string_free(null_mut());
                capi::ent_error_free(null_mut());
                capi::ent_emulator_free(null_mut());
                capi::ent_emulator_stop(null_mut());
                let n = i32::from_le_bytes([
                    rest.first().copied().unwrap_or(0),
                    nulls.wrapping_mul(7),
                    0,
                    sel & 0x80,
                ]);
                CStr::from_ptr(capi::ent_status_name(n))
                    .to_str()
                    .expect("status names are UTF-8");
                CStr::from_ptr(capi::ent_version())
                    .to_str()
                    .expect("the version is UTF-8");
                for p in [
                    capi::ent_error_kind(null()),
                    capi::ent_error_message(null()),
                    capi::ent_error_code(null()),
                ] {
                    assert!(p.is_null() || CStr::from_ptr(p).to_str().is_ok());
                }
                let _ = (
                    capi::ent_error_status(null()),
                    capi::ent_error_http_status(null()),
                    capi::ent_error_retry_after_ms(null()),
                );
            }
            10 => {
                // Emulator accessors with a NULL handle, and a token sink that is NULL.
                let st = capi::ent_emulator_user_token(null(), f.ptr(0), outp, errp);
                assert_ne!(st, ent_status::ENT_OK);
                check("ent_emulator_user_token", st, err, asked);
                string_out("ent_emulator_user_token", st, out, false);
                let mut e2 = null_mut();
                let st = capi::ent_emulator_inject_fault(null(), f.ptr(1), &mut e2);
                check("ent_emulator_inject_fault", st, e2, true);
                let mut e3 = null_mut();
                let st = capi::ent_token_sink_set(null_mut(), f.ptr(2), i64::from(*sel), &mut e3);
                assert_ne!(st, ent_status::ENT_OK);
                check("ent_token_sink_set", st, e3, true);
                let mut e4 = null_mut();
                let mut s = SENTINEL as *mut c_char;
                let st = capi::ent_emulator_base_url(null(), &mut s, &mut e4);
                check("ent_emulator_base_url", st, e4, true);
                string_out("ent_emulator_base_url", st, s, false);
            }
            _ => {
                // Options of the in-process emulator are parsed before it
                // starts; only refused ones are tried (a start binds a port).
                let Some(Ok(text)) = f.text(0) else {
                    let st = capi::ent_emulator_start(f.ptr(0), null_mut(), errp);
                    check("ent_emulator_start", st, err, asked);
                    return;
                };
                if emulator_options_ok(text) {
                    return;
                }
                let mut e: *mut capi::ent_emulator = null_mut();
                let st = capi::ent_emulator_start(f.ptr(0), &mut e, errp);
                check("ent_emulator_start", st, err, asked);
                if st == ent_status::ENT_OK {
                    capi::ent_emulator_stop(e);
                }
            }
        }
    }
}

/// A conservative guess that `ent_emulator_start` would accept the options
/// (and so start a server): any JSON object or null. Those are skipped.
fn emulator_options_ok(text: &str) -> bool {
    matches!(
        serde_json::from_str::<Value>(text),
        Ok(Value::Object(_) | Value::Null)
    )
}
