// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Assignment requests (both versions), reading one's own requests and
//! assignments, and group members. Delivery happens in `lifecycle`.

use serde_json::{json, Value};

use super::collection::{entity, list, require};
use super::render::s;
use super::required_str;
use crate::auth::Principal;
use crate::error::{new_id, now, GraphError, GraphResult};
use crate::server::{Ctx, Reply, State};
use crate::store::{kind, Col};

const TYPES: &[&str] = &["userAdd", "userUpdate", "userRemove", "adminAdd", "adminUpdate", "adminRemove"];

fn id_of<'a>(v: &'a Value, flat: &str, navs: &[&str]) -> &'a str {
    let direct = s(v, flat);
    if !direct.is_empty() {
        return direct;
    }
    navs.iter().map(|n| v.get(*n).map(|x| s(x, "id")).unwrap_or("")).find(|x| !x.is_empty()).unwrap_or("")
}

/// Whether `user` may request assignment under `policy` for themselves.
pub fn policy_allows(st: &State, policy: &Value, user: &str) -> bool {
    let rs = policy.get("requestorSettings").cloned().unwrap_or(Value::Null);
    if !rs.get("enableTargetsToSelfAddAccess").and_then(Value::as_bool).unwrap_or(false) {
        return false;
    }
    match s(policy, "allowedTargetScope") {
        "allMemberUsers" | "allDirectoryUsers" => true,
        "specificDirectoryUsers" => policy.get("specificAllowedTargets").and_then(Value::as_array).is_some_and(|targets| {
            targets.iter().any(|t| {
                let ty = s(t, "@odata.type").to_ascii_lowercase();
                if ty.ends_with("groupmembers") {
                    let g = id_of(t, "groupId", &[]);
                    st.store.members(g).map(|m| m.iter().any(|x| x.eq_ignore_ascii_case(user))).unwrap_or(false)
                } else {
                    let u = if s(t, "userId").is_empty() { s(t, "id") } else { s(t, "userId") };
                    u.eq_ignore_ascii_case(user)
                }
            })
        }),
        _ => false,
    }
}

/// The request's answers; a string answer without a display value shows its value.
fn answers(b: &Value) -> Value {
    let mut a = b.get("answers").cloned().unwrap_or(json!([]));
    if let Some(items) = a.as_array_mut() {
        for item in items.iter_mut().filter(|i| i.is_object()) {
            if item.get("displayValue").is_none_or(Value::is_null) {
                if let Some(v) = item.get("value").filter(|v| v.is_string()).cloned() {
                    item["displayValue"] = v;
                }
            }
        }
    }
    a
}

/// Answers name their question by id; the service answers with the policy's
/// whole question (text, choices, …) in `answeredQuestion`.
fn with_questions(mut answers: Value, policy: Option<&Value>) -> Value {
    let Some(policy) = policy else { return answers };
    let questions: Vec<Value> = [policy.get("questions"), policy.get("_beta").and_then(|b| b.get("questions"))]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .cloned()
        .collect();
    for a in answers.as_array_mut().into_iter().flatten() {
        let Some(q) = a.get("answeredQuestion") else { continue };
        let id = s(q, "id");
        if let Some(full) = questions.iter().find(|x| !id.is_empty() && s(x, "id").eq_ignore_ascii_case(id)) {
            a["answeredQuestion"] = full.clone();
        }
    }
    answers
}

/// The user an admin assigns by email: a directory user whose mail or UPN
/// matches, else a new guest user (what the service invites on delivery).
fn guest_for(st: &State, email: &str) -> GraphResult<String> {
    if !email.contains('@') {
        return Err(GraphError::bad_request(format!("'{email}' is not an email address.")));
    }
    let known = st.store.list(kind::USER, None)?.into_iter().map(|r| r.json).find(|u| {
        s(u, "mail").eq_ignore_ascii_case(email) || s(u, "userPrincipalName").eq_ignore_ascii_case(email)
    });
    if let Some(u) = known {
        return Ok(s(&u, "id").to_string());
    }
    let id = new_id();
    let upn = format!("{}#EXT#@{}", email.replace('@', "_"), crate::ids::TENANT_DOMAIN);
    let guest = json!({"id": id, "displayName": email, "mail": email, "userPrincipalName": upn, "userType": "Guest", "accountEnabled": true});
    st.store.put(kind::USER, &id, None, &guest)?;
    Ok(id)
}

