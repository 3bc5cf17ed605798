// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Tenant settings, end-user settings, subjects, resource environments and external origin resource connectors.

use entitlement::api::ApiVersion;
use serde_json::{json, Map, Value};

use super::collection::{self, entity, require};
use super::packages::actor;
use super::render::{pascal, s, strip_internal};
use super::required_str;
use crate::error::{new_id, now, GraphError, GraphResult};
use crate::server::validate::{canonical_enum, cannot_convert};
use crate::server::{Ctx, Reply, State};
use crate::store::kind;

const SETTINGS_ID: &str = "singleton";
const END_USER_SETTINGS_ID: &str = "endUserSettings";

/// Documented defaults: external users are blocked and deleted 30 days after their last assignment ends.
fn default_settings() -> Value {
    json!({
        "id": SETTINGS_ID,
        "externalUserLifecycleAction": "blockSignInAndDelete",
        "durationUntilExternalUserDeletedAfterBlocked": "P30D",
    })
}

fn load_or(st: &State, id: &str, default: impl FnOnce() -> Value) -> GraphResult<Value> {
    Ok(st.store.get(kind::SETTINGS, id)?.map(|r| r.json).unwrap_or_else(default))
}

/// A singleton body: `@odata.context` of the path, no `$entity`.
fn singleton(ctx: &Ctx, v: Map<String, Value>) -> GraphResult<Reply> {
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(ctx.context(false)));
    body.extend(v);
    Reply::json(200, Value::Object(body))
}

fn days(d: &str) -> Option<i64> {
    d.strip_prefix('P')?.strip_suffix('D')?.parse().ok()
}

pub fn get_settings(ctx: &Ctx) -> GraphResult<Reply> {
    let c = load_or(ctx.st, SETTINGS_ID, default_settings)?;
    let mut out = strip_internal(&c);
    if ctx.version == ApiVersion::Beta {
        out.remove("id");
        let action = out.remove("externalUserLifecycleAction").and_then(|v| v.as_str().map(pascal)).unwrap_or_default();
        out.insert("externalUserLifecycleAction".into(), json!(action));
        let d = out.remove("durationUntilExternalUserDeletedAfterBlocked");
        out.insert("daysUntilExternalUserDeletedAfterBlocked".into(), json!(d.as_ref().and_then(Value::as_str).and_then(days).unwrap_or(0)));
    }
    singleton(ctx, out)
}

pub fn update_settings(ctx: &Ctx) -> GraphResult<Reply> {
    let mut c = load_or(ctx.st, SETTINGS_ID, default_settings)?;
    let b = &ctx.body;
    if let Some(a) = b.get("externalUserLifecycleAction").filter(|v| !v.is_null()) {
        let v = a.as_str().and_then(|x| canonical_enum(ApiVersion::V1, "accessPackageExternalUserLifecycleAction", x));
        let v = v.ok_or_else(|| cannot_convert(a, "microsoft.graph.accessPackageExternalUserLifecycleAction"))?;
        c["externalUserLifecycleAction"] = json!(v);
    }
    if let Some(d) = b.get("durationUntilExternalUserDeletedAfterBlocked").filter(|v| !v.is_null()) {
        c["durationUntilExternalUserDeletedAfterBlocked"] = d.clone();
    }
    if let Some(d) = b.get("daysUntilExternalUserDeletedAfterBlocked").filter(|v| !v.is_null()) {
        let n = d.as_i64().filter(|n| *n >= 0).ok_or_else(|| cannot_convert(d, "Edm.Int64"))?;
        c["durationUntilExternalUserDeletedAfterBlocked"] = json!(format!("P{n}D"));
    }
    ctx.st.store.put(kind::SETTINGS, SETTINGS_ID, None, &c)?;
    Reply::no_content()
}

fn default_end_user_settings() -> Value {
    json!({"relatedPeopleInsightLevel": "countAndNames", "showApproverDetailsToMembers": true})
}

pub fn get_end_user_settings(ctx: &Ctx) -> GraphResult<Reply> {
    let c = load_or(ctx.st, END_USER_SETTINGS_ID, default_end_user_settings)?;
    singleton(ctx, strip_internal(&c))
}

/// PUT: the whole object is replaced; properties left out take their defaults.
pub fn replace_end_user_settings(ctx: &Ctx) -> GraphResult<Reply> {
    let mut c = default_end_user_settings();
    for (k, v) in ctx.body.as_object().into_iter().flatten() {
        if k.contains('@') || k == "id" || v.is_null() {
            continue;
        }
        let v = match (k.as_str(), v.as_str()) {
            ("relatedPeopleInsightLevel", Some(x)) => {
                json!(canonical_enum(ApiVersion::V1, "accessPackageSuggestionRelatedPeopleInsightLevel", x).unwrap_or_else(|| x.to_string()))
            }
            _ => v.clone(),
        };
        c[k] = v;
    }
    ctx.st.store.put(kind::SETTINGS, END_USER_SETTINGS_ID, None, &c)?;
    singleton(ctx, strip_internal(&c))
}

