// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The request lifecycle, in the background like the service.
//!
//! A submitted request moves to delivering, then delivered, `delivery_delay`
//! apart (wall-clock processing time); on the way it may wait for a custom
//! extension (`assignmentRequestCreated`, `assignmentRequestApproved`: the
//! emulator POSTs the callout and waits for `resume`), for approval, or for
//! its scheduled start. Delivery creates the assignment with its schedule on
//! the emulator's clock and grants the package's resource roles (group
//! membership). What happens later because time passes is a timer
//! (`clock.rs`) fired here: the scheduled start, the expiry (the assignment
//! becomes `expired`, its roles are removed and a `systemRemove` request
//! records it), the expiration notices, approval escalation and automatic
//! denial (`approvals.rs`), and a callout's callback timeout.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::clock::{self, Timer};
use crate::error::{new_id, now, GraphResult};
use crate::resources::render::s;
use crate::server::State;
use crate::store::{kind, Col};

/// Timer actions.
pub mod action {
    /// A scheduled request reaches its start (target: request id).
    pub const START: &str = "request.start";
    /// An assignment reaches its end (target: assignment id).
    pub const EXPIRE: &str = "assignment.expire";
    /// 14 days / 1 day before the end (target: assignment id, arg: stage).
    pub const NOTICE: &str = "assignment.notice";
    /// A callout's callback timeout (target: request id, arg: callout id).
    pub const CALLOUT_TIMEOUT: &str = "request.calloutTimeout";
    /// Approval stage escalation / automatic denial (target: approval id, arg: stage index).
    pub const ESCALATE: &str = "approval.escalate";
    pub const DENY: &str = "approval.deny";
}

pub fn spawn(st: Arc<State>, request_id: String) {
    tokio::spawn(async move {
        if let Err(e) = run(&st, &request_id).await {
            tracing::warn!(request = %request_id, error = %e.message, "delivery failed");
            let _c = clock::enter(&st.clock);
            if let Ok(Some(r)) = st.store.get(kind::REQUEST, &request_id) {
                let mut c = r.json;
                c["state"] = json!("deliveryFailed");
                c["status"] = json!("DeliveryFailed");
                let _ = st.store.put(kind::REQUEST, &r.id, None, &c);
            }
        }
    });
}

/// Requests still in flight when the emulator last stopped (scheduled ones
/// wait for their timer).
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

/// What the first step decided.
enum Next {
    Stop,
    Deliver,
}

async fn run(st: &Arc<State>, id: &str) -> GraphResult<()> {
    tokio::time::sleep(st.delivery_delay).await;
    let (next, callouts) = {
        let _c = clock::enter(&st.clock);
        let mut callouts = Vec::new();
        (admit(st, id, &mut callouts)?, callouts)
    };
    send_all(st, callouts).await;
    if let Next::Stop = next {
        return Ok(());
    }
    tokio::time::sleep(st.delivery_delay).await;
    let callouts = {
        let _c = clock::enter(&st.clock);
        let mut callouts = Vec::new();
        deliver(st, id, &mut callouts)?;
        callouts
    };
    send_all(st, callouts).await;
    Ok(())
}