pub fn create(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let b = &ctx.body;
    let raw_type = required_str(b, "requestType")?;
    let request_type = TYPES
        .iter()
        .find(|t| t.eq_ignore_ascii_case(raw_type))
        .copied()
        .ok_or_else(|| GraphError::bad_request(format!("The requestType '{raw_type}' is not supported.")))?;
    let a = b
        .get("assignment")
        .or_else(|| b.get("accessPackageAssignment"))
        .filter(|v| v.is_object())
        .cloned()
        .ok_or_else(|| GraphError::missing("assignment"))?;
    let caller = ctx.who.user_id().map(str::to_string);
    if request_type.starts_with("admin") && !ctx.who.is_admin() {
        return Err(GraphError::new(403, "Forbidden", "Only administrators may make admin requests (adminAdd, adminUpdate, adminRemove)."));
    }
    if request_type.starts_with("user") && caller.is_none() {
        return Err(GraphError::bad_request(format!("A {request_type} request must be made by a signed-in user.")));
    }
    let id = new_id();
    let (package_id, policy_id, target_id, assignment_id);
    if request_type.ends_with("Add") {
        let pkg = require(st, kind::ACCESS_PACKAGE, id_of(&a, "accessPackageId", &["accessPackage"]))
            .map_err(|e| if id_of(&a, "accessPackageId", &["accessPackage"]).is_empty() { GraphError::missing("accessPackageId") } else { e })?;
        let target = match id_of(&a, "targetId", &["target"]) {
            "" => match a.get("target").map(|t| (s(t, "objectId"), s(t, "email"))) {
                Some((oid, _)) if !oid.is_empty() => oid.to_string(),
                // An admin may assign someone by email: a directory user with
                // that address, else a guest the service invites on delivery.
                Some((_, email)) if !email.is_empty() && request_type == "adminAdd" => guest_for(st, email)?,
                _ => caller.clone().unwrap_or_default(),
            },
            t => t.to_string(),
        };
        if target.is_empty() {
            return Err(GraphError::missing("targetId"));
        }
        // A user asks for someone else only where the policy lets them
        // request on the target's behalf (e.g. a manager for a direct report).
        let on_behalf = request_type == "userAdd" && Some(target.as_str()) != caller.as_deref();
        let user = require(st, kind::USER, &target)?;
        let policies: Vec<Value> = st.store.list(kind::POLICY, None)?.into_iter().map(|r| r.json).filter(|p| s(p, "_accessPackageId").eq_ignore_ascii_case(&pkg.id)).collect();
        let pid = id_of(&a, "assignmentPolicyId", &["assignmentPolicy", "accessPackageAssignmentPolicy"]);
        let policy = if pid.is_empty() {
            policies.iter().find(|p| request_type == "adminAdd" || policy_allows(st, p, &user.id)).cloned()
        } else {
            let p = require(st, kind::POLICY, pid)?.json;
            if !s(&p, "_accessPackageId").eq_ignore_ascii_case(&pkg.id) {
                return Err(GraphError::bad_request("The assignment policy does not belong to the access package."));
            }
            Some(p)
        }
        .ok_or_else(|| GraphError::new(400, "NoMatchingPolicy", "No assignment policy of the access package applies to the request."))?;
        if on_behalf {
            let rs = policy.get("requestorSettings").cloned().unwrap_or(Value::Null);
            let enabled = rs.get("enableOnBehalfRequestorsToAddAccess").and_then(Value::as_bool).unwrap_or(false);
            let set = rs.get("onBehalfRequestors").and_then(Value::as_array).cloned().unwrap_or_default();
            let me = caller.as_deref().unwrap_or("");
            let allowed = enabled && super::approvals::subject_users(st, &set, &user.id)?.iter().any(|u| u.eq_ignore_ascii_case(me));
            if !allowed {
                return Err(GraphError::new(403, "Forbidden", "A userAdd request can only target the requestor, or someone the policy lets the requestor ask on behalf of."));
            }
        } else if request_type == "userAdd" && !policy_allows(st, &policy, &user.id) {
            return Err(GraphError::new(403, "RequestorNotAllowed", "The requestor is not allowed to request this access package by its assignment policy."));
        }
        let mine = [(Col::Target, user.id.as_str()), (Col::Package, pkg.id.as_str())];
        let already = st.store.select_eq(kind::ASSIGNMENT, &mine)?.into_iter().any(|x| {
            s(&x.json, "_targetId").eq_ignore_ascii_case(&user.id) && s(&x.json, "_accessPackageId").eq_ignore_ascii_case(&pkg.id) && s(&x.json, "state") == "delivered"
        });
        let open = st.store.select_eq(kind::REQUEST, &mine)?.into_iter().any(|x| {
            s(&x.json, "_targetId").eq_ignore_ascii_case(&user.id)
                && s(&x.json, "_accessPackageId").eq_ignore_ascii_case(&pkg.id)
                && matches!(s(&x.json, "state"), "submitted" | "delivering" | "pendingApproval" | "scheduled")
                && s(&x.json, "requestType").ends_with("Add")
        });
        if already || open {
            return Err(GraphError::new(400, "ExistingOpenRequestOrAssignment", "The target already has an assignment or an open request for this access package."));
        }
        // Separation of duties: Graph refuses the request when the target holds an
        // active assignment of an access package incompatible with this one (in
        // either direction) or is a member of one of its incompatible groups. The
        // emulator answers 403 `IncompatibleAccess` (a policy refusal, like
        // `RequestorNotAllowed`), before anything is written.
        if let Some(why) = super::incompatible::incompatibility(st, &pkg.json, &user.id)? {
            return Err(GraphError::new(403, "IncompatibleAccess", why));
        }
        package_id = pkg.id;
        policy_id = s(&policy, "id").to_string();
        target_id = user.id;
        assignment_id = id.clone();
    } else {
        let aid = s(&a, "id");
        if aid.is_empty() {
            return Err(GraphError::missing("assignment.id"));
        }
        let asg = require(st, kind::ASSIGNMENT, aid)?;
        if s(&asg.json, "state") != "delivered" {
            return Err(GraphError::bad_request("The assignment is not active."));
        }
        if request_type.starts_with("user") && Some(s(&asg.json, "_targetId")) != caller.as_deref() {
            return Err(GraphError::new(403, "Forbidden", "A user request can only change the caller's own assignment."));
        }
        package_id = s(&asg.json, "_accessPackageId").to_string();
        policy_id = s(&asg.json, "_policyId").to_string();
        target_id = s(&asg.json, "_targetId").to_string();
        assignment_id = asg.id;
    }
    let policy = st.store.get(kind::POLICY, &policy_id)?.map(|p| p.json);
    if request_type.starts_with("user") && !request_type.ends_with("Remove") {
        if let Some(p) = &policy {
            check_requirements(p, b)?;
        }
    }
    let c = json!({
        "id": id,
        "requestType": request_type,
        "state": "submitted",
        "status": "Accepted",
        "createdDateTime": now(),
        "completedDateTime": null,
        "justification": b.get("justification").cloned().unwrap_or(Value::Null),
        "schedule": b.get("schedule").cloned().unwrap_or(json!({"startDateTime": null, "recurrence": null, "expiration": {"endDateTime": null, "duration": null, "type": "notSpecified"}})),
        "answers": with_questions(answers(b), policy.as_ref()),
        "customExtensionCalloutInstances": [],
        "_accessPackageId": package_id,
        "_policyId": policy_id,
        "_targetId": target_id,
        "_assignmentId": assignment_id,
        "_requestorId": caller,
        "_requestedSchedule": b.get("schedule").cloned().unwrap_or(Value::Null),
    });
    st.store.put(kind::REQUEST, &id, None, &c)?;
    crate::lifecycle::spawn(st.clone(), id);
    entity(ctx, 201, kind::REQUEST, &c)
}

