// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! What counts as the documented shape, and the documentation's own errors.

use std::path::PathBuf;

use serde_json::Value;

/// Every documented key present with the same JSON type. A documented null
/// says nothing about the type; our null for a documented scalar is the
/// property's unset state (e.g. `expiredDateTime` of an assignment that has
/// not expired), which OData allows for every nullable property. Returns the
/// first mismatch.
pub fn shape_matches(doc: &Value, ours: &Value, at: &str) -> Result<(), String> {
    match (doc, ours) {
        (Value::Null, _) => Ok(()),
        (Value::String(_) | Value::Number(_) | Value::Bool(_), Value::Null) => Ok(()),
        (Value::Object(d), Value::Object(o)) => {
            for (k, dv) in d {
                if k == "@odata.nextLink" || k == "@odata.count" || k == "@microsoft.graph.tips" {
                    continue;
                }
                match o.get(k) {
                    None => return Err(format!("{at}/{k} missing")),
                    Some(ov) => shape_matches(dv, ov, &format!("{at}/{k}"))?,
                }
            }
            Ok(())
        }
        (Value::Array(d), Value::Array(o)) => match (d.first(), o.first()) {
            (Some(dv), Some(ov)) => shape_matches(dv, ov, &format!("{at}[0]")),
            (Some(_), None) => Err(format!("{at} is empty, the docs show items")),
            _ => Ok(()),
        },
        (Value::Number(_), Value::Number(_)) | (Value::Bool(_), Value::Bool(_)) | (Value::String(_), Value::String(_)) => Ok(()),
        _ => Err(format!("{at}: documented {doc}, got {ours}")),
    }
}

/// Known documentation errors: the example cannot pass against a service
/// that follows the documented types.
pub fn docs_error(id: &str) -> Option<&'static str> {
    Some(match id {
        "v1.0/entitlementmanagement-post-assignmentpolicies#4" => {
            "docs error: the request body writes Booleans and Int32 as JSON strings (\"true\", \"1\"); the service answers 400"
        }
        "v1.0/accesspackagecatalog-post-accesspackagecustomworkflowextensions#2" => {
            "docs error: the request body wraps the extension in {\"value\": …}, which is not a property of customCalloutExtension; the service answers 400"
        }
        "v1.0/accesspackageassignmentpolicy-get#2" => {
            "docs error: the response is the beta policy model (canExtend, durationInDays, requestorSettings.scopeType/acceptRequests, approvalStages) on a v1.0 page"
        }
        "beta/accesspackagecatalog-post-accesspackagecustomworkflowextensions#1" | "beta/accesspackagecatalog-post-accesspackagecustomworkflowextensions#2" => {
            "docs error: the request body wraps the extension in {\"value\": …}, which is not a property of customCalloutExtension; the service answers 400"
        }
        "beta/accesspackage-getapplicablepolicyrequirements#1" | "beta/accesspackage-getapplicablepolicyrequirements#2" => {
            "docs error: the response writes `schedule` as an empty array, but accessPackageAssignmentRequestRequirements.schedule is a single requestSchedule in the beta type table (the questions also use `#microsoft.graph.textInputQuestion`/`answerString`, which are not beta types: accessPackageTextInputQuestion, accessPackageAnswerString)"
        }
        "beta/approvalstep-update#1" => {
            "docs error: the PATCH is sent without a body (the page's own request-body section requires `reviewResult`); an empty PATCH is answered 400"
        }
        "beta/connectedorganization-update#1" => {
            "docs error: the response is `204 No Content` with a body (the connected organization); a 204 has no body"
        }
        _ => return None,
    })
}

/// Property names of a v1.0 type (its base types and subtypes included), from
/// api/types/v1.0.json, the same table the models are generated from.
fn v1_properties(type_name: &str) -> Option<std::collections::HashSet<String>> {
    static TYPES: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    let types = TYPES.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api/types/v1.0.json");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("api/types/v1.0.json")).expect("JSON");
        doc["types"].as_array().cloned().unwrap_or_default()
    });
    let find = |n: &str| types.iter().find(|t| t["name"] == n);
    find(type_name)?;
    let mut out = std::collections::HashSet::from(["id".to_string()]);
    let mut add = |t: &Value| {
        for p in t["properties"].as_array().into_iter().flatten() {
            out.insert(p["name"].as_str().unwrap_or("").to_string());
        }
    };
    let mut base = Some(type_name.to_string());
    while let Some(b) = base.take() {
        if let Some(t) = find(&b) {
            add(t);
            base = t["base"].as_str().map(str::to_string);
        }
    }
    // subtypes (a polymorphic response may be any of them)
    for t in types {
        let mut b = t["base"].as_str().map(str::to_string);
        while let Some(x) = b {
            if x == type_name {
                add(t);
                break;
            }
            b = find(&x).and_then(|p| p["base"].as_str().map(str::to_string));
        }
    }
    Some(out)
}

/// Removes documented keys the v1.0 type does not define (beta-era names on
/// v1.0 pages, e.g. `requestState`, `canExtend`, `completedDate`) and says which.
pub fn drop_undefined(doc: &mut Value, type_name: &str) -> Vec<String> {
    let Some(known) = v1_properties(type_name) else { return vec![] };
    let mut dropped = Vec::new();
    let mut prune = |o: &mut Value| {
        if let Value::Object(m) = o {
            m.retain(|k, _| {
                let keep = k.starts_with('@') || known.contains(k);
                if !keep && !dropped.contains(k) {
                    dropped.push(k.clone());
                }
                keep
            });
        }
    };
    match doc.get_mut("value") {
        Some(Value::Array(items)) => items.iter_mut().for_each(&mut prune),
        Some(Value::Object(_)) => prune(doc.get_mut("value").unwrap()),
        _ => prune(doc),
    }
    dropped
}
