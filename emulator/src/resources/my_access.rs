// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! What a signed-in user sees (My Access): filterByCurrentUser on access
//! packages, suggestions, applicable policy requirements, available role
//! scopes, and the beta assignment resource roles.

use serde_json::{json, Value};
use super::collection::{entity, list, require};
use super::render::s;
use crate::error::{GraphError, GraphResult};
use crate::server::{Ctx, Reply, State};
use crate::store::kind;

fn policies_of(st: &State, package_id: &str) -> GraphResult<Vec<Value>> {
    Ok(st.store.list(kind::POLICY, None)?.into_iter().map(|r| r.json).filter(|p| s(p, "_accessPackageId").eq_ignore_ascii_case(package_id)).collect())
}

fn may_request(st: &State, package_id: &str, user: &str) -> GraphResult<bool> {
    Ok(policies_of(st, package_id)?.iter().any(|p| super::requests::policy_allows(st, p, user)))
}

/// `accessPackages/filterByCurrentUser(on='allowedRequestor')`.
pub fn filter_packages(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let me = super::requests::current_user(ctx)?;
    if !ctx.arg(0).eq_ignore_ascii_case("allowedRequestor") {
        return Err(super::requests::bad_on(ctx.arg(0), &["allowedRequestor"]));
    }
    let mut out = Vec::new();
    for p in st.store.list(kind::ACCESS_PACKAGE, None)? {
        if may_request(st, &p.id, me)? {
            out.push(p.json);
        }
    }
    list(ctx, kind::ACCESS_PACKAGE, out)
}

/// `availableAccessPackages/{id}/resourceRoleScopes`: what a requestor would get.
/// Plain users see only packages they may request (others are 404).
pub fn available_role_scopes(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let pkg = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    if !ctx.who.can_read_all() && !ctx.who.user_id().is_some_and(|u| may_request(st, &pkg.id, u).unwrap_or(false)) {
        return Err(GraphError::new(404, "ResourceNotFound", format!("availableAccessPackage with id '{}' does not exist.", ctx.arg(0))));
    }
    let scopes = st.store.list(kind::ROLE_SCOPE, Some(&pkg.id))?.into_iter().map(|r| r.json).collect();
    list(ctx, kind::ROLE_SCOPE, scopes)
}

