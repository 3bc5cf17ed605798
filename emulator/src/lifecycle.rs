// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Request delivery, in the background like the service: a submitted request
//! moves to delivering, then delivered, `delivery_delay` apart; delivery
//! creates or expires the assignment and updates group membership.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::error::{now, GraphResult};
use crate::resources::render::s;
use crate::server::State;
use crate::store::{kind, Col};

pub fn spawn(st: Arc<State>, request_id: String) {
    tokio::spawn(async move {
        if let Err(e) = run(&st, &request_id).await {
            tracing::warn!(request = %request_id, error = %e.message, "delivery failed");
            if let Ok(Some(r)) = st.store.get(kind::REQUEST, &request_id) {
                let mut c = r.json;
                c["state"] = json!("deliveryFailed");
                c["status"] = json!("DeliveryFailed");
                let _ = st.store.put(kind::REQUEST, &r.id, None, &c);
            }
        }
    });
}

/// Requests still in flight when the emulator last stopped.
pub fn resume(st: &Arc<State>) {
    if let Ok(reqs) = st.store.list(kind::REQUEST, None) {
        for r in reqs {
            if matches!(s(&r.json, "state"), "submitted" | "delivering") {
                spawn(st.clone(), r.id);
            }
        }
    }
}

fn set_state(st: &State, id: &str, state: &str, status: &str) -> GraphResult<Option<Value>> {
    let Some(r) = st.store.get(kind::REQUEST, id)? else { return Ok(None) };
    let mut c = r.json;
    c["state"] = json!(state);
    c["status"] = json!(status);
    if state == "delivered" {
        c["completedDateTime"] = json!(now());
    }
    st.store.put(kind::REQUEST, id, None, &c)?;
    Ok(Some(c))
}

async fn run(st: &Arc<State>, id: &str) -> GraphResult<()> {
    tokio::time::sleep(st.delivery_delay).await;
    let req = match st.store.get(kind::REQUEST, id)? {
        Some(r) if matches!(s(&r.json, "state"), "submitted" | "delivering") => r.json,
        _ => return Ok(()), // canceled, pending approval, or gone
    };
    if s(&req, "requestType").ends_with("Add") {
        let policy = st.store.get(kind::POLICY, s(&req, "_policyId"))?.map(|p| p.json).unwrap_or_default();
        // A custom extension on `assignmentRequestCreated` holds the request until
        // the extension calls back (`resume`).
        if waits_on(&policy, "assignmentRequestCreated") && !callout_done(&req, "assignmentRequestCreated") {
            return park(st, req, "assignmentRequestCreated");
        }
        let approved = req.get("_approved").and_then(Value::as_bool).unwrap_or(false);
        // Only requests users make for themselves go through approval; admin
        // direct assignments do not.
        let needs = policy.get("requestApprovalSettings").and_then(|r| r.get("isApprovalRequiredForAdd")).and_then(Value::as_bool).unwrap_or(false);
        if needs && !approved && s(&req, "requestType") == "userAdd" && crate::resources::approvals::open(st, &req, &policy)? {
            set_state(st, id, "pendingApproval", "PendingApproval")?;
            return Ok(());
        }
        if approved && waits_on(&policy, "assignmentRequestApproved") && !callout_done(&req, "assignmentRequestApproved") {
            return park(st, req, "assignmentRequestApproved");
        }
    }
    set_state(st, id, "delivering", "Delivering")?;
    tokio::time::sleep(st.delivery_delay).await;
    let Some(req) = st.store.get(kind::REQUEST, id)?.map(|r| r.json) else { return Ok(()) };
    if s(&req, "state") != "delivering" {
        return Ok(());
    }
    let rt = s(&req, "requestType");
    if rt.ends_with("Add") {
        deliver_add(st, &req)?;
    } else if rt.ends_with("Update") {
        deliver_update(st, &req)?;
    } else {
        deliver_remove(st, &req)?;
    }
    set_state(st, id, "delivered", "Delivered")?;
    Ok(())
}

