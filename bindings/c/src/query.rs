// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Reading the JSON inputs of a call: operation name, path arguments, OData
//! options and body. Everything is checked here, before any I/O.

use entitlement::api::OpKind;
use entitlement::models::decoder;
use entitlement::{Operation, QueryOptions};
use serde_json::Value;

use crate::ffi::{invalid, Result};

pub(crate) fn operation(name: &str) -> Result<&'static Operation> {
    Operation::find_qualified(name).ok_or_else(|| {
        invalid(format!("unknown operation {name:?} (use e.g. \"list_catalogs\", \"getCatalog\" or \"beta.list_access_package_assignments\")"))
    })
}

/// `["id1", "id2"]` (NULL: no arguments), checked against the operation.
pub(crate) fn path_args(op: &Operation, json: Option<&str>) -> Result<Vec<String>> {
    let args = match json {
        None => Vec::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    other => Err(invalid(format!(
                        "args_json: path arguments must be strings, got {other}"
                    ))),
                })
                .collect::<Result<Vec<_>>>()?,
            Ok(_) => return Err(invalid("args_json must be a JSON array of strings")),
            Err(e) => return Err(invalid(format!("args_json is not valid JSON: {e}"))),
        },
    };
    if args.len() != op.params.len() {
        return Err(invalid(format!(
            "{} takes {} path argument(s) [{}], got {}",
            op.name,
            op.params.len(),
            op.params.join(", "),
            args.len()
        )));
    }
    Ok(args)
}

fn list_of(key: &str, v: Value) -> Result<Vec<String>> {
    match v {
        Value::String(s) => Ok(s
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()),
        Value::Array(items) => items
            .into_iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(format!("query_json.{key}: expected strings")))
            })
            .collect(),
        Value::Null => Ok(Vec::new()),
        _ => Err(invalid(format!(
            "query_json.{key}: expected a string or an array of strings"
        ))),
    }
}

fn string_of(key: &str, v: Value) -> Result<Option<String>> {
    match v {
        Value::String(s) => Ok(Some(s)),
        Value::Null => Ok(None),
        _ => Err(invalid(format!("query_json.{key}: expected a string"))),
    }
}

/// `{"filter","select","expand","top","orderby","count","search"}` (NULL: none).
pub(crate) fn query_options(json: Option<&str>) -> Result<QueryOptions> {
    let mut q = QueryOptions::default();
    let Some(text) = json else { return Ok(q) };
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(Value::Null) => return Ok(q),
        Ok(_) => return Err(invalid("query_json must be a JSON object")),
        Err(e) => return Err(invalid(format!("query_json is not valid JSON: {e}"))),
    };
    for (key, v) in map {
        let k = key.trim_start_matches('$');
        match k {
            "filter" => q.filter = string_of(k, v)?,
            "search" => q.search = string_of(k, v)?,
            "select" => q.select = list_of(k, v)?,
            "expand" => q.expand = list_of(k, v)?,
            "orderby" | "orderBy" => q.orderby = list_of(k, v)?,
            "top" => {
                q.top = match v {
                    Value::Null => None,
                    Value::Number(n) => Some(
                        n.as_u64()
                            .and_then(|n| u32::try_from(n).ok())
                            .ok_or_else(|| invalid("query_json.top must be a non-negative integer"))?,
                    ),
                    _ => return Err(invalid("query_json.top must be a non-negative integer")),
                }
            }
            "count" => {
                q.count = match v {
                    Value::Bool(b) => b,
                    Value::Null => false,
                    _ => return Err(invalid("query_json.count must be true or false")),
                }
            }
            other => {
                return Err(invalid(format!(
                    "query_json: unknown option {other:?} (known: filter, select, expand, top, orderby, count, search)"
                )))
            }
        }
    }
    Ok(q)
}

/// Parses the body and checks it against the operation's body type, so a
/// malformed model is rejected locally instead of by the service.
pub(crate) fn body(op: &Operation, json: Option<&str>) -> Result<Option<Vec<u8>>> {
    let Some(text) = json else {
        if op.body.is_some() && op.kind != OpKind::Action {
            return Err(invalid(format!(
                "{} needs a request body (JSON of a {})",
                op.name,
                op.body.unwrap_or("")
            )));
        }
        return Ok(None);
    };
    let value: Value = serde_json::from_str(text)
        .map_err(|e| invalid(format!("body_json is not valid JSON: {e}")))?;
    let Some(type_name) = op.body else {
        return Err(invalid(format!("{} takes no request body", op.name)));
    };
    if !value.is_object() {
        return Err(invalid(format!(
            "body_json must be a JSON object (a {type_name})"
        )));
    }
    if let Some(dec) = decoder(op.version, type_name) {
        (dec.from_value)(value.clone())
            .map_err(|e| invalid(format!("body_json is not a valid {type_name}: {e}")))?;
    }
    serde_json::to_vec(&value)
        .map(Some)
        .map_err(|e| invalid(format!("body_json: {e}")))
}
