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
    let id = format!("{}_{}", s(&found, "id"), scope_id);
    if st.store.get(kind::ROLE_SCOPE, &id)?.is_some() {
        return Err(GraphError::new(409, "Conflict", "The resource role scope is already part of the access package."));
    }
    let scope_origin = match s(scope, "originId") {
        "" => s(&resource, "originId").to_string(),
        x => x.to_string(),
    };
    let c = json!({
        "id": id,
        "createdDateTime": now(),
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
