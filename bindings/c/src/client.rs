// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `ent_client`: a core `Client` behind an opaque handle, and calls by
//! operation name with JSON in and out.

use std::os::raw::c_char;
use std::sync::Arc;
use std::time::Duration;

use entitlement::api::OpKind;
use entitlement::auth::TokenProvider;
use entitlement::models::decoder;
use entitlement::{ApiVersion, Client, Error, NationalCloud, Operation, RawResponse, RetryPolicy};
use serde_json::{Map, Value};

use crate::error::ent_error;
use crate::ffi::{c_string, guard, handle, invalid, opt_str_arg, out_arg, str_arg, Result};
use crate::query;
use crate::runtime::block_on;
use crate::status::ent_status;

/// A connection to Microsoft Graph (or to an emulator). Create one with
/// ent_client_new() and share it: every function taking a
/// `const ent_client *` is safe to call from many threads at once. Release
/// it with ent_client_free() once no call is using it.
pub struct ent_client {
    pub(crate) client: Client,
}

fn opt_string(m: &mut Map<String, Value>, key: &str) -> Result<Option<String>> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("options_json.{key} must be a string"))),
    }
}

fn opt_u64(m: &mut Map<String, Value>, key: &str) -> Result<Option<u64>> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| invalid(format!("options_json.{key} must be a non-negative integer"))),
        Some(_) => Err(invalid(format!(
            "options_json.{key} must be a non-negative integer"
        ))),
    }
}

/// Builds a core client from the options object (see ent_client_new).
pub(crate) fn build_client(json: Option<&str>) -> Result<Client> {
    build_client_with(json, None)
}

/// Same, with a credential from the host instead of one in the options.
pub(crate) fn build_client_with(
    json: Option<&str>,
    host: Option<Arc<dyn TokenProvider>>,
) -> Result<Client> {
    let mut m = match json.map(serde_json::from_str::<Value>) {
        None => Map::new(),
        Some(Ok(Value::Object(m))) => m,
        Some(Ok(_)) => return Err(invalid("options_json must be a JSON object")),
        Some(Err(e)) => return Err(invalid(format!("options_json is not valid JSON: {e}"))),
    };
    let mut b = Client::builder();
    // Cloud and authority first: the credentials read them when they are set.
    if let Some(c) = opt_string(&mut m, "cloud")? {
        b = b.cloud(
            NationalCloud::parse(&c)
                .ok_or_else(|| invalid(format!("options_json.cloud: unknown cloud {c:?}")))?,
        );
    }
    if let Some(a) = opt_string(&mut m, "authority")? {
        b = b.authority(a);
    }
    if let Some(u) = opt_string(&mut m, "baseUrl")? {
        b = b.base_url(u);
    }
    if let Some(v) = opt_string(&mut m, "apiVersion")? {
        b = b.api_version(ApiVersion::parse(&v).ok_or_else(|| {
            invalid(format!(
                "options_json.apiVersion: {v:?} is not \"v1.0\" or \"beta\""
            ))
        })?);
    }
    if let Some(s) = opt_string(&mut m, "scope")? {
        b = b.scope(s);
    }
    if let Some(ms) = opt_u64(&mut m, "timeoutMs")? {
        b = b.timeout(Duration::from_millis(ms));
    }
    if let Some(n) = opt_u64(&mut m, "maxRetries")? {
        let attempts = u32::try_from(n.saturating_add(1)).unwrap_or(u32::MAX);
        b = b.retry(RetryPolicy {
            max_attempts: attempts,
            ..RetryPolicy::default()
        });
    }
    let token = opt_string(&mut m, "token")?;
    let tenant = opt_string(&mut m, "tenantId")?;
    let client_id = opt_string(&mut m, "clientId")?;
    let secret = opt_string(&mut m, "clientSecret")?;
    let username = opt_string(&mut m, "username")?;
    let password = opt_string(&mut m, "password")?;
    if let Some(key) = m.keys().next() {
        return Err(invalid(format!(
            "options_json: unknown option {key:?} (known: baseUrl, cloud, apiVersion, token, tenantId, clientId, \
             clientSecret, username, password, authority, scope, timeoutMs, maxRetries)"
        )));
    }
    let need = |v: &Option<String>, what: &str, why: &str| {
        v.clone()
            .ok_or_else(|| invalid(format!("options_json.{what} is required with {why}")))
    };
    if let Some(provider) = host {
        if token.is_some() || secret.is_some() || username.is_some() {
            return Err(invalid(
                "options_json: no token, clientSecret or username with a token callback",
            ));
        }
        return b.credential(provider).build();
    }
    b = match (token, secret, username) {
        (Some(t), None, None) => b.token(t),
        (None, Some(s), None) => b.client_secret(
            &need(&tenant, "tenantId", "clientSecret")?,
            &need(&client_id, "clientId", "clientSecret")?,
            s,
        ),
        (None, None, Some(u)) => b.username_password(
            &need(&tenant, "tenantId", "username")?,
            &need(&client_id, "clientId", "username")?,
            &u,
            need(&password, "password", "username")?,
        ),
        (None, None, None) => b,
        _ => {
            return Err(invalid(
                "options_json: give only one of token, clientSecret, username/password",
            ))
        }
    };
    b.build()
}

