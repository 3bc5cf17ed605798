// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! One call, prepared: every check a binding's input needs, before any I/O.

use serde_json::{Map, Value};

use crate::api::{OpKind, Operation};
use crate::client::{Client, RawResponse};
use crate::error::{Error, Result};
use crate::models::decoder;
use crate::odata::QueryOptions;

use super::response::Response;

fn invalid(msg: impl Into<String>) -> Error {
    Error::invalid_argument(msg)
}

/// A request body as the host gave it.
pub enum RawBody<'a> {
    /// No body (operations that take none, or an action sent without one).
    None,
    /// A host value already converted (Python dict or model).
    Json(Value),
    /// JSON text (Node, C): validated in place, sent as given.
    Text(&'a [u8]),
}

impl<'a> From<Option<&'a str>> for RawBody<'a> {
    /// JSON text, or no body.
    fn from(text: Option<&'a str>) -> RawBody<'a> {
        text.map_or(RawBody::None, |t| RawBody::Text(t.as_bytes()))
    }
}

/// An operation with checked, owned arguments, ready to send any number of
/// times (pagers keep one for their first page).
#[derive(Debug, Clone)]
pub struct Call {
    /// The operation, looked up by name once.
    pub op: &'static Operation,
    /// Path arguments, in the operation's path order.
    pub args: Vec<String>,
    /// OData options (list operations take them all, gets `$select` and
    /// `$expand`).
    pub query: QueryOptions,
    /// The JSON body, checked and serialized once.
    pub body: Option<Vec<u8>>,
}

impl Call {
    /// `"list_catalogs"`, `"listCatalogs"` or `"beta.list_access_packages"`.
    pub fn operation(name: &str) -> Result<&'static Operation> {
        Operation::find_qualified(name).ok_or_else(|| {
            invalid(format!(
                "unknown operation {name:?} (e.g. \"list_catalogs\", \"getCatalog\", \"beta.list_access_packages\")"
            ))
        })
    }

    /// Checks everything a call needs: the operation exists, the path
    /// arguments match its parameters, the query options suit its kind, and
    /// the body is a JSON object of its body type.
    pub fn new(op: &str, args: Value, query: Value, body: RawBody<'_>) -> Result<Call> {
        let op = Call::operation(op)?;
        let args = path_args(op, args)?;
        let query = query_options(op, query)?;
        let body = check_body(op, body)?;
        Ok(Call {
            op,
            args,
            query,
            body,
        })
    }

    /// The same, for a list operation (pagers).
    pub fn list(op: &str, args: Value, query: Value) -> Result<Call> {
        let call = Call::new(op, args, query, RawBody::None)?;
        if call.op.kind != OpKind::List {
            return Err(invalid(format!(
                "{} is not a list operation (send it as a single call)",
                call.op.name
            )));
        }
        Ok(call)
    }

    /// Sends the call (the first page, for a list).
    pub async fn send(&self, client: &Client) -> Result<Response> {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let raw = client
            .call(self.op, &args, &self.query, self.body.clone())
            .await?;
        Ok(Response::new(self.op, raw))
    }

    /// Fetches the page at `next_link` of this list call.
    pub async fn next_page(&self, client: &Client, next_link: &str) -> Result<Response> {
        Ok(Response::new(self.op, client.fetch_next(next_link).await?))
    }
}

/// Fetches a next link of list operation `op` (for bindings that keep the
/// operation name rather than a [`Call`]).
pub async fn fetch_next(
    client: &Client,
    op: &'static Operation,
    next_link: &str,
) -> Result<Response> {
    let raw: RawResponse = client.fetch_next(next_link).await?;
    Ok(Response::new(op, raw))
}

