// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Every documented example (conformance/examples.json), request
//! and response, against the declared operations and the typed models:
//!
//! 1. the request line routes to a declared operation
//!    (`Operation::route`; the query string is dropped, and the `//` and
//!    trailing `/` some documentation paths have are normalized and reported);
//! 2. a JSON request body decodes into the operation's `body` type and
//!    encodes back to exactly the documented JSON;
//! 3. a JSON response body (the items of `value` for list and collection
//!    operations, envelope annotations removed) decodes into the operation's
//!    `response` type and encodes back unchanged; when the documentation
//!    annotates the response with a more specific type, the decoded model
//!    must be that subtype.
//!
//! Examples without bodies pass on routing alone. Every example that does
//! not pass is listed with the reason; `docs error:` marks the ones where
//! the documentation itself is wrong.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use entitlement::api::{ApiVersion, OpKind, Operation};
use entitlement::models::{decoder, DynModel, Got};
use serde_json::Value;

/// `ENTITLEMENT_CONFORMANCE` names the corpus directory; the default is the
/// in-repo `conformance/`.
fn corpus_path() -> PathBuf {
    std::env::var_os("ENTITLEMENT_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance"))
        .join("examples.json")
}

fn corpus() -> Vec<Value> {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("conformance corpus {} not readable ({e}); ENTITLEMENT_CONFORMANCE names the corpus directory", path.display()));
    serde_json::from_str(&text).expect("examples.json is JSON")
}

/// Documentation examples whose body is wrong for its documented type, with
/// the reason. They stay counted as exceptions; the test checks that each
/// one still fails for the reason given (a docs fix or a model change that
/// makes one pass must remove it here).
const DOCS_ERRORS: &[(&str, &str)] = &[
    (
        "v1.0/accesspackageassignment-filterbycurrentuser#1",
        "expiredDateTime is the string \"null\", not a DateTimeOffset or JSON null",
    ),
    (
        "v1.0/entitlementmanagement-post-assignmentpolicies#4",
        "Boolean and Int32 properties written as strings (\"true\", \"false\", \"1\"), e.g. requestorSettings.enableTargetsToSelfAddAccess and questions[].sequence",
    ),
    (
        "beta/accesspackageassignmentrequest-list#1",
        "createdDateTime is the placeholder \"datetime-value\", not a DateTimeOffset",
    ),
    (
        "beta/accesspackage-getapplicablepolicyrequirements#1",
        "schedule is an empty array; the resource page types it as one requestSchedule (\"null if none\")",
    ),
    (
        "beta/accesspackage-getapplicablepolicyrequirements#2",
        "schedule is an empty array; the resource page types it as one requestSchedule (\"null if none\")",
    ),
];

/// `Collection(microsoft.graph.x)` / `microsoft.graph.x` → `x`.
fn annotated_type(annotation: &str) -> String {
    let inner = annotation.trim_start_matches("Collection(").trim_end_matches(')');
    inner.rsplit('.').next().unwrap_or(inner).to_string()
}

/// Response-envelope annotations belong to the page, not the model.
fn is_envelope_annotation(key: &str) -> bool {
    matches!(key, "@odata.context" | "@odata.nextLink" | "@odata.count" | "@odata.deltaLink" | "@microsoft.graph.tips")
}

fn strip_envelope(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.retain(|k, _| !is_envelope_annotation(k));
    }
    v
}

/// The first place two JSON values differ, as a JSON-pointer-like path.
fn first_difference(path: &str, docs: &Value, ours: &Value) -> String {
    match (docs, ours) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, av) in a {
                match b.get(k) {
                    None => return format!("{path}/{k} dropped (docs: {av})"),
                    Some(bv) if bv != av => return first_difference(&format!("{path}/{k}"), av, bv),
                    _ => {}
                }
            }
            for k in b.keys() {
                if !a.contains_key(k) {
                    return format!("{path}/{k} added (ours: {})", b[k]);
                }
            }
            format!("{path}: differs")
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (av, bv)) in a.iter().zip(b).enumerate() {
                if av != bv {
                    return first_difference(&format!("{path}/{i}"), av, bv);
                }
            }
            format!("{path}: differs")
        }
        _ => format!("{path}: docs {docs}, ours {ours}"),
    }
}