/// Everything before delivery: extensions that hold the request, approval,
/// the scheduled start. Ends with the request `delivering` (→ `Deliver`) or
/// waiting (→ `Stop`).
fn admit(st: &Arc<State>, id: &str, callouts: &mut Vec<Callout>) -> GraphResult<Next> {
    let req = match st.store.get(kind::REQUEST, id)? {
        Some(r) if matches!(s(&r.json, "state"), "submitted" | "delivering") => r.json,
        _ => return Ok(Next::Stop), // canceled, pending approval, or gone
    };
    if s(&req, "requestType").ends_with("Add") {
        let policy = st.store.get(kind::POLICY, s(&req, "_policyId"))?.map(|p| p.json).unwrap_or_default();
        // A custom extension on `assignmentRequestCreated` holds the request until
        // the extension calls back (`resume`).
        if waits_on(&policy, "assignmentRequestCreated") && !callout_done(&req, "assignmentRequestCreated") {
            callouts.extend(park(st, req, "assignmentRequestCreated")?);
            return Ok(Next::Stop);
        }
        let approved = req.get("_approved").and_then(Value::as_bool).unwrap_or(false);
        // Only requests users make for themselves go through approval; admin
        // direct assignments do not.
        let needs = policy.get("requestApprovalSettings").and_then(|r| r.get("isApprovalRequiredForAdd")).and_then(Value::as_bool).unwrap_or(false);
        if needs && !approved && s(&req, "requestType") == "userAdd" && crate::resources::approvals::open(st, &req, &policy)? {
            set_state(st, id, "pendingApproval", "PendingApproval")?;
            return Ok(Next::Stop);
        }
        if approved && waits_on(&policy, "assignmentRequestApproved") && !callout_done(&req, "assignmentRequestApproved") {
            callouts.extend(park(st, req, "assignmentRequestApproved")?);
            return Ok(Next::Stop);
        }
        // A start in the future: the request is `scheduled` until the clock gets there.
        if let Some(start) = requested(st, &req, &policy).and_then(|sch| sch.get("startDateTime").and_then(Value::as_str).and_then(clock::parse)) {
            if start > clock::now() {
                set_state(st, id, "scheduled", "Scheduled")?;
                clock::schedule(st, start, action::START, id, "")?;
                return Ok(Next::Stop);
            }
        }
    }
    set_state(st, id, "delivering", "Delivering")?;
    Ok(Next::Deliver)
}

/// Delivery of a request in `delivering` (or `scheduled`, at its start).
fn deliver(st: &Arc<State>, id: &str, callouts: &mut Vec<Callout>) -> GraphResult<()> {
    let Some(req) = st.store.get(kind::REQUEST, id)?.map(|r| r.json) else { return Ok(()) };
    if !matches!(s(&req, "state"), "delivering" | "scheduled") {
        return Ok(());
    }
    let rt = s(&req, "requestType").to_string();
    if rt.ends_with("Add") {
        deliver_add(st, &req)?;
    } else if rt.ends_with("Update") || rt.ends_with("Extend") {
        deliver_update(st, &req)?;
    } else {
        deliver_remove(st, &req)?;
    }
    let req = set_state(st, id, "delivered", "Delivered")?.unwrap_or(req);
    let stage = if rt.ends_with("Remove") { "assignmentRequestRemoved" } else { "assignmentRequestGranted" };
    if !rt.ends_with("Update") {
        callouts.extend(notify(st, &req, stage)?);
    }
    Ok(())
}

/// Fires one due timer (the clock already shows its due time).
pub async fn fire(st: &Arc<State>, t: &Timer) {
    let mut callouts = Vec::new();
    let r = {
        let _c = clock::enter(&st.clock);
        fire_sync(st, t, &mut callouts)
    };
    if let Err(e) = r {
        tracing::warn!(action = %t.action, target = %t.target, error = %e.message, "timer failed");
    }
    send_all(st, callouts).await;
}

fn fire_sync(st: &Arc<State>, t: &Timer, callouts: &mut Vec<Callout>) -> GraphResult<()> {
    match t.action.as_str() {
        action::START => deliver(st, &t.target, callouts),
        action::EXPIRE => expire(st, &t.target, callouts),
        action::NOTICE => {
            let Some(a) = st.store.get(kind::ASSIGNMENT, &t.target)?.map(|r| r.json) else { return Ok(()) };
            if s(&a, "state") == "delivered" {
                callouts.extend(assignment_callouts(st, &a, &t.arg)?);
            }
            Ok(())
        }
        action::CALLOUT_TIMEOUT => callout_timed_out(st, &t.target, &t.arg),
        action::ESCALATE => crate::resources::approvals::escalate(st, &t.target, t.arg.parse().unwrap_or(0)),
        action::DENY => crate::resources::approvals::time_out(st, &t.target, t.arg.parse().unwrap_or(0)),
        other => {
            tracing::warn!(action = %other, "unknown timer action");
            Ok(())
        }
    }
}

/// Whether the policy has a custom extension on `stage` that the request waits
/// for. Graph lets only the `assignmentRequestCreated` and
/// `assignmentRequestApproved` stages pause a request until the extension calls
/// `resume`; the emulator treats every extension on those stages as
/// "launch and wait".
fn waits_on(policy: &Value, stage: &str) -> bool {
    stage_extension(policy, stage).is_some()
}