/// The policy's questions (v1.0 `questions`, beta ones kept in `_beta`).
fn policy_questions(policy: &Value) -> Vec<Value> {
    [policy.get("questions"), policy.get("_beta").and_then(|b| b.get("questions"))]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .cloned()
        .collect()
}

/// What a requestor must give under `policy`: a justification where the
/// policy requires one (`isRequestorJustificationRequired`, beta and v1.0
/// approval settings), an answer to every required question, and answers
/// that name a question of the policy. A refusal is 400 and writes nothing.
fn check_requirements(policy: &Value, b: &Value) -> GraphResult<()> {
    let flag = |v: Option<&Value>| v.and_then(|r| r.get("isRequestorJustificationRequired")).and_then(Value::as_bool).unwrap_or(false);
    let needs_justification = flag(policy.get("requestApprovalSettings"))
        || flag(policy.get("_beta").and_then(|x| x.get("requestApprovalSettings")))
        || flag(policy.get("requestorSettings"));
    if needs_justification && b.get("justification").and_then(Value::as_str).is_none_or(|j| j.trim().is_empty()) {
        return Err(GraphError::new(400, "BadRequest", "Justification is required by the assignment policy; give one in 'justification'."));
    }
    let questions = policy_questions(policy);
    let given: Vec<&Value> = b.get("answers").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    let answered = |qid: &str| given.iter().find(|a| a.get("answeredQuestion").is_some_and(|q| s(q, "id").eq_ignore_ascii_case(qid)));
    for a in &given {
        let qid = a.get("answeredQuestion").map(|q| s(q, "id")).unwrap_or("");
        let Some(q) = questions.iter().find(|q| !qid.is_empty() && s(q, "id").eq_ignore_ascii_case(qid)) else {
            return Err(GraphError::new(400, "BadRequest", format!("The answer names question '{qid}', which the assignment policy does not ask.")));
        };
        // Multiple-choice values are not checked against the choices: the
        // documented requests answer with values outside them (a placeholder
        // `MultipleChoiceAnswerValue`, a display text) and get 201.
        let _ = q;
    }
    for q in &questions {
        if q.get("isRequired").and_then(Value::as_bool).unwrap_or(false) {
            let ok = answered(s(q, "id")).is_some_and(|a| a.get("value").and_then(Value::as_str).is_some_and(|v| !v.trim().is_empty()));
            if !ok {
                let text = q.get("text").and_then(|t| t.as_str().or_else(|| t.get("defaultText").and_then(Value::as_str))).unwrap_or(s(q, "id"));
                return Err(GraphError::new(400, "BadRequest", format!("The question '{text}' of the assignment policy requires an answer.")));
            }
        }
    }
    Ok(())
}

