// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Approvals of assignment requests: v1.0 stages, beta steps, filterByCurrentUser(on='approver').
//!
//! A userAdd request under a policy with `requestApprovalSettings.isApprovalRequiredForAdd`
//! gets an approval record with the request's id when the lifecycle moves it to
//! `pendingApproval` (`open`). The record keeps one entry per policy stage with the
//! stage settings copied from the policy, so later policy edits do not change a
//! running approval. Approvers are resolved when asked (group membership can change):
//! `primaryApprovers`, or `fallbackPrimaryApprovers` (beta: entries with `isBackup`)
//! when the primary set resolves to nobody; the target and the requestor never
//! approve their own request. Stages escalate to `escalationApprovers` after
//! `durationBeforeEscalation` and time out after `durationBeforeAutomaticDenial`
//! (beta `escalationTimeInMinutes`, `approvalStageTimeOutInDays`), on the
//! emulator's clock: timers (`stage_started`), and a check when approvals are read.

use entitlement::api::ApiVersion;
use serde_json::{json, Value};

use super::collection::{entity, list, require};
use super::render::s;
use crate::error::{now, GraphError, GraphResult};
use crate::server::{Ctx, Reply, State};
use crate::store::kind;

/// Stored kind of approval records (id = the request id).
pub const APPROVAL: &str = "approval";

/// Creates the approval of a request entering `pendingApproval`. Returns false
/// when the policy has no stages (nothing to approve).
pub fn open(st: &State, req: &Value, policy: &Value) -> GraphResult<bool> {
    let stages = policy
        .get("requestApprovalSettings")
        .and_then(|r| r.get("stages"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if stages.is_empty() {
        return Ok(false);
    }
    let id = s(req, "id");
    if st.store.get(APPROVAL, id)?.is_some() {
        return Ok(true);
    }
    let t = now();
    let stages: Vec<Value> = stages
        .into_iter()
        .enumerate()
        .map(|(i, settings)| {
            json!({
                "id": crate::error::new_id(),
                "displayName": null,
                "reviewedDateTime": null,
                "reviewResult": "NotReviewed",
                "status": if i == 0 { "InProgress" } else { "NotStarted" },
                "justification": "",
                "reviewedBy": null,
                "_startedDateTime": if i == 0 { json!(t) } else { Value::Null },
                "_settings": settings,
            })
        })
        .collect();
    let a = json!({
        "id": id,
        "createdDateTime": t,
        "_requestId": id,
        "_targetId": s(req, "_targetId"),
        "_requestorId": req.get("_requestorId").cloned().unwrap_or(Value::Null),
        "_policyId": s(req, "_policyId"),
        "_accessPackageId": s(req, "_accessPackageId"),
        "_stages": stages,
    });
    st.store.put(APPROVAL, id, None, &a)?;
    stage_started(st, &a, 0)?;
    Ok(true)
}

/// The timers of a stage that has just started: escalation after
/// `durationBeforeEscalation` (beta `escalationTimeInMinutes`) when
/// `isEscalationEnabled`, automatic denial after `durationBeforeAutomaticDenial`
/// (beta `approvalStageTimeOutInDays`). Both count from the stage's start.
fn stage_started(st: &State, a: &Value, i: usize) -> GraphResult<()> {
    let stage = &a["_stages"][i];
    let Some(started) = stage.get("_startedDateTime").and_then(Value::as_str).and_then(crate::clock::parse) else { return Ok(()) };
    let id = s(a, "id");
    let at = |secs: f64| chrono::Duration::try_milliseconds((secs * 1000.0) as i64).and_then(|d| started.checked_add_signed(d));
    if let Some(due) = escalation_after(stage).and_then(at) {
        crate::clock::schedule(st, due, crate::lifecycle::action::ESCALATE, id, &i.to_string())?;
    }
    if let Some(due) = stage_timeout(stage).and_then(at) {
        crate::clock::schedule(st, due, crate::lifecycle::action::DENY, id, &i.to_string())?;
    }
    Ok(())
}

fn escalation_after(stage: &Value) -> Option<f64> {
    let settings = stage.get("_settings")?;
    if !settings.get("isEscalationEnabled").and_then(Value::as_bool).unwrap_or(false) {
        return None;
    }
    if let Some(d) = settings.get("durationBeforeEscalation").and_then(Value::as_str) {
        return iso_seconds(d);
    }
    settings.get("escalationTimeInMinutes").and_then(Value::as_f64).map(|m| m * 60.0)
}

/// The escalation timer: a stage still in progress and unreviewed goes to
/// its escalation approvers (`escalationApprovers`, else
/// `fallbackEscalationApprovers`).
pub fn escalate(st: &State, id: &str, i: usize) -> GraphResult<()> {
    let Some(mut a) = st.store.get(APPROVAL, id)?.map(|r| r.json) else { return Ok(()) };
    let Some(stage) = a.get_mut("_stages").and_then(|x| x.get_mut(i)) else { return Ok(()) };
    if s(stage, "status") != "InProgress" || s(stage, "reviewResult") != "NotReviewed" {
        return Ok(());
    }
    stage["_escalated"] = json!(true);
    stage["_escalatedDateTime"] = json!(now());
    st.store.put(APPROVAL, id, None, &a)?;
    Ok(())
}

/// The automatic-denial timer of stage `i`.
pub fn time_out(st: &State, id: &str, i: usize) -> GraphResult<()> {
    let Some(a) = st.store.get(APPROVAL, id)?.map(|r| r.json) else { return Ok(()) };
    if current(&a) == Some(i) {
        deny_timed_out(st, a, i)?;
    }
    Ok(())
}

pub(crate) fn subject_users(st: &State, set: &[Value], target: &str) -> GraphResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for subj in set {
        let t = s(subj, "@odata.type").to_ascii_lowercase();
        let id = |flat: &str| if s(subj, flat).is_empty() { s(subj, "id").to_string() } else { s(subj, flat).to_string() };
        if t.ends_with("singleuser") {
            out.push(id("userId"));
        } else if t.ends_with("groupmembers") {
            out.extend(st.store.members(&id("groupId"))?);
        } else if t.ends_with("requestormanager") {
            // Managers are read from the user record (`manager.id` or `_managerId`) when a seed provides them.
            if let Some(u) = st.store.get(kind::USER, target)? {
                let m = u.json.get("manager").map(|m| s(m, "id")).filter(|x| !x.is_empty()).unwrap_or_else(|| s(&u.json, "_managerId"));
                if !m.is_empty() {
                    out.push(m.to_string());
                }
            }
        } else if t.ends_with("internalsponsors") || t.ends_with("externalsponsors") {
            // The sponsors of the target's connected organization (directory.rs).
            out.extend(super::directory::sponsor_users(st, target, t.ends_with("externalsponsors"))?);
        } else if t.ends_with("targetusersponsors") {
            // The target's own sponsors: `sponsors` (ids or {id}) on the user record.
            if let Some(u) = st.store.get(kind::USER, target)? {
                let ids = u.json.get("sponsors").and_then(Value::as_array).cloned().unwrap_or_default();
                out.extend(ids.iter().map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| s(x, "id").to_string())));
            }
        }
    }
    out.retain(|x| !x.is_empty());
    out.sort_by_key(|x| x.to_ascii_lowercase());
    out.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    Ok(out)
}