/// The documented resource pages (resources.json next to examples.json):
/// per version and lower-cased type name, the declared property names and
/// the base type.
struct Docs {
    types: HashMap<(String, String), (HashSet<String>, Option<String>)>,
}

impl Docs {
    fn load(examples: &std::path::Path) -> Docs {
        let path = examples.with_file_name("resources.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} not readable ({e})", path.display()));
        let raw: Value = serde_json::from_str(&text).expect("resources.json is JSON");
        let mut types = HashMap::new();
        for t in raw["types"].as_array().into_iter().flatten() {
            let props = ["properties", "relationships"]
                .iter()
                .flat_map(|k| t[*k].as_array().into_iter().flatten())
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect();
            let key = (t["version"].as_str().unwrap_or("").to_string(), t["name"].as_str().unwrap_or("").to_lowercase());
            types.insert(key, (props, t["base_type"].as_str().map(str::to_lowercase)));
        }
        Docs { types }
    }

    fn has_type(&self, version: ApiVersion, name: &str) -> bool {
        self.types.contains_key(&(version.as_str().to_string(), name.to_lowercase()))
    }

    /// Whether the resource page of `type_name` (or of a base type) lists `prop`.
    fn declares(&self, version: ApiVersion, type_name: &str, prop: &str) -> bool {
        let mut name = Some(type_name.to_lowercase());
        let mut depth = 0;
        while let Some(n) = name.take() {
            if n == "entity" {
                return prop == "id";
            }
            let Some((props, base)) = self.types.get(&(version.as_str().to_string(), n)) else { return false };
            if props.contains(prop) {
                return true;
            }
            depth += 1;
            name = base.clone().filter(|_| depth < 10);
        }
        false
    }
}

/// What one body check found: `gaps` fail the example, `notes` do not
/// (properties and subtypes the documentation does not describe, kept in
/// `extra` as the models promise).
#[derive(Default)]
struct Findings {
    gaps: Vec<String>,
    notes: Vec<String>,
}

/// Decodes and re-encodes one object as `type_name`, then checks that every
/// property the documentation describes landed in a typed field (not in
/// `extra`, not as untyped JSON) and every documented `@odata.type` decoded
/// to its own model; returns the decoded model's type name.
fn round_trip(docs: &Docs, version: ApiVersion, type_name: &str, value: &Value, found: &mut Findings) -> Result<&'static str, String> {
    let d = decoder(version, type_name).ok_or_else(|| format!("type {type_name} not modelled"))?;
    let model = (d.from_value)(value.clone()).map_err(|e| format!("does not decode as {type_name}: {e}"))?;
    let back = model.to_json();
    if &back != value {
        return Err(format!("{type_name} round trip changed the body at {}", first_difference("", value, &back)));
    }
    let before = found.gaps.len();
    typing_gaps(docs, version, model.as_ref(), value, "", found);
    if found.gaps.len() > before {
        return Err(format!("round-trips as {type_name} only through `extra`: {}", found.gaps[before..].join("; ")));
    }
    Ok(model.type_name())
}