/// Whether the policy has a custom extension on `stage` that the request waits
/// for. Graph lets only the `assignmentRequestCreated` and
/// `assignmentRequestApproved` stages pause a request until the extension calls
/// `resume`; the emulator treats every extension on those stages as
/// "launch and wait".
fn waits_on(policy: &Value, stage: &str) -> bool {
    ["customExtensionStageSettings", "customExtensionHandlers"].iter().any(|k| {
        policy.get(*k).and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| s(x, "stage").eq_ignore_ascii_case(stage)))
    })
}

fn callout_done(req: &Value, stage: &str) -> bool {
    req.get("_calloutsDone").and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x.as_str().is_some_and(|x| x.eq_ignore_ascii_case(stage))))
}

/// Marks the request as waiting for the custom extension of `stage` (idempotent).
fn park(st: &State, mut req: Value, stage: &str) -> GraphResult<()> {
    let waiting = req.get("_callout").is_some_and(|c| s(c, "stage").eq_ignore_ascii_case(stage));
    if !waiting {
        let id = crate::error::new_id();
        // The extension the policy calls at this stage (shown to clients as a
        // callout instance, whose id the extension echoes when it resumes).
        let policy = st.store.get(kind::POLICY, s(&req, "_policyId"))?.map(|p| p.json).unwrap_or_default();
        let extension = ["customExtensionStageSettings", "customExtensionHandlers"]
            .iter()
            .filter_map(|k| policy.get(*k).and_then(Value::as_array))
            .flatten()
            .find(|x| s(x, "stage").eq_ignore_ascii_case(stage))
            .and_then(|x| x.get("customExtension"))
            .map(|e| s(e, "id").to_string())
            .unwrap_or_default();
        req["_callout"] = json!({"stage": stage, "id": id, "startedDateTime": now()});
        let instance = json!({"id": id, "customExtensionId": extension, "status": "waitingForCallback", "detail": null, "externalCorrelationId": null});
        match req.get_mut("customExtensionCalloutInstances").and_then(Value::as_array_mut) {
            Some(a) => a.push(instance),
            None => req["customExtensionCalloutInstances"] = json!([instance]),
        }
        st.store.put(kind::REQUEST, s(&req, "id").to_string().as_str(), None, &req)?;
    }
    Ok(())
}

/// Re-applies the group memberships a delivered assignment grants (reprocess).
pub fn reapply(st: &State, assignment: &Value) -> GraphResult<()> {
    if s(assignment, "state") != "delivered" {
        return Ok(());
    }
    for (g, _) in granted_groups(st, s(assignment, "_accessPackageId"))? {
        st.store.add_member(&g, s(assignment, "_targetId"))?;
    }
    Ok(())
}

/// Group ids whose Member role the access package grants.
pub fn granted_groups(st: &State, package_id: &str) -> GraphResult<Vec<(String, Value)>> {
    let mut out = Vec::new();
    for sc in st.store.list(kind::ROLE_SCOPE, Some(package_id))? {
        let Some(role) = st.store.get(kind::RESOURCE_ROLE, s(&sc.json, "_roleId"))? else { continue };
        if !s(&role.json, "originSystem").eq_ignore_ascii_case("AadGroup") {
            continue;
        }
        let Some(res) = st.store.get(kind::RESOURCE, s(&role.json, "_resourceId"))? else { continue };
        if s(&role.json, "displayName").eq_ignore_ascii_case("Member") || s(&role.json, "originId").starts_with("Member_") {
            out.push((s(&res.json, "originId").to_string(), role.json));
        }
    }
    Ok(out)
}