/// The users who may review stage `i` of approval `a` now.
pub fn approvers(st: &State, a: &Value, i: usize) -> GraphResult<Vec<String>> {
    let Some(stage) = a.get("_stages").and_then(|x| x.get(i)) else { return Ok(vec![]) };
    let settings = stage.get("_settings").cloned().unwrap_or(Value::Null);
    let target = s(a, "_targetId");
    let arr = |k: &str| settings.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
    let not_self = |u: &String| !u.eq_ignore_ascii_case(target) && !u.eq_ignore_ascii_case(s(a, "_requestorId"));
    if stage.get("_escalated").and_then(Value::as_bool).unwrap_or(false) {
        let mut users = subject_users(st, &arr("escalationApprovers"), target)?;
        users.retain(not_self);
        if users.is_empty() {
            users = subject_users(st, &arr("fallbackEscalationApprovers"), target)?;
            users.retain(not_self);
        }
        if !users.is_empty() {
            return Ok(users);
        }
    }
    let primary_all = arr("primaryApprovers");
    let (backup, primary): (Vec<Value>, Vec<Value>) = primary_all.into_iter().partition(|x| x.get("isBackup").and_then(Value::as_bool).unwrap_or(false));
    let mut users = subject_users(st, &primary, target)?;
    users.retain(not_self);
    if users.is_empty() {
        let mut fb = arr("fallbackPrimaryApprovers");
        fb.extend(backup);
        users = subject_users(st, &fb, target)?;
        users.retain(not_self);
    }
    Ok(users)
}

