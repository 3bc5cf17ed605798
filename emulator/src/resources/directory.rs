// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Connected organizations, their identity sources and internal/external sponsors.
//!
//! Canonical record: the v1.0 shape plus `createdBy`/`modifiedBy` (beta only)
//! and the sponsors as `_internalSponsors` / `_externalSponsors` (directory
//! object ids, users or groups).

use entitlement::api::ApiVersion;
use serde_json::{json, Value};

use super::collection::{self, entity, require};
use super::packages::actor;
use super::render::{render, s};
use super::required_str;
use crate::error::{new_id, now, GraphError, GraphResult};
use crate::server::{Ctx, Reply, State};
use crate::store::kind;

/// Identity source types a connected organization accepts.
const IDENTITY_SOURCES: &[&str] = &[
    "azureActiveDirectoryTenant",
    "crossCloudAzureActiveDirectoryTenant",
    "domainIdentitySource",
    "externalDomainFederation",
    "socialIdentitySource",
];

/// Checks and normalizes `identitySources` (`@odata.type` required, `#microsoft.graph.` prefix).
fn identity_sources(v: &Value) -> GraphResult<Value> {
    let Some(items) = v.as_array() else {
        return Err(GraphError::missing("identitySources"));
    };
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let t = crate::server::validate::short_type(s(it, "@odata.type")).to_string();
        let Some(known) = IDENTITY_SOURCES.iter().find(|x| x.eq_ignore_ascii_case(&t)) else {
            return Err(GraphError::bad_request(format!(
                "The identity source type '{}' is not supported; use one of: {}.",
                s(it, "@odata.type"),
                IDENTITY_SOURCES.join(", ")
            )));
        };
        let mut m = it.as_object().cloned().unwrap_or_default();
        m.insert("@odata.type".into(), json!(format!("#microsoft.graph.{known}")));
        let need = match *known {
            "domainIdentitySource" | "externalDomainFederation" => Some("domainName"),
            "azureActiveDirectoryTenant" | "crossCloudAzureActiveDirectoryTenant" => Some("tenantId"),
            _ => None,
        };
        // Documented v1.0 responses show tenants without `tenantId`; only domains are required.
        if need == Some("domainName") && s(it, "domainName").is_empty() {
            return Err(GraphError::missing("domainName"));
        }
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

fn state(v: Option<&Value>) -> GraphResult<Option<&'static str>> {
    match v.and_then(Value::as_str) {
        None => Ok(None),
        Some(x) if x.eq_ignore_ascii_case("configured") => Ok(Some("configured")),
        Some(x) if x.eq_ignore_ascii_case("proposed") => Ok(Some("proposed")),
        Some(x) => Err(crate::server::validate::cannot_convert(&json!(x), "microsoft.graph.connectedOrganizationState")),
    }
}

pub fn create(ctx: &Ctx) -> GraphResult<Reply> {
    let b = &ctx.body;
    let name = required_str(b, "displayName")?;
    let sources = identity_sources(b.get("identitySources").unwrap_or(&Value::Null))?;
    let st = state(b.get("state"))?.unwrap_or("configured");
    let t = now();
    let by = actor(ctx.st, &ctx.who);
    let id = new_id();
    let c = json!({
        "id": id,
        "displayName": name,
        "description": b.get("description").cloned().unwrap_or(Value::Null),
        "identitySources": sources,
        "state": st,
        "createdBy": by,
        "createdDateTime": t,
        "modifiedBy": by,
        "modifiedDateTime": t,
        "_internalSponsors": [],
        "_externalSponsors": [],
    });
    ctx.st.store.put(kind::CONNECTED_ORG, &id, None, &c)?;
    entity(ctx, 201, kind::CONNECTED_ORG, &c)
}

pub fn update(ctx: &Ctx) -> GraphResult<Reply> {
    let rec = require(ctx.st, kind::CONNECTED_ORG, ctx.arg(0))?;
    let b = &ctx.body;
    let mut c = rec.json;
    if let Some(n) = b.get("displayName") {
        if n.as_str().is_none_or(|x| x.trim().is_empty()) {
            return Err(GraphError::missing("displayName"));
        }
        c["displayName"] = n.clone();
    }
    if let Some(d) = b.get("description") {
        c["description"] = d.clone();
    }
    if let Some(st) = state(b.get("state"))? {
        c["state"] = json!(st);
    }
    if let Some(src) = b.get("identitySources") {
        c["identitySources"] = identity_sources(src)?;
    }
    c["modifiedDateTime"] = json!(now());
    c["modifiedBy"] = json!(actor(ctx.st, &ctx.who));
    ctx.st.store.put(kind::CONNECTED_ORG, &rec.id, None, &c)?;
    // v1.0 answers 202 Accepted with the object (as documented), beta 204.
    if ctx.op.status == 204 {
        return Reply::no_content();
    }
    Reply::json(ctx.op.status, render(ctx.version, kind::CONNECTED_ORG, &c))
}