fn deliver_add(st: &State, req: &Value) -> GraphResult<()> {
    let package_id = s(req, "_accessPackageId");
    let target = s(req, "_targetId");
    let catalog_id = st.store.get(kind::ACCESS_PACKAGE, package_id)?.map(|p| s(&p.json, "catalogId").to_string()).unwrap_or_default();
    let policy = st.store.get(kind::POLICY, s(req, "_policyId"))?.map(|p| p.json).unwrap_or(Value::Null);
    let start = chrono::Utc::now();
    let exp = policy.get("expiration").cloned().unwrap_or(Value::Null);
    let expiration = match s(&exp, "type") {
        "afterDuration" => {
            let days: i64 = s(&exp, "duration").trim_start_matches('P').trim_end_matches('D').parse().unwrap_or(0);
            // Checked: a policy can carry any duration text.
            match chrono::Duration::try_days(days).and_then(|d| start.checked_add_signed(d)) {
                Some(end) => json!({"endDateTime": end.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), "duration": null, "type": "afterDateTime"}),
                None => json!({"endDateTime": null, "duration": null, "type": "noExpiration"}),
            }
        }
        "afterDateTime" => json!({"endDateTime": exp.get("endDateTime"), "duration": null, "type": "afterDateTime"}),
        _ => json!({"endDateTime": null, "duration": null, "type": "noExpiration"}),
    };
    let groups = granted_groups(st, package_id)?;
    let roles: Vec<Value> = groups
        .iter()
        .map(|(_, role)| json!({"id": crate::error::new_id(), "originId": role.get("originId"), "originSystem": "AadGroup", "status": "Fulfilled"}))
        .collect();
    let assignment_id = s(req, "_assignmentId");
    let a = json!({
        "id": assignment_id,
        "state": "delivered",
        "status": "Delivered",
        "expiredDateTime": null,
        "schedule": {"startDateTime": start.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), "recurrence": null, "expiration": expiration},
        "_accessPackageId": package_id,
        "_policyId": s(req, "_policyId"),
        "_targetId": target,
        "_catalogId": catalog_id,
        "_resourceRoles": roles,
    });
    st.store.put(kind::ASSIGNMENT, assignment_id, None, &a)?;
    for (g, _) in groups {
        st.store.add_member(&g, target)?;
    }
    Ok(())
}

/// An update request changes the schedule of the assignment when it names one
/// (answers stay on the request, as the service keeps them).
fn deliver_update(st: &State, req: &Value) -> GraphResult<()> {
    let Some(rec) = st.store.get(kind::ASSIGNMENT, s(req, "_assignmentId"))? else { return Ok(()) };
    let mut a = rec.json;
    if let Some(schedule) = req.get("_requestedSchedule").filter(|v| v.is_object()) {
        a["schedule"] = schedule.clone();
        st.store.put(kind::ASSIGNMENT, &rec.id, None, &a)?;
    }
    Ok(())
}

fn deliver_remove(st: &State, req: &Value) -> GraphResult<()> {
    let Some(rec) = st.store.get(kind::ASSIGNMENT, s(req, "_assignmentId"))? else { return Ok(()) };
    let mut a = rec.json;
    let target = s(&a, "_targetId").to_string();
    let package_id = s(&a, "_accessPackageId").to_string();
    a["state"] = json!("expired");
    a["status"] = json!("Expired");
    a["expiredDateTime"] = json!(now());
    st.store.put(kind::ASSIGNMENT, &rec.id, None, &a)?;
    // Keep memberships another live assignment of the same user still grants.
    let mut still: Vec<String> = Vec::new();
    for other in st.store.select_eq(kind::ASSIGNMENT, &[(Col::Target, &target)])? {
        if s(&other.json, "_targetId").eq_ignore_ascii_case(&target) && s(&other.json, "state") == "delivered" {
            still.extend(granted_groups(st, s(&other.json, "_accessPackageId"))?.into_iter().map(|(g, _)| g));
        }
    }
    for (g, _) in granted_groups(st, &package_id)? {
        if !still.iter().any(|x| x.eq_ignore_ascii_case(&g)) {
            st.store.remove_member(&g, &target)?;
        }
    }
    Ok(())
}
