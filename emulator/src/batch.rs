// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! JSON batching: `POST /v1.0/$batch` and `POST /beta/$batch`, as Graph
//! answers them. Every item goes through the same pipeline as a direct
//! request ([`crate::server::handle`]: host check, faults, routing, the
//! batch's `Authorization`, throttling, quotas, body checks, handlers), so an
//! item behaves exactly as the request it describes; only the envelope is
//! new here. A throttled item gets its own 429 and `Retry-After` inside a
//! 200 answer, as the service does.
//!
//! Everything wrong with the envelope (not JSON, more than 20 requests,
//! duplicate ids, a `dependsOn` naming no request or forming a cycle, a
//! nested `$batch`, a URL to another host) is one Graph-shaped 400 for the
//! whole batch, decided before any item runs. Items run one at a time in
//! request order, each after the items it depends on (the service promises
//! no order for independent items; one at a time keeps a batch from taking
//! more than one worker and makes throttling predictable). An item whose
//! dependency failed is answered 424 without running.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State as AxState;
use axum::http::request::Parts;
use axum::http::{header, Method, Request, Response};
use base64::Engine;
use entitlement::api::ApiVersion;
use serde_json::{json, Map, Value};

use crate::error::GraphError;
use crate::server::State;

/// Graph's limit of requests in one batch.
pub const MAX_REQUESTS: usize = 20;
/// Largest batch body read (the same as a direct request's).
const MAX_BODY: usize = 4 * 1024 * 1024;
/// Longest item id accepted (ids are echoed in the answer).
const MAX_ID: usize = 256;

/// The version of a batch endpoint path (`/v1.0/$batch`, `/beta/$batch`;
/// `$` may be percent-encoded), `None` for any other path.
pub fn endpoint(path: &str) -> Option<ApiVersion> {
    let rest = path.trim_end_matches('/').strip_prefix('/')?;
    let (ver, seg) = rest.split_once('/')?;
    let is_batch = seg.eq_ignore_ascii_case("$batch") || seg.eq_ignore_ascii_case("%24batch");
    if is_batch {
        ApiVersion::parse(ver)
    } else {
        None
    }
}

/// One request of the batch, checked.
struct Item {
    id: String,
    method: Method,
    /// `/{version}/{path}?{query}`.
    target: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    depends_on: Vec<usize>,
}

type Reply = Pin<Box<dyn Future<Output = Response<Body>> + Send>>;

/// Answers a batch: `Ok` is the 200 body `{"responses": [...]}`, `Err` the
/// 4xx for the whole batch.
///
/// Boxed as a `Send` future: the items go back through `server::handle`,
/// which awaits this, and the compiler cannot see through that cycle.
pub fn serve<'a>(
    st: &'a Arc<State>,
    version: ApiVersion,
    parts: &'a Parts,
    body: Body,
) -> Pin<Box<dyn Future<Output = Result<Value, GraphError>> + Send + 'a>> {
    Box::pin(serve_batch(st, version, parts, body))
}

async fn serve_batch(
    st: &Arc<State>,
    version: ApiVersion,
    parts: &Parts,
    body: Body,
) -> Result<Value, GraphError> {
    if parts.method != Method::POST {
        return Err(GraphError::new(
            405,
            "BadRequest",
            "A batch is sent with POST.",
        ));
    }
    // The batch itself needs a valid token (a bad one is 401 for the whole
    // batch, before its body is read); each item is then authorized alone.
    let auth = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    crate::auth::verify(st, auth)?;
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        GraphError::new(
            413,
            "RequestEntityTooLarge",
            format!("The batch body is larger than {MAX_BODY} bytes."),
        )
    })?;
    let items = parse(st, version, &bytes)?;
    let order = run_order(&items)?;

    let mut answers: Vec<Option<Value>> = vec![None; items.len()];
    let mut ok = vec![false; items.len()];
    for i in order {
        let item = &items[i];
        if let Some(&dep) = item.depends_on.iter().find(|&&d| !ok[d]) {
            let _clock = crate::clock::enter(&st.clock); // the error's date
            answers[i] = Some(failed_dependency(&item.id, &items[dep].id));
            continue;
        }
        let req = item_request(parts, item)?;
        let dispatch: Reply = Box::pin(crate::server::handle(AxState(st.clone()), req));
        let resp = dispatch.await;
        ok[i] = resp.status().is_success();
        answers[i] = Some(item_answer(&item.id, resp).await);
    }
    Ok(json!({ "responses": answers.into_iter().flatten().collect::<Vec<_>>() }))
}

fn bad(message: impl Into<String>) -> GraphError {
    GraphError::bad_request(message)
}

