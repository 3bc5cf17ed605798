// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The HTTP front: one axum fallback handler that answers the token endpoint,
//! injected faults, and every Graph request by routing it through core's
//! operation table (`Operation::route`) to a handler.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::http::header::{self, HeaderName};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode};
use entitlement::api::{ApiVersion, Operation};
use serde_json::{json, Value};

use crate::auth::{self, Keys, Principal};
use crate::error::{new_id, GraphError, GraphResult};
use crate::odata::query::{self, QueryOptions};
use crate::store::Store;
use crate::Fault;

/// Request-body validation (kept beside the server: it runs before dispatch).
#[path = "validate.rs"]
pub mod validate;

pub const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const MAX_BODY: usize = 4 * 1024 * 1024;

pub struct State {
    pub store: Store,
    pub tenant_id: String,
    pub domains: Vec<String>,
    pub base_url: String,
    pub page_size: usize,
    pub delivery_delay: Duration,
    pub keys: Keys,
    pub faults: Mutex<Vec<Fault>>,
}

impl State {
    pub fn tenant_matches(&self, t: &str) -> bool {
        t.eq_ignore_ascii_case(&self.tenant_id)
            || ["common", "organizations"].iter().any(|x| x.eq_ignore_ascii_case(t))
            || self.domains.iter().any(|d| d.eq_ignore_ascii_case(t))
    }

    fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let i = faults.iter().position(|f| f.count > 0 && f.path_contains.as_deref().is_none_or(|p| path.contains(p)))?;
        faults[i].count -= 1;
        let f = faults[i].clone();
        faults.retain(|f| f.count > 0);
        Some(f)
    }
}

/// One Graph request, routed.
pub struct Ctx<'a> {
    pub st: &'a Arc<State>,
    pub version: ApiVersion,
    pub op: &'static Operation,
    pub args: Vec<String>,
    pub q: QueryOptions,
    pub body: Value,
    pub who: Principal,
    /// Request path without the version prefix (for nextLink).
    pub path: String,
    /// The request body as sent (operations without a JSON body, e.g. multipart uploads).
    pub raw: bytes::Bytes,
    /// The request's `Content-Type`.
    pub content_type: String,
}

impl Ctx<'_> {
    pub fn arg(&self, i: usize) -> &str {
        self.args.get(i).map(String::as_str).unwrap_or("")
    }
    /// `{base}/{version}/$metadata#…` for this operation.
    pub fn context(&self, entity: bool) -> String {
        if self.op.path.starts_with("/groups/") {
            return format!("{}/{}/$metadata#directoryObjects", self.st.base_url, self.version.as_str());
        }
        let mut out = String::new();
        let mut args = self.args.iter();
        let segs: Vec<&str> = self.op.path.trim_start_matches('/').split('/').collect();
        let mut entity = entity;
        for (i, seg) in segs.iter().enumerate() {
            if seg.starts_with('{') {
                let a = args.next().map(String::as_str).unwrap_or("");
                if i + 1 == segs.len() {
                    entity = true;
                } else {
                    out.push_str(&format!("('{a}')"));
                }
            } else {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(seg);
            }
        }
        if entity {
            out.push_str("/$entity");
        }
        format!("{}/{}/$metadata#{}", self.st.base_url, self.version.as_str(), out)
    }
}

pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> GraphResult<Reply> {
        Ok(Reply { status, body: Some(body) })
    }
    pub fn no_content() -> GraphResult<Reply> {
        Ok(Reply { status: 204, body: None })
    }
}

pub fn router(st: Arc<State>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(st)
}