fn owns(who: &Principal, c: &Value) -> bool {
    who.can_read_all()
        || who.user_id().is_some_and(|u| s(c, "_targetId").eq_ignore_ascii_case(u) || s(c, "_requestorId").eq_ignore_ascii_case(u))
}

/// A plain user asking for a request or assignment they neither made nor are the target of.
fn not_owner() -> GraphError {
    GraphError::new(403, "Forbidden", "The caller is neither the requestor nor the target of this object.")
}

/// Get one request or assignment; plain users only their own.
pub fn get_own(ctx: &Ctx, k: &'static str) -> GraphResult<Reply> {
    let rec = require(ctx.st, k, ctx.arg(0))?;
    if !owns(&ctx.who, &rec.json) {
        return Err(not_owner());
    }
    entity(ctx, 200, k, &rec.json)
}

/// Cancels a request that is still open (v1.0 204, beta 200). Requests already
/// delivering or finished answer 400 `RequestNotCancelable`.
pub fn cancel(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::REQUEST, ctx.arg(0))?;
    if !owns(&ctx.who, &rec.json) {
        return Err(not_owner());
    }
    let mut c = rec.json;
    if !matches!(s(&c, "state"), "submitted" | "pendingApproval" | "scheduled") {
        return Err(GraphError::new(400, "RequestNotCancelable", format!("A request in state '{}' cannot be canceled.", s(&c, "state"))));
    }
    c["state"] = json!("canceled");
    c["status"] = json!("Canceled");
    c["completedDateTime"] = json!(now());
    if let Some(m) = c.as_object_mut() {
        m.remove("_callout");
    }
    st.store.put(kind::REQUEST, &rec.id, None, &c)?;
    crate::lifecycle::forget_request(st, &rec.id)?;
    st.store.timer_cancel("approval.", &rec.id)?;
    Ok(Reply { status: ctx.op.status, body: None })
}

const FINISHED: &[&str] = &["delivered", "deliveryFailed", "partiallyDelivered", "denied", "canceled"];

/// Deletes a finished request (and its approval); open ones answer 400
/// `RequestNotDeletable` (cancel them first).
pub fn delete(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::REQUEST, ctx.arg(0))?;
    let state = s(&rec.json, "state");
    if !FINISHED.contains(&state) {
        return Err(GraphError::new(400, "RequestNotDeletable", format!("A request in state '{state}' cannot be deleted; cancel it first.")));
    }
    st.store.transaction(|db| {
        db.delete(kind::REQUEST, &rec.id)?;
        db.delete(super::approvals::APPROVAL, &rec.id)?;
        Ok(())
    })?;
    Reply::no_content()
}

