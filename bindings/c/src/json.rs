// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! A JSON Pointer reader, so C programs can pick fields out of the models
//! the library returns without bringing a JSON parser.

use std::os::raw::c_char;

use crate::error::ent_error;
use crate::ffi::{c_string, guard, invalid, json_arg, out_arg, str_arg};
use crate::status::ent_status;

/// Reads one value out of a JSON document by JSON Pointer (RFC 6901), e.g.
/// `"/id"`, `"/value/0/displayName"`, `"/0/resource/id"` (`""` is the whole
/// document). On success `*out` receives a string value without quotes, or
/// any other value as JSON text (`true`, `42`, `null`, `{...}`); release it
/// with ent_string_free(). Invalid JSON or a pointer not starting with `/`
/// is ENT_INVALID_ARGUMENT; a pointer that matches nothing is ENT_NOT_FOUND
/// (with HTTP status 0). Thread-safe; does no I/O.
#[no_mangle]
pub unsafe extern "C" fn ent_json_get(
    json: *const c_char,
    pointer: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let text = str_arg(json, "json")?;
        let pointer = str_arg(pointer, "pointer")?;
        let out = out_arg(out, "out")?;
        let s = entitlement::bridge::json_get(text, pointer)?;
        *out = c_string(s).map_err(|_| invalid("the value contains a NUL character"))?;
        Ok(())
    })
}

/// Builds one `$filter` comparison with the literal escaped, e.g.
/// `ent_filter_compare("displayName", "eq", "\"O'Brien\"", &out, &err)` →
/// `displayName eq 'O''Brien'`. `op` is eq, ne, gt, lt, ge, le or
/// startswith; `value_json` is a JSON string, integer, boolean or null. Join
/// results with `and` / `or` yourself, each side in parentheses. `*out` is
/// released with ent_string_free(). A bad property path, operator or value is
/// ENT_INVALID_ARGUMENT. Thread-safe; does no I/O.
#[no_mangle]
pub unsafe extern "C" fn ent_filter_compare(
    property: *const c_char,
    op: *const c_char,
    value_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let property = str_arg(property, "property")?;
        let op = str_arg(op, "op")?;
        let value = str_arg(value_json, "value_json")?;
        let out = out_arg(out, "out")?;
        let value = json_arg(value, "value_json")?;
        let text = entitlement::bridge::filter_compare(property, op, value)?;
        *out = c_string(text).map_err(|_| invalid("the filter contains a NUL character"))?;
        Ok(())
    })
}