/// The id of the custom extension the policy runs at `stage`.
fn stage_extension(policy: &Value, stage: &str) -> Option<String> {
    ["customExtensionStageSettings", "customExtensionHandlers"]
        .iter()
        .filter_map(|k| policy.get(*k).and_then(Value::as_array))
        .flatten()
        .find(|x| s(x, "stage").eq_ignore_ascii_case(stage))
        .map(|x| x.get("customExtension").map(|e| s(e, "id").to_string()).unwrap_or_default())
}

fn callout_done(req: &Value, stage: &str) -> bool {
    req.get("_calloutsDone").and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x.as_str().is_some_and(|x| x.eq_ignore_ascii_case(stage))))
}

/// Marks the request as waiting for the custom extension of `stage`
/// (idempotent), starts the callback timeout, and answers the callout to send.
fn park(st: &State, mut req: Value, stage: &str) -> GraphResult<Option<Callout>> {
    if req.get("_callout").is_some_and(|c| s(c, "stage").eq_ignore_ascii_case(stage)) {
        return Ok(None);
    }
    let id = new_id();
    let req_id = s(&req, "id").to_string();
    // The extension the policy calls at this stage (shown to clients as a
    // callout instance, whose id the extension echoes when it resumes).
    let policy = st.store.get(kind::POLICY, s(&req, "_policyId"))?.map(|p| p.json).unwrap_or_default();
    let extension_id = stage_extension(&policy, stage).unwrap_or_default();
    req["_callout"] = json!({"stage": stage, "id": id, "startedDateTime": now()});
    let instance = json!({"id": id, "customExtensionId": extension_id, "status": "waitingForCallback", "detail": null, "externalCorrelationId": null});
    match req.get_mut("customExtensionCalloutInstances").and_then(Value::as_array_mut) {
        Some(a) => a.push(instance),
        None => req["customExtensionCalloutInstances"] = json!([instance]),
    }
    st.store.put(kind::REQUEST, &req_id, None, &req)?;
    let ext = find_extension(st, &extension_id)?;
    if let Some(timeout) = ext.as_ref().and_then(callback_timeout) {
        if let Some(due) = clock::now().checked_add_signed(timeout) {
            clock::schedule(st, due, action::CALLOUT_TIMEOUT, &req_id, &id)?;
        }
    }
    Ok(ext.and_then(|ext| callout(st, &req, stage, &id, &ext, true)))
}

/// The callout instance `callout_id` got no `resume` in time: it is
/// `callbackTimedOut` and the request fails.
fn callout_timed_out(st: &State, request_id: &str, callout_id: &str) -> GraphResult<()> {
    let Some(rec) = st.store.get(kind::REQUEST, request_id)? else { return Ok(()) };
    let mut c = rec.json;
    if !c.get("_callout").is_some_and(|x| s(x, "id").eq_ignore_ascii_case(callout_id)) {
        return Ok(()); // resumed (or canceled) in time
    }
    set_instance(&mut c, callout_id, "callbackTimedOut");
    if let Some(m) = c.as_object_mut() {
        m.remove("_callout");
    }
    c["state"] = json!("deliveryFailed");
    c["status"] = json!("DeliveryFailed");
    c["completedDateTime"] = json!(now());
    st.store.put(kind::REQUEST, &rec.id, None, &c)?;
    Ok(())
}

fn set_instance(req: &mut Value, callout_id: &str, status: &str) {
    if let Some(instances) = req.get_mut("customExtensionCalloutInstances").and_then(Value::as_array_mut) {
        for i in instances.iter_mut().filter(|i| s(i, "id").eq_ignore_ascii_case(callout_id)) {
            i["status"] = json!(status);
        }
    }
}

/// Cancels the timers of a request that is no longer waiting (resumed, canceled).
pub fn forget_request(st: &State, request_id: &str) -> GraphResult<()> {
    st.store.timer_cancel("request.", request_id)?;
    Ok(())
}

// ---------------------------------------------------------------- callouts