pub(crate) async fn handle(AxState(st): AxState<Arc<State>>, req: Request) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let request_id = new_id();
    let client_request_id = parts
        .headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(new_id);
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        let e = GraphError::new(413, "RequestEntityTooLarge", "The request body is too large.");
        return respond(413, Some(e.body(&request_id, &client_request_id)), &request_id, &client_request_id, &[]);
    };
    let path = parts.uri.path().to_string();
    let segs: Vec<&str> = path.split('/').collect();
    let mut extra_headers = Vec::new();

    // Token endpoint: never faulted, never authenticated.
    if segs.len() == 5 && segs[2] == "oauth2" && segs[3] == "v2.0" && segs[4] == "token" {
        let (status, body) = if parts.method == "POST" {
            auth::token_endpoint(&st, segs[1], &bytes, parts.headers.get("authorization").and_then(|v| v.to_str().ok()))
        } else {
            (405, json!({"error": "invalid_request", "error_description": "AADSTS900561: The endpoint only accepts POST requests."}))
        };
        return respond(status, Some(body), &request_id, &client_request_id, &[]);
    }
    if segs.len() == 5 && segs[2] == "v2.0" && segs[3] == ".well-known" && segs[4] == "openid-configuration" {
        let t = segs[1];
        let body = json!({
            "token_endpoint": format!("{}/{t}/oauth2/v2.0/token", st.base_url),
            "authorization_endpoint": format!("{}/{t}/oauth2/v2.0/authorize", st.base_url),
            "issuer": format!("{}/{}/v2.0", st.base_url, st.tenant_id),
            "jwks_uri": format!("{}/{t}/discovery/v2.0/keys", st.base_url),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "token id_token", "token"],
            "tenant_region_scope": "NA",
        });
        return respond(200, Some(body), &request_id, &client_request_id, &[]);
    }

    let result = match st.take_fault(&path) {
        Some(f) => {
            if let Some(ra) = &f.retry_after {
                extra_headers.push(("retry-after", ra.clone()));
            }
            let code = match f.status {
                429 => "TooManyRequests",
                503 => "ServiceUnavailable",
                504 => "GatewayTimeout",
                500 => "InternalServerError",
                _ => "UnknownError",
            };
            Err(GraphError::new(f.status, code, "Injected fault."))
        }
        None => graph(&st, &parts.method, &parts.uri, &parts.headers, bytes),
    };
    match result {
        Ok(reply) => respond(reply.status, reply.body, &request_id, &client_request_id, &extra_headers),
        Err(e) => {
            extra_headers.extend(e.headers.iter().cloned());
            respond(e.status, Some(e.body(&request_id, &client_request_id)), &request_id, &client_request_id, &extra_headers)
        }
    }
}

fn graph(st: &Arc<State>, method: &axum::http::Method, uri: &axum::http::Uri, headers: &HeaderMap, bytes: bytes::Bytes) -> GraphResult<Reply> {
    let path = uri.path();
    let rest = path.trim_start_matches('/');
    let (ver, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(version) = ApiVersion::parse(ver) else {
        return Err(GraphError::bad_request(format!("Invalid version: {ver}")));
    };
    let rest = format!("/{rest}");
    let Some((op, args)) = Operation::route(version, method.as_str(), &rest) else {
        if Operation::path_known(version, &rest) {
            return Err(GraphError::new(
                405,
                "BadRequest",
                format!("No HTTP resource was found that matches the request URI '{}'.", uri),
            ));
        }
        let last = rest.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        return Err(GraphError::bad_request(format!("Resource not found for the segment '{last}'.")));
    };
    let who = auth::verify(st, headers.get("authorization").and_then(|v| v.to_str().ok()))?;
    crate::resources::authorize(&who, op)?;
    let q = query::parse(uri.query()).map_err(GraphError::bad_request)?;
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v @ Value::Object(_)) => v,
            // Operations without a JSON body (file uploads) take any payload.
            _ if op.body.is_none() && op.name.starts_with("upload_") => Value::Null,
            _ => {
                return Err(GraphError::bad_request(
                    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
                ))
            }
        }
    };
    // Actions take their parameters optionally (getApplicablePolicyRequirements
    // is documented without a body); everything else with a body type needs one.
    if op.body.is_some() && body.is_null() && op.kind != entitlement::api::OpKind::Action && matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
        return Err(GraphError::bad_request("Empty Payload. JSON content expected."));
    }
    if let (Some(t), false) = (op.body, body.is_null()) {
        validate::body(version, t, &body)?;
    }
    let ctx = Ctx { st, version, op, args, q, body, who, path: rest, raw: bytes, content_type };
    crate::resources::dispatch(&ctx)
}

/// Header names built at compile time: parsing names at run time reads a
/// partly initialised scratch buffer that valgrind reports (in `http`).
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

fn header_name(name: &str) -> Option<HeaderName> {
    Some(match name {
        "retry-after" => header::RETRY_AFTER,
        "www-authenticate" => header::WWW_AUTHENTICATE,
        "location" => header::LOCATION,
        "content-type" => header::CONTENT_TYPE,
        other => HeaderName::from_bytes(other.as_bytes()).ok()?,
    })
}

fn respond(status: u16, body: Option<Value>, request_id: &str, client_request_id: &str, extra: &[(&'static str, String)]) -> Response<Body> {
    let mut resp = match &body {
        Some(b) if status != 204 => Response::new(Body::from(b.to_string())),
        _ => Response::new(Body::empty()),
    };
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if body.is_some() && status != 204 {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    }
    for (name, value) in [(REQUEST_ID, request_id), (CLIENT_REQUEST_ID, client_request_id)] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    for (name, value) in extra {
        if let (Some(n), Ok(v)) = (header_name(name), HeaderValue::from_str(value)) {
            h.insert(n, v);
        }
    }
    resp
}