fn is_approver(st: &State, a: &Value, i: usize, user: Option<&str>) -> GraphResult<bool> {
    let Some(u) = user else { return Ok(false) };
    Ok(approvers(st, a, i)?.iter().any(|x| x.eq_ignore_ascii_case(u)))
}

/// Index of the stage under review, if the approval is still running.
fn current(a: &Value) -> Option<usize> {
    a.get("_stages")?.as_array()?.iter().position(|x| s(x, "status") == "InProgress")
}

/// Parses an ISO 8601 duration (`P14D`, `PT2H30M`, `P1W`, `PT0.5S`) into seconds.
pub fn iso_seconds(d: &str) -> Option<f64> {
    let rest = d.trim().strip_prefix('P').or_else(|| d.trim().strip_prefix('p'))?;
    let (mut total, mut num, mut in_time) = (0f64, String::new(), false);
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            'T' => in_time = true,
            '0'..='9' | '.' => num.push(c),
            u => {
                let n: f64 = num.parse().ok()?;
                num.clear();
                total += n * match (u, in_time) {
                    ('Y', false) => 365.0 * 86400.0,
                    ('M', false) => 30.0 * 86400.0,
                    ('W', false) => 7.0 * 86400.0,
                    ('D', false) => 86400.0,
                    ('H', true) => 3600.0,
                    ('M', true) => 60.0,
                    ('S', true) => 1.0,
                    _ => return None,
                };
            }
        }
    }
    if !num.is_empty() {
        return None;
    }
    Some(total)
}

fn stage_timeout(stage: &Value) -> Option<f64> {
    let settings = stage.get("_settings")?;
    if let Some(d) = settings.get("durationBeforeAutomaticDenial").and_then(Value::as_str) {
        return iso_seconds(d);
    }
    settings.get("approvalStageTimeOutInDays").and_then(Value::as_f64).map(|d| d * 86400.0)
}

/// Denies requests whose current approval stage ran past its automatic-denial
/// duration (checked when approvals are read, besides the timers).
pub fn expire_due(st: &State) -> GraphResult<()> {
    let now_t = crate::clock::now();
    for rec in st.store.list(APPROVAL, None)? {
        let a = rec.json;
        let Some(i) = current(&a) else { continue };
        let stage = &a["_stages"][i];
        let (Some(limit), Some(started)) = (stage_timeout(stage), stage.get("_startedDateTime").and_then(Value::as_str)) else { continue };
        let Ok(started) = chrono::DateTime::parse_from_rfc3339(started) else { continue };
        let elapsed = (now_t - started.with_timezone(&chrono::Utc)).num_milliseconds() as f64 / 1000.0;
        if elapsed >= limit {
            deny_timed_out(st, a, i)?;
        }
    }
    Ok(())
}

/// Stage `i` expired unreviewed: the request is denied (`TimedOut`).
fn deny_timed_out(st: &State, mut a: Value, i: usize) -> GraphResult<()> {
    let id = s(&a, "id").to_string();
    let Some(req) = st.store.get(kind::REQUEST, &id)? else { return Ok(()) };
    let mut r = req.json;
    a["_stages"][i]["status"] = json!("Expired");
    let pending = s(&r, "state") == "pendingApproval";
    if pending {
        r["state"] = json!("denied");
        r["status"] = json!("TimedOut");
        r["completedDateTime"] = json!(now());
    }
    st.store.transaction(|db| {
        db.put(APPROVAL, &id, None, &a)?;
        if pending {
            db.put(kind::REQUEST, &req.id, None, &r)?;
        }
        Ok(())
    })?;
    st.store.timer_cancel("approval.", &id)?;
    Ok(())
}

/// One stage (v1.0 `approvalStage`) or step (beta `approvalStep`) as the caller sees it.
fn stage_view(st: &State, version: ApiVersion, a: &Value, i: usize, caller: Option<&str>) -> GraphResult<Value> {
    let stage = &a["_stages"][i];
    let mut out = json!({
        "id": stage.get("id"),
        "displayName": stage.get("displayName"),
        "reviewedDateTime": stage.get("reviewedDateTime"),
        "reviewResult": stage.get("reviewResult"),
        "status": stage.get("status"),
        "assignedToMe": is_approver(st, a, i, caller)?,
        "justification": stage.get("justification"),
        "reviewedBy": stage.get("reviewedBy"),
    });
    if version == ApiVersion::Beta {
        // beta `reviewedBy` is a collection of userIdentity.
        if let Some(r) = stage.get("reviewedBy").filter(|v| v.is_object()) {
            let mut u = r.clone();
            u["@odata.type"] = json!("#microsoft.graph.userIdentity");
            out["reviewedBy"] = json!([u]);
        }
    }
    Ok(out)
}

