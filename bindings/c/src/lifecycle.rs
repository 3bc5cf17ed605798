// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Waiting for an assignment request to reach a final state.

use std::os::raw::c_char;
use std::time::Duration;

use entitlement::lifecycle::WaitOptions;
use entitlement::{ApiVersion, Error};
use serde_json::Value;

use crate::client::ent_client;
use crate::error::ent_error;
use crate::ffi::{c_string, guard, handle, invalid, opt_str_arg, out_arg, str_arg, Result};
use crate::runtime::block_on;
use crate::status::ent_status;

fn wait_options(json: Option<&str>) -> Result<(WaitOptions, ApiVersion)> {
    let mut opts = WaitOptions::default();
    let mut version = ApiVersion::V1;
    let Some(text) = json else {
        return Ok((opts, version));
    };
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(invalid("options_json must be a JSON object")),
        Err(e) => return Err(invalid(format!("options_json is not valid JSON: {e}"))),
    };
    for (k, v) in map {
        let ms = || {
            v.as_u64()
                .map(Duration::from_millis)
                .ok_or_else(|| invalid(format!("options_json.{k} must be a non-negative integer")))
        };
        match k.as_str() {
            "timeoutMs" => opts.timeout = ms()?,
            "pollIntervalMs" => opts.poll_interval = ms()?,
            "apiVersion" => {
                version = v.as_str().and_then(ApiVersion::parse).ok_or_else(|| {
                    invalid("options_json.apiVersion must be \"v1.0\" or \"beta\"")
                })?
            }
            _ => {
                return Err(invalid(format!(
                "options_json: unknown option {k:?} (known: timeoutMs, pollIntervalMs, apiVersion)"
            )))
            }
        }
    }
    Ok((opts, version))
}

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
        let client = &handle(client, "client")?.client;
        let out = out_arg(out_json, "out_json")?;
        let id = str_arg(request_id, "request_id")?;
        if id.is_empty() {
            return Err(invalid("request_id must not be empty"));
        }
        let (opts, version) = wait_options(opt_str_arg(options_json, "options_json")?)?;
        let json = match version {
            ApiVersion::V1 => block_on(client.wait_for_assignment_request(id, opts))?
                .map(|r| serde_json::to_string(&r)),
            ApiVersion::Beta => block_on(
                client
                    .beta()
                    .wait_for_access_package_assignment_request(id, opts),
            )?
            .map(|r| serde_json::to_string(&r)),
        }?
        .map_err(|e| Error::internal(format!("cannot serialize the request: {e}")))?;
        *out = c_string(json)?;
        Ok(())
    })
}
