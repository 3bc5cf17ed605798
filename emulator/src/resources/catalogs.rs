// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Catalogs and the resource requests that add groups to them.

use entitlement::api::ApiVersion;
use serde_json::{json, Value};

use super::collection::{entity, require};
use super::render::{camel, s};
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

/// Beta catalog body (`catalogType: "UserManaged"`, `catalogStatus: "Published"`) → v1.0 names.
fn catalog_body_to_v1(version: ApiVersion, body: &Value) -> Value {
    let mut body = body.clone();
    if let Some(m) = body.as_object_mut() {
        if version == ApiVersion::Beta {
            if let Some(t) = m.get("catalogType").and_then(Value::as_str).map(camel) {
                m.insert("catalogType".into(), json!(t));
            }
            if let Some(t) = m.remove("catalogStatus").and_then(|v| v.as_str().map(camel)) {
                m.insert("state".into(), json!(t));
            }
        }
    }
    body
}

pub fn create_catalog(ctx: &Ctx) -> GraphResult<Reply> {
    required_str(&ctx.body, "displayName")?;
    let mut body = catalog_body_to_v1(ctx.version, &ctx.body);
    if let Some(m) = body.as_object_mut() {
        m.remove("id");
    }
    let mut c = new_catalog(&body);
    let by = super::packages::actor(ctx.st, &ctx.who);
    c["_createdBy"] = json!(by);
    c["_modifiedBy"] = json!(by);
    ctx.st.store.put(kind::CATALOG, s(&c, "id"), None, &c)?;
    entity(ctx, 201, kind::CATALOG, &c)
}

/// PATCH a catalog (v1.0 or beta names); 204.
pub fn update_catalog(ctx: &Ctx) -> GraphResult<Reply> {
    let rec = require(ctx.st, kind::CATALOG, ctx.arg(0))?;
    let body = catalog_body_to_v1(ctx.version, &ctx.body);
    if body.get("displayName").is_some() {
        required_str(&body, "displayName")?;
    }
    let mut c = rec.json;
    for (k, v) in body.as_object().into_iter().flatten() {
        if k.contains('@') || matches!(k.as_str(), "id" | "createdDateTime" | "modifiedDateTime" | "createdBy" | "modifiedBy") {
            continue;
        }
        c[k] = v.clone();
    }
    c["modifiedDateTime"] = json!(now());
    c["_modifiedBy"] = json!(super::packages::actor(ctx.st, &ctx.who));
    ctx.st.store.put(kind::CATALOG, &rec.id, None, &c)?;
    Reply::no_content()
}

pub fn delete_catalog(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let cat = require(st, kind::CATALOG, ctx.arg(0))?;
    let has_packages = st.store.list(kind::ACCESS_PACKAGE, None)?.iter().any(|p| s(&p.json, "catalogId").eq_ignore_ascii_case(&cat.id));
    if has_packages {
        return Err(GraphError::bad_request("The catalog cannot be deleted because it contains access packages."));
    }
    for r in st.store.list(kind::RESOURCE, Some(&cat.id))? {
        for u in st.store.list(kind::UPLOAD_SESSION, Some(&r.id))? {
            st.store.delete(kind::UPLOAD_SESSION, &u.id)?;
        }
    }
    for k in [kind::RESOURCE_ROLE, kind::RESOURCE, kind::CUSTOM_EXTENSION, kind::LEGACY_EXTENSION] {
        for r in st.store.list(k, Some(&cat.id))? {
            st.store.delete(k, &r.id)?;
        }
    }
    st.store.delete(kind::CATALOG, &cat.id)?;
    Reply::no_content()
}

/// One role of a resource being onboarded: `(displayName, originId, description)`.
type RoleSpec = (String, String, Value);

/// Stores a resource and its roles in a catalog.
fn onboard(st: &State, catalog_id: &str, mut resource: Value, roles: Vec<RoleSpec>) -> GraphResult<Value> {
    let t = now();
    let res_id = new_id();
    let system = s(&resource, "originSystem").to_string();
    if let Some(m) = resource.as_object_mut() {
        m.insert("id".into(), json!(res_id));
        m.insert("createdDateTime".into(), json!(t));
        m.insert("modifiedDateTime".into(), json!(t));
        m.entry("attributes").or_insert(json!([]));
        m.insert("_catalogId".into(), json!(catalog_id));
    }
    st.store.put(kind::RESOURCE, &res_id, Some(catalog_id), &resource)?;
    for (name, origin, description) in roles {
        add_role(st, catalog_id, &res_id, &system, &name, &origin, description)?;
    }
    Ok(resource)
}