/// Reprocesses a delivered, partially delivered or failed request (202):
/// delivered add requests get their group memberships re-applied, failed ones
/// are delivered again. Other states answer 400 `RequestNotReprocessable`.
pub fn reprocess(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::REQUEST, ctx.arg(0))?;
    let mut c = rec.json;
    match s(&c, "state") {
        "delivered" => {
            if s(&c, "requestType").ends_with("Add") {
                if let Some(a) = st.store.get(kind::ASSIGNMENT, s(&c, "_assignmentId"))? {
                    crate::lifecycle::reapply(st, &a.json)?;
                }
            }
        }
        "deliveryFailed" | "partiallyDelivered" => {
            c["state"] = json!("delivering");
            c["status"] = json!("Delivering");
            c["_approved"] = json!(true);
            st.store.put(kind::REQUEST, &rec.id, None, &c)?;
            crate::lifecycle::spawn(st.clone(), rec.id.clone());
        }
        other => {
            return Err(GraphError::new(
                400,
                "RequestNotReprocessable",
                format!("Only delivered, partially delivered or failed requests can be reprocessed; this one is '{other}'."),
            ))
        }
    }
    Ok(Reply { status: ctx.op.status, body: None })
}

/// Reprocesses an assignment (202): re-applies the group memberships it grants.
pub fn reprocess_assignment(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let a = require(st, kind::ASSIGNMENT, ctx.arg(0))?;
    if s(&a.json, "state") != "delivered" {
        return Err(GraphError::new(400, "AssignmentNotReprocessable", format!("An assignment in state '{}' cannot be reprocessed.", s(&a.json, "state"))));
    }
    crate::lifecycle::reapply(st, &a.json)?;
    Ok(Reply { status: ctx.op.status, body: None })
}

/// A custom extension calls back (`resumePostRequestBody {source, type, data}`).
/// Only a request waiting on an extension of `data.stage` may be resumed; others
/// answer 400 `RequestNotWaitingForCallback`. `data.state` `denied` / `canceled`
/// ends the request; anything else lets it continue.
pub fn resume(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let b = &ctx.body;
    let rec = require(st, kind::REQUEST, ctx.arg(0))?;
    required_str(b, "source")?;
    required_str(b, "type")?;
    let data = b.get("data").filter(|d| d.is_object()).ok_or_else(|| GraphError::missing("data"))?;
    let mut c = rec.json;
    let Some(callout) = c.get("_callout").cloned().filter(|_| matches!(s(&c, "state"), "submitted" | "delivering")) else {
        return Err(GraphError::new(400, "RequestNotWaitingForCallback", "The request is not waiting for a custom extension callback."));
    };
    let waiting = s(&callout, "stage");
    let stage = s(data, "stage");
    if !stage.is_empty() && !stage.eq_ignore_ascii_case(waiting) {
        return Err(GraphError::new(400, "RequestNotWaitingForCallback", format!("The request waits for the '{waiting}' stage, not '{stage}'.")));
    }
    let instance = s(data, "customExtensionStageInstanceId");
    if !instance.is_empty() && !instance.eq_ignore_ascii_case(s(&callout, "id")) {
        return Err(GraphError::bad_request(format!("Unknown customExtensionStageInstanceId '{instance}'.")));
    }
    let callout_id = s(&callout, "id").to_string();
    crate::lifecycle::forget_request(st, &rec.id)?;
    if let Some(instances) = c.get_mut("customExtensionCalloutInstances").and_then(Value::as_array_mut) {
        for i in instances.iter_mut().filter(|i| s(i, "id").eq_ignore_ascii_case(&callout_id)) {
            i["status"] = json!("callbackReceived");
            i["detail"] = data.get("customExtensionStageInstanceDetail").cloned().unwrap_or(Value::Null);
        }
    }
    if let Some(m) = c.as_object_mut() {
        m.remove("_callout");
        let done = m.entry("_calloutsDone").or_insert(json!([]));
        if let Some(a) = done.as_array_mut() {
            a.push(json!(waiting));
        }
    }
    match s(data, "state").to_ascii_lowercase().as_str() {
        "denied" => {
            c["state"] = json!("denied");
            c["status"] = json!("Denied");
            c["completedDateTime"] = json!(now());
            st.store.put(kind::REQUEST, &rec.id, None, &c)?;
        }
        "canceled" | "cancelled" => {
            c["state"] = json!("canceled");
            c["status"] = json!("Canceled");
            c["completedDateTime"] = json!(now());
            st.store.put(kind::REQUEST, &rec.id, None, &c)?;
        }
        _ => {
            st.store.put(kind::REQUEST, &rec.id, None, &c)?;
            crate::lifecycle::spawn(st.clone(), rec.id.clone());
        }
    }
    Ok(Reply { status: ctx.op.status, body: None })
}

