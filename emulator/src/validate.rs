// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Request-body validation against the API description, before dispatch.
//!
//! The property tables are `api/types/{v1.0,beta}.json`, the same source the
//! generated models come from (embedded at build time and resolved the way
//! `codegen/model.py` resolves them: inherited properties, `id` on entities,
//! subtypes chosen by `@odata.type`). Checks, in Graph's OData wording
//! (status 400, code `BadRequest`):
//!
//! * an undeclared property → `The property 'x' does not exist on type
//!   'microsoft.graph.T'. Make sure to only use property names that are
//!   defined by the type or mark the type as open type.`
//! * a value of the wrong JSON type, a malformed timestamp or duration, or a
//!   value outside an enum → `Cannot convert the literal 'v' to the expected
//!   type 'Edm.String'` (`'microsoft.graph.someEnum'`, `'Collection(…)'`).
//! * `@odata.type` naming a type unrelated to the declared one →
//!   `A type named 'microsoft.graph.x' is not compatible with the expected type 'microsoft.graph.y'.`
//!
//! Annotations (`@odata.type`, `x@odata.bind`…) are allowed anywhere, and so
//! is `xId` for a single-valued navigation property `x` (the flat reference
//! form the handlers accept, e.g. `catalogId` on a v1.0 access package). Objects
//! whose type the description does not model are not checked (lenient).
//! Enum values match case-insensitively (Graph accepts `"None"` for `none`).
//! Required properties are checked by the handlers.

use std::collections::HashMap;
use std::sync::OnceLock;

use entitlement::api::ApiVersion;
use serde_json::Value;

use crate::error::{GraphError, GraphResult};

const V1_TYPES: &str = include_str!("../../api/types/v1.0.json");
const BETA_TYPES: &str = include_str!("../../api/types/beta.json");

#[derive(Debug, Clone)]
struct Prop {
    ty: String,
    collection: bool,
}

#[derive(Debug, Default)]
struct TypeDef {
    base: Option<String>,
    /// An entity type (so a property of this type is a navigation property).
    entity: bool,
    props: HashMap<String, Prop>,
}

#[derive(Debug, Default)]
pub struct Schema {
    types: HashMap<String, TypeDef>,
    enums: HashMap<String, Vec<String>>,
}

fn load(text: &str) -> Schema {
    let doc: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let raw: HashMap<String, &Value> = doc["types"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| Some((t["name"].as_str()?.to_string(), t))).collect())
        .unwrap_or_default();
    let mut schema = Schema::default();
    for (name, t) in &raw {
        let mut chain = vec![*t];
        let mut base = t["base"].as_str();
        let mut entity = t["kind"] == "entity";
        while let Some(b) = base {
            if b == "entity" {
                entity = true;
            }
            match raw.get(b) {
                Some(bt) => {
                    entity |= bt["kind"] == "entity";
                    chain.push(bt);
                    base = bt["base"].as_str();
                }
                None => break,
            }
        }
        let mut def = TypeDef { base: t["base"].as_str().map(str::to_string), entity, props: HashMap::new() };
        if entity {
            def.props.insert("id".into(), Prop { ty: "String".into(), collection: false });
        }
        for src in chain {
            for p in src["properties"].as_array().into_iter().flatten() {
                let Some(pn) = p["name"].as_str() else { continue };
                def.props.entry(pn.to_string()).or_insert_with(|| Prop {
                    ty: p["type"].as_str().unwrap_or("").to_string(),
                    collection: p["collection"].as_bool().unwrap_or(false),
                });
            }
        }
        schema.types.insert(name.clone(), def);
    }
    for e in doc["enums"].as_array().into_iter().flatten() {
        if let Some(n) = e["name"].as_str() {
            let values = e["values"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
            schema.enums.insert(n.to_string(), values);
        }
    }
    schema
}

/// Older property names that documented request bodies still send and the
/// service accepts, kept out of the models on purpose (clients keep them in
/// `extra`): `(version is beta, type, property, type of the property)`.
const GAPS: &[(bool, &str, &str, &str)] = &[
    (false, "customExtensionCallbackConfiguration", "durationBeforeTimeout", "Duration"),
    (false, "accessPackageAssignmentRequest", "accessPackageAssignment", "accessPackageAssignment"),
    (true, "requestSchedule", "stopDateTime", "DateTimeOffset"),
    (true, "accessPackageSubject", "subjectType", "String"),
];