/// `["id1", "id2"]` (or `null` for none), one string per path parameter.
fn path_args(op: &Operation, v: Value) -> Result<Vec<String>> {
    let items = match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        other => {
            return Err(invalid(format!(
                "{}: path arguments must be a list of strings, got {other}",
                op.name
            )))
        }
    };
    if items.len() != op.params.len() {
        return Err(invalid(format!(
            "{} takes {} path argument(s) ({}), got {}",
            op.name,
            op.params.len(),
            op.params.join(", "),
            items.len()
        )));
    }
    items
        .into_iter()
        .zip(op.params)
        .map(|(v, name)| match v {
            Value::String(s) if s.is_empty() => {
                Err(invalid(format!("{}: {name} must not be empty", op.name)))
            }
            Value::String(s) => Ok(s),
            other => Err(invalid(format!(
                "{}: {name} must be a string, got {}",
                op.name,
                json_kind(&other)
            ))),
        })
        .collect()
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn string_of(key: &str, v: Value) -> Result<Option<String>> {
    match v {
        Value::String(s) => Ok(Some(s)),
        Value::Null => Ok(None),
        other => Err(invalid(format!(
            "query option {key} must be a string, got {}",
            json_kind(&other)
        ))),
    }
}

/// `"a,b"` or `["a", "b"]`.
fn list_of(key: &str, v: Value) -> Result<Vec<String>> {
    let bad = |other: &Value| {
        invalid(format!(
            "query option {key} must be a string or a list of strings, got {}",
            json_kind(other)
        ))
    };
    match v {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(s
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()),
        Value::Array(items) => items
            .into_iter()
            .map(|i| match i {
                Value::String(s) => Ok(s),
                other => Err(bad(&other)),
            })
            .collect(),
        other => Err(bad(&other)),
    }
}

/// Which query options an operation takes: every option on collections,
/// `select`/`expand` on a GET that answers an entity, none otherwise (the
/// Graph reference documents none for writes: an option that cannot take
/// effect is refused, not ignored).
fn allowed(op: &Operation, key: &str) -> bool {
    match key {
        _ if op.kind == OpKind::List || op.collection => true,
        "select" | "expand" => op.response.is_some() && op.method == "GET",
        _ => false,
    }
}

/// `{"filter", "select", "expand", "top", "orderby", "count", "search"}`
/// (`null` values ignored).
fn query_options(op: &Operation, v: Value) -> Result<QueryOptions> {
    let mut q = QueryOptions::default();
    let map: Map<String, Value> = match v {
        Value::Null => return Ok(q),
        Value::Object(m) => m,
        other => {
            return Err(invalid(format!(
                "query options must be an object, got {}",
                json_kind(&other)
            )))
        }
    };
    for (key, v) in map {
        if v.is_null() {
            continue;
        }
        let k = key.as_str();
        if !matches!(
            k,
            "filter" | "search" | "select" | "expand" | "orderby" | "top" | "count"
        ) {
            return Err(invalid(format!(
                "unknown query option {key:?} (filter, select, expand, top, orderby, count, search)"
            )));
        }
        if !allowed(op, k) {
            return Err(invalid(format!(
                "{} does not take the query option {k}",
                op.name
            )));
        }
        match k {
            "filter" => q.filter = string_of(k, v)?,
            "search" => q.search = string_of(k, v)?,
            "select" => q.select = list_of(k, v)?,
            "expand" => q.expand = list_of(k, v)?,
            "orderby" => q.orderby = list_of(k, v)?,
            "top" => {
                q.top = Some(
                    v.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| {
                            invalid(format!(
                                "query option top must be an integer from 0 to 4294967295, got {v}"
                            ))
                        })?,
                )
            }
            _ => {
                q.count = v.as_bool().ok_or_else(|| {
                    invalid(format!(
                        "query option count must be a boolean, got {}",
                        json_kind(&v)
                    ))
                })?
            }
        }
    }
    Ok(q)
}