fn add_role(st: &State, catalog_id: &str, res_id: &str, system: &str, name: &str, origin: &str, description: Value) -> GraphResult<()> {
    let id = new_id();
    let r = json!({
        "id": id,
        "displayName": name,
        "description": description,
        "originSystem": system,
        "originId": origin,
        "_resourceId": res_id,
        "_catalogId": catalog_id,
    });
    st.store.put(kind::RESOURCE_ROLE, &id, Some(catalog_id), &r)?;
    Ok(())
}

fn group_roles(gid: &str) -> Vec<RoleSpec> {
    ["Owner", "Member"].iter().map(|r| (r.to_string(), format!("{r}_{gid}"), Value::Null)).collect()
}

/// Adds a directory group to a catalog: the resource and its Owner and Member roles.
pub fn onboard_group(st: &State, catalog_id: &str, group: &Value) -> GraphResult<Value> {
    let gid = s(group, "id");
    let resource = json!({
        "displayName": group.get("displayName"),
        "description": group.get("description"),
        "originId": gid,
        "originSystem": "AadGroup",
        "_resourceType": "Security Group",
        "_url": format!("https://account.activedirectory.windowsazure.com/r?tenantId=#/manageMembership?objectType=Group&objectId={gid}"),
    });
    onboard(st, catalog_id, resource, group_roles(gid))
}

/// The roles of an application: its service principal's app roles, or "Default Access".
fn app_roles(sp: &Value) -> Vec<RoleSpec> {
    let roles: Vec<RoleSpec> = sp
        .get("appRoles")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("isEnabled").and_then(Value::as_bool).unwrap_or(true))
        .map(|r| (s(r, "displayName").to_string(), s(r, "id").to_string(), r.get("description").cloned().unwrap_or(Value::Null)))
        .collect();
    if roles.is_empty() {
        vec![("Default Access".into(), "00000000-0000-0000-0000-000000000000".into(), Value::Null)]
    } else {
        roles
    }
}

fn onboard_application(st: &State, catalog_id: &str, sp: &Value) -> GraphResult<Value> {
    let resource = json!({
        "displayName": sp.get("displayName"),
        "description": sp.get("description").cloned().unwrap_or(Value::Null),
        "originId": sp.get("id"),
        "originSystem": "AadApplication",
        "_resourceType": "Application",
        "_url": format!("https://myapps.microsoft.com/signin/{}", s(sp, "appId")),
    });
    onboard(st, catalog_id, resource, app_roles(sp))
}

/// SharePoint Online site roles: the site's Owners, Members and Visitors groups (ids 3, 4, 5 as in SharePoint).
fn site_roles(title: &str) -> Vec<RoleSpec> {
    [("Owners", "3"), ("Members", "5"), ("Visitors", "4")]
        .iter()
        .map(|(r, id)| (format!("{title} {r}"), id.to_string(), Value::Null))
        .collect()
}

fn onboard_site(st: &State, catalog_id: &str, url: &str, given: &Value) -> GraphResult<Value> {
    let title = url.trim_end_matches('/').rsplit('/').next().unwrap_or(url).to_string();
    let name = match s(given, "displayName") {
        "" => title.clone(),
        x => x.to_string(),
    };
    let env = super::settings::environment_for_url(st, url)?;
    let resource = json!({
        "displayName": name,
        "description": given.get("description").cloned().unwrap_or(Value::Null),
        "originId": url,
        "originSystem": "SharePointOnline",
        "_resourceType": "SharePoint Online Site",
        "_url": url,
        "_environmentId": env.as_ref().map(|e| e["id"].clone()).unwrap_or(Value::Null),
    });
    onboard(st, catalog_id, resource, site_roles(&name))
}

