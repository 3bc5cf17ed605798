// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Models built and described by name, for bindings that expose them as
//! dynamic objects (Python's `Model`): type lookup, construction from JSON
//! with snake_case properties, attribute names, `repr`.

use serde_json::{Map, Value};

use crate::api::ApiVersion;
use crate::error::{Error, Result};
use crate::models::{decoder, Decoder, DynModel, FieldName};

/// `"v1.0"` / `"beta"` and a type name of that version.
pub fn find(version: &str, type_name: &str) -> Result<(ApiVersion, &'static Decoder)> {
    let v = ApiVersion::parse(version).ok_or_else(|| {
        Error::invalid_argument(format!(
            "unknown API version {version:?} (use \"v1.0\" or \"beta\")"
        ))
    })?;
    let dec = decoder(v, type_name).ok_or_else(|| {
        Error::invalid_argument(format!("unknown {} type {type_name:?}", v.as_str()))
    })?;
    Ok((v, dec))
}

/// The declared properties of a type.
pub fn fields(dec: &Decoder) -> Result<&'static [FieldName]> {
    Ok((dec.from_value)(Value::Object(Map::new()))
        .map_err(|e| Error::internal(e.to_string()))?
        .fields())
}

/// `(snake_case, Graph name)` of each declared property of a type.
pub fn field_names(version: &str, type_name: &str) -> Result<Vec<(&'static str, &'static str)>> {
    let (_, dec) = find(version, type_name)?;
    Ok(fields(dec)?.iter().map(|f| (f.snake, f.json)).collect())
}

/// A model of a type from its Graph JSON text; text that is not one is an
/// `InvalidArgument` error.
pub fn from_json(version: &str, type_name: &str, text: &str) -> Result<(ApiVersion, Box<dyn DynModel>)> {
    let (v, dec) = find(version, type_name)?;
    let m = (dec.one)(text.as_bytes())
        .map_err(|e| Error::invalid_argument(format!("invalid {type_name}: {e}")))?;
    Ok((v, m))
}

/// The Graph (camelCase) name of an attribute: a declared property's,
/// `@odata.type` for `odata_type`, else `some_name` → `someName`.
pub fn json_name(fields: &[FieldName], attr: &str) -> String {
    if let Some(f) = fields.iter().find(|f| f.snake == attr) {
        return f.json.to_string();
    }
    if attr == "odata_type" {
        return "@odata.type".into();
    }
    let mut out = String::with_capacity(attr.len());
    let mut upper = false;
    for c in attr.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A model from Graph's JSON (`data`, an object or null) with `props`
/// (snake_case or Graph names) merged over it, checked against the type.
/// `odata_type` is added first when absent: a subtype built on its own (a
/// `singleUser` in `allowedRequestors`) must say what it is on the wire.
pub fn build(
    dec: &Decoder,
    type_name: &str,
    data: Value,
    props: Vec<(String, Value)>,
    odata_type: Option<&str>,
) -> Result<Box<dyn DynModel>> {
    let mut obj = match data {
        Value::Null => Map::new(),
        Value::Object(m) => m,
        other => {
            return Err(Error::invalid_argument(format!(
                "a {type_name} must be a JSON object, got {other}"
            )))
        }
    };
    if !props.is_empty() {
        let fields = fields(dec)?;
        for (k, v) in props {
            obj.insert(json_name(fields, &k), v);
        }
    }
    if let Some(t) = odata_type.filter(|_| !obj.contains_key("@odata.type")) {
        let mut tagged = Map::with_capacity(obj.len() + 1);
        tagged.insert("@odata.type".into(), Value::String(t.into()));
        tagged.extend(obj);
        obj = tagged;
    }
    (dec.from_value)(Value::Object(obj))
        .map_err(|e| Error::invalid_argument(format!("invalid {type_name}: {e}")))
}

/// `accessPackage` → `AccessPackage`.
pub fn class_name(m: &dyn DynModel) -> String {
    let t = m.type_name();
    let mut c = t.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `AccessPackage(id='…', display_name='…', catalog={...}, tags=[...3 items])`:
/// declared properties by snake_case name, then undeclared ones.
pub fn repr(m: &dyn DynModel) -> String {
    let json = m.to_json();
    let mut parts = Vec::new();
    for f in m.fields() {
        if let Some(v) = json.get(f.json) {
            parts.push(format!("{}={}", f.snake, short_repr(v)));
        }
    }
    if let Value::Object(map) = &json {
        for (k, v) in map {
            if !m.fields().iter().any(|f| f.json == k) && !v.is_null() && k != "@odata.type" {
                parts.push(format!("{k}={}", short_repr(v)));
            }
        }
    }
    format!("{}({})", class_name(m), parts.join(", "))
}

fn short_repr(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let mut o = String::with_capacity(s.len() + 2);
            o.push('\'');
            for c in s.chars() {
                match c {
                    '\'' => o.push_str("\\'"),
                    '\\' => o.push_str("\\\\"),
                    '\n' => o.push_str("\\n"),
                    c => o.push(c),
                }
            }
            o.push('\'');
            o
        }
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Array(a) => format!("[...{} items]", a.len()),
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Object(_) => "{...}".into(),
        other => other.to_string(),
    }
}