fn with_gaps(mut s: Schema, beta: bool) -> Schema {
    for (b, t, p, ty) in GAPS {
        if *b != beta {
            continue;
        }
        // The property lands on the type and on every subtype that inherits it.
        let names: Vec<String> = s.types.keys().filter(|n| s.is_subtype(n, t)).cloned().collect();
        for n in names {
            if let Some(def) = s.types.get_mut(&n) {
                def.props.entry(p.to_string()).or_insert(Prop { ty: ty.to_string(), collection: false });
            }
        }
    }
    s
}

pub fn schema(version: ApiVersion) -> &'static Schema {
    static V1: OnceLock<Schema> = OnceLock::new();
    static BETA: OnceLock<Schema> = OnceLock::new();
    match version {
        ApiVersion::V1 => V1.get_or_init(|| with_gaps(load(V1_TYPES), false)),
        ApiVersion::Beta => BETA.get_or_init(|| with_gaps(load(BETA_TYPES), true)),
    }
}

/// A declared property, as the query options (`$filter`, `$select`,
/// `$orderby`, `$expand`) see it: name as declared, type, collection.
#[derive(Debug, Clone, Copy)]
pub struct Declared<'a> {
    pub name: &'a str,
    pub ty: &'a str,
    pub collection: bool,
}

impl Schema {
    pub fn has_type(&self, t: &str) -> bool {
        self.types.contains_key(t)
    }

    /// Whether `t` is an entity type (a property of that type is a navigation property).
    pub fn is_entity(&self, t: &str) -> bool {
        self.types.get(t).is_some_and(|d| d.entity)
    }

    /// Property `name` of type `t`, inherited ones included, matched
    /// case-insensitively (Graph matches query option names that way).
    pub fn property(&self, t: &str, name: &str) -> Option<Declared<'_>> {
        let def = self.types.get(t)?;
        let (n, p) = match def.props.get_key_value(name) {
            Some(kv) => kv,
            None => def.props.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?,
        };
        Some(Declared { name: n, ty: &p.ty, collection: p.collection })
    }

    /// Types derived from `t`, directly or not (`t` itself excluded).
    pub fn subtypes<'a>(&'a self, t: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.types.keys().map(String::as_str).filter(move |n| *n != t && self.is_subtype(n, t))
    }

    pub fn is_subtype(&self, t: &str, of: &str) -> bool {
        let mut cur = Some(t);
        while let Some(c) = cur {
            if c == of {
                return true;
            }
            cur = self.types.get(c).and_then(|d| d.base.as_deref());
        }
        false
    }
}

/// `#microsoft.graph.x` / `microsoft.graph.x` → `x`.
pub fn short_type(t: &str) -> &str {
    let t = t.trim_start_matches('#');
    t.strip_prefix("microsoft.graph.").unwrap_or(t)
}

pub fn unknown_property(p: &str, ty: &str) -> GraphError {
    GraphError::bad_request(format!(
        "The property '{p}' does not exist on type 'microsoft.graph.{ty}'. Make sure to only use property names that are defined by the type or mark the type as open type."
    ))
}

pub fn cannot_convert(v: &Value, expected: &str) -> GraphError {
    let lit = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    GraphError::bad_request(format!("Cannot convert the literal '{lit}' to the expected type '{expected}'."))
}

fn edm_or_graph(ty: &str) -> String {
    match ty {
        "String" | "Boolean" | "Int32" | "Int64" | "Int16" | "Byte" | "Double" | "Single" | "Decimal" | "DateTimeOffset" | "Duration" | "Guid" | "Date" | "TimeOfDay" | "Binary" => {
            format!("Edm.{ty}")
        }
        other => format!("microsoft.graph.{other}"),
    }
}

/// Validates `body` as type `type_name` of `version`.
pub fn body(version: ApiVersion, type_name: &str, body: &Value) -> GraphResult<()> {
    if !body.is_object() {
        return Err(GraphError::bad_request(
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        ));
    }
    let other = match version {
        ApiVersion::V1 => ApiVersion::Beta,
        ApiVersion::Beta => ApiVersion::V1,
    };
    object(schema(version), Some(schema(other)), type_name, body)
}

