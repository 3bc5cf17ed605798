// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `ent_client`: core's bridge behind an opaque handle; calls by operation
//! name with JSON text in and out.

use std::os::raw::c_char;
use std::sync::Arc;

use entitlement::auth::TokenProvider;
use entitlement::bridge::{Call, ClientConfig, Session};
use entitlement::Client;

use crate::error::ent_error;
use crate::ffi::{
    guard, handle, opt_c_string, opt_json_arg, opt_str_arg, out_arg, put_box, str_arg, Result,
};
use crate::status::ent_status;
use entitlement::bridge::runtime::block_on;

/// A connection to Microsoft Graph (or to an emulator). Create one with
/// ent_client_new() and share it: every function taking a
/// `const ent_client *` is safe to call from many threads at once. Release
/// it with ent_client_free() once no call is using it.
pub struct ent_client {
    session: Arc<Session>,
}

impl ent_client {
    /// A client from `options_json` (NULL: defaults) and an optional host
    /// credential; errors name the parameter.
    pub(crate) unsafe fn new(
        options_json: *const c_char,
        host: Option<Arc<dyn TokenProvider>>,
    ) -> Result<ent_client> {
        let options = opt_json_arg(options_json, "options_json")?;
        let config = ClientConfig::from_value(options).map_err(|mut e| {
            e.message = format!("options_json: {}", e.message);
            e
        })?;
        let session = Arc::new(Session::new(config, host)?);
        Ok(ent_client { session })
    }

    /// The connection; refused in a child process after fork().
    pub(crate) fn session(&self) -> Result<&Arc<Session>> {
        self.session.check_fork().map(|_| &self.session)
    }

    pub(crate) fn client(&self) -> Result<Client> {
        self.session()?.client()
    }
}

/// Creates a client.
///
/// `options_json` (may be NULL for all defaults) is a JSON object:
/// `baseUrl` (Graph root without version, e.g. an emulator's URL),
/// `cloud` ("global", "usGov", "usGovDod", "china"), `apiVersion` ("v1.0" or
/// "beta": the version of unprefixed operations), `authority` (sign-in
/// endpoint), `scope`, `timeoutMs` (per HTTP attempt, default 100000),
/// `deadlineMs` (per call, default 300000: token, attempts and every
/// Retry-After wait; a longer wait fails at once with
/// ent_error_retry_after_ms() set), `maxRetries` (on 429/503/504; a create
/// or action is never sent twice when its outcome is unknown, and its
/// message says so), and one credential: `token` (a bearer token),
/// `tenantId` + `clientId` + `clientSecret` (app), or `tenantId` +
/// `clientId` + `username` + `password` (delegated user). Unknown keys are
/// an ENT_INVALID_ARGUMENT. No I/O happens here; tokens are fetched on the
/// first call.
///
/// On success `*out` receives a client the caller releases with
/// ent_client_free().
#[no_mangle]
pub unsafe extern "C" fn ent_client_new(
    options_json: *const c_char,
    out: *mut *mut ent_client,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let out = out_arg(out, "out")?;
        put_box(out, ent_client::new(options_json, None)?)
    })
}

/// Releases a client. `ent_client_free(NULL)` is a no-op. Pagers created
/// from the client keep working after it is freed.
#[no_mangle]
pub unsafe extern "C" fn ent_client_free(client: *mut ent_client) {
    crate::ffi::free_box(client)
}

/// A call's operation, path arguments, query options and body, checked;
/// `body_json` None for a list call (pagers).
pub(crate) unsafe fn call_args(
    operation: *const c_char,
    args_json: *const c_char,
    query_json: *const c_char,
    body_json: Option<*const c_char>,
) -> Result<Call> {
    let op = str_arg(operation, "operation")?;
    let args = opt_json_arg(args_json, "args_json")?;
    let query = opt_json_arg(query_json, "query_json")?;
    match body_json {
        None => Call::list(op, args, query),
        Some(b) => Call::new(op, args, query, opt_str_arg(b, "body_json")?.into()),
    }
}

/// Calls one operation by name and returns the response as JSON text.
///
/// `operation`: "list_catalogs" or "listCatalogs" (v1.0), or
/// "beta.create_access_package_assignment_request" (beta); an unknown name
/// is ENT_INVALID_ARGUMENT. `args_json`: the path arguments in path order as
/// a JSON array of strings (NULL when the operation has none).
/// `query_json`: NULL or `{"filter","select","expand","top","orderby",
/// "count","search"}` (select/expand/orderby: a string or an array).
/// `body_json`: the request body (NULL when the operation takes none); it is
/// checked against the operation's model before sending.
///
/// On success `*out_json` receives the response body (for a list operation,
/// the first page including `@odata.nextLink`; see ent_client_list() to
/// page), or NULL when the service answered 204 No Content. Release it with
/// ent_string_free(). Blocks the calling thread; thread-safe.
#[no_mangle]
pub unsafe extern "C" fn ent_client_call(
    client: *const ent_client,
    operation: *const c_char,
    args_json: *const c_char,
    query_json: *const c_char,
    body_json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let client = handle(client, "client")?.client()?;
        let out = out_arg(out_json, "out_json")?;
        let call = call_args(operation, args_json, query_json, Some(body_json))?;
        let body = block_on(async { call.send(&client).await?.json() })??;
        *out = opt_c_string(body.map(|b| b.to_vec()))?;
        Ok(())
    })
}