/// `getApplicablePolicyRequirements`: one requirements object per policy of the
/// package under which the subject (the caller, or beta/admin `subject.objectId`)
/// may request it.
pub fn applicable_policy_requirements(ctx: &Ctx) -> GraphResult<Reply> {
    use entitlement::api::ApiVersion;
    let st = ctx.st;
    let pkg = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let named = ctx.body.get("subject").map(|x| if s(x, "objectId").is_empty() { s(x, "id") } else { s(x, "objectId") }).filter(|x| !x.is_empty());
    let subject = match (named, ctx.who.user_id()) {
        (Some(n), Some(me)) if !n.eq_ignore_ascii_case(me) && !ctx.who.is_admin() => return Err(GraphError::forbidden()),
        (Some(n), _) => n.to_string(),
        (None, Some(me)) => me.to_string(),
        (None, None) => return Err(GraphError::missing("subject")),
    };
    let user = require(st, kind::USER, &subject)?;
    let requests: Vec<Value> = st
        .store
        .list(kind::REQUEST, None)?
        .into_iter()
        .map(|r| r.json)
        .filter(|r| s(r, "_targetId").eq_ignore_ascii_case(&user.id) && s(r, "_accessPackageId").eq_ignore_ascii_case(&pkg.id))
        .collect();
    let mut out = Vec::new();
    for p in policies_of(st, &pkg.id)? {
        if !super::requests::policy_allows(st, &p, &user.id) {
            continue;
        }
        let beta = p.get("_beta").cloned().unwrap_or(Value::Null);
        let ras = p.get("requestApprovalSettings").cloned().unwrap_or(Value::Null);
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        let justification = flag(&ras, "isRequestorJustificationRequired")
            || beta.get("requestApprovalSettings").is_some_and(|r| flag(r, "isRequestorJustificationRequired"));
        let mut questions = p.get("questions").filter(|q| q.is_array()).or_else(|| beta.get("questions").filter(|q| q.is_array())).cloned().unwrap_or(json!([]));
        if ctx.version == ApiVersion::Beta {
            questions = super::render::questions_to_beta(&questions);
        }
        let existing = requests
            .iter()
            .filter(|r| s(r, "_policyId").eq_ignore_ascii_case(s(&p, "id")))
            .filter_map(|r| r.get("answers").and_then(Value::as_array).filter(|a| !a.is_empty()).cloned())
            .next_back()
            .unwrap_or_default();
        let schedule = json!({"startDateTime": null, "recurrence": null, "expiration": p.get("expiration").cloned().unwrap_or(Value::Null)});
        let custom = p.get("requestorSettings").is_some_and(|r| flag(r, "allowCustomAssignmentSchedule"));
        let mut v = json!({
            "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestRequirements",
            "policyId": p.get("id"),
            "policyDisplayName": p.get("displayName"),
            "policyDescription": p.get("description"),
            "isRequestorJustificationRequired": justification,
            "questions": questions,
            "existingAnswers": existing,
            "schedule": schedule,
        });
        if ctx.version == ApiVersion::Beta {
            v["isApprovalRequired"] = json!(flag(&ras, "isApprovalRequiredForAdd"));
            v["isApprovalRequiredForExtension"] = json!(flag(&ras, "isApprovalRequiredForUpdate"));
            v["isCustomAssignmentScheduleAllowed"] = json!(custom);
        } else {
            v["isApprovalRequiredForAdd"] = json!(flag(&ras, "isApprovalRequiredForAdd"));
            v["isApprovalRequiredForUpdate"] = json!(flag(&ras, "isApprovalRequiredForUpdate"));
            v["allowCustomAssignmentSchedule"] = json!(custom);
        }
        out.push(v);
    }
    Reply::json(
        200,
        json!({
            "@odata.context": format!("{}/{}/$metadata#Collection(microsoft.graph.accessPackageAssignmentRequestRequirements)", st.base_url, ctx.version.as_str()),
            "value": out,
        }),
    )
}

/// Beta `accessPackageAssignmentResourceRoles`: the resource roles delivered by assignments.
fn assignment_resource_roles(st: &State) -> GraphResult<Vec<Value>> {
    let mut out = Vec::new();
    for a in st.store.list(kind::ASSIGNMENT, None)? {
        for r in a.json.get("_resourceRoles").and_then(Value::as_array).cloned().unwrap_or_default() {
            let mut r = r;
            if s(&a.json, "state") != "delivered" {
                r["status"] = json!("PendingFulfillment");
                if s(&a.json, "state") == "expired" {
                    continue;
                }
            }
            r["_assignmentId"] = json!(a.id);
            r["_targetId"] = json!(s(&a.json, "_targetId"));
            out.push(r);
        }
    }
    Ok(out)
}

pub fn list_assignment_resource_roles(ctx: &Ctx) -> GraphResult<Reply> {
    list(ctx, "accessPackageAssignmentResourceRole", assignment_resource_roles(ctx.st)?)
}

pub fn get_assignment_resource_role(ctx: &Ctx) -> GraphResult<Reply> {
    let id = ctx.arg(0);
    let r = assignment_resource_roles(ctx.st)?
        .into_iter()
        .find(|r| s(r, "id").eq_ignore_ascii_case(id))
        .ok_or_else(|| GraphError::new(404, "ResourceNotFound", format!("accessPackageAssignmentResourceRole with id '{id}' does not exist.")))?;
    entity(ctx, 200, "accessPackageAssignmentResourceRole", &r)
}

// ---------------------------------------------------------------- suggestions

/// Kind name of suggestion views (not stored).
pub const SUGGESTION: &str = "accessPackageSuggestion";
const SUGGESTION_ON: &[&str] = &["relatedPeopleAssignments", "assignmentHistory", "all"];