/// Reads and checks the envelope.
fn parse(st: &State, version: ApiVersion, bytes: &[u8]) -> Result<Vec<Item>, GraphError> {
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|_| bad("Invalid batch payload format: the body is not a JSON object with a \"requests\" array."))?;
    let Some(requests) = doc.get("requests").and_then(Value::as_array) else {
        return Err(bad("Invalid batch payload format: the body is not a JSON object with a \"requests\" array."));
    };
    if requests.len() > MAX_REQUESTS {
        return Err(bad(format!(
            "Batch request limit exceeded: the batch has {} requests; the limit is {MAX_REQUESTS}.",
            requests.len()
        )));
    }
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, r) in requests.iter().enumerate() {
        let id = r.get("id").and_then(Value::as_str).unwrap_or("");
        if id.is_empty() || id.len() > MAX_ID {
            return Err(bad(format!("Request {i} of the batch needs an \"id\": a non-empty string of at most {MAX_ID} characters.")));
        }
        if ids.insert(id.to_string(), i).is_some() {
            return Err(bad(format!(
                "Batch request ids must be unique: '{id}' appears more than once."
            )));
        }
    }
    requests
        .iter()
        .map(|r| item(st, version, r, &ids))
        .collect()
}

fn item(
    st: &State,
    version: ApiVersion,
    r: &Value,
    ids: &HashMap<String, usize>,
) -> Result<Item, GraphError> {
    let id = r
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let method = r
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_uppercase();
    let method = match method.as_str() {
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" => {
            Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET)
        }
        _ => {
            return Err(bad(format!(
                "Request '{id}': \"method\" must be GET, POST, PUT, PATCH or DELETE."
            )))
        }
    };
    let url = r.get("url").and_then(Value::as_str).unwrap_or("");
    let target = target(st, version, &id, url)?;
    let mut headers = Vec::new();
    match r.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (k, v) in h {
                let Some(v) = v.as_str() else {
                    return Err(bad(format!(
                        "Request '{id}': header '{k}' must be a string."
                    )));
                };
                let valid = axum::http::HeaderName::from_bytes(k.as_bytes()).is_ok()
                    && axum::http::HeaderValue::from_str(v).is_ok();
                if !valid {
                    return Err(bad(format!(
                        "Request '{id}': header '{}' is not a valid HTTP header.",
                        short(k)
                    )));
                }
                headers.push((k.to_ascii_lowercase(), v.to_string()));
            }
        }
        Some(_) => {
            return Err(bad(format!(
                "Request '{id}': \"headers\" must be an object."
            )))
        }
    }
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| v.to_ascii_lowercase());
    let body = match r.get("body") {
        None | Some(Value::Null) => None,
        Some(b) => {
            let Some(ct) = content_type else {
                return Err(bad(format!(
                    "Request '{id}': a request with a body needs a Content-Type header."
                )));
            };
            match b {
                // Non-JSON content is sent base64-encoded, as Graph expects.
                Value::String(s) if !ct.contains("json") => Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(s)
                        .map_err(|_| {
                            bad(format!(
                                "Request '{id}': a non-JSON body must be base64-encoded."
                            ))
                        })?,
                ),
                other => Some(serde_json::to_vec(other).unwrap_or_default()),
            }
        }
    };
    let depends_on = match r.get("dependsOn") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(deps)) => deps
            .iter()
            .map(|d| {
                let name = d.as_str().unwrap_or("");
                ids.get(name).copied().ok_or_else(|| {
                    bad(format!(
                        "Request '{id}' depends on '{}', which is not a request of this batch.",
                        short(&d.to_string())
                    ))
                })
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(bad(format!(
                "Request '{id}': \"dependsOn\" must be a list of request ids."
            )))
        }
    };
    Ok(Item {
        id,
        method,
        target,
        headers,
        body,
        depends_on,
    })
}

fn short(s: &str) -> String {
    s.chars().take(100).collect()
}

/// The item's request target under the batch's version. URLs are relative
/// (`me`, `/identityGovernance/...?$top=1`); a leading `/{version}` of the
/// batch's own version and an absolute URL under this emulator's root are
/// accepted too (SDKs send both).
fn target(st: &State, version: ApiVersion, id: &str, url: &str) -> Result<String, GraphError> {
    if url.is_empty() {
        return Err(bad(format!("Request '{id}' needs a \"url\".")));
    }
    let mut rel = url;
    if url.contains("://") {
        let root = format!("{}/", st.base_url.trim_end_matches('/'));
        match url.get(..root.len()) {
            Some(head) if head.eq_ignore_ascii_case(&root) => rel = &url[root.len() - 1..],
            _ => {
                return Err(bad(format!(
                    "Request '{id}': the URL '{}' is absolute and not under this service; batch URLs are relative (e.g. \"/me\").",
                    short(url)
                )))
            }
        }
    }
    let rel = rel.trim_start_matches('/');
    let prefix = format!("{}/", version.as_str());
    let rel = match rel.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(&prefix) => &rel[prefix.len()..],
        _ => rel,
    };
    let path = rel.split(['?', '#']).next().unwrap_or("");
    for seg in path.split('/') {
        let s = seg.to_ascii_lowercase();
        if s == "$batch" || s == "%24batch" {
            return Err(bad(format!(
                "Request '{id}': a batch cannot contain another $batch."
            )));
        }
        if s == ".." || s == "." {
            return Err(bad(format!(
                "Request '{id}': the URL '{}' has a dot segment.",
                short(url)
            )));
        }
    }
    let target = format!("/{}/{rel}", version.as_str());
    if target.parse::<axum::http::Uri>().is_err() || target.contains('#') {
        return Err(bad(format!(
            "Request '{id}': '{}' is not a valid relative URL.",
            short(url)
        )));
    }
    Ok(target)
}

