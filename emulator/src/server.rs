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
    /// Names accepted in `Host` (see [`allowed_hosts`]).
    pub allowed_hosts: Vec<String>,
    /// Permits for heavy requests (see [`heavy_permits`]).
    pub heavy: Arc<tokio::sync::Semaphore>,
    pub page_size: usize,
    pub delivery_delay: Duration,
    pub keys: Keys,
    pub faults: Mutex<Vec<Fault>>,
    /// The emulator's clock (real or manual) and its timers (`clock.rs`).
    pub clock: Arc<crate::clock::Clock>,
    /// HTTP client of custom extension callouts (`lifecycle::callout`).
    pub http: reqwest::Client,
    pub throttle: crate::throttle::Throttle,
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
                out.push_str(&fill_call(seg, &mut args));
            }
        }
        if entity {
            out.push_str("/$entity");
        }
        format!("{}/{}/$metadata#{}", self.st.base_url, self.version.as_str(), out)
    }
}

/// A function-call segment with its parameters filled in:
/// `filterByCurrentUser(on='{on}')` → `filterByCurrentUser(on='approver')`
/// (the value with `'` doubled, as in the URL).
fn fill_call<'a>(seg: &str, args: &mut impl Iterator<Item = &'a String>) -> String {
    let mut out = String::with_capacity(seg.len());
    let mut rest = seg;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push_str(&rest[..open]);
        out.push_str(&args.next().map(|a| a.replace('\'', "''")).unwrap_or_default());
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
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

/// The names a request may address in `Host`, normalised by [`host_name`]:
/// the loopback names, the bound address, the base URL's host, and the
/// configured extra names (`"*"` = any).
pub fn allowed_hosts(addr: &std::net::SocketAddr, base_url: &str, extra: &[String]) -> Vec<String> {
    let base_host = base_url.split_once("://").map(|(_, rest)| rest).unwrap_or(base_url);
    let base_host = base_host.split('/').next().unwrap_or("");
    let mut out: Vec<String> = ["localhost", "127.0.0.1", "[::1]"].iter().map(|h| h.to_string()).collect();
    let ip = match addr.ip() {
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        v4 => v4.to_string(),
    };
    for h in std::iter::once(ip.as_str()).chain(std::iter::once(base_host)).chain(extra.iter().map(String::as_str)) {
        let h = if h.trim() == "*" { "*".to_string() } else { host_name(h) };
        if !h.is_empty() && !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// The host part of a `Host` value or authority, lower-cased, without port or
/// trailing dot; IPv6 literals keep their brackets.
fn host_name(authority: &str) -> String {
    let a = authority.trim();
    let host = if a.starts_with('[') {
        a.find(']').map(|i| &a[..=i]).unwrap_or(a)
    } else {
        match a.rsplit_once(':') {
            Some((h, port)) if !h.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => a,
        }
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// Host check against DNS rebinding: a web page on `evil.example` that
/// resolves its name to 127.0.0.1 sends `Host: evil.example`, which no local
/// client does. A wrong name gets 400 `Bad Request - Invalid Hostname`, the
/// text of Graph's (HTTP.sys) front door. HTTP/1.1 requires `Host` (RFC 9112
/// §3.2), so a missing one is the same 400; HTTP/1.0 requests without it are
/// answered (browsers always send `Host`, so they cannot be a rebinding vector).
fn check_host(st: &State, parts: &axum::http::request::Parts) -> Result<(), GraphError> {
    let hosts: Vec<&HeaderValue> = parts.headers.get_all(header::HOST).iter().collect();
    if hosts.len() > 1 {
        return Err(invalid_hostname("more than one Host header"));
    }
    // An absolute-form target (`GET http://name/ HTTP/1.1`) names the host itself.
    let given = match (parts.uri.authority(), hosts.first()) {
        (Some(a), _) => Some(a.as_str().to_string()),
        (None, Some(h)) => Some(h.to_str().map_err(|_| invalid_hostname("a Host header that is not text"))?.to_string()),
        (None, None) => None,
    };
    let Some(given) = given else {
        return match parts.version {
            axum::http::Version::HTTP_09 | axum::http::Version::HTTP_10 => Ok(()),
            _ => Err(invalid_hostname("no Host header")),
        };
    };
    let name = host_name(&given);
    if st.allowed_hosts.iter().any(|h| h == "*" || *h == name) {
        return Ok(());
    }
    Err(invalid_hostname(&format!(
        "'{}' is not a name this emulator answers to (allowed: {}; add names with the allowedHosts option or `--allowed-host`)",
        name.chars().take(255).collect::<String>(),
        st.allowed_hosts.join(", ")
    )))
}

fn invalid_hostname(why: &str) -> GraphError {
    GraphError::new(400, "BadRequest", format!("Bad Request - Invalid Hostname: {why}."))
}

/// Longest request target (path and query) answered: Graph's front door
/// (HTTP.sys) refuses URLs past 16 KB; the emulator answers 414
/// `RequestUriTooLong` (nothing Graph documents needs URLs near this size).
pub const MAX_URI: usize = 16 * 1024;
/// Cap of the token endpoint's form body (a form with a client assertion is a
/// few KB).
pub const MAX_TOKEN_BODY: usize = 64 * 1024;

/// Concurrent "heavy" requests (lists, functions, anything with `$expand`):
/// a small multiple of the cores, so a burst of expensive listings queues
/// (without holding an async worker) instead of taking every thread while
/// point reads and writes keep being answered.
pub fn heavy_permits() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2)
}

/// Request-id headers are echoed as given (Graph does), but only up to a sane length.
fn client_request_id(headers: &HeaderMap) -> String {
    headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 128)
        .map(str::to_string)
        .unwrap_or_else(new_id)
}

/// The request pipeline. Everything decided from the request line and headers
/// (Host, URL length, route, token, permission) is checked before a byte of
/// the body is read, so a large body with a bad token costs nothing. Handlers
/// (SQLite, rendering) run on the blocking pool, never on the async workers,
/// so slow requests cannot stall the server.
pub(crate) async fn handle(AxState(st): AxState<Arc<State>>, req: Request) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let request_id = new_id();
    let client_request_id = client_request_id(&parts.headers);
    let fail = |e: GraphError, extra: &mut Vec<(&'static str, String)>| {
        extra.extend(e.headers.iter().cloned());
        respond(e.status, Some(e.body(&request_id, &client_request_id)), &request_id, &client_request_id, extra)
    };
    let mut extra_headers = Vec::new();
    if let Err(e) = check_host(&st, &parts) {
        return fail(e, &mut extra_headers);
    }
    let target_len = parts.uri.path_and_query().map(|pq| pq.as_str().len()).unwrap_or(0);
    if target_len > MAX_URI {
        let e = GraphError::new(414, "RequestUriTooLong", format!("The request URL is {target_len} bytes long; the limit is {MAX_URI}."));
        return fail(e, &mut extra_headers);
    }
    let path = parts.uri.path().to_string();
    let segs: Vec<&str> = path.split('/').collect();

    // Identity routes (token, discovery, keys, device code, managed
    // identity): never faulted, never authenticated.
    if let Some(r) = crate::identity::IdRoute::of(&segs) {
        let (status, body) = crate::identity::serve(&st, r, &parts.method, &parts.headers, parts.uri.query(), body).await;
        if status == 302 {
            let location = body.get("location").and_then(Value::as_str).unwrap_or("/").to_string();
            return respond(302, None, &request_id, &client_request_id, &[("location", location)]);
        }
        return respond(status, Some(body), &request_id, &client_request_id, &[]);
    }

    // Control routes of the emulator itself (not Graph): never throttled.
    if path == "/_emulator/throttling" {
        return match parts.method.as_str() {
            "GET" => respond(200, Some(st.throttle.report()), &request_id, &client_request_id, &[]),
            "DELETE" => {
                st.throttle.reset();
                respond(204, None, &request_id, &client_request_id, &[])
            }
            _ => fail(GraphError::new(405, "BadRequest", "GET or DELETE /_emulator/throttling."), &mut extra_headers),
        };
    }

    // Emulator controls (outside Graph's routes; never faulted).
    if path.starts_with("/_emulator/") {
        let (status, body) = control(&st, &parts.method, &path, body).await;
        let _clock = crate::clock::enter(&st.clock); // the error's date is on the emulator's clock
        return match status {
            200 => respond(status, Some(body), &request_id, &client_request_id, &[]),
            _ => fail(GraphError::new(status, if status == 404 { "ResourceNotFound" } else { "BadRequest" }, body.as_str().unwrap_or("")), &mut extra_headers),
        };
    }

    if let Some(f) = st.take_fault(&path) {
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
        return fail(GraphError::new(f.status, code, "Injected fault."), &mut extra_headers);
    }
    // JSON batching: each item comes back through this function (batch.rs).
    if let Some(version) = crate::batch::endpoint(&path) {
        return match crate::batch::serve(&st, version, &parts, body).await {
            Ok(v) => respond(200, Some(v), &request_id, &client_request_id, &extra_headers),
            Err(e) => fail(e, &mut extra_headers),
        };
    }
    let routed = match route(&st, &parts) {
        Ok(r) => r,
        Err(e) => return fail(e, &mut extra_headers),
    };
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let e = GraphError::new(413, "RequestEntityTooLarge", format!("The request body is larger than {MAX_BODY} bytes."));
            return fail(e, &mut extra_headers);
        }
    };
    // The body is read first: with the target and client-request-id it tells
    // a retry of a throttled request from a new one (throttle::RequestKey).
    let given_crid = parts.headers.get("client-request-id").and_then(|v| v.to_str().ok());
    let target = parts.uri.path_and_query().map_or("", |pq| pq.as_str());
    let key = crate::throttle::RequestKey::new(parts.method.as_str(), target, &bytes, given_crid);
    if let Err(e) = st.throttle.check(&routed.who, parts.method.as_str(), &key) {
        return fail(e, &mut extra_headers);
    }
    // Heavy work waits for a permit here, on the async side; the permit moves
    // into the blocking task, so a client that hangs up does not free it
    // while the work still runs.
    let permit = if routed.heavy(parts.uri.query()) {
        match st.heavy.clone().acquire_owned().await {
            Ok(p) => Some(p),
            Err(_) => return fail(GraphError::new(503, "ServiceUnavailable", "The emulator is shutting down."), &mut extra_headers),
        }
    } else {
        None
    };
    let st2 = st.clone();
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        st2.throttle.check_quota(&st2.store, &routed.who, routed.op, parts.method.as_str())?;
        graph(&st2, routed, &parts.method, &parts.headers, bytes)
    })
    .await
    .unwrap_or_else(|e| Err(GraphError::internal(format!("The request handler failed: {e}"))));
    match result {
        Ok(reply) => respond(reply.status, reply.body, &request_id, &client_request_id, &extra_headers),
        Err(e) => fail(e, &mut extra_headers),
    }
}