/// Creates a client.
///
/// `options_json` (may be NULL for all defaults) is a JSON object:
/// `baseUrl` (Graph root without version, e.g. an emulator's URL),
/// `cloud` ("global", "usgov", "dod", "china"), `apiVersion` ("v1.0" or
/// "beta": the version of unprefixed operations), `authority` (sign-in
/// endpoint), `scope`, `timeoutMs` (per HTTP attempt), `maxRetries`
/// (on 429/503/504), and one credential: `token` (a bearer token),
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
        let options = opt_str_arg(options_json, "options_json")?;
        let client = build_client(options)?;
        *out = Box::into_raw(Box::new(ent_client { client }));
        Ok(())
    })
}

/// Releases a client. `ent_client_free(NULL)` is a no-op. Pagers created
/// from the client keep working after it is freed.
#[no_mangle]
pub unsafe extern "C" fn ent_client_free(client: *mut ent_client) {
    crate::ffi::free_box(client)
}

/// Adds the response's ids to an error about the response itself.
pub(crate) fn decode_error(raw: &RawResponse, msg: String) -> Error {
    let mut e = Error::decode(msg);
    e.status = Some(raw.status);
    e.request_id = raw.request_id.clone();
    e.client_request_id = Some(raw.client_request_id.clone());
    e
}

/// Checks the response against the operation's documented type and returns
/// its JSON text (None for 204 / an empty body).
pub(crate) fn response_text(op: &Operation, raw: &RawResponse) -> Result<Option<String>> {
    if raw.status == 204 || raw.body.is_empty() {
        return Ok(None);
    }
    if let Some(dec) = op.response.and_then(|t| decoder(op.version, t)) {
        let checked = if op.kind == OpKind::List || op.collection {
            (dec.page)(&raw.body).map(|_| ())
        } else {
            (dec.one)(&raw.body).map(|_| ())
        };
        checked.map_err(|e| decode_error(raw, format!("unexpected {} response: {e}", op.name)))?;
    }
    String::from_utf8(raw.body.to_vec())
        .map(Some)
        .map_err(|_| decode_error(raw, "the response is not UTF-8".into()))
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
        let client = &handle(client, "client")?.client;
        let out = out_arg(out_json, "out_json")?;
        let op = query::operation(str_arg(operation, "operation")?)?;
        let args = query::path_args(op, opt_str_arg(args_json, "args_json")?)?;
        let q = query::query_options(opt_str_arg(query_json, "query_json")?)?;
        let body = query::body(op, opt_str_arg(body_json, "body_json")?)?;
        let raw = block_on(async {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            client.call(op, &args, &q, body).await
        })??;
        let text = response_text(op, &raw)?;
        let ptr = match text {
            Some(t) => c_string(t)?,
            None => std::ptr::null_mut(),
        };
        *out = ptr;
        Ok(())
    })
}