fn typing_gaps(docs: &Docs, version: ApiVersion, model: &dyn DynModel, value: &Value, at: &str, found: &mut Findings) {
    let Value::Object(obj) = value else { return };
    let fields = model.fields();
    let ty = model.type_name();
    for (k, v) in obj {
        let here = format!("{at}/{k}");
        if k == "@odata.type" {
            let tag = v.as_str().unwrap_or("");
            let short = tag.trim_start_matches('#').trim_start_matches("microsoft.graph.");
            if !short.eq_ignore_ascii_case(ty) {
                if docs.has_type(version, short) {
                    found.gaps.push(format!("{here}: documented subtype {short} decoded as {ty}"));
                } else {
                    found.notes.push(format!("{here}: {short} is not a documented {} type, kept as {ty}", version.as_str()));
                }
            }
            continue;
        }
        if !fields.iter().any(|f| f.json == k) {
            if docs.declares(version, ty, k) {
                found.gaps.push(format!("{here}: documented property of {ty} not modelled"));
            } else {
                found.notes.push(format!("{here}: not a documented property of {ty}, kept in extra"));
            }
            continue;
        }
        match (model.get(k), v) {
            (Got::Model(m), _) => typing_gaps(docs, version, m, v, &here, found),
            (Got::Models(ms), Value::Array(items)) => {
                for (i, (m, item)) in ms.iter().zip(items).enumerate() {
                    typing_gaps(docs, version, *m, item, &format!("{here}/{i}"), found);
                }
            }
            (Got::Json(_), Value::Object(_)) => found.gaps.push(format!("{here}: typed as untyped JSON on {ty}")),
            (Got::Json(_), Value::Array(items)) if items.iter().any(|i| i.is_object() || i.is_array()) => {
                found.gaps.push(format!("{here}: typed as untyped JSON on {ty}"))
            }
            _ => {}
        }
    }
}

/// Whether `sub` is `base` or derives from it (by decoding a tagged probe:
/// the polymorphic model of `base` picks the subtype only if it knows it).
fn derives_from(version: ApiVersion, sub: &str, base: &str) -> bool {
    if sub.eq_ignore_ascii_case(base) {
        return true;
    }
    let Some(d) = decoder(version, base) else { return false };
    let probe = serde_json::json!({"@odata.type": format!("#microsoft.graph.{sub}")});
    (d.from_value)(probe).is_ok_and(|m| m.type_name().eq_ignore_ascii_case(sub))
}

struct Outcome {
    passed: bool,
    reason: Option<String>,
    /// Docs path spellings normalized before routing, and untyped
    /// undocumented properties kept in `extra`.
    notes: Vec<String>,
}

fn normalize_path(raw: &str, notes: &mut Vec<String>) -> String {
    let mut path = raw.split('?').next().unwrap_or(raw).to_string();
    if path.contains("//") {
        notes.push(format!("docs typo: empty path segment (`//`) in {raw}"));
        while path.contains("//") {
            path = path.replace("//", "/");
        }
    }
    if path.len() > 1 && path.ends_with('/') {
        notes.push(format!("docs typo: trailing `/` in {raw}"));
        path = path.trim_end_matches('/').to_string();
    }
    path
}

/// Some pages wrap one entity in `{"value": {...}}` (a single object, not a
/// collection): a docs typo, normalized like the path typos and reported.
fn unwrap_value(body: &Value, type_name: &str, notes: &mut Vec<String>) -> Value {
    match body.as_object() {
        Some(obj) if obj.len() == 1 && obj.get("value").is_some_and(Value::is_object) => {
            notes.push(format!("docs typo: the single {type_name} is wrapped in a `value` property"));
            obj["value"].clone()
        }
        _ => body.clone(),
    }
}

