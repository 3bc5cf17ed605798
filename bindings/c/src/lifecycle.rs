// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Waiting for an assignment request to reach a final state.

use std::os::raw::c_char;

use entitlement::bridge::WaitRequest;

use crate::client::ent_client;
use crate::error::ent_error;
use crate::ffi::{guard, handle, opt_json_arg, out_arg, put_string, str_arg};
use crate::status::ent_status;
use entitlement::bridge::runtime::block_on;

/// Polls an assignment request until it is final (delivered, partially
/// delivered, delivery failed, denied, canceled or scheduled) and returns
/// it as JSON in `*out_json` (release with ent_string_free()). Check its
/// `state` (v1.0) or `requestState` (beta) to see how it ended.
///
/// `options_json` (may be NULL): `{"timeoutMs": 300000, "pollIntervalMs":
/// 2000, "apiVersion": "v1.0"}`; use "beta" for a request created with
/// "beta.create_access_package_assignment_request". When the timeout passes
/// first, the status is ENT_TIMEOUT. Blocks; thread-safe.
#[no_mangle]
pub unsafe extern "C" fn ent_client_wait_for_assignment_request(
    client: *const ent_client,
    request_id: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let client = handle(client, "client")?.client()?;
        let out = out_arg(out_json, "out_json")?;
        let id = str_arg(request_id, "request_id")?.to_string();
        let options = opt_json_arg(options_json, "options_json")?;
        let wait = WaitRequest::new(id, options)?;
        put_string(out, block_on(wait.run_json(&client))??)
    })
}