// ---- subjects

fn subject_state(st: &State, object_id: &str) -> GraphResult<Value> {
    Ok(st.store.get(kind::SUBJECT, object_id)?.map(|r| r.json).unwrap_or(Value::Null))
}

/// The directory object behind a subject (user or service principal), or 404.
fn subject_object(st: &State, object_id: &str) -> GraphResult<(&'static str, Value)> {
    for k in [kind::USER, kind::SERVICE_PRINCIPAL] {
        if let Some(r) = st.store.get(k, object_id)? {
            return Ok((k, r.json));
        }
    }
    Err(GraphError::new(404, "ResourceNotFound", format!("accessPackageSubject with objectId '{object_id}' does not exist.")))
}

/// The connected organization of a subject: set explicitly on the subject,
/// else the one whose identity sources claim the user's mail/UPN domain.
pub fn subject_connected_organization(st: &State, object_id: &str) -> GraphResult<Option<Value>> {
    if object_id.is_empty() {
        return Ok(None);
    }
    let state = subject_state(st, object_id)?;
    let explicit = s(&state, "_connectedOrganizationId");
    if !explicit.is_empty() {
        return Ok(st.store.get(kind::CONNECTED_ORG, explicit)?.map(|r| r.json));
    }
    let Some(user) = st.store.get(kind::USER, object_id)? else { return Ok(None) };
    let addr = if s(&user.json, "mail").is_empty() { s(&user.json, "userPrincipalName") } else { s(&user.json, "mail") };
    let domain = addr.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    super::directory::organization_for_domain(st, domain)
}

fn render_subject(st: &State, version: ApiVersion, object_id: &str) -> GraphResult<Value> {
    let (k, obj) = subject_object(st, object_id)?;
    let state = subject_state(st, object_id)?;
    let lifecycle = state.get("subjectLifecycle").and_then(Value::as_str).unwrap_or("notDefined").to_string();
    let org = subject_connected_organization(st, object_id)?;
    let is_user = k == kind::USER;
    let (name, email) = if is_user {
        (obj.get("userPrincipalName").cloned().unwrap_or(Value::Null), obj.get("mail").cloned().unwrap_or(Value::Null))
    } else {
        (obj.get("appId").cloned().unwrap_or(Value::Null), Value::Null)
    };
    let id = s(&obj, "id");
    Ok(match version {
        ApiVersion::V1 => json!({
            "id": id,
            "objectId": id,
            "displayName": obj.get("displayName"),
            "principalName": name,
            "email": email,
            "onPremisesSecurityIdentifier": null,
            "subjectType": if is_user { "user" } else { "servicePrincipal" },
            "subjectLifecycle": lifecycle,
        }),
        ApiVersion::Beta => json!({
            "connectedOrganizationId": org.as_ref().map(|o| o["id"].clone()).unwrap_or(Value::Null),
            "id": id,
            "objectId": id,
            "altSecId": null,
            "displayName": obj.get("displayName"),
            "principalName": name,
            "email": email,
            "onPremisesSecurityIdentifier": null,
            "type": if is_user { "User" } else { "ServicePrincipal" },
            "subjectLifecycle": lifecycle,
        }),
    })
}

pub fn get_subject(ctx: &Ctx) -> GraphResult<Reply> {
    let v = render_subject(ctx.st, ctx.version, ctx.arg(0))?;
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(format!("{}/{}/$metadata#identityGovernance/entitlementManagement/subjects/$entity", ctx.st.base_url, ctx.version.as_str())),
    );
    if let Value::Object(m) = v {
        body.extend(m);
    }
    Reply::json(200, Value::Object(body))
}

/// PATCH `subjects(objectId='…')`: `subjectLifecycle`, and the connected
/// organization (`connectedOrganization: {id}` or beta `connectedOrganizationId`).
pub fn update_subject(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let (_, obj) = subject_object(st, ctx.arg(0))?;
    let id = s(&obj, "id").to_string();
    let mut state = match subject_state(st, &id)? {
        Value::Object(m) => Value::Object(m),
        _ => json!({"id": id}),
    };
    let b = &ctx.body;
    if let Some(l) = b.get("subjectLifecycle").filter(|v| !v.is_null()) {
        let v = l.as_str().and_then(|x| canonical_enum(ApiVersion::V1, "accessPackageSubjectLifecycle", x));
        state["subjectLifecycle"] = json!(v.ok_or_else(|| cannot_convert(l, "microsoft.graph.accessPackageSubjectLifecycle"))?);
    }
    let org = super::ref_id(b, "connectedOrganization", "connectedOrganizationId");
    if let Some(org) = org {
        let o = require(st, kind::CONNECTED_ORG, org)?;
        state["_connectedOrganizationId"] = json!(o.id);
    } else if b.get("connectedOrganizationId").is_some_and(Value::is_null) {
        state["_connectedOrganizationId"] = Value::Null;
    }
    st.store.put(kind::SUBJECT, &id, None, &state)?;
    Reply::no_content()
}