/// `alt`: the other version's schema. The handlers read both shapes (the
/// tutorial sends beta-shaped resource requests to v1.0), so a property the
/// other version declares on the same type is accepted and checked there.
fn object(sc: &Schema, alt: Option<&Schema>, declared: &str, v: &Value) -> GraphResult<()> {
    let Value::Object(m) = v else {
        return Err(cannot_convert(v, &edm_or_graph(declared)));
    };
    let mut actual = declared;
    if let Some(t) = m.get("@odata.type").and_then(Value::as_str) {
        let named = short_type(t);
        if sc.types.contains_key(named) && sc.types.contains_key(declared) && named != declared
            && !sc.is_subtype(named, declared) {
                return Err(GraphError::bad_request(format!(
                    "A type named 'microsoft.graph.{named}' is not compatible with the expected type 'microsoft.graph.{declared}'."
                )));
            }
        if !sc.types.contains_key(named) {
            // A subtype the description does not model: not checked.
            return Ok(());
        }
        actual = named;
    }
    let Some(def) = sc.types.get(actual) else { return Ok(()) };
    for (key, value) in m {
        if key.contains('@') {
            continue;
        }
        let Some(p) = def.props.get(key.as_str()) else {
            // `catalogId` for `catalog: {id}`: the flat reference form the
            // handlers accept for any single-valued navigation property.
            if let Some(stem) = key.strip_suffix("Id").filter(|s| !s.is_empty()) {
                if def.props.get(stem).is_some_and(|np| !np.collection && sc.types.contains_key(&np.ty)) {
                    if !(value.is_string() || value.is_null()) {
                        return Err(cannot_convert(value, "Edm.String"));
                    }
                    continue;
                }
            }
            if let Some(ap) = alt.and_then(|a| a.types.get(actual)).and_then(|d| d.props.get(key.as_str())) {
                property(alt.unwrap_or(sc), None, ap, value)?;
                continue;
            }
            return Err(unknown_property(key, actual));
        };
        property(sc, alt, p, value)?;
    }
    Ok(())
}

fn property(sc: &Schema, alt: Option<&Schema>, p: &Prop, v: &Value) -> GraphResult<()> {
    if v.is_null() {
        return Ok(());
    }
    if p.collection {
        let Value::Array(items) = v else {
            return Err(cannot_convert(v, &format!("Collection({})", edm_or_graph(&p.ty))));
        };
        for it in items {
            single(sc, alt, &p.ty, it)?;
        }
        return Ok(());
    }
    single(sc, alt, &p.ty, v)
}

fn single(sc: &Schema, alt: Option<&Schema>, ty: &str, v: &Value) -> GraphResult<()> {
    let ok = match ty {
        "String" | "Guid" | "Binary" | "Date" | "TimeOfDay" => v.is_string(),
        "Boolean" => v.is_boolean(),
        "Int16" | "Int32" | "Int64" | "Byte" => v.is_i64() || v.is_u64(),
        "Double" | "Single" | "Decimal" => v.is_number(),
        "DateTimeOffset" => v.as_str().is_some_and(valid_timestamp),
        "Duration" => v.as_str().is_some_and(valid_duration),
        _ => {
            if let Some(values) = sc.enums.get(ty) {
                v.as_str().is_some_and(|s| values.iter().any(|x| x.eq_ignore_ascii_case(s)))
            } else if sc.types.contains_key(ty) {
                return object(sc, alt, ty, v);
            } else {
                true
            }
        }
    };
    if ok {
        Ok(())
    } else {
        Err(cannot_convert(v, &edm_or_graph(ty)))
    }
}

fn valid_timestamp(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
        || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// ISO 8601 duration (`P30D`, `PT1H`, `P1Y2M3DT4H5M6.5S`, `-P1D`).
fn valid_duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(rest) = s.strip_prefix('P') else { return false };
    if rest.is_empty() {
        return false;
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return false;
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let parts_ok = |part: &str, units: &str| {
        let mut num = String::new();
        let mut last = 0usize;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
            } else {
                let Some(pos) = units.find(c) else { return false };
                if num.is_empty() || pos < last || num.parse::<f64>().is_err() {
                    return false;
                }
                last = pos + 1;
                num.clear();
            }
        }
        num.is_empty()
    };
    parts_ok(date, "YMWD") && time.is_none_or(|t| parts_ok(t, "HMS"))
}