fn approval_view(st: &State, version: ApiVersion, a: &Value, caller: Option<&str>) -> GraphResult<Value> {
    let n = a.get("_stages").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
    let stages: Vec<Value> = (0..n).map(|i| stage_view(st, version, a, i, caller)).collect::<GraphResult<_>>()?;
    let key = if version == ApiVersion::Beta { "steps" } else { "stages" };
    let mut v = json!({"@odata.type": "#microsoft.graph.approval", "id": a.get("id")});
    v[key] = Value::Array(stages);
    Ok(v)
}

/// Admins, the target, the requestor and any approver may read an approval.
fn load_visible(ctx: &Ctx) -> GraphResult<Value> {
    expire_due(ctx.st)?;
    let a = require_approval(ctx.st, ctx.arg(0))?;
    if ctx.who.can_read_all() {
        return Ok(a);
    }
    let me = ctx.who.user_id().unwrap_or("");
    if s(&a, "_targetId").eq_ignore_ascii_case(me) || s(&a, "_requestorId").eq_ignore_ascii_case(me) {
        return Ok(a);
    }
    let n = a.get("_stages").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
    for i in 0..n {
        if is_approver(ctx.st, &a, i, Some(me))? {
            return Ok(a);
        }
    }
    // Graph does not reveal approvals a user cannot see.
    Err(not_found("approval", ctx.arg(0)))
}

fn not_found(what: &str, id: &str) -> GraphError {
    GraphError::new(404, "ResourceNotFound", format!("{what} with id '{id}' does not exist."))
}

fn require_approval(st: &State, id: &str) -> GraphResult<Value> {
    st.store.get(APPROVAL, id)?.map(|r| r.json).ok_or_else(|| not_found("approval", id))
}

fn stage_index(a: &Value, id: &str) -> GraphResult<usize> {
    a.get("_stages")
        .and_then(Value::as_array)
        .and_then(|v| v.iter().position(|x| s(x, "id").eq_ignore_ascii_case(id)))
        .ok_or_else(|| not_found("approvalStage", id))
}

pub fn get_approval(ctx: &Ctx) -> GraphResult<Reply> {
    let a = load_visible(ctx)?;
    let v = approval_view(ctx.st, ctx.version, &a, ctx.who.user_id())?;
    entity(ctx, 200, APPROVAL, &v)
}

pub fn list_stages(ctx: &Ctx) -> GraphResult<Reply> {
    let a = load_visible(ctx)?;
    let n = a.get("_stages").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
    let views = (0..n).map(|i| stage_view(ctx.st, ctx.version, &a, i, ctx.who.user_id())).collect::<GraphResult<Vec<_>>>()?;
    list(ctx, "approvalStage", views)
}

pub fn get_stage(ctx: &Ctx) -> GraphResult<Reply> {
    let a = load_visible(ctx)?;
    let i = stage_index(&a, ctx.arg(1))?;
    let v = stage_view(ctx.st, ctx.version, &a, i, ctx.who.user_id())?;
    entity(ctx, 200, "approvalStage", &v)
}