/// `GET /_emulator/clock` → `{"now", "mode"}`; `POST /_emulator/clock/advance`
/// with `{"by": "P3D"}` → `{"now"}` after every timer due in between has
/// fired. Errors answer `(status, message)`. No token: the controls are for
/// the test that started the emulator (the `Host` check still applies).
async fn control(st: &Arc<State>, method: &axum::http::Method, path: &str, body: Body) -> (u16, Value) {
    let mode = match st.clock.mode() {
        crate::clock::ClockMode::Real => "real",
        crate::clock::ClockMode::Manual => "manual",
    };
    match (method.as_str(), path.trim_end_matches('/')) {
        ("GET", "/_emulator/clock") => (200, json!({"now": crate::clock::format(st.clock.now()), "mode": mode})),
        ("POST", "/_emulator/clock/advance") => {
            let Ok(bytes) = axum::body::to_bytes(body, MAX_TOKEN_BODY).await else {
                return (413, json!("The request body is too large."));
            };
            let by = serde_json::from_slice::<Value>(&bytes).ok().and_then(|v| v.get("by").and_then(Value::as_str).map(str::to_string));
            let Some(by) = by else {
                return (400, json!("Give the time to advance as {\"by\": \"P3D\"} (an ISO 8601 duration)."));
            };
            match crate::clock::advance(st, &by).await {
                Ok(t) => (200, json!({"now": crate::clock::format(t), "mode": mode})),
                Err(e) => (400, json!(e.to_string())),
            }
        }
        (_, "/_emulator/clock" | "/_emulator/clock/advance") => (405, json!("Method not allowed.")),
        _ => (404, json!(format!("No emulator control at {path}."))),
    }
}