/// `refresh`: re-reads the origin object (names, application roles); 200 without a body.
pub fn refresh_resource(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let cat = require(st, kind::CATALOG, ctx.arg(0))?;
    let res = require(st, kind::RESOURCE, ctx.arg(1))?;
    if !s(&res.json, "_catalogId").eq_ignore_ascii_case(&cat.id) {
        return Err(GraphError::new(404, "ResourceNotFound", format!("accessPackageResource with id '{}' does not exist in catalog '{}'.", res.id, cat.id)));
    }
    let mut c = res.json.clone();
    let origin = s(&res.json, "originId").to_string();
    match s(&res.json, "originSystem") {
        "AadGroup" => {
            if let Some(g) = st.store.get(kind::GROUP, &origin)? {
                c["displayName"] = g.json["displayName"].clone();
                c["description"] = g.json.get("description").cloned().unwrap_or(Value::Null);
            }
        }
        "AadApplication" => {
            if let Some(sp) = st.store.get(kind::SERVICE_PRINCIPAL, &origin)? {
                c["displayName"] = sp.json["displayName"].clone();
                let wanted = app_roles(&sp.json);
                let have: Vec<_> = st.store.list(kind::RESOURCE_ROLE, Some(&cat.id))?.into_iter().filter(|r| s(&r.json, "_resourceId") == res.id).collect();
                for (name, o, d) in &wanted {
                    match have.iter().find(|r| s(&r.json, "originId").eq_ignore_ascii_case(o)) {
                        Some(r) => {
                            let mut j = r.json.clone();
                            j["displayName"] = json!(name);
                            j["description"] = d.clone();
                            st.store.put(kind::RESOURCE_ROLE, &r.id, Some(&cat.id), &j)?;
                        }
                        None => add_role(st, &cat.id, &res.id, "AadApplication", name, o, d.clone())?,
                    }
                }
                for r in &have {
                    if !wanted.iter().any(|(_, o, _)| s(&r.json, "originId").eq_ignore_ascii_case(o)) && !role_in_use(st, &r.id)? {
                        st.store.delete(kind::RESOURCE_ROLE, &r.id)?;
                    }
                }
            }
        }
        _ => {}
    }
    c["modifiedDateTime"] = json!(now());
    st.store.put(kind::RESOURCE, &res.id, res.parent.as_deref(), &c)?;
    Ok(Reply { status: 200, body: None })
}

fn role_in_use(st: &State, role_id: &str) -> GraphResult<bool> {
    Ok(st.store.list(kind::ROLE_SCOPE, None)?.iter().any(|sc| s(&sc.json, "_roleId").eq_ignore_ascii_case(role_id)))
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
            if origin_id.is_empty() {
                return Err(GraphError::missing("originId"));
            }
            if existing.is_some() {
                return Err(GraphError::new(400, "ResourceAlreadyOnboarded", format!("The resource '{origin_id}' is already in the catalog.")));
            }
            let resource = if system.eq_ignore_ascii_case("AadGroup") {
                let group = st
                    .store
                    .get(kind::GROUP, origin_id)?
                    .ok_or_else(|| GraphError::new(404, "ResourceNotFound", format!("The group '{origin_id}' was not found in the directory.")))?;
                onboard_group(st, &catalog.id, &group.json)?
            } else if system.eq_ignore_ascii_case("AadApplication") {
                let sp = st.store.get(kind::SERVICE_PRINCIPAL, origin_id)?.ok_or_else(|| {
                    GraphError::new(404, "ResourceNotFound", format!("The application (service principal) '{origin_id}' was not found in the directory."))
                })?;
                onboard_application(st, &catalog.id, &sp.json)?
            } else if system.eq_ignore_ascii_case("SharePointOnline") {
                let lower = origin_id.to_ascii_lowercase();
                if !lower.starts_with("https://") || lower.len() <= "https://".len() {
                    return Err(GraphError::bad_request(format!("The originId '{origin_id}' is not a SharePoint Online site URL.")));
                }
                onboard_site(st, &catalog.id, origin_id, res)?
            } else {
                return Err(GraphError::bad_request(format!(
                    "The originSystem '{system}' is not supported; use AadGroup, AadApplication or SharePointOnline."
                )));
            };
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
