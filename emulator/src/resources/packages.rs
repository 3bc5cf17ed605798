// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Access packages and their resource role scopes.

use serde_json::{json, Value};

use super::collection::{entity, list, require};
use super::render::s;
use super::{ref_id, required_str};
use crate::auth::Principal;
use crate::error::{new_id, now, GraphError, GraphResult};
use crate::server::{Ctx, Reply, State};
use crate::store::kind;

/// `createdBy` text for the caller.
pub fn actor(st: &State, who: &Principal) -> String {
    match who {
        Principal::User { id, .. } => st
            .store
            .get(kind::USER, id)
            .ok()
            .flatten()
            .map(|u| s(&u.json, "userPrincipalName").to_string())
            .unwrap_or_else(|| id.clone()),
        Principal::App { client_id, .. } => st
            .store
            .get(kind::APPLICATION, client_id)
            .ok()
            .flatten()
            .map(|a| s(&a.json, "displayName").to_string())
            .unwrap_or_else(|| client_id.clone()),
    }
}

pub fn create_access_package(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let b = &ctx.body;
    let name = required_str(b, "displayName")?;
    let catalog_id = ref_id(b, "catalog", "catalogId").or_else(|| ref_id(b, "accessPackageCatalog", "catalogId")).ok_or_else(|| GraphError::missing("catalog"))?;
    let catalog = require(st, kind::CATALOG, catalog_id)?;
    let (t, by) = (now(), actor(st, &ctx.who));
    let id = new_id();
    let c = json!({
        "id": id,
        "catalogId": catalog.id,
        "displayName": name,
        "description": b.get("description").cloned().unwrap_or(Value::Null),
        "isHidden": b.get("isHidden").and_then(Value::as_bool).unwrap_or(false),
        "isRoleScopesVisible": b.get("isRoleScopesVisible").and_then(Value::as_bool).unwrap_or(false),
        "createdBy": by,
        "createdDateTime": t,
        "modifiedBy": by,
        "modifiedDateTime": t,
    });
    st.store.put(kind::ACCESS_PACKAGE, &id, None, &c)?;
    entity(ctx, 201, kind::ACCESS_PACKAGE, &c)
}

/// Assignments that still hold access (not expired or removed).
pub fn live_assignments(st: &State, field: &str, id: &str) -> GraphResult<usize> {
    Ok(st
        .store
        .list(kind::ASSIGNMENT, None)?
        .iter()
        .filter(|a| s(&a.json, field).eq_ignore_ascii_case(id) && !matches!(s(&a.json, "state"), "expired" | "deleted"))
        .count())
}

pub fn delete_access_package(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let pkg = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    if live_assignments(st, "_accessPackageId", &pkg.id)? > 0 {
        return Err(GraphError::new(
            400,
            "AccessPackageHasAssignments",
            "The access package cannot be deleted because it has active assignments. Remove all assignments first.",
        ));
    }
    for p in st.store.list(kind::POLICY, None)? {
        if s(&p.json, "_accessPackageId").eq_ignore_ascii_case(&pkg.id) {
            st.store.delete(kind::POLICY, &p.id)?;
        }
    }
    for sc in st.store.list(kind::ROLE_SCOPE, Some(&pkg.id))? {
        st.store.delete(kind::ROLE_SCOPE, &sc.id)?;
    }
    st.store.delete(kind::ACCESS_PACKAGE, &pkg.id)?;
    Reply::no_content()
}

/// Finds the catalog role a role-scope body names: by id, else by originId
/// (and resource), else by resource and display name.
fn find_role(st: &State, catalog_id: &str, role: &Value) -> GraphResult<Option<Value>> {
    let roles: Vec<Value> = st.store.list(kind::RESOURCE_ROLE, Some(catalog_id))?.into_iter().map(|r| r.json).collect();
    let rid = s(role, "id");
    if !rid.is_empty() {
        if let Some(r) = roles.iter().find(|r| s(r, "id").eq_ignore_ascii_case(rid)) {
            return Ok(Some(r.clone()));
        }
    }
    let res = role.get("resource").cloned().unwrap_or(Value::Null);
    let resource_ok = |r: &Value| -> bool {
        let (res_id, res_origin) = (s(&res, "id"), s(&res, "originId"));
        if res_id.is_empty() && res_origin.is_empty() {
            return true;
        }
        match st.store.get(kind::RESOURCE, s(r, "_resourceId")).ok().flatten() {
            Some(x) => (!res_id.is_empty() && x.id.eq_ignore_ascii_case(res_id)) || (!res_origin.is_empty() && s(&x.json, "originId").eq_ignore_ascii_case(res_origin)),
            None => false,
        }
    };
    let origin = s(role, "originId");
    if !origin.is_empty() {
        if let Some(r) = roles.iter().find(|r| s(r, "originId").eq_ignore_ascii_case(origin) && resource_ok(r)) {
            return Ok(Some(r.clone()));
        }
    }
    let name = s(role, "displayName");
    if !name.is_empty() && role.get("resource").is_some() {
        if let Some(r) = roles.iter().find(|r| s(r, "displayName").eq_ignore_ascii_case(name) && resource_ok(r)) {
            return Ok(Some(r.clone()));
        }
    }
    Ok(None)
}