/// PATCH a stage with `{reviewResult: Approve|Deny, justification}`.
///
/// Errors: 404 unknown approval/stage; 403 `Forbidden` when the caller is not an
/// approver of that stage; 409 `ApprovalStageAlreadyReviewed` when the stage has a
/// decision; 400 `ApprovalStageNotInProgress` for a stage not yet reached or an
/// approval whose request is no longer pending (canceled, timed out);
/// 400 `BadRequest` for a missing/unknown reviewResult or a missing justification
/// the stage requires.
pub fn update_stage(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    expire_due(st)?;
    let mut a = require_approval(st, ctx.arg(0))?;
    let i = stage_index(&a, ctx.arg(1))?;
    let me = ctx.who.user_id();
    if !is_approver(st, &a, i, me)? {
        return Err(GraphError::new(403, "Forbidden", "The caller is not an approver of this approval stage."));
    }
    let me = me.unwrap_or_default().to_string();
    let stage = a["_stages"][i].clone();
    if s(&stage, "reviewResult") != "NotReviewed" {
        return Err(GraphError::new(409, "ApprovalStageAlreadyReviewed", format!("The approval stage was already reviewed with result '{}'.", s(&stage, "reviewResult"))));
    }
    let req = require(st, kind::REQUEST, s(&a, "_requestId"))?;
    if s(&stage, "status") != "InProgress" || s(&req.json, "state") != "pendingApproval" {
        return Err(GraphError::new(400, "ApprovalStageNotInProgress", format!("The approval stage is '{}' and the request is '{}'; it cannot be reviewed.", s(&stage, "status"), s(&req.json, "state"))));
    }
    let raw = super::required_str(&ctx.body, "reviewResult")?;
    let result = match raw.to_ascii_lowercase().as_str() {
        "approve" | "approved" => "Approve",
        "deny" | "denied" => "Deny",
        _ => return Err(GraphError::bad_request(format!("The reviewResult '{raw}' is not valid; use 'Approve' or 'Deny'."))),
    };
    let justification = ctx.body.get("justification").and_then(Value::as_str).unwrap_or("").to_string();
    let needs_just = stage.get("_settings").and_then(|x| x.get("isApproverJustificationRequired")).and_then(Value::as_bool).unwrap_or(false);
    if needs_just && justification.trim().is_empty() {
        return Err(GraphError::missing("justification"));
    }
    let user = st.store.get(kind::USER, &me)?.map(|u| u.json).unwrap_or(Value::Null);
    let t = now();
    {
        let sref = &mut a["_stages"][i];
        sref["reviewResult"] = json!(result);
        sref["reviewedDateTime"] = json!(t);
        sref["justification"] = json!(justification);
        sref["status"] = json!("Completed");
        sref["reviewedBy"] = json!({"id": me, "displayName": user.get("displayName"), "userPrincipalName": user.get("userPrincipalName")});
    }
    let n = a["_stages"].as_array().map(Vec::len).unwrap_or(0);
    let mut r = req.json;
    let mut resume = false;
    if result == "Deny" {
        r["state"] = json!("denied");
        r["status"] = json!("Denied");
        r["completedDateTime"] = json!(t);
    } else if i + 1 < n {
        a["_stages"][i + 1]["status"] = json!("InProgress");
        a["_stages"][i + 1]["_startedDateTime"] = json!(t);
    } else {
        r["_approved"] = json!(true);
        r["state"] = json!("delivering");
        r["status"] = json!("Delivering");
        resume = true;
    }
    st.store.transaction(|db| {
        db.put(APPROVAL, s(&a, "id"), None, &a)?;
        db.put(kind::REQUEST, &req.id, None, &r)
    })?;
    // This stage's timers are moot; the next stage (if any) starts its own.
    st.store.timer_cancel("approval.", s(&a, "id"))?;
    if result == "Approve" && i + 1 < n {
        stage_started(st, &a, i + 1)?;
    }
    if resume {
        crate::lifecycle::spawn(st.clone(), req.id);
    }
    Reply::no_content()
}

/// `accessPackageAssignmentApprovals/filterByCurrentUser(on='approver'|'target'|'createdBy')`.
pub fn filter_by_current_user(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let on = ctx.arg(0);
    let me = super::requests::current_user(ctx)?;
    if !["approver", "target", "createdBy"].iter().any(|x| x.eq_ignore_ascii_case(on)) {
        return Err(super::requests::bad_on(on, &["approver", "target", "createdBy"]));
    }
    expire_due(st)?;
    let mut out = Vec::new();
    for rec in st.store.list(APPROVAL, None)? {
        let a = rec.json;
        let keep = match on.to_ascii_lowercase().as_str() {
            "approver" => {
                let pending = st.store.get(kind::REQUEST, &rec.id)?.is_some_and(|r| s(&r.json, "state") == "pendingApproval");
                pending && current(&a).map(|i| is_approver(st, &a, i, Some(me))).transpose()?.unwrap_or(false)
            }
            "target" => s(&a, "_targetId").eq_ignore_ascii_case(me),
            _ => s(&a, "_requestorId").eq_ignore_ascii_case(me),
        };
        if keep {
            out.push(approval_view(st, ctx.version, &a, Some(me))?);
        }
    }
    list(ctx, APPROVAL, out)
}