fn check(docs: &Docs, version: ApiVersion, ex: &Value) -> Outcome {
    let mut found = Findings::default();
    let method = ex["method"].as_str().unwrap_or("");
    let path = normalize_path(ex["path"].as_str().unwrap_or(""), &mut found.notes);
    let fail = |reason: String, found: Findings| Outcome { passed: false, reason: Some(reason), notes: found.notes };
    let Some((op, _args)) = Operation::route(version, method, &path) else {
        return fail(format!("{method} {path} routes to no declared operation"), found);
    };

    // Request body.
    if matches!(ex["request_body_parse"].as_str(), Some("ok" | "repaired")) {
        let body = &ex["request_body"];
        let Some(body_type) = op.body else {
            return fail(format!("{} declares no request body, the docs send {body}", op.name), found);
        };
        let body = unwrap_value(body, body_type, &mut found.notes);
        if let Err(e) = round_trip(docs, version, body_type, &body, &mut found) {
            return fail(format!("request body ({}): {e}", op.name), found);
        }
    }

    // Response body.
    if matches!(ex["response_body_parse"].as_str(), Some("ok" | "repaired")) {
        let body = &ex["response_body"];
        let Some(response_type) = op.response else {
            return fail(format!("{} declares no response body, the docs answer {body}", op.name), found);
        };
        let items: Vec<Value> = if op.kind == OpKind::List || op.collection {
            let Some(obj) = body.as_object() else {
                return fail(format!("response ({}): not a JSON object", op.name), found);
            };
            let Some(Value::Array(items)) = obj.get("value") else {
                return fail(format!("response ({}): a collection without a `value` array", op.name), found);
            };
            if let Some(k) = obj.keys().find(|k| *k != "value" && !is_envelope_annotation(k)) {
                return fail(format!("response ({}): unexpected envelope property {k}", op.name), found);
            }
            items.clone()
        } else {
            vec![unwrap_value(&strip_envelope(body), response_type, &mut found.notes)]
        };
        let annotated = ex["response_odata_type"].as_str().map(annotated_type);
        for item in &items {
            let got = match round_trip(docs, version, response_type, item, &mut found) {
                Ok(got) => got,
                Err(e) => return fail(format!("response ({}): {e}", op.name), found),
            };
            // The annotation names a more specific type: the polymorphic
            // model must have decoded that subtype.
            if let Some(a) = &annotated {
                if !a.eq_ignore_ascii_case(response_type)
                    && derives_from(version, a, response_type)
                    && !got.eq_ignore_ascii_case(a)
                    && item.get("@odata.type").is_some()
                {
                    return fail(format!("response ({}): documented as {a}, decoded as {got}", op.name), found);
                }
            }
        }
    }
    Outcome { passed: true, reason: None, notes: found.notes }
}

#[test]
fn documented_examples_round_trip_through_typed_models() {
    let corpus = corpus();
    let docs = Docs::load(&corpus_path());
    let mut report = Vec::new();
    for version in ["v1.0", "beta"] {
        let v = ApiVersion::parse(version).unwrap();
        let (mut ok, mut total, mut exceptions, mut notes) = (0, 0, Vec::new(), Vec::new());
        for ex in corpus.iter().filter(|e| e["version"] == version) {
            total += 1;
            let id = ex["id"].as_str().unwrap_or("?");
            let outcome = check(&docs, v, ex);
            for n in outcome.notes.iter().map(|n| format!("{id}: {n}")) {
                if !notes.contains(&n) {
                    notes.push(n);
                }
            }
            let docs_error = DOCS_ERRORS.iter().find(|(eid, _)| *eid == id);
            match (outcome.passed, docs_error) {
                (true, None) => ok += 1,
                (true, Some(_)) => panic!("{id} is listed as a docs error but passes; remove it from DOCS_ERRORS"),
                (false, Some((_, why))) => {
                    exceptions.push(format!("{id}: docs error: {why} ({})", outcome.reason.unwrap_or_default()))
                }
                (false, None) => exceptions.push(format!("{id}: {}", outcome.reason.unwrap_or_default())),
            }
        }
        report.push((version, ok, total, exceptions, notes));
    }
    for (version, ok, total, exceptions, notes) in &report {
        println!(
            "model conformance {version}: {ok}/{total} documented examples (request and response bodies) round-trip through typed models"
        );
        for e in exceptions {
            println!("  exception: {e}");
        }
        for n in notes {
            println!("  note: {n}");
        }
    }
    assert_eq!(report[0].2, 106, "the v1.0 corpus has 106 examples");
    assert_eq!(report[1].2, 123, "the beta corpus has 123 examples");
    // Floors at what the models reach (the exceptions left are docs errors
    // and update_connected_organization, which declares no response body
    // while its page answers 202 with the organization); a drop is a
    // regression.
    assert!(report[0].1 >= 104, "v1.0 conformance dropped below 104");
    assert!(report[1].1 >= 119, "beta conformance dropped below 119");
}