/// The signed-in user of a `filterByCurrentUser` call; app tokens have none.
pub fn current_user<'a>(ctx: &'a Ctx) -> GraphResult<&'a str> {
    ctx.who.user_id().ok_or_else(|| {
        GraphError::new(403, "Forbidden", "filterByCurrentUser needs a signed-in user; application permissions are not supported.")
    })
}

/// Graph's 400 for a function parameter value outside its enumeration.
pub fn bad_on(on: &str, allowed: &[&str]) -> GraphError {
    GraphError::new(
        400,
        "BadRequest",
        format!("The value '{on}' is not valid for the parameter 'on'. Supported values: {}.", allowed.join(", ")),
    )
}

fn check_on<'a>(on: &str, allowed: &[&'a str]) -> GraphResult<&'a str> {
    allowed.iter().find(|x| x.eq_ignore_ascii_case(on)).copied().ok_or_else(|| bad_on(on, allowed))
}

/// `assignmentRequests/filterByCurrentUser(on='target'|'createdBy')`.
pub fn filter_requests(ctx: &Ctx) -> GraphResult<Reply> {
    let me = current_user(ctx)?;
    let on = check_on(ctx.arg(0), &["target", "createdBy"])?;
    let field = if on == "target" { "_targetId" } else { "_requestorId" };
    let recs = ctx.st.store.list(kind::REQUEST, None)?.into_iter().map(|r| r.json).filter(|r| s(r, field).eq_ignore_ascii_case(me)).collect();
    list(ctx, kind::REQUEST, recs)
}

/// `assignments/filterByCurrentUser(on='target'|'createdBy')`: assignments of the
/// caller, or assignments created by add requests the caller made.
pub fn filter_assignments(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let me = current_user(ctx)?;
    let on = check_on(ctx.arg(0), &["target", "createdBy"])?;
    let created: Vec<String> = if on == "createdBy" {
        st.store
            .list(kind::REQUEST, None)?
            .into_iter()
            .filter(|r| s(&r.json, "_requestorId").eq_ignore_ascii_case(me) && s(&r.json, "requestType").ends_with("Add"))
            .map(|r| s(&r.json, "_assignmentId").to_ascii_lowercase())
            .collect()
    } else {
        Vec::new()
    };
    let recs = st
        .store
        .list(kind::ASSIGNMENT, None)?
        .into_iter()
        .map(|r| r.json)
        .filter(|a| if on == "target" { s(a, "_targetId").eq_ignore_ascii_case(me) } else { created.contains(&s(a, "id").to_ascii_lowercase()) })
        .collect();
    list(ctx, kind::ASSIGNMENT, recs)
}

/// `assignments/additionalAccess(accessPackageId, incompatibleAccessPackageId)`:
/// active assignments of the first package whose target also actively holds the second.
pub fn additional_access(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let pkg = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let other = require(st, kind::ACCESS_PACKAGE, ctx.arg(1))?;
    let all: Vec<Value> = st.store.list(kind::ASSIGNMENT, None)?.into_iter().map(|r| r.json).filter(|a| s(a, "state") == "delivered").collect();
    let holders: Vec<String> = all.iter().filter(|a| s(a, "_accessPackageId").eq_ignore_ascii_case(&other.id)).map(|a| s(a, "_targetId").to_ascii_lowercase()).collect();
    let recs = all
        .into_iter()
        .filter(|a| s(a, "_accessPackageId").eq_ignore_ascii_case(&pkg.id) && holders.contains(&s(a, "_targetId").to_ascii_lowercase()))
        .collect();
    list(ctx, kind::ASSIGNMENT, recs)
}

pub fn group_members(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let group = require(st, kind::GROUP, ctx.arg(0))?;
    let mut users = Vec::new();
    for m in st.store.members(&group.id)? {
        if let Some(u) = st.store.get(kind::USER, &m)? {
            users.push(u.json);
        }
    }
    list(ctx, kind::USER, users)
}