/// A request matched to an operation and its caller, from the request line and headers.
struct Routed {
    version: ApiVersion,
    op: &'static Operation,
    args: Vec<String>,
    who: Principal,
    q: QueryOptions,
    rest: String,
}

impl Routed {
    /// Collections and expansions: the requests whose cost grows with the tenant.
    fn heavy(&self, query: Option<&str>) -> bool {
        use entitlement::api::OpKind;
        matches!(self.op.kind, OpKind::List | OpKind::Function)
            || self.op.collection
            || query.is_some_and(|q| q.to_ascii_lowercase().contains("expand"))
    }
}

fn route(st: &State, parts: &axum::http::request::Parts) -> GraphResult<Routed> {
    let uri = &parts.uri;
    let path = uri.path();
    let rest = path.trim_start_matches('/');
    let (ver, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(version) = ApiVersion::parse(ver) else {
        return Err(GraphError::bad_request(format!("Invalid version: {ver}")));
    };
    let rest = format!("/{rest}");
    let Some((op, args)) = Operation::route(version, parts.method.as_str(), &rest) else {
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
    let who = auth::verify(st, parts.headers.get("authorization").and_then(|v| v.to_str().ok()))?;
    crate::resources::authorize(&who, op)?;
    let q = query::parse(uri.query()).map_err(GraphError::bad_request)?;
    Ok(Routed { version, op, args, who, q, rest })
}

/// Body checks and dispatch (on the blocking pool).
fn graph(st: &Arc<State>, r: Routed, method: &axum::http::Method, headers: &HeaderMap, bytes: bytes::Bytes) -> GraphResult<Reply> {
    let Routed { version, op, args, who, q, rest } = r;
    let _clock = crate::clock::enter(&st.clock);
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
