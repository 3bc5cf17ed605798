// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Assignment policies. v1.0 bodies are stored as they are; beta bodies (the
//! old model) are converted to the v1.0 shape, keeping the beta-only parts in
//! `_beta` so beta reads give back what was sent.

use entitlement::api::ApiVersion;
use serde_json::{json, Map, Value};

use super::collection::{entity, require};
use super::packages::{actor, live_assignments};
use super::render::{s, scope_to_v1, subject_to_v1};
use super::{ref_id, required_str};
use crate::error::{new_id, now, GraphError, GraphResult};
use crate::server::{Ctx, Reply};
use crate::store::kind;

const V1_FIELDS: &[&str] = &[
    "displayName", "description", "allowedTargetScope", "specificAllowedTargets", "expiration", "requestorSettings",
    "requestApprovalSettings", "reviewSettings", "automaticRequestSettings", "questions", "customExtensionStageSettings",
];

/// Canonical (v1.0-shaped) policy from a request body of either version.
pub fn canonical(version: ApiVersion, b: &Value) -> GraphResult<Map<String, Value>> {
    let mut c = Map::new();
    let package = match version {
        ApiVersion::V1 => ref_id(b, "accessPackage", "accessPackageId"),
        ApiVersion::Beta => ref_id(b, "accessPackage", "accessPackageId"),
    }
    .ok_or_else(|| GraphError::missing(if version == ApiVersion::V1 { "accessPackage" } else { "accessPackageId" }))?;
    c.insert("_accessPackageId".into(), json!(package));
    c.insert("displayName".into(), json!(required_str(b, "displayName")?));
    c.insert("description".into(), b.get("description").cloned().unwrap_or(Value::Null));
    match version {
        ApiVersion::V1 => {
            for f in V1_FIELDS.iter().skip(2) {
                if let Some(v) = b.get(*f) {
                    c.insert((*f).into(), v.clone());
                }
            }
        }
        ApiVersion::Beta => {
            let rs = b.get("requestorSettings").cloned().unwrap_or(Value::Null);
            let accept = rs.get("acceptRequests").and_then(Value::as_bool).unwrap_or(false);
            let scope = scope_to_v1(s(&rs, "scopeType"));
            c.insert("allowedTargetScope".into(), json!(scope));
            let targets: Vec<Value> = rs.get("allowedRequestors").and_then(Value::as_array).map(|a| a.iter().map(subject_to_v1).collect()).unwrap_or_default();
            c.insert("specificAllowedTargets".into(), Value::Array(targets));
            c.insert(
                "requestorSettings".into(),
                json!({
                    "enableTargetsToSelfAddAccess": accept && scope != "notSpecified",
                    "enableTargetsToSelfUpdateAccess": false,
                    "enableTargetsToSelfRemoveAccess": accept,
                    "allowCustomAssignmentSchedule": false,
                    "enableOnBehalfRequestorsToAddAccess": false,
                    "enableOnBehalfRequestorsToUpdateAccess": false,
                    "enableOnBehalfRequestorsToRemoveAccess": false,
                    "onBehalfRequestors": [],
                }),
            );
            let days = b.get("durationInDays").and_then(Value::as_i64).unwrap_or(0);
            let exp = match (days, b.get("expirationDateTime").filter(|v| !v.is_null())) {
                (d, _) if d > 0 => json!({"type": "afterDuration", "duration": format!("P{d}D"), "endDateTime": null}),
                (_, Some(end)) => json!({"type": "afterDateTime", "endDateTime": end, "duration": null}),
                _ => json!({"type": "noExpiration", "endDateTime": null, "duration": null}),
            };
            c.insert("expiration".into(), exp);
            let ra = b.get("requestApprovalSettings").cloned().unwrap_or(Value::Null);
            c.insert(
                "requestApprovalSettings".into(),
                json!({
                    "isApprovalRequiredForAdd": ra.get("isApprovalRequired").and_then(Value::as_bool).unwrap_or(false),
                    "isApprovalRequiredForUpdate": ra.get("isApprovalRequiredForExtension").and_then(Value::as_bool).unwrap_or(false),
                    "stages": ra.get("approvalStages").cloned().unwrap_or(json!([])),
                }),
            );
            c.insert(
                "_beta".into(),
                json!({
                    "requestorSettings": b.get("requestorSettings"),
                    "requestApprovalSettings": b.get("requestApprovalSettings"),
                    "accessReviewSettings": b.get("accessReviewSettings"),
                    "canExtend": b.get("canExtend").cloned().unwrap_or(json!(false)),
                    "questions": b.get("questions").cloned().unwrap_or(json!([])),
                    "verifiableCredentialSettings": b.get("verifiableCredentialSettings").cloned().unwrap_or(Value::Null),
                }),
            );
        }
    }
    if let Some(h) = b.get("customExtensionStageSettings").filter(|v| v.is_array()) {
        c.insert("customExtensionStageSettings".into(), h.clone());
    }
    if let Some(h) = b.get("customExtensionHandlers").filter(|v| v.is_array()) {
        c.entry("customExtensionStageSettings").or_insert(h.clone());
    }
    // The service gives every question and every stage setting an id.
    let with_ids = |v: &mut Value| {
        for item in v.as_array_mut().into_iter().flatten().filter(|i| i.is_object()) {
            if item.get("id").is_none_or(|i| i.as_str().is_none_or(str::is_empty)) {
                item["id"] = json!(new_id());
            }
        }
    };
    for k in ["questions", "customExtensionStageSettings"] {
        if let Some(v) = c.get_mut(k) {
            with_ids(v);
        }
    }
    if let Some(q) = c.get_mut("_beta").and_then(|b| b.get_mut("questions")) {
        with_ids(q);
    }
    let defaults = [
        ("allowedTargetScope", json!("notSpecified")),
        ("specificAllowedTargets", json!([])),
        ("expiration", json!({"type": "noExpiration", "endDateTime": null, "duration": null})),
        ("requestorSettings", json!({"enableTargetsToSelfAddAccess": false, "enableTargetsToSelfUpdateAccess": false, "enableTargetsToSelfRemoveAccess": false, "allowCustomAssignmentSchedule": true, "enableOnBehalfRequestorsToAddAccess": false, "enableOnBehalfRequestorsToUpdateAccess": false, "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []})),
        ("requestApprovalSettings", json!({"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []})),
    ];
    for (k, v) in defaults {
        c.entry(k).or_insert(v);
    }
    // The service answers every expiration with all three members.
    if let Some(Value::Object(exp)) = c.get_mut("expiration") {
        for key in ["endDateTime", "duration", "type"] {
            exp.entry(key).or_insert(Value::Null);
        }
    }
    Ok(c)
}

/// Graph refuses a policy that requires approval without saying who approves.
fn validate_approval(c: &Map<String, Value>) -> GraphResult<()> {
    let ras = c.get("requestApprovalSettings").cloned().unwrap_or(Value::Null);
    let required = ras.get("isApprovalRequiredForAdd").and_then(Value::as_bool).unwrap_or(false);
    let stages = ras.get("stages").and_then(Value::as_array).cloned().unwrap_or_default();
    if required && stages.is_empty() {
        return Err(GraphError::bad_request("requestApprovalSettings: approval is required but no approval stage is configured."));
    }
    for (i, st) in stages.iter().enumerate() {
        // Fallback approvers alone are enough (the documented two-stage
        // policy for connected organizations has a stage like that).
        let count = |k: &str| st.get(k).and_then(Value::as_array).map(Vec::len).unwrap_or(0);
        let approvers = count("primaryApprovers") + count("fallbackPrimaryApprovers");
        if required && approvers == 0 {
            return Err(GraphError::bad_request(format!("requestApprovalSettings: approval stage {} has no primaryApprovers.", i + 1)));
        }
        if let Some(d) = st.get("durationBeforeAutomaticDenial").filter(|v| !v.is_null()) {
            if d.as_str().and_then(super::approvals::iso_seconds).is_none() {
                return Err(GraphError::bad_request(format!("requestApprovalSettings: durationBeforeAutomaticDenial '{d}' is not an ISO 8601 duration.")));
            }
        }
    }
    Ok(())
}

pub fn create(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let mut c = canonical(ctx.version, &ctx.body)?;
    validate_approval(&c)?;
    let pkg = require(st, kind::ACCESS_PACKAGE, c.get("_accessPackageId").and_then(Value::as_str).unwrap_or(""))?;
    let (id, t, by) = (new_id(), now(), actor(st, &ctx.who));
    c.insert("_accessPackageId".into(), json!(pkg.id));
    c.insert("id".into(), json!(id));
    for (k, v) in [("createdDateTime", &t), ("modifiedDateTime", &t), ("createdBy", &by), ("modifiedBy", &by)] {
        c.insert(k.into(), json!(v));
    }
    let c = Value::Object(c);
    st.store.put(kind::POLICY, &id, None, &c)?;
    entity(ctx, 201, kind::POLICY, &c)
}

pub fn replace(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let old = require(st, kind::POLICY, ctx.arg(0))?;
    let mut body = ctx.body.clone();
    // PUT may leave out the package; it keeps the one it had.
    if ref_id(&body, "accessPackage", "accessPackageId").is_none() {
        if let Some(m) = body.as_object_mut() {
            m.insert("accessPackageId".into(), json!(s(&old.json, "_accessPackageId")));
        }
    }
    let mut c = canonical(ctx.version, &body)?;
    validate_approval(&c)?;
    require(st, kind::ACCESS_PACKAGE, c.get("_accessPackageId").and_then(Value::as_str).unwrap_or(""))?;
    c.insert("id".into(), json!(old.id));
    for k in ["createdDateTime", "createdBy"] {
        c.insert(k.into(), old.json.get(k).cloned().unwrap_or(Value::Null));
    }
    c.insert("modifiedDateTime".into(), json!(now()));
    c.insert("modifiedBy".into(), json!(actor(st, &ctx.who)));
    let c = Value::Object(c);
    st.store.put(kind::POLICY, &old.id, None, &c)?;
    entity(ctx, 200, kind::POLICY, &c)
}

pub fn delete(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let p = require(st, kind::POLICY, ctx.arg(0))?;
    if live_assignments(st, "_policyId", &p.id)? > 0 {
        return Err(GraphError::new(
            400,
            "PolicyHasAssignments",
            "The policy cannot be deleted because it has active assignments. Remove all assignments first.",
        ));
    }
    st.store.delete(kind::POLICY, &p.id)?;
    Reply::no_content()
}