// ---- resource environments

/// `(root site URL, admin URL, geography)` of the built-in SharePoint Online environments.
pub const SHAREPOINT_ENVIRONMENTS: &[(&str, &str, &str, &str)] = &[
    ("615f2218-678f-471f-a60a-02c2f4f80c57", "https://contoso.sharepoint.com/", "https://contoso-admin.sharepoint.com/", ""),
    ("0d7a3c29-5b8e-4f61-9a2d-7c4e1b6f3a80", "https://contosoeur.sharepoint.com/", "https://contosoeur-admin.sharepoint.com/", "EUR"),
    ("b4e19f52-2c7d-4a3b-8e6f-5d1a9c0b7e21", "https://contosoapc.sharepoint.com/", "https://contosoapc-admin.sharepoint.com/", "APC"),
];

pub fn environment_record(id: &str, root: &str, admin: &str, geo: &str, default: bool) -> Value {
    json!({
        "id": id,
        "displayName": root,
        "description": format!("GeoLocation: {geo}, RootSiteUrl: {root}, TenantAdminUrl: {admin}"),
        "originSystem": "SharePointOnline",
        "originId": admin,
        "isDefaultEnvironment": default,
        "connectionInfo": {"url": admin},
        "createdDateTime": "2023-04-13T14:43:19.440Z",
        "modifiedDateTime": "2023-04-13T14:43:19.440Z",
    })
}

/// The environment a SharePoint site URL lives in (by host).
pub fn environment_for_url(st: &State, url: &str) -> GraphResult<Option<Value>> {
    let host = |u: &str| u.split_once("://").map(|(_, r)| r.split('/').next().unwrap_or("").to_ascii_lowercase()).unwrap_or_default();
    let h = host(url);
    Ok(st.store.list(kind::RESOURCE_ENVIRONMENT, None)?.into_iter().map(|r| r.json).find(|e| host(s(e, "displayName")) == h && !h.is_empty()))
}

pub fn list_environments(ctx: &Ctx) -> GraphResult<Reply> {
    let records = ctx.st.store.list(kind::RESOURCE_ENVIRONMENT, None)?.into_iter().map(|r| r.json).collect();
    collection::list(ctx, kind::RESOURCE_ENVIRONMENT, records)
}

pub fn get_environment(ctx: &Ctx) -> GraphResult<Reply> {
    let rec = require(ctx.st, kind::RESOURCE_ENVIRONMENT, ctx.arg(0))?;
    entity(ctx, 200, kind::RESOURCE_ENVIRONMENT, &rec.json)
}

// ---- external origin resource connectors

const CONNECTOR_TYPE: &str = "#microsoft.graph.externalOriginResourceConnector";

fn connector_fields(c: &mut Value, b: &Value) {
    for (k, v) in b.as_object().into_iter().flatten() {
        if k.contains('@') || matches!(k.as_str(), "id" | "createdBy" | "createdDateTime" | "modifiedBy" | "modifiedDateTime") {
            continue;
        }
        let v = match (k.as_str(), v.as_str()) {
            ("connectorType", Some(x)) => json!(canonical_enum(ApiVersion::V1, "connectorType", x).unwrap_or_else(|| x.to_string())),
            _ => v.clone(),
        };
        c[k] = v;
    }
}

pub fn create_connector(ctx: &Ctx) -> GraphResult<Reply> {
    let b = &ctx.body;
    required_str(b, "displayName")?;
    required_str(b, "connectorType")?;
    let id = new_id();
    let mut c = json!({
        "@odata.type": CONNECTOR_TYPE,
        "id": id,
        "displayName": null,
        "description": null,
        "connectorType": null,
        "connectionInfo": null,
        "createdBy": actor(ctx.st, &ctx.who),
        "createdDateTime": now(),
        "modifiedBy": null,
        "modifiedDateTime": null,
    });
    connector_fields(&mut c, b);
    ctx.st.store.put(kind::CONNECTOR, &id, None, &c)?;
    entity(ctx, 201, kind::CONNECTOR, &c)
}

/// PATCH answers 200 with the updated connector (as documented).
pub fn update_connector(ctx: &Ctx) -> GraphResult<Reply> {
    let rec = require(ctx.st, kind::CONNECTOR, ctx.arg(0))?;
    let mut c = rec.json;
    if ctx.body.get("displayName").is_some() {
        required_str(&ctx.body, "displayName")?;
    }
    connector_fields(&mut c, &ctx.body);
    c["modifiedBy"] = json!(actor(ctx.st, &ctx.who));
    c["modifiedDateTime"] = json!(now());
    ctx.st.store.put(kind::CONNECTOR, &rec.id, None, &c)?;
    entity(ctx, 200, kind::CONNECTOR, &c)
}