/// `accessPackageSuggestions/filterByCurrentUser(on='relatedPeopleAssignments,assignmentHistory'|'all')`.
///
/// Candidates are packages the caller may request and does not hold now. Reasons:
/// `assignmentHistory` counts the caller's past assignments of the package (last
/// start time); `relatedPeopleAssignments` counts "related people" holding it,
/// where related people are the users sharing a group with the caller (the
/// emulator has no org chart).
pub fn filter_suggestions(ctx: &Ctx) -> GraphResult<Reply> {
    use entitlement::api::ApiVersion;
    let st = ctx.st;
    let me = super::requests::current_user(ctx)?;
    let mut history = false;
    let mut related = false;
    for part in ctx.arg(0).split(',').map(str::trim) {
        match SUGGESTION_ON.iter().find(|x| x.eq_ignore_ascii_case(part)).copied() {
            Some("relatedPeopleAssignments") => related = true,
            Some("assignmentHistory") => history = true,
            Some(_) => (history, related) = (true, true),
            None => return Err(super::requests::bad_on(ctx.arg(0), SUGGESTION_ON)),
        }
    }
    let assignments: Vec<Value> = st.store.list(kind::ASSIGNMENT, None)?.into_iter().map(|r| r.json).collect();
    // Related people: co-members of any group the caller is in.
    let mut people: Vec<String> = Vec::new();
    if related {
        for g in st.store.list(kind::GROUP, None)? {
            let m = st.store.members(&g.id)?;
            if m.iter().any(|x| x.eq_ignore_ascii_case(me)) {
                people.extend(m.into_iter().filter(|x| !x.eq_ignore_ascii_case(me)).map(|x| x.to_ascii_lowercase()));
            }
        }
        people.sort();
        people.dedup();
    }
    let beta = ctx.version == ApiVersion::Beta;
    let mut out = Vec::new();
    for p in st.store.list(kind::ACCESS_PACKAGE, None)? {
        let of_pkg = |a: &&Value| s(a, "_accessPackageId").eq_ignore_ascii_case(&p.id);
        let mine: Vec<&Value> = assignments.iter().filter(of_pkg).filter(|a| s(a, "_targetId").eq_ignore_ascii_case(me)).collect();
        if mine.iter().any(|a| s(a, "state") == "delivered") || !may_request(st, &p.id, me)? {
            continue;
        }
        let mut reasons = Vec::new();
        if related {
            let mut holders: Vec<String> = assignments
                .iter()
                .filter(of_pkg)
                .filter(|a| s(a, "state") == "delivered" && people.contains(&s(a, "_targetId").to_ascii_lowercase()))
                .map(|a| s(a, "_targetId").to_ascii_lowercase())
                .collect();
            holders.sort();
            holders.dedup();
            if !holders.is_empty() {
                reasons.push(json!({"@odata.type": "#microsoft.graph.accessPackageSuggestionRelatedPeopleBased", "relatedPeopleAssignmentCount": holders.len()}));
            }
        }
        if history && !mine.is_empty() {
            let last = mine.iter().filter_map(|a| a.get("schedule").and_then(|x| x.get("startDateTime")).and_then(Value::as_str)).max().map(str::to_string);
            reasons.push(json!({"@odata.type": "#microsoft.graph.accessPackageSuggestionSelfAssignmentHistoryBased", "pastAssignmentCount": mine.len(), "lastAssignmentDateTime": last}));
        }
        if reasons.is_empty() {
            continue;
        }
        let available = json!({"id": p.id, "displayName": p.json.get("displayName"), "description": p.json.get("description")});
        let v = if beta {
            json!({"id": p.id, "accessPackageId": p.id, "accessPackageSuggestionReasons": reasons, "_accessPackage": available})
        } else {
            json!({"id": p.id, "reasons": reasons, "_accessPackage": available})
        };
        out.push(v);
    }
    // `$expand=accessPackage` (beta `availableAccessPackage`) resolves `_accessPackage` (nav.rs).
    list(ctx, SUGGESTION, out)
}
