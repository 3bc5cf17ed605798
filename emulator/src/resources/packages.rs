// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Access packages and their resource role scopes.

use serde_json::{json, Value};

use super::collection::{entity, require};
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
        if v.as_str().is_none_or(|x| x.trim().is_empty()) {
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