pub fn create_role_scope(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let pkg = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let b = &ctx.body;
    let role = b.get("role").or_else(|| b.get("accessPackageResourceRole")).filter(|v| v.is_object()).ok_or_else(|| GraphError::missing("role"))?;
    let scope = b.get("scope").or_else(|| b.get("accessPackageResourceScope")).filter(|v| v.is_object()).ok_or_else(|| GraphError::missing("scope"))?;
    let found = find_role(st, s(&pkg.json, "catalogId"), role)?.ok_or_else(|| {
        GraphError::new(
            404,
            "ResourceNotFound",
            format!("The resource role '{}' was not found in the catalog of the access package.", s(role, "originId")),
        )
    })?;
    let resource = st.store.get(kind::RESOURCE, s(&found, "_resourceId"))?.map(|r| r.json).unwrap_or(Value::Null);
    let scope_id = match s(scope, "id") {
        "" => new_id(),
        x => x.to_string(),
    };
    // Graph names a role scope `{roleId}_{scopeId}`; the same role and scope
    // may be part of several access packages, so the stored key gets a suffix
    // when another package already uses the name.
    let base = format!("{}_{}", s(&found, "id"), scope_id);
    let mut id = base.clone();
    let mut n = 1;
    while let Some(existing) = st.store.get(kind::ROLE_SCOPE, &id)? {
        if existing.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&pkg.id)) {
            return Err(GraphError::new(409, "Conflict", "The resource role scope is already part of the access package."));
        }
        n += 1;
        id = format!("{base}_{n}");
    }
    let duplicate = st.store.list(kind::ROLE_SCOPE, Some(&pkg.id))?.into_iter().any(|r| r.id.starts_with(&base));
    if duplicate {
        return Err(GraphError::new(409, "Conflict", "The resource role scope is already part of the access package."));
    }
    let scope_origin = match s(scope, "originId") {
        "" => s(&resource, "originId").to_string(),
        x => x.to_string(),
    };
    let c = json!({
        "id": id,
        "createdDateTime": now(),
        "_createdBy": actor(st, &ctx.who),
        "_roleId": s(&found, "id"),
        "_scope": {
            "id": scope_id,
            "displayName": scope.get("displayName").cloned().unwrap_or(json!("Root")),
            "description": scope.get("description").cloned().unwrap_or(json!("Root Scope")),
            "originId": scope_origin,
            "originSystem": scope.get("originSystem").cloned().unwrap_or(json!("AadGroup")),
            "isRootScope": scope.get("isRootScope").cloned().unwrap_or(json!(true)),
        },
    });
    st.store.put(kind::ROLE_SCOPE, &id, Some(&pkg.id), &c)?;
    entity(ctx, 201, kind::ROLE_SCOPE, &c)
}

// ---------------------------------------------------------------- updates and moves

/// PATCH an access package: writable properties only; `catalogId` cannot change
/// here (moveToCatalog does that).
pub fn update_access_package(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let b = &ctx.body;
    if let Some(v) = b.get("displayName") {
        if !v.as_str().is_some_and(|x| !x.trim().is_empty()) {
            return Err(GraphError::bad_request("The property 'displayName' must be a non-empty string."));
        }
    }
    for key in ["isHidden", "isRoleScopesVisible"] {
        if b.get(key).is_some_and(|v| !v.is_boolean()) {
            return Err(GraphError::bad_request(format!("The property '{key}' must be a boolean.")));
        }
    }
    let new_catalog = ref_id(b, "catalog", "catalogId").or_else(|| ref_id(b, "accessPackageCatalog", "catalogId"));
    if new_catalog.is_some_and(|c| !c.eq_ignore_ascii_case(s(&rec.json, "catalogId"))) {
        return Err(GraphError::bad_request("The catalog of an access package cannot be changed by an update; use moveToCatalog."));
    }
    let mut c = rec.json;
    let mut patch = b.clone();
    if let Some(m) = patch.as_object_mut() {
        for k in ["catalogId", "catalog", "accessPackageCatalog", "createdBy", "createdDateTime", "modifiedBy", "modifiedDateTime"] {
            m.remove(k);
        }
    }
    super::collection::merge(&mut c, &patch);
    c["modifiedDateTime"] = json!(now());
    c["modifiedBy"] = json!(actor(st, &ctx.who));
    st.store.put(kind::ACCESS_PACKAGE, &rec.id, rec.parent.as_deref(), &c)?;
    Reply::no_content()
}

