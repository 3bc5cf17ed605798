// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! ABI plumbing: the panic boundary every export runs in, borrowed-input
//! checks, and library-owned strings.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use entitlement::Error;
use serde_json::Value;

use crate::error::ent_error;
use crate::status::ent_status;

pub(crate) type Result<T> = std::result::Result<T, Error>;

/// Runs an export's body: panics become `ENT_PANIC`, errors their status, and
/// the error object goes to `*err` when the caller asked for it.
pub(crate) fn guard(err: *mut *mut ent_error, body: impl FnOnce() -> Result<()>) -> ent_status {
    let (status, error) = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return ent_status::ENT_OK,
        Ok(Err(e)) => (ent_status::from_kind(e.kind), e),
        Err(payload) => (
            ent_status::ENT_PANIC,
            entitlement::bridge::panic_error(payload),
        ),
    };
    if !err.is_null() {
        // Building the error cannot panic in practice; if it did, the status still reports the failure.
        if let Ok(boxed) = catch_unwind(AssertUnwindSafe(|| {
            Box::new(ent_error::from_error(status, &error))
        })) {
            unsafe { *err = Box::into_raw(boxed) };
        }
    }
    status
}

pub(crate) fn invalid(msg: impl Into<String>) -> Error {
    Error::invalid_argument(msg)
}

/// The error for a required pointer that is NULL.
pub(crate) fn null(name: &str) -> Error {
    invalid(format!("{name} must not be NULL"))
}

/// A required input string.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(null(name));
    }
    CStr::from_ptr(p)
        .to_str()
        .map_err(|e| invalid(format!("{name} is not valid UTF-8: {e}")))
}

/// An optional input string (NULL allowed).
pub(crate) unsafe fn opt_str_arg<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>> {
    (!p.is_null()).then(|| str_arg(p, name)).transpose()
}

/// JSON text as a value.
pub(crate) fn json_arg(text: &str, name: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| invalid(format!("{name} is not valid JSON: {e}")))
}

/// Optional JSON text as a value (NULL → `null`).
pub(crate) unsafe fn opt_json_arg(p: *const c_char, name: &str) -> Result<Value> {
    opt_str_arg(p, name)?.map_or(Ok(Value::Null), |t| json_arg(t, name))
}

/// Checks a required out-parameter; nothing is written through it yet.
pub(crate) fn out_arg<T>(p: *mut T, name: &str) -> Result<*mut T> {
    (!p.is_null()).then_some(p).ok_or_else(|| null(name))
}

/// A borrowed handle; NULL is an argument error.
pub(crate) unsafe fn handle<'a, T>(p: *const T, name: &str) -> Result<&'a T> {
    p.as_ref().ok_or_else(|| null(name))
}

/// A string for the caller; NUL inside is a `Decode` error.
pub(crate) fn cstring(s: impl Into<Vec<u8>>) -> Result<CString> {
    CString::new(s).map_err(|_| Error::decode("the response contains a NUL character"))
}

/// A string handed to the caller (released with `ent_string_free`).
pub(crate) fn c_string(s: impl Into<Vec<u8>>) -> Result<*mut c_char> {
    cstring(s).map(CString::into_raw)
}

/// An optional string handed to the caller (None: NULL).
pub(crate) fn opt_c_string(s: Option<impl Into<Vec<u8>>>) -> Result<*mut c_char> {
    s.map_or(Ok(std::ptr::null_mut()), c_string)
}

/// Writes a string for the caller through a checked out-parameter.
pub(crate) unsafe fn put_string(out: *mut *mut c_char, s: impl Into<Vec<u8>>) -> Result<()> {
    *out = c_string(s)?;
    Ok(())
}

/// Writes a new handle through a checked out-parameter (released with its
/// `_free`).
pub(crate) unsafe fn put_box<T>(out: *mut *mut T, value: T) -> Result<()> {
    *out = Box::into_raw(Box::new(value));
    Ok(())
}

/// Releases a string this library returned through a `char **` parameter.
/// `ent_string_free(NULL)` is a no-op. Never pass memory from elsewhere.
#[no_mangle]
pub unsafe extern "C" fn ent_string_free(s: *mut c_char) {
    if !s.is_null() {
        let _ = catch_unwind(|| drop(CString::from_raw(s)));
    }
}

/// The library version (e.g. "0.1.0"). Static: do not free. Thread-safe.
#[no_mangle]
pub extern "C" fn ent_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Drops a handle handed out with `Box::into_raw`; NULL is a no-op. A panic
/// in a destructor is swallowed: a free function has no way to report it.
pub(crate) unsafe fn free_box<T>(p: *mut T) {
    if !p.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(p))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::*;

    #[test]
    fn panics_become_ent_panic_with_an_error_object() {
        let mut err: *mut ent_error = std::ptr::null_mut();
        let st = guard(&mut err, || panic!("boom"));
        assert_eq!(st, ent_status::ENT_PANIC);
        unsafe {
            assert_eq!(ent_error_status(err), ent_status::ENT_PANIC);
            assert_eq!(
                CStr::from_ptr(ent_error_kind(err)).to_str().unwrap(),
                "Internal"
            );
            assert!(CStr::from_ptr(ent_error_message(err))
                .to_str()
                .unwrap()
                .contains("boom"));
            ent_error_free(err);
        }
        // Without an error pointer the status still reports it.
        assert_eq!(
            guard(std::ptr::null_mut(), || panic!("again")),
            ent_status::ENT_PANIC
        );
    }

    #[test]
    fn outputs_are_untouched_on_failure() {
        let mut err: *mut ent_error = std::ptr::null_mut();
        let mut out: *mut c_char = std::ptr::null_mut();
        let st =
            unsafe { crate::json::ent_json_get(c"{".as_ptr(), c"/a".as_ptr(), &mut out, &mut err) };
        assert_eq!(st, ent_status::ENT_INVALID_ARGUMENT);
        assert!(out.is_null());
        unsafe { ent_error_free(err) };
    }
}