/// One POST to a custom extension's endpoint.
pub struct Callout {
    url: String,
    payload: Value,
    /// Request and callout instance to update with the outcome (launch-and-wait stages).
    record: Option<(String, String)>,
}

fn find_extension(st: &State, id: &str) -> GraphResult<Option<Value>> {
    if id.is_empty() {
        return Ok(None);
    }
    for k in [kind::CUSTOM_EXTENSION, kind::LEGACY_EXTENSION] {
        if let Some(r) = st.store.get(k, id)? {
            return Ok(Some(r.json));
        }
    }
    Ok(None)
}

/// `callbackConfiguration.durationBeforeTimeout` (beta) or `timeoutDuration` (v1.0).
fn callback_timeout(ext: &Value) -> Option<chrono::Duration> {
    let cb = ext.get("callbackConfiguration")?;
    ["durationBeforeTimeout", "timeoutDuration"].iter().find_map(|k| cb.get(*k).and_then(Value::as_str)).and_then(clock::duration)
}

/// The endpoint of an extension, if the emulator may call it: callouts go
/// only to loopback addresses and the names in `allowedHosts`, so an
/// emulator never reaches out of the machine (a documented Logic App URL is
/// recorded, not called).
fn endpoint(st: &State, ext: &Value) -> Option<String> {
    let e = ext.get("endpointConfiguration")?;
    let url = ["targetUrl", "url"].iter().map(|k| s(e, k)).find(|u| !u.is_empty())?;
    let parsed = reqwest::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = parsed.host_str()?.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let allowed = st.allowed_hosts.iter().any(|h| h != "*" && h.trim_start_matches('[').trim_end_matches(']') == host);
    (loopback || allowed).then(|| url.to_string())
}

/// The documented callout payload (`accessPackageAssignmentRequestCalloutData`)
/// for `stage` of `req`.
fn callout(st: &State, req: &Value, stage: &str, instance: &str, ext: &Value, wait: bool) -> Option<Callout> {
    let url = endpoint(st, ext)?;
    let id = s(req, "id");
    let package = st.store.get(kind::ACCESS_PACKAGE, s(req, "_accessPackageId")).ok().flatten().map(|r| r.json).unwrap_or_default();
    let catalog_id = s(&package, "catalogId").to_string();
    let catalog = st.store.get(kind::CATALOG, &catalog_id).ok().flatten().map(|r| r.json).unwrap_or_default();
    let assignment = st.store.get(kind::ASSIGNMENT, s(req, "_assignmentId")).ok().flatten().map(|r| r.json);
    let policy = st.store.get(kind::POLICY, s(req, "_policyId")).ok().flatten().map(|r| r.json).unwrap_or_default();
    let subject = |uid: &str| {
        st.store.get(kind::USER, uid).ok().flatten().map(|u| {
            json!({"id": uid, "objectId": uid, "displayName": u.json.get("displayName"), "email": u.json.get("mail"), "principalName": u.json.get("userPrincipalName")})
        })
    };
    let target = subject(s(req, "_targetId"));
    let a = json!({
        "id": s(req, "_assignmentId"),
        "state": assignment.as_ref().map(|a| s(a, "state")).unwrap_or(""),
        "schedule": assignment.as_ref().and_then(|a| a.get("schedule").cloned()).unwrap_or_else(|| req.get("schedule").cloned().unwrap_or(Value::Null)),
        "assignmentPolicy": {"id": policy.get("id"), "displayName": policy.get("displayName")},
        "target": target,
    });
    let data = json!({
        "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestCalloutData",
        "stage": stage,
        "customExtensionStageInstanceId": instance,
        "customExtensionStageInstanceDetail": format!("This is the callout of the {stage} stage of request {id}."),
        "state": s(req, "state"),
        "requestType": s(req, "requestType"),
        "accessPackageAssignmentRequestId": id,
        "callbackUriPath": if wait { json!(format!("/identityGovernance/entitlementManagement/assignmentRequests/{id}/resume")) } else { Value::Null },
        "callbackConfiguration": ext.get("callbackConfiguration").cloned().unwrap_or(Value::Null),
        "answers": req.get("answers").cloned().unwrap_or(json!([])),
        "assignment": a,
        "accessPackage": {"id": package.get("id"), "displayName": package.get("displayName"), "description": package.get("description")},
        "accessPackageCatalog": {"id": catalog.get("id"), "displayName": catalog.get("displayName"), "description": catalog.get("description")},
        "requestor": req.get("_requestorId").and_then(Value::as_str).and_then(subject),
    });
    let payload = json!({
        "type": format!("microsoft.graph.accessPackageCustomExtensionStage.{stage}"),
        "source": format!("/IdentityGovernance/AccessPackageCatalog/{catalog_id}"),
        "data": data,
    });
    Some(Callout { url, payload, record: wait.then(|| (id.to_string(), instance.to_string())) })
}