/// `moveToCatalog {catalogId}`: v1.0 answers 204, beta 200.
pub fn move_to_catalog(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let catalog = require(st, kind::CATALOG, required_str(&ctx.body, "catalogId")?)?;
    let mut c = rec.json;
    c["catalogId"] = json!(catalog.id);
    c["modifiedDateTime"] = json!(now());
    c["modifiedBy"] = json!(actor(st, &ctx.who));
    st.store.put(kind::ACCESS_PACKAGE, &rec.id, rec.parent.as_deref(), &c)?;
    Ok(Reply { status: ctx.op.status, body: None })
}

/// Removes a resource role scope; users with active assignments lose the group
/// memberships only that scope granted them.
pub fn delete_role_scope(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let pkg = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let id = ctx.arg(1);
    let scope = st
        .store
        .list(kind::ROLE_SCOPE, Some(&pkg.id))?
        .into_iter()
        .find(|r| r.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| GraphError::new(404, "ResourceNotFound", format!("accessPackageResourceRoleScope with id '{id}' does not exist in the access package.")))?;
    let before: Vec<String> = crate::lifecycle::granted_groups(st, &pkg.id)?.into_iter().map(|(g, _)| g).collect();
    st.store.delete(kind::ROLE_SCOPE, &scope.id)?;
    let after: Vec<String> = crate::lifecycle::granted_groups(st, &pkg.id)?.into_iter().map(|(g, _)| g).collect();
    let lost: Vec<&String> = before.iter().filter(|g| !after.iter().any(|a| a.eq_ignore_ascii_case(g))).collect();
    if !lost.is_empty() {
        let live: Vec<Value> = st.store.list(kind::ASSIGNMENT, None)?.into_iter().map(|r| r.json).filter(|a| s(a, "state") == "delivered").collect();
        for a in live.iter().filter(|a| s(a, "_accessPackageId").eq_ignore_ascii_case(&pkg.id)) {
            let target = s(a, "_targetId");
            for g in &lost {
                let mut still = false;
                for other in live.iter().filter(|o| s(o, "_targetId").eq_ignore_ascii_case(target) && !s(o, "_accessPackageId").eq_ignore_ascii_case(&pkg.id)) {
                    still |= crate::lifecycle::granted_groups(st, s(other, "_accessPackageId"))?.iter().any(|(x, _)| x.eq_ignore_ascii_case(g));
                }
                if !still {
                    st.store.remove_member(g, target)?;
                }
            }
        }
    }
    Reply::no_content()
}

// ---------------------------------------------------------------- incompatibility

fn id_list(c: &Value, key: &str) -> Vec<String> {
    c.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

const INCOMPATIBLE_PACKAGES: &str = "_incompatiblePackages";
const INCOMPATIBLE_GROUPS: &str = "_incompatibleGroups";

/// Why `user` may not get `pkg` (separation of duties), if they may not.
pub fn incompatibility(st: &State, pkg: &Value, user: &str) -> GraphResult<Option<String>> {
    let pid = s(pkg, "id");
    let mine = id_list(pkg, INCOMPATIBLE_PACKAGES);
    for a in st.store.list(kind::ASSIGNMENT, None)? {
        if s(&a.json, "state") != "delivered" || !s(&a.json, "_targetId").eq_ignore_ascii_case(user) {
            continue;
        }
        let held = s(&a.json, "_accessPackageId");
        let Some(other) = st.store.get(kind::ACCESS_PACKAGE, held)? else { continue };
        if mine.iter().any(|x| x.eq_ignore_ascii_case(held)) || id_list(&other.json, INCOMPATIBLE_PACKAGES).iter().any(|x| x.eq_ignore_ascii_case(pid)) {
            return Ok(Some(format!(
                "The target has an active assignment of access package '{}' ({}), which is incompatible with access package '{}'.",
                s(&other.json, "displayName"),
                other.id,
                s(pkg, "displayName")
            )));
        }
    }
    for g in id_list(pkg, INCOMPATIBLE_GROUPS) {
        if st.store.members(&g)?.iter().any(|m| m.eq_ignore_ascii_case(user)) {
            return Ok(Some(format!("The target is a member of group '{g}', which is incompatible with access package '{}'.", s(pkg, "displayName"))));
        }
    }
    Ok(None)
}

/// `(collection, id)` of an `@odata.id` URL under any host and version:
/// `https://graph.microsoft.com/v1.0/groups/{id}`, `/beta/…/accessPackages('{id}')`, a relative path.
fn parse_ref(body: &Value) -> GraphResult<(String, String)> {
    let raw = required_str(body, "@odata.id")?;
    let bad = || GraphError::bad_request(format!("The @odata.id '{raw}' is not a valid object reference."));
    let path = match raw.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map(|(_, p)| p).unwrap_or(""),
        None => raw,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|x| !x.is_empty()).collect();
    let last = *segs.last().ok_or_else(bad)?;
    let (coll, id) = match last.split_once('(') {
        Some((name, rest)) => (name.to_string(), rest.trim_end_matches(')').trim_matches(['\'', '"']).to_string()),
        None if segs.len() >= 2 => (segs[segs.len() - 2].to_string(), last.to_string()),
        None => return Err(bad()),
    };
    if id.is_empty() {
        return Err(bad());
    }
    Ok((coll, id))
}

