// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Catalogs and the resource requests that add groups to them.

use serde_json::{json, Value};

use super::collection::{entity, require};
use super::render::s;
use super::{ref_id, required_str};
use crate::error::{new_id, now, GraphError, GraphResult};
use crate::server::{Ctx, Reply, State};
use crate::store::kind;

pub fn new_catalog(body: &Value) -> Value {
    let t = now();
    json!({
        "id": body.get("id").and_then(Value::as_str).map(str::to_string).unwrap_or_else(new_id),
        "displayName": body.get("displayName"),
        "description": body.get("description"),
        "catalogType": body.get("catalogType").and_then(Value::as_str).unwrap_or("userManaged"),
        "state": body.get("state").and_then(Value::as_str).unwrap_or("published"),
        "isExternallyVisible": body.get("isExternallyVisible").and_then(Value::as_bool).unwrap_or(false),
        "createdDateTime": body.get("createdDateTime").cloned().unwrap_or(json!(t)),
        "modifiedDateTime": body.get("modifiedDateTime").cloned().unwrap_or(json!(t)),
    })
}

pub fn create_catalog(ctx: &Ctx) -> GraphResult<Reply> {
    required_str(&ctx.body, "displayName")?;
    let mut body = ctx.body.clone();
    if let Some(m) = body.as_object_mut() {
        m.remove("id");
    }
    let c = new_catalog(&body);
    ctx.st.store.put(kind::CATALOG, s(&c, "id"), None, &c)?;
    entity(ctx, 201, kind::CATALOG, &c)
}

pub fn delete_catalog(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let cat = require(st, kind::CATALOG, ctx.arg(0))?;
    let has_packages = st.store.list(kind::ACCESS_PACKAGE, None)?.iter().any(|p| s(&p.json, "catalogId").eq_ignore_ascii_case(&cat.id));
    if has_packages {
        return Err(GraphError::bad_request("The catalog cannot be deleted because it contains access packages."));
    }
    for k in [kind::RESOURCE_ROLE, kind::RESOURCE] {
        for r in st.store.list(k, Some(&cat.id))? {
            st.store.delete(k, &r.id)?;
        }
    }
    st.store.delete(kind::CATALOG, &cat.id)?;
    Reply::no_content()
}

/// Adds a directory group to a catalog: the resource and its Owner and Member roles.
pub fn onboard_group(st: &State, catalog_id: &str, group: &Value) -> GraphResult<Value> {
    let t = now();
    let gid = s(group, "id");
    let res_id = new_id();
    let resource = json!({
        "id": res_id,
        "displayName": group.get("displayName"),
        "description": group.get("description"),
        "originId": gid,
        "originSystem": "AadGroup",
        "createdDateTime": t,
        "modifiedDateTime": t,
        "attributes": [],
        "_catalogId": catalog_id,
    });
    st.store.put(kind::RESOURCE, &res_id, Some(catalog_id), &resource)?;
    for role in ["Owner", "Member"] {
        let id = new_id();
        let r = json!({
            "id": id,
            "displayName": role,
            "description": null,
            "originSystem": "AadGroup",
            "originId": format!("{role}_{gid}"),
            "_resourceId": res_id,
            "_catalogId": catalog_id,
        });
        st.store.put(kind::RESOURCE_ROLE, &id, Some(catalog_id), &r)?;
    }
    Ok(resource)
}

pub fn create_resource_request(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let b = &ctx.body;
    let request_type = required_str(b, "requestType")?.to_ascii_lowercase();
    let catalog_id = ref_id(b, "catalog", "catalogId").ok_or_else(|| GraphError::missing("catalogId"))?;
    let catalog = require(st, kind::CATALOG, catalog_id)?;
    let res = b
        .get("resource")
        .or_else(|| b.get("accessPackageResource"))
        .filter(|v| v.is_object())
        .ok_or_else(|| GraphError::missing("resource"))?;
    let origin_id = s(res, "originId");
    let existing = st
        .store
        .list(kind::RESOURCE, Some(&catalog.id))?
        .into_iter()
        .find(|r| (!origin_id.is_empty() && s(&r.json, "originId").eq_ignore_ascii_case(origin_id)) || (!s(res, "id").is_empty() && r.id.eq_ignore_ascii_case(s(res, "id"))));
    let (canonical_type, resource_id) = match request_type.as_str() {
        "adminadd" => {
            let system = s(res, "originSystem");
            if !system.eq_ignore_ascii_case("AadGroup") {
                return Err(GraphError::bad_request(format!("The originSystem '{system}' is not supported; only AadGroup resources can be added.")));
            }
            if origin_id.is_empty() {
                return Err(GraphError::missing("originId"));
            }
            if existing.is_some() {
                return Err(GraphError::new(400, "ResourceAlreadyOnboarded", format!("The resource '{origin_id}' is already in the catalog.")));
            }
            let group = st
                .store
                .get(kind::GROUP, origin_id)?
                .ok_or_else(|| GraphError::new(404, "ResourceNotFound", format!("The group '{origin_id}' was not found in the directory.")))?;
            let resource = onboard_group(st, &catalog.id, &group.json)?;
            ("adminAdd", s(&resource, "id").to_string())
        }
        "adminremove" => {
            let r = existing.ok_or_else(|| GraphError::new(404, "ResourceNotFound", "The resource was not found in the catalog."))?;
            let in_use = st.store.list(kind::ROLE_SCOPE, None)?.into_iter().any(|sc| {
                st.store.get(kind::RESOURCE_ROLE, s(&sc.json, "_roleId")).ok().flatten().is_some_and(|role| s(&role.json, "_resourceId") == r.id)
            });
            if in_use {
                return Err(GraphError::new(
                    400,
                    "InvalidDeleteResourceHasEntitlements",
                    format!("The resource: {} can not be deleted because there are active entitlements.", s(&r.json, "displayName")),
                ));
            }
            for role in st.store.list(kind::RESOURCE_ROLE, Some(&catalog.id))? {
                if s(&role.json, "_resourceId") == r.id {
                    st.store.delete(kind::RESOURCE_ROLE, &role.id)?;
                }
            }
            st.store.delete(kind::RESOURCE, &r.id)?;
            ("adminRemove", r.id)
        }
        other => return Err(GraphError::bad_request(format!("The requestType '{other}' is not supported."))),
    };
    let id = new_id();
    let c = json!({
        "id": id,
        "requestType": canonical_type,
        "state": "delivered",
        "requestState": "Delivered",
        "requestStatus": "Fulfilled",
        "catalogId": catalog.id,
        "justification": b.get("justification").cloned().unwrap_or(Value::Null),
        "createdDateTime": now(),
        "_resourceId": resource_id,
    });
    st.store.put(kind::RESOURCE_REQUEST, &id, None, &c)?;
    entity(ctx, 201, kind::RESOURCE_REQUEST, &c)
}