/// Enum value in its declared spelling (`"None"` → `"none"`), when `ty` is an enum of `version`.
pub fn canonical_enum(version: ApiVersion, ty: &str, v: &str) -> Option<String> {
    schema(version).enums.get(ty)?.iter().find(|x| x.eq_ignore_ascii_case(v)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations() {
        for ok in ["P30D", "PT1H", "P1Y2M3DT4H5M6.5S", "-P1D", "P4D"] {
            assert!(valid_duration(ok), "{ok}");
        }
        for bad in ["P", "30D", "PT", "P1H", "PxD", "P1D2Y"] {
            assert!(!valid_duration(bad), "{bad}");
        }
    }

    #[test]
    fn checks_properties_types_and_enums() {
        let v1 = ApiVersion::V1;
        body(v1, "connectedOrganization", &json!({"displayName": "x", "state": "Proposed",
            "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "domainName": "a.com", "displayName": "a"}]})).unwrap();
        let e = body(v1, "connectedOrganization", &json!({"displayName": "x", "foo": 1})).unwrap_err();
        assert!(e.message.starts_with("The property 'foo' does not exist on type 'microsoft.graph.connectedOrganization'"), "{}", e.message);
        let e = body(v1, "connectedOrganization", &json!({"state": "bogus"})).unwrap_err();
        assert_eq!(e.message, "Cannot convert the literal 'bogus' to the expected type 'microsoft.graph.connectedOrganizationState'.");
        let e = body(v1, "connectedOrganization", &json!({"displayName": 5})).unwrap_err();
        assert_eq!(e.message, "Cannot convert the literal '5' to the expected type 'Edm.String'.");
        let e = body(v1, "connectedOrganization", &json!({"identitySources": {}})).unwrap_err();
        assert!(e.message.contains("Collection(microsoft.graph.identitySource)"), "{}", e.message);
        let e = body(v1, "connectedOrganization", &json!({"identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource", "nope": 1}]})).unwrap_err();
        assert!(e.message.contains("'nope' does not exist on type 'microsoft.graph.domainIdentitySource'"), "{}", e.message);
        let e = body(v1, "entitlementManagementSettings", &json!({"durationUntilExternalUserDeletedAfterBlocked": "4 days"})).unwrap_err();
        assert!(e.message.contains("Edm.Duration"));
        assert_eq!(canonical_enum(v1, "accessPackageExternalUserLifecycleAction", "None").as_deref(), Some("none"));
    }

    /// Every documented request body the emulator routes passes validation.
    #[test]
    fn documented_request_bodies_pass() {
        // ENTITLEMENT_CONFORMANCE names the corpus directory (default: the in-repo conformance/).
        let dir = std::env::var_os("ENTITLEMENT_CONFORMANCE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance"));
        let path = dir.join("examples.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("conformance corpus {} not readable ({e}); ENTITLEMENT_CONFORMANCE names the corpus directory", path.display()));
        let examples: Vec<Value> = serde_json::from_str(&text).unwrap();
        let mut failures = Vec::new();
        for e in &examples {
            let Some(b) = e.get("request_body").filter(|b| b.is_object()) else { continue };
            let version = if e["version"] == "beta" { ApiVersion::Beta } else { ApiVersion::V1 };
            let p = e["path"].as_str().unwrap_or("").split('?').next().unwrap_or("");
            let method = e["method"].as_str().unwrap_or("");
            let Some((op, _)) = entitlement::api::Operation::route(version, method, p) else { continue };
            let Some(t) = op.body else { continue };
            if let Err(err) = body(version, t, b) {
                failures.push(format!("{}: {}", e["id"], err.message));
            }
        }
        // Documented bodies that wrap the object in {"value": …} (a docs error Graph refuses too).
        failures.retain(|f| !f.contains("'value' does not exist"));
        // Documented with booleans written as strings (a docs error; the replay test lists it too).
        failures.retain(|f| !f.contains("entitlementmanagement-post-assignmentpolicies#4"));
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