/// Callouts of a stage that does not wait (granted, removed): one per
/// extension the policy runs at `stage`.
fn notify(st: &State, req: &Value, stage: &str) -> GraphResult<Vec<Callout>> {
    let policy = st.store.get(kind::POLICY, s(req, "_policyId"))?.map(|p| p.json).unwrap_or_default();
    let Some(ext) = stage_extension(&policy, stage) else { return Ok(vec![]) };
    Ok(find_extension(st, &ext)?.and_then(|e| callout(st, req, stage, &new_id(), &e, false)).into_iter().collect())
}

/// The expiration notices of an assignment, as the request that created it.
fn assignment_callouts(st: &State, a: &Value, stage: &str) -> GraphResult<Vec<Callout>> {
    let req = st
        .store
        .list(kind::REQUEST, None)?
        .into_iter()
        .map(|r| r.json)
        .find(|r| s(r, "_assignmentId").eq_ignore_ascii_case(s(a, "id")) && s(r, "requestType").ends_with("Add"))
        .unwrap_or_else(|| json!({"_assignmentId": s(a, "id"), "_policyId": s(a, "_policyId"), "_accessPackageId": s(a, "_accessPackageId"), "_targetId": s(a, "_targetId")}));
    notify(st, &req, stage)
}

/// Sends callouts in order, each awaited, and records the outcome on the
/// request's callout instance (`calloutFailed` when the endpoint did not
/// answer 2xx; the request keeps waiting until its timeout or a `resume`).
async fn send_all(st: &Arc<State>, callouts: Vec<Callout>) {
    for c in callouts {
        let ok = match st.http.post(&c.url).header("content-type", "application/json").body(c.payload.to_string()).send().await {
            Ok(r) if r.status().is_success() => true,
            Ok(r) => {
                tracing::warn!(url = %c.url, status = %r.status(), "custom extension callout refused");
                false
            }
            Err(e) => {
                tracing::warn!(url = %c.url, error = %e, "custom extension callout failed");
                false
            }
        };
        if let (false, Some((req, instance))) = (ok, c.record) {
            let _c = clock::enter(&st.clock);
            if let Ok(Some(r)) = st.store.get(kind::REQUEST, &req) {
                let mut j = r.json;
                set_instance(&mut j, &instance, "calloutFailed");
                let _ = st.store.put(kind::REQUEST, &r.id, None, &j);
            }
        }
    }
}

// ---------------------------------------------------------------- delivery

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

/// Every resource role the package grants (groups, application roles, sites).
fn granted_roles(st: &State, package_id: &str) -> GraphResult<Vec<Value>> {
    let mut out = Vec::new();
    for sc in st.store.list(kind::ROLE_SCOPE, Some(package_id))? {
        if let Some(role) = st.store.get(kind::RESOURCE_ROLE, s(&sc.json, "_roleId"))? {
            out.push(json!({"id": new_id(), "originId": role.json.get("originId"), "originSystem": role.json.get("originSystem"), "status": "Fulfilled"}));
        }
    }
    Ok(out)
}

/// The schedule a request asked for, where it counts: admins set any
/// schedule; users only under a policy with `allowCustomAssignmentSchedule`.
fn requested(st: &State, req: &Value, policy: &Value) -> Option<Value> {
    let _ = st;
    let sch = req.get("_requestedSchedule").filter(|v| v.is_object())?;
    let custom = policy.get("requestorSettings").and_then(|r| r.get("allowCustomAssignmentSchedule")).and_then(Value::as_bool).unwrap_or(false);
    (s(req, "requestType").starts_with("admin") || custom).then(|| sch.clone())
}