pub fn delete(ctx: &Ctx) -> GraphResult<Reply> {
    let rec = require(ctx.st, kind::CONNECTED_ORG, ctx.arg(0))?;
    ctx.st.store.delete(kind::CONNECTED_ORG, &rec.id)?;
    Reply::no_content()
}

fn field(external: bool) -> &'static str {
    if external {
        "_externalSponsors"
    } else {
        "_internalSponsors"
    }
}

fn prop(external: bool) -> &'static str {
    if external {
        "externalSponsors"
    } else {
        "internalSponsors"
    }
}

/// A directory object (user or group) by id, with its kind.
pub fn directory_object(st: &State, id: &str) -> GraphResult<Option<(&'static str, Value)>> {
    for k in [kind::USER, kind::GROUP] {
        if let Some(r) = st.store.get(k, id)? {
            return Ok(Some((k, r.json)));
        }
    }
    Ok(None)
}

fn not_found_object(id: &str) -> GraphError {
    GraphError::new(
        404,
        "ResourceNotFound",
        format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

/// `(collection, id)` of an `@odata.id` such as `https://graph.microsoft.com/v1.0/users/{id}`
/// (any host and version; `users`, `groups` or `directoryObjects`).
pub fn parse_ref(url: &str) -> Option<(&'static str, String)> {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map(|(_, p)| p).unwrap_or(""),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = path.split('/').filter(|x| !x.is_empty()).collect();
    if segs.len() < 2 {
        return None;
    }
    let (coll, id) = (segs[segs.len() - 2], segs[segs.len() - 1]);
    // Any leading segments must be a version (`v1.0`, `beta`) only.
    if segs.len() > 3 || (segs.len() == 3 && ApiVersion::parse(segs[0]).is_none()) {
        return None;
    }
    let coll = match coll.to_ascii_lowercase().as_str() {
        "users" => kind::USER,
        "groups" => kind::GROUP,
        "directoryobjects" => "",
        _ => return None,
    };
    if id.is_empty() || id.contains(['(', ')', '\'', '$']) {
        return None;
    }
    Some((coll, id.to_string()))
}

/// Resolves a `$ref` body to a directory object id, or Graph's 400/404.
pub fn resolve_ref(st: &State, body: &Value) -> GraphResult<(&'static str, String)> {
    let url = body.get("@odata.id").and_then(Value::as_str).filter(|x| !x.trim().is_empty()).ok_or_else(|| GraphError::missing("@odata.id"))?;
    let (coll, id) = parse_ref(url)
        .ok_or_else(|| GraphError::bad_request(format!("Invalid URL format specified in @odata.id: '{url}' is not a directory object (users, groups or directoryObjects).")))?;
    let found = match coll {
        "" => directory_object(st, &id)?,
        k => st.store.get(k, &id)?.map(|r| (k, r.json)),
    };
    let (k, obj) = found.ok_or_else(|| not_found_object(&id))?;
    Ok((k, s(&obj, "id").to_string()))
}

pub fn add_sponsor(ctx: &Ctx, external: bool) -> GraphResult<Reply> {
    let rec = require(ctx.st, kind::CONNECTED_ORG, ctx.arg(0))?;
    let (_, id) = resolve_ref(ctx.st, &ctx.body)?;
    let mut c = rec.json;
    let mut list: Vec<Value> = c.get(field(external)).and_then(Value::as_array).cloned().unwrap_or_default();
    if list.iter().any(|x| x.as_str().is_some_and(|x| x.eq_ignore_ascii_case(&id))) {
        return Err(GraphError::bad_request(format!(
            "One or more added object references already exist for the following modified properties: '{}'.",
            prop(external)
        )));
    }
    list.push(json!(id));
    c[field(external)] = Value::Array(list);
    ctx.st.store.put(kind::CONNECTED_ORG, &rec.id, None, &c)?;
    Reply::no_content()
}

pub fn remove_sponsor(ctx: &Ctx, external: bool) -> GraphResult<Reply> {
    let rec = require(ctx.st, kind::CONNECTED_ORG, ctx.arg(0))?;
    let id = ctx.arg(1);
    let mut c = rec.json;
    let mut list: Vec<Value> = c.get(field(external)).and_then(Value::as_array).cloned().unwrap_or_default();
    let before = list.len();
    list.retain(|x| !x.as_str().is_some_and(|x| x.eq_ignore_ascii_case(id)));
    if list.len() == before {
        return Err(not_found_object(id));
    }
    c[field(external)] = Value::Array(list);
    ctx.st.store.put(kind::CONNECTED_ORG, &rec.id, None, &c)?;
    Reply::no_content()
}

/// The sponsors of a connected organization record as rendered directory objects.
pub fn sponsors(st: &State, version: ApiVersion, org: &Value, external: bool) -> GraphResult<Vec<Value>> {
    let mut out = Vec::new();
    for id in org.get(field(external)).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        match directory_object(st, id)? {
            Some((k, obj)) => out.push(render(version, k, &obj)),
            // Deleted from the directory since: a bare directoryObject.
            None => out.push(json!({"@odata.type": "#microsoft.graph.directoryObject", "id": id})),
        }
    }
    Ok(out)
}

pub fn list_sponsors(ctx: &Ctx, external: bool) -> GraphResult<Reply> {
    let rec = require(ctx.st, kind::CONNECTED_ORG, ctx.arg(0))?;
    let items = sponsors(ctx.st, ctx.version, &rec.json, external)?;
    directory_objects(ctx, items)
}

/// A `directoryObjects` collection (already rendered), with `$filter`/`$top`/`$select` applied.
fn directory_objects(ctx: &Ctx, items: Vec<Value>) -> GraphResult<Reply> {
    let mut reply = collection::list(ctx, "directoryObject", items)?;
    if let Some(Value::Object(m)) = &mut reply.body {
        m.insert(
            "@odata.context".into(),
            json!(format!("{}/{}/$metadata#directoryObjects", ctx.st.base_url, ctx.version.as_str())),
        );
    }
    Ok(reply)
}

/// `assignments/{id}/target/connectedOrganization/{internal,external}Sponsors`.
pub fn assignment_target_sponsors(ctx: &Ctx, external: bool) -> GraphResult<Reply> {
    let a = require(ctx.st, kind::ASSIGNMENT, ctx.arg(0))?;
    let target = s(&a.json, "_targetId");
    let org = super::settings::subject_connected_organization(ctx.st, target)?.ok_or_else(|| {
        GraphError::new(404, "ResourceNotFound", "'connectedOrganization' is not set on the target of this assignment.")
    })?;
    let items = sponsors(ctx.st, ctx.version, &org, external)?;
    directory_objects(ctx, items)
}

/// The users who sponsor `target` as approvers: the internal or external
/// sponsors of the connected organization `target` belongs to, groups
/// expanded to their members.
pub fn sponsor_users(st: &State, target: &str, external: bool) -> GraphResult<Vec<String>> {
    let Some(org) = super::settings::subject_connected_organization(st, target)? else { return Ok(vec![]) };
    let mut out = Vec::new();
    for id in org.get(field(external)).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        match directory_object(st, id)? {
            Some((k, _)) if k == kind::GROUP => out.extend(st.store.members(id)?),
            Some(_) => out.push(id.to_string()),
            None => {}
        }
    }
    Ok(out)
}

/// Rendered sponsors for `$expand=internalSponsors` / `externalSponsors`.
pub fn expand_sponsors(st: &State, org: &Value, external: bool) -> Value {
    Value::Array(sponsors(st, ApiVersion::V1, org, external).unwrap_or_default())
}

/// Connected organization record whose identity sources claim `domain`.
pub fn organization_for_domain(st: &State, domain: &str) -> GraphResult<Option<Value>> {
    if domain.is_empty() {
        return Ok(None);
    }
    Ok(st.store.list(kind::CONNECTED_ORG, None)?.into_iter().map(|r| r.json).find(|o| {
        o.get("identitySources").and_then(Value::as_array).into_iter().flatten().any(|src| s(src, "domainName").eq_ignore_ascii_case(domain))
    }))
}
