// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Incompatible access packages and groups: `$ref` add/remove/list, the
//! reverse `accessPackagesIncompatibleWith`, and the check a request makes.

use serde_json::{json, Value};
use super::collection::{list, require};
use super::render::s;
use super::required_str;
use crate::error::{GraphError, GraphResult};
use crate::server::{Ctx, Reply, State};
use crate::store::{kind, Col};

fn id_list(c: &Value, key: &str) -> Vec<String> {
    c.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

const INCOMPATIBLE_PACKAGES: &str = "_incompatiblePackages";
const INCOMPATIBLE_GROUPS: &str = "_incompatibleGroups";

/// Why `user` may not get `pkg` (separation of duties), if they may not.
pub fn incompatibility(st: &State, pkg: &Value, user: &str) -> GraphResult<Option<String>> {
    let pid = s(pkg, "id");
    let mine = id_list(pkg, INCOMPATIBLE_PACKAGES);
    // Only the target's own assignments (the target index), not every
    // assignment of the tenant: this runs on every assignment request.
    for a in st.store.select_eq(kind::ASSIGNMENT, &[(Col::Target, user)])? {
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