/// The end of an assignment starting at `start` under `exp` (`afterDateTime`,
/// `afterDuration`, `noExpiration`), and the expiration as the service shows it.
fn end_of(start: DateTime<Utc>, exp: &Value) -> (Option<DateTime<Utc>>, Value) {
    let none = (None, json!({"endDateTime": null, "duration": null, "type": "noExpiration"}));
    match s(exp, "type") {
        "afterDuration" => match clock::duration(s(exp, "duration")).and_then(|d| start.checked_add_signed(d)) {
            // Checked: a policy can carry any duration text.
            Some(end) => (Some(end), json!({"endDateTime": clock::format(end), "duration": null, "type": "afterDateTime"})),
            None => none,
        },
        "afterDateTime" => match exp.get("endDateTime").and_then(Value::as_str).and_then(clock::parse) {
            Some(end) => (Some(end), json!({"endDateTime": clock::format(end), "duration": null, "type": "afterDateTime"})),
            None => none,
        },
        _ => none,
    }
}

/// Timers of an assignment's end: the expiry, and the notices of the
/// 14-days and 1-day stages its policy has extensions for.
fn schedule_end(st: &State, assignment_id: &str, policy: &Value, end: Option<DateTime<Utc>>) -> GraphResult<()> {
    st.store.timer_cancel("assignment.", assignment_id)?;
    let Some(end) = end else { return Ok(()) };
    clock::schedule(st, end, action::EXPIRE, assignment_id, "")?;
    for (stage, days) in [("assignmentFourteenDaysBeforeExpiration", 14), ("assignmentOneDayBeforeExpiration", 1)] {
        if waits_on(policy, stage) {
            if let Some(at) = end.checked_sub_signed(chrono::Duration::days(days)).filter(|t| *t > clock::now()) {
                clock::schedule(st, at, action::NOTICE, assignment_id, stage)?;
            }
        }
    }
    Ok(())
}