pub fn add_incompatible_package(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let (coll, id) = parse_ref(&ctx.body)?;
    if !coll.eq_ignore_ascii_case("accessPackages") {
        return Err(GraphError::bad_request(format!("The @odata.id must reference an accessPackage, not '{coll}'.")));
    }
    let other = require(st, kind::ACCESS_PACKAGE, &id)?;
    if other.id.eq_ignore_ascii_case(&rec.id) {
        return Err(GraphError::bad_request("An access package cannot be incompatible with itself."));
    }
    add_ref(st, rec, INCOMPATIBLE_PACKAGES, "incompatibleAccessPackages", &other.id)
}

pub fn add_incompatible_group(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let (coll, id) = parse_ref(&ctx.body)?;
    if !coll.eq_ignore_ascii_case("groups") && !coll.eq_ignore_ascii_case("directoryObjects") {
        return Err(GraphError::bad_request(format!("The @odata.id must reference a group, not '{coll}'.")));
    }
    let group = require(st, kind::GROUP, &id)?;
    add_ref(st, rec, INCOMPATIBLE_GROUPS, "incompatibleGroups", &group.id)
}

fn add_ref(st: &State, rec: crate::store::Record, key: &str, prop: &str, id: &str) -> GraphResult<Reply> {
    let mut c = rec.json;
    let mut ids = id_list(&c, key);
    if ids.iter().any(|x| x.eq_ignore_ascii_case(id)) {
        return Err(GraphError::new(
            400,
            "BadRequest",
            format!("One or more added object references already exist for the following modified properties: '{prop}'."),
        ));
    }
    ids.push(id.to_string());
    c[key] = json!(ids);
    st.store.put(kind::ACCESS_PACKAGE, &rec.id, rec.parent.as_deref(), &c)?;
    Reply::no_content()
}

fn remove_ref(ctx: &Ctx, key: &str, what: &str) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let id = ctx.arg(1);
    let mut c = rec.json;
    let mut ids = id_list(&c, key);
    let before = ids.len();
    ids.retain(|x| !x.eq_ignore_ascii_case(id));
    if ids.len() == before {
        return Err(GraphError::new(404, "ResourceNotFound", format!("{what} '{id}' is not incompatible with access package '{}'.", rec.id)));
    }
    c[key] = json!(ids);
    st.store.put(kind::ACCESS_PACKAGE, &rec.id, rec.parent.as_deref(), &c)?;
    Reply::no_content()
}

pub fn remove_incompatible_package(ctx: &Ctx) -> GraphResult<Reply> {
    remove_ref(ctx, INCOMPATIBLE_PACKAGES, "Access package")
}

pub fn remove_incompatible_group(ctx: &Ctx) -> GraphResult<Reply> {
    remove_ref(ctx, INCOMPATIBLE_GROUPS, "Group")
}

pub fn list_incompatible_packages(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let mut out = Vec::new();
    for id in id_list(&rec.json, INCOMPATIBLE_PACKAGES) {
        if let Some(p) = st.store.get(kind::ACCESS_PACKAGE, &id)? {
            out.push(p.json);
        }
    }
    list(ctx, kind::ACCESS_PACKAGE, out)
}

/// The reverse direction: packages that name this one as incompatible.
pub fn list_incompatible_with(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let out = st
        .store
        .list(kind::ACCESS_PACKAGE, None)?
        .into_iter()
        .map(|r| r.json)
        .filter(|p| id_list(p, INCOMPATIBLE_PACKAGES).iter().any(|x| x.eq_ignore_ascii_case(&rec.id)))
        .collect();
    list(ctx, kind::ACCESS_PACKAGE, out)
}

pub fn list_incompatible_groups(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let rec = require(st, kind::ACCESS_PACKAGE, ctx.arg(0))?;
    let mut out = Vec::new();
    for id in id_list(&rec.json, INCOMPATIBLE_GROUPS) {
        if let Some(g) = st.store.get(kind::GROUP, &id)? {
            out.push(g.json);
        }
    }
    list(ctx, kind::GROUP, out)
}

// ---------------------------------------------------------------- end-user views

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