/// Items in an order where each comes after its dependencies (request order
/// otherwise); a cycle is a 400.
fn run_order(items: &[Item]) -> Result<Vec<usize>, GraphError> {
    // 0 = not visited, 1 = on the current path, 2 = placed.
    let mut mark = vec![0u8; items.len()];
    let mut order = Vec::with_capacity(items.len());
    for start in 0..items.len() {
        // Iterative depth-first search: (item, next dependency to look at).
        let mut stack = vec![(start, 0usize)];
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            if *next == 0 {
                if mark[i] == 2 {
                    stack.pop();
                    continue;
                }
                mark[i] = 1;
            }
            if let Some(&d) = items[i].depends_on.get(*next) {
                *next += 1;
                match mark[d] {
                    1 => {
                        return Err(bad(format!(
                            "The dependsOn of request '{}' forms a cycle (through '{}').",
                            items[i].id, items[d].id
                        )))
                    }
                    0 => stack.push((d, 0)),
                    _ => {}
                }
            } else {
                mark[i] = 2;
                order.push(i);
                stack.pop();
            }
        }
    }
    Ok(order)
}

/// The item as a request of its own, carrying the batch's `Host` and
/// `Authorization` (an item's own `Authorization` is ignored: the batch's
/// caller is the caller of every item).
fn item_request(parts: &Parts, item: &Item) -> Result<Request<Body>, GraphError> {
    let mut b = Request::builder()
        .method(item.method.clone())
        .uri(item.target.as_str())
        .version(parts.version);
    for (k, v) in &item.headers {
        if matches!(
            k.as_str(),
            "authorization" | "host" | "content-length" | "transfer-encoding" | "connection"
        ) {
            continue;
        }
        b = b.header(k.as_str(), v.as_str());
    }
    for name in [header::HOST, header::AUTHORIZATION] {
        for v in parts.headers.get_all(&name) {
            b = b.header(name.clone(), v.clone());
        }
    }
    let body = item
        .body
        .clone()
        .map(Body::from)
        .unwrap_or_else(Body::empty);
    b.body(body).map_err(|_| {
        bad(format!(
            "Request '{}': its headers are not valid HTTP headers.",
            item.id
        ))
    })
}

/// `Retry-After` → `Retry-After`: header names as Graph writes them.
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

async fn item_answer(id: &str, resp: Response<Body>) -> Value {
    let status = resp.status().as_u16();
    let mut headers = Map::new();
    for (k, v) in resp.headers() {
        if let Ok(v) = v.to_str() {
            headers.insert(title_case(k.as_str()), Value::from(v));
        }
    }
    let json_body = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    // Handlers build their answers in memory, so this read cannot stall.
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let mut out = json!({ "id": id, "status": status, "headers": headers });
    if !bytes.is_empty() {
        let body = match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) if json_body => v,
            _ => Value::from(base64::engine::general_purpose::STANDARD.encode(&bytes)),
        };
        out["body"] = body;
    }
    out
}

fn failed_dependency(id: &str, dep: &str) -> Value {
    let e = GraphError::new(
        424,
        "FailedDependency",
        format!("The request depends on request '{dep}', which failed."),
    );
    let request_id = crate::error::new_id();
    json!({
        "id": id,
        "status": 424,
        "headers": { "Content-Type": crate::server::JSON_CONTENT_TYPE },
        "body": e.body(&request_id, &request_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(endpoint("/v1.0/$batch"), Some(ApiVersion::V1));
        assert_eq!(endpoint("/beta/%24batch/"), Some(ApiVersion::Beta));
        assert_eq!(endpoint("/v1.0/users"), None);
        assert_eq!(endpoint("/v2/$batch"), None);
        assert_eq!(endpoint("/$batch"), None);
    }

    #[test]
    fn header_names() {
        assert_eq!(title_case("retry-after"), "Retry-After");
        assert_eq!(title_case("content-type"), "Content-Type");
    }
}