fn deliver_add(st: &State, req: &Value) -> GraphResult<()> {
    let package_id = s(req, "_accessPackageId");
    let target = s(req, "_targetId");
    let catalog_id = st.store.get(kind::ACCESS_PACKAGE, package_id)?.map(|p| s(&p.json, "catalogId").to_string()).unwrap_or_default();
    let policy = st.store.get(kind::POLICY, s(req, "_policyId"))?.map(|p| p.json).unwrap_or(Value::Null);
    let asked = requested(st, req, &policy);
    let now_t = clock::now();
    let start = asked.as_ref().and_then(|x| x.get("startDateTime")).and_then(Value::as_str).and_then(clock::parse).filter(|t| *t <= now_t).unwrap_or(now_t);
    // The request's expiration where it names one, else the policy's.
    let exp = asked
        .as_ref()
        .and_then(|x| x.get("expiration"))
        .filter(|e| matches!(s(e, "type"), "afterDuration" | "afterDateTime" | "noExpiration"))
        .or_else(|| policy.get("expiration"))
        .cloned()
        .unwrap_or(Value::Null);
    let (end, expiration) = end_of(start, &exp);
    let groups = granted_groups(st, package_id)?;
    let roles = granted_roles(st, package_id)?;
    let assignment_id = s(req, "_assignmentId");
    let a = json!({
        "id": assignment_id,
        "state": "delivered",
        "status": "Delivered",
        "expiredDateTime": null,
        "schedule": {"startDateTime": clock::format(start), "recurrence": null, "expiration": expiration},
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
    schedule_end(st, assignment_id, &policy, end)?;
    Ok(())
}

/// An update request changes the schedule of the assignment when it names one
/// (answers stay on the request, as the service keeps them); a new end moves
/// the expiry.
fn deliver_update(st: &State, req: &Value) -> GraphResult<()> {
    let Some(rec) = st.store.get(kind::ASSIGNMENT, s(req, "_assignmentId"))? else { return Ok(()) };
    let mut a = rec.json;
    if let Some(schedule) = req.get("_requestedSchedule").filter(|v| v.is_object()) {
        let start = a.get("schedule").and_then(|x| x.get("startDateTime")).and_then(Value::as_str).and_then(clock::parse).unwrap_or_else(clock::now);
        let mut sch = schedule.clone();
        let end = match sch.get("expiration").filter(|e| e.is_object()) {
            Some(exp) => {
                let (end, shown) = end_of(start, exp);
                sch["expiration"] = shown;
                end
            }
            None => None,
        };
        if sch.get("startDateTime").is_none_or(Value::is_null) {
            sch["startDateTime"] = json!(clock::format(start));
        }
        a["schedule"] = sch;
        st.store.put(kind::ASSIGNMENT, &rec.id, None, &a)?;
        let policy = st.store.get(kind::POLICY, s(&a, "_policyId"))?.map(|p| p.json).unwrap_or(Value::Null);
        schedule_end(st, &rec.id, &policy, end)?;
    }
    Ok(())
}

fn deliver_remove(st: &State, req: &Value) -> GraphResult<()> {
    let Some(rec) = st.store.get(kind::ASSIGNMENT, s(req, "_assignmentId"))? else { return Ok(()) };
    end_assignment(st, rec.json)
}

/// The assignment becomes `expired` and loses what it granted, except group
/// memberships another live assignment of the same user still grants.
fn end_assignment(st: &State, mut a: Value) -> GraphResult<()> {
    let id = s(&a, "id").to_string();
    let target = s(&a, "_targetId").to_string();
    let package_id = s(&a, "_accessPackageId").to_string();
    a["state"] = json!("expired");
    a["status"] = json!("Expired");
    a["expiredDateTime"] = json!(now());
    if let Some(roles) = a.get_mut("_resourceRoles").and_then(Value::as_array_mut) {
        for r in roles {
            r["status"] = json!("Removed");
        }
    }
    st.store.timer_cancel("assignment.", &id)?;
    st.store.put(kind::ASSIGNMENT, &id, None, &a)?;
    let granted = granted_groups(st, &package_id)?;
    if granted.is_empty() {
        return Ok(()); // nothing to take back: skip the scan of the user's other assignments
    }
    let mut still: Vec<String> = Vec::new();
    for other in st.store.select_eq(kind::ASSIGNMENT, &[(Col::Target, &target)])? {
        if s(&other.json, "_targetId").eq_ignore_ascii_case(&target) && s(&other.json, "state") == "delivered" {
            still.extend(granted_groups(st, s(&other.json, "_accessPackageId"))?.into_iter().map(|(g, _)| g));
        }
    }
    for (g, _) in granted {
        if !still.iter().any(|x| x.eq_ignore_ascii_case(&g)) {
            st.store.remove_member(&g, &target)?;
        }
    }
    Ok(())
}

/// The expiry timer: a delivered assignment whose end has come expires, and
/// a `systemRemove` request (delivered at once) records it, as in the service.
fn expire(st: &Arc<State>, assignment_id: &str, callouts: &mut Vec<Callout>) -> GraphResult<()> {
    let Some(rec) = st.store.get(kind::ASSIGNMENT, assignment_id)? else { return Ok(()) };
    let a = rec.json;
    if s(&a, "state") != "delivered" {
        return Ok(());
    }
    let end = a.get("schedule").and_then(|x| x.get("expiration")).and_then(|e| e.get("endDateTime")).and_then(Value::as_str).and_then(clock::parse);
    if end.is_none_or(|e| e > clock::now()) {
        return Ok(()); // extended meanwhile
    }
    let t = now();
    let request = json!({
        "id": new_id(),
        "requestType": "systemRemove",
        "state": "delivered",
        "status": "Delivered",
        "createdDateTime": t,
        "completedDateTime": t,
        "justification": "The assignment expired.",
        "schedule": a.get("schedule"),
        "answers": [],
        "customExtensionCalloutInstances": [],
        "_accessPackageId": s(&a, "_accessPackageId"),
        "_policyId": s(&a, "_policyId"),
        "_targetId": s(&a, "_targetId"),
        "_assignmentId": assignment_id,
        "_requestorId": null,
        "_requestedSchedule": null,
    });
    st.store.put(kind::REQUEST, s(&request, "id"), None, &request)?;
    end_assignment(st, a)?;
    callouts.extend(notify(st, &request, "assignmentRequestRemoved")?);
    Ok(())
}