/// Checks a body once, by decoding it as the operation's type (the decoded
/// model is dropped; the bytes are sent as they are).
fn check_body(op: &Operation, body: RawBody<'_>) -> Result<Option<Vec<u8>>> {
    let bytes = match body {
        RawBody::None => {
            if let (Some(ty), true) = (op.body, op.kind != OpKind::Action) {
                return Err(invalid(format!(
                    "{} needs a request body (a {ty})",
                    op.name
                )));
            }
            return Ok(None);
        }
        RawBody::Json(Value::Null) if op.body.is_none() || op.kind == OpKind::Action => {
            return Ok(None)
        }
        RawBody::Json(v) => {
            if !v.is_object() {
                return Err(invalid(format!(
                    "the body of {} must be an object, got {}",
                    op.name,
                    json_kind(&v)
                )));
            }
            serde_json::to_vec(&v).map_err(|e| invalid(format!("body: {e}")))?
        }
        RawBody::Text(t) => t.to_vec(),
    };
    let Some(ty) = op.body else {
        return Err(invalid(format!("{} takes no request body", op.name)));
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let checked = match decoder(op.version, ty) {
        Some(dec) if first == Some(&b'{') => (dec.check_one)(&bytes),
        _ => serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map(drop),
    };
    match checked {
        Err(e) if e.is_syntax() || e.is_eof() => Err(invalid(format!(
            "the body of {} is not valid JSON: {e}",
            op.name
        ))),
        Err(e) => Err(invalid(format!(
            "the body of {} is not a valid {ty}: {e}",
            op.name
        ))),
        Ok(()) if first != Some(&b'{') => Err(invalid(format!(
            "the body of {} must be a JSON object (a {ty})",
            op.name
        ))),
        Ok(()) => Ok(Some(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(op: &str, args: Value, query: Value, body: RawBody<'_>) -> String {
        Call::new(op, args, query, body).unwrap_err().message
    }

    #[test]
    fn every_input_is_checked_before_sending() {
        assert!(err("no_such_op", Value::Null, Value::Null, RawBody::None)
            .contains("unknown operation"));
        assert!(err("get_catalog", json!([]), Value::Null, RawBody::None)
            .contains("takes 1 path argument"));
        assert!(err("get_catalog", json!([5]), Value::Null, RawBody::None)
            .contains("catalogId must be a string"));
        assert!(err(
            "list_catalogs",
            Value::Null,
            json!({"nope": 1}),
            RawBody::None
        )
        .contains("unknown query option"));
        assert!(err(
            "list_catalogs",
            Value::Null,
            json!({"top": true}),
            RawBody::None
        )
        .contains("top"));
        assert!(err(
            "delete_catalog",
            json!(["x"]),
            json!({"filter": "a"}),
            RawBody::None
        )
        .contains("does not take"));
        assert!(err(
            "delete_catalog",
            json!(["x"]),
            Value::Null,
            RawBody::Text(b"{}")
        )
        .contains("takes no request body"));
        assert!(
            err("create_catalog", Value::Null, Value::Null, RawBody::None)
                .contains("needs a request body")
        );
        assert!(err(
            "create_catalog",
            Value::Null,
            Value::Null,
            RawBody::Text(b"{")
        )
        .contains("not valid JSON"));
        assert!(err(
            "create_catalog",
            Value::Null,
            Value::Null,
            RawBody::Text(b"[1]")
        )
        .contains("JSON object"));
        let e = err(
            "create_catalog",
            Value::Null,
            Value::Null,
            RawBody::Json(json!({"displayName": 5})),
        );
        assert!(e.contains("not a valid accessPackageCatalog"), "{e}");
        assert!(err(
            "create_catalog",
            Value::Null,
            json!({"select": "id"}),
            RawBody::Text(b"{}")
        )
        .contains("does not take"));
        let ok = Call::new(
            "create_catalog",
            Value::Null,
            json!({"select": null}),
            RawBody::Text(b"{\"displayName\":\"x\"}"),
        );
        let ok = ok.unwrap();
        let get = Call::new(
            "get_catalog",
            json!(["c1"]),
            json!({"select": "id,displayName"}),
            RawBody::None,
        )
        .unwrap();
        assert_eq!(get.query.select, ["id", "displayName"]);
        assert_eq!(ok.body.as_deref(), Some(&b"{\"displayName\":\"x\"}"[..]));
    }
}
