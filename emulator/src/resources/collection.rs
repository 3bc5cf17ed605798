// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Generic list / get / update / delete over one kind of stored object, with
//! the OData options applied. Endpoints whose semantics are plain CRUD need no
//! handler of their own: `kind_of` maps the operation's path to a kind.

use std::cell::Cell;

use entitlement::api::{ApiVersion, Operation};
use serde_json::{json, Map, Value};

use super::indexed;
use super::nav::{navigate, reference, type_name, Nav};
use super::render::render;
use crate::error::{new_id, now, GraphError, GraphResult};
use crate::odata::check;
use crate::odata::filter::{self, lookup};
use crate::odata::query::{encode_keyset, encode_skiptoken, ExpandItem};
use crate::server::{validate, Ctx, Reply, State};
use crate::store::{kind, Record};

/// Most bytes of JSON one response may carry. `$expand` multiplies a page
/// (`catalog → accessPackages → catalog → …` grows with every level), so
/// shaping stops at this size with a 400 instead of building the answer; a
/// full page of the largest objects with two expanded levels stays well below.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// What is left of [`MAX_RESPONSE_BYTES`] while one response is shaped.
pub struct Budget {
    left: Cell<usize>,
}

impl Budget {
    pub fn new(bytes: usize) -> Self {
        Budget { left: Cell::new(bytes) }
    }

    /// Takes the size of `v` from the budget, or answers the 400 once it is spent.
    fn spend(&self, v: &Value) -> GraphResult<()> {
        match self.left.get().checked_sub(json_size(v)) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(GraphError::bad_request(format!(
                "The response would exceed {} MB, the most the service answers at once. Request fewer items ($top), fewer levels or properties in $expand, or a $select.",
                MAX_RESPONSE_BYTES / (1024 * 1024)
            ))),
        }
    }
}

/// About the length of `v` serialized (an explicit stack: stored values nest
/// at most as deep as serde_json parses, but this never recurses at all).
fn json_size(v: &Value) -> usize {
    let mut total = 0usize;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        total += match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => 12,
            Value::String(s) => s.len() + 3,
            Value::Array(a) => {
                stack.extend(a.iter());
                2 + a.len()
            }
            Value::Object(m) => {
                stack.extend(m.values());
                2 + m.keys().map(|k| k.len() + 4).sum::<usize>()
            }
        };
    }
    total
}

/// The Graph type the request reads (its declared response type, else the
/// type of kind `k`) when the API description models it.
fn queried_type(ctx: &Ctx, k: &str) -> Option<&'static str> {
    let sc = validate::schema(ctx.version);
    ctx.op.response.filter(|t| sc.has_type(t)).or_else(|| Some(type_name(k)).filter(|t| sc.has_type(t)))
}

/// The query options' property names, checked against the type read.
fn check_query(ctx: &Ctx, k: &str, list: bool) -> GraphResult<()> {
    match queried_type(ctx, k) {
        Some(ty) => check::query(validate::schema(ctx.version), ty, &ctx.q, list),
        None => Ok(()),
    }
}

/// The kind an operation's path addresses (its last collection segment).
/// Collections without special rules are their own kind, named by the
/// segment, so a newly declared CRUD endpoint is served by `generic`.
pub fn kind_of(op: &Operation) -> Option<&'static str> {
    let seg: &'static str = op.path.rsplit('/').find(|s| !s.starts_with('{'))?;
    Some(match seg.to_ascii_lowercase().as_str() {
        "catalogs" | "accesspackagecatalogs" => kind::CATALOG,
        "resources" | "accesspackageresources" => kind::RESOURCE,
        "resourceroles" | "accesspackageresourceroles" => kind::RESOURCE_ROLE,
        "resourcerequests" | "accesspackageresourcerequests" => kind::RESOURCE_REQUEST,
        "connectedorganizations" => kind::CONNECTED_ORG,
        "externaloriginresourceconnectors" => kind::CONNECTOR,
        "resourceenvironments" | "accesspackageresourceenvironments" => kind::RESOURCE_ENVIRONMENT,
        "uploadsessions" => kind::UPLOAD_SESSION,
        "customworkflowextensions" | "accesspackagecustomworkflowextensions" => kind::CUSTOM_EXTENSION,
        "customaccesspackageworkflowextensions" => kind::LEGACY_EXTENSION,
        "accesspackages" => kind::ACCESS_PACKAGE,
        "resourcerolescopes" | "accesspackageresourcerolescopes" => kind::ROLE_SCOPE,
        "assignmentpolicies" | "accesspackageassignmentpolicies" => kind::POLICY,
        "assignmentrequests" | "accesspackageassignmentrequests" => kind::REQUEST,
        "assignments" | "accesspackageassignments" => kind::ASSIGNMENT,
        "groups" => kind::GROUP,
        "users" | "members" => kind::USER,
        _ => seg,
    })
}

/// Loads one object or answers Graph's 404.
pub fn require(st: &State, k: &str, id: &str) -> GraphResult<Record> {
    st.store.get(k, id)?.ok_or_else(|| {
        GraphError::new(
            404,
            "ResourceNotFound",
            format!("{} with id '{id}' does not exist.", super::nav::type_name(k)),
        )
    })
}

/// Renders with `$select` and `$expand` applied; every object answered
/// (expanded ones included, as selected) is taken from `budget`. Recursion
/// follows the `$expand` tree, which the parser bounds (`MAX_EXPAND_DEPTH`).
pub fn shape(
    st: &State,
    v: ApiVersion,
    k: &str,
    c: &Value,
    expand: &[ExpandItem],
    select: Option<&[String]>,
    budget: &Budget,
) -> GraphResult<Value> {
    let mut out = match render(v, k, c) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Some(sel) = select {
        if !sel.iter().any(|x| x == "*") {
            out.retain(|key, _| key.starts_with('@') || key == "id" || sel.iter().any(|x| x.eq_ignore_ascii_case(key)));
        }
    }
    let mut out = Value::Object(out);
    budget.spend(&out)?;
    for item in expand {
        let value = match navigate(st, k, c, &item.name)? {
            Nav::One(ck, child) => shape(st, v, ck, &child, &item.expand, item.select.as_deref(), budget)?,
            Nav::Many(ck, children) => Value::Array(
                children
                    .iter()
                    .map(|ch| shape(st, v, ck, ch, &item.expand, item.select.as_deref(), budget))
                    .collect::<GraphResult<_>>()?,
            ),
            Nav::Raw(raw) => {
                budget.spend(&raw)?;
                raw
            }
        };
        if let Value::Object(m) = &mut out {
            m.insert(item.name.clone(), value);
        }
    }
    Ok(out)
}

/// Lists `records` of kind `k` with `$filter`, `$orderby`, `$count`, paging, `$expand`, `$select`.
pub fn list(ctx: &Ctx, k: &str, records: Vec<Value>) -> GraphResult<Reply> {
    let st = ctx.st;
    check_query(ctx, k, true)?;
    if ctx.q.after.is_some() {
        // Keyset tokens come from `list_stored`'s pages of the same query only.
        return Err(GraphError::bad_request("The $skiptoken is not valid."));
    }
    let mut rows: Vec<(Value, Value)> = records.into_iter().map(|c| (render(ctx.version, k, &c), c)).collect();
    if let Some(f) = &ctx.q.filter {
        let mut roots = Vec::new();
        filter::roots(f, &mut roots);
        roots.sort();
        roots.dedup();
        // Roots read only as `root/id` resolve from the stored reference.
        let mut all_paths = Vec::new();
        filter::paths(f, &mut all_paths);
        let id_only: Vec<bool> = roots
            .iter()
            .map(|r| {
                all_paths
                    .iter()
                    .filter(|p| p.first().is_some_and(|x| x.eq_ignore_ascii_case(r)))
                    .all(|p| p.len() == 2 && p[1].eq_ignore_ascii_case("id"))
            })
            .collect();
        let mut kept = Vec::with_capacity(rows.len());
        for (r, c) in rows {
            let mut view = r.clone();
            for (root, id_only) in roots.iter().zip(&id_only) {
                let present = view.as_object().is_some_and(|m| m.keys().any(|key| key.eq_ignore_ascii_case(root)));
                if !present {
                    if let Some(id) = reference(k, &c, root).filter(|_| *id_only) {
                        if let Value::Object(m) = &mut view {
                            m.insert(root.clone(), json!({ "id": id }));
                        }
                        continue;
                    }
                    let value = match navigate(st, k, &c, root).map_err(|_| {
                        GraphError::bad_request(format!("Invalid filter clause: Could not find a property named '{root}'."))
                    })? {
                        Nav::One(ck, child) => render(ctx.version, ck, &child),
                        Nav::Many(ck, children) => Value::Array(children.iter().map(|ch| render(ctx.version, ck, ch)).collect()),
                        Nav::Raw(raw) => raw,
                    };
                    if let Value::Object(m) = &mut view {
                        m.insert(root.clone(), value);
                    }
                }
            }
            if filter::matches(f, &view) {
                kept.push((r, c));
            }
        }
        rows = kept;
    }
    if !ctx.q.orderby.is_empty() {
        rows.sort_by(|(a, _), (b, _)| {
            for (path, desc) in &ctx.q.orderby {
                let o = cmp_json(lookup(a, path), lookup(b, path));
                let o = if *desc { o.reverse() } else { o };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
    }
    let total = rows.len();
    let page = ctx.q.top.unwrap_or(st.page_size).max(1).min(st.page_size.max(1));
    let page = if ctx.q.top == Some(0) { 0 } else { page };
    let start = ctx.q.skip.min(total);
    let end = (start + page).min(total);
    let mut value = Vec::with_capacity(end - start);
    let budget = Budget::new(MAX_RESPONSE_BYTES);
    for (_, c) in &rows[start..end] {
        value.push(shape(st, ctx.version, k, c, &ctx.q.expand, ctx.q.select.as_deref(), &budget)?);
    }
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(ctx.context(false)));
    if ctx.q.count {
        body.insert("@odata.count".into(), json!(total));
    }
    if end < total && page > 0 {
        body.insert("@odata.nextLink".into(), json!(next_link(ctx, end)));
    }
    body.insert("value".into(), Value::Array(value));
    Reply::json(200, Value::Object(body))
}

/// Lists all stored objects of kind `k` (a top-level collection) like
/// [`list`], reading only what the answer needs when the store's indexes can:
/// without `$orderby`, and with no `$filter` or one the indexed columns answer
/// exactly ([`indexed::exact`]), a page is an index seek from the previous
/// page's last object (a keyset `$skiptoken`), `$count` an index count, and
/// only the page's rows are parsed and rendered. Other queries load the rows
/// the indexed terms of the filter select (all, without any) for [`list`].
pub fn list_stored(ctx: &Ctx, k: &str) -> GraphResult<Reply> {
    let st = ctx.st;
    check_query(ctx, k, true)?;
    let cond = match &ctx.q.filter {
        None => None,
        Some(f) => match indexed::exact(ctx.version, k, f) {
            Some(c) if ctx.q.orderby.is_empty() || indexed::order(ctx.version, k, &ctx.q.orderby).is_some() => Some(c),
            _ => {
                let narrowed = indexed::narrowing(ctx.version, k, f);
                let records = st.store.select(k, narrowed.as_ref())?.into_iter().map(|r| r.json).collect();
                return list(ctx, k, records);
            }
        },
    };
    if !ctx.q.orderby.is_empty() {
        if let Some(order) = indexed::order(ctx.version, k, &ctx.q.orderby).filter(|_| ctx.q.after.is_none()) {
            return list_ordered(ctx, k, cond.as_ref(), &order);
        }
        let records = st.store.select(k, None)?.into_iter().map(|r| r.json).collect();
        return list(ctx, k, records);
    }
    let page = ctx.q.top.unwrap_or(st.page_size).max(1).min(st.page_size.max(1));
    let page = if ctx.q.top == Some(0) { 0 } else { page };
    // One row more than the page tells whether a next page exists.
    let mut rows = if page > 0 { st.store.page(k, cond.as_ref(), ctx.q.after, ctx.q.skip, page + 1)? } else { Vec::new() };
    let more = rows.len() > page;
    rows.truncate(page);
    let mut value = Vec::with_capacity(rows.len());
    let budget = Budget::new(MAX_RESPONSE_BYTES);
    for r in &rows {
        value.push(shape(st, ctx.version, k, &r.record.json, &ctx.q.expand, ctx.q.select.as_deref(), &budget)?);
    }
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(ctx.context(false)));
    if ctx.q.count {
        body.insert("@odata.count".into(), json!(st.store.count(k, cond.as_ref())?));
    }
    if let (true, Some(last)) = (more, rows.last()) {
        body.insert("@odata.nextLink".into(), json!(link(ctx, &encode_keyset(last.seq))));
    }
    body.insert("value".into(), Value::Array(value));
    Reply::json(200, Value::Object(body))
}

/// [`list_stored`] with `$orderby` on indexed columns: the store sorts and
/// pages (offset `$skiptoken`s, as [`list`] writes), only the page is rendered.
fn list_ordered(ctx: &Ctx, k: &str, cond: Option<&crate::store::Cond>, order: &[(crate::store::Col, bool)]) -> GraphResult<Reply> {
    let st = ctx.st;
    let page = ctx.q.top.unwrap_or(st.page_size).max(1).min(st.page_size.max(1));
    let page = if ctx.q.top == Some(0) { 0 } else { page };
    let mut rows = if page > 0 { st.store.page_ordered(k, cond, order, ctx.q.skip, page + 1)? } else { Vec::new() };
    let more = rows.len() > page;
    rows.truncate(page);
    let mut value = Vec::with_capacity(rows.len());
    let budget = Budget::new(MAX_RESPONSE_BYTES);
    for r in &rows {
        value.push(shape(st, ctx.version, k, &r.json, &ctx.q.expand, ctx.q.select.as_deref(), &budget)?);
    }
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(ctx.context(false)));
    if ctx.q.count {
        body.insert("@odata.count".into(), json!(st.store.count(k, cond)?));
    }
    if more {
        body.insert("@odata.nextLink".into(), json!(next_link(ctx, ctx.q.skip + rows.len())));
    }
    body.insert("value".into(), Value::Array(value));
    Reply::json(200, Value::Object(body))
}

fn next_link(ctx: &Ctx, offset: usize) -> String {
    link(ctx, &encode_skiptoken(offset))
}

/// The request's own URL with `token` as its `$skiptoken`.
fn link(ctx: &Ctx, token: &str) -> String {
    // Graph's links keep `$` in option names literal (`$skiptoken=`).
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20").replace("%24", "$");
    let mut parts: Vec<String> = ctx.q.raw.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
    parts.push(format!("$skiptoken={token}"));
    format!("{}/{}{}?{}", ctx.st.base_url, ctx.version.as_str(), ctx.path, parts.join("&"))
}

fn cmp_json(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal)
        }
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// A single entity with `@odata.context`.
pub fn entity(ctx: &Ctx, status: u16, k: &str, c: &Value) -> GraphResult<Reply> {
    check_query(ctx, k, false)?;
    let budget = Budget::new(MAX_RESPONSE_BYTES);
    let shaped = shape(ctx.st, ctx.version, k, c, &ctx.q.expand, ctx.q.select.as_deref(), &budget)?;
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(ctx.context(true)));
    if let Value::Object(m) = shaped {
        body.extend(m);
    }
    Reply::json(status, Value::Object(body))
}

/// Generic handlers by operation kind, for kinds without special rules.
pub fn generic(ctx: &Ctx, k: &'static str) -> GraphResult<Reply> {
    use entitlement::api::OpKind;
    let st = ctx.st;
    match ctx.op.kind {
        OpKind::List | OpKind::Get if !ctx.op.path.ends_with('}') && !ctx.args.is_empty() => {
            // A navigation from a parent (`catalogs/{id}/resources`, `accessPackages/{id}/catalog`).
            let seg = ctx.op.path.rsplit('/').next().unwrap_or("");
            let Some(pk) = parent_kind(ctx.op) else {
                let records = st.store.list(k, Some(ctx.arg(0)))?.into_iter().map(|r| r.json).collect();
                return list(ctx, k, records);
            };
            let parent = require(st, pk, ctx.arg(ctx.args.len() - 1))?;
            let Ok(nav) = navigate(st, pk, &parent.json, seg) else {
                // Not a modelled navigation: children stored under the parent.
                let records = st.store.list(k, Some(&parent.id))?.into_iter().map(|r| r.json).collect();
                return list(ctx, k, records);
            };
            match nav {
                Nav::Many(ck, items) => list(ctx, ck, items),
                Nav::One(ck, item) => entity(ctx, 200, ck, &item),
                Nav::Raw(Value::Array(items)) => list(ctx, k, items),
                Nav::Raw(Value::Null) => Err(GraphError::new(404, "ResourceNotFound", format!("'{seg}' is not set on this object."))),
                Nav::Raw(v) => Reply::json(200, v),
            }
        }
        OpKind::List => list_stored(ctx, k),
        OpKind::Get => {
            let rec = require(st, k, ctx.arg(ctx.args.len().saturating_sub(1)))?;
            entity(ctx, 200, k, &rec.json)
        }
        OpKind::Update => {
            let id = ctx.arg(ctx.args.len().saturating_sub(1));
            let rec = require(st, k, id)?;
            let mut c = rec.json;
            merge(&mut c, &ctx.body);
            c["modifiedDateTime"] = json!(now());
            st.store.put(k, &rec.id, rec.parent.as_deref(), &c)?;
            Reply::no_content()
        }
        OpKind::Delete => {
            let id = ctx.arg(ctx.args.len().saturating_sub(1));
            if !st.store.delete(k, id)? {
                require(st, k, id)?;
            }
            Reply::no_content()
        }
        OpKind::Create => {
            let parent = ctx.args.last().map(String::as_str);
            let parent = match (parent, parent_kind(ctx.op)) {
                (Some(p), Some(pk)) => Some(require(st, pk, p)?.id),
                (p, _) => p.map(str::to_string),
            };
            let parent = parent.as_deref();
            let id = new_id();
            let t = now();
            let mut c = json!({"id": id, "createdDateTime": t, "modifiedDateTime": t});
            merge(&mut c, &ctx.body);
            st.store.put(k, &id, parent, &c)?;
            entity(ctx, ctx.op.status, k, &c)
        }
        OpKind::Replace => {
            let rec = require(st, k, ctx.arg(ctx.args.len().saturating_sub(1)))?;
            let mut c = json!({
                "id": rec.id,
                "createdDateTime": rec.json.get("createdDateTime").cloned().unwrap_or(Value::Null),
                "modifiedDateTime": now(),
            });
            merge(&mut c, &ctx.body);
            st.store.put(k, &rec.id, rec.parent.as_deref(), &c)?;
            entity(ctx, ctx.op.status, k, &c)
        }
        _ => Err(GraphError::new(501, "NotImplemented", format!("{} is not implemented by the emulator.", ctx.op.name))),
    }
}

/// Kind of the collection holding the last path parameter (`catalogs` in `catalogs/{id}/resources`).
fn parent_kind(op: &Operation) -> Option<&'static str> {
    let segs: Vec<&str> = op.path.split('/').collect();
    let last_param = segs.iter().rposition(|s| s.starts_with('{'))?;
    let coll = segs.get(last_param.checked_sub(1)?)?;
    Some(match coll.to_ascii_lowercase().as_str() {
        "catalogs" | "accesspackagecatalogs" => kind::CATALOG,
        "connectedorganizations" => kind::CONNECTED_ORG,
        "accesspackages" => kind::ACCESS_PACKAGE,
        "groups" => kind::GROUP,
        "assignmentpolicies" | "accesspackageassignmentpolicies" => kind::POLICY,
        "assignmentrequests" | "accesspackageassignmentrequests" => kind::REQUEST,
        "assignments" | "accesspackageassignments" => kind::ASSIGNMENT,
        "resources" | "accesspackageresources" => kind::RESOURCE,
        "resourceroles" => kind::RESOURCE_ROLE,
        "resourcerequests" => kind::RESOURCE_REQUEST,
        "resourcerolescopes" | "accesspackageresourcerolescopes" => kind::ROLE_SCOPE,
        _ => return None,
    })
}

/// PATCH semantics: top-level properties replace; `id`, annotations and internal fields are kept.
pub fn merge(c: &mut Value, patch: &Value) {
    if let (Value::Object(m), Value::Object(p)) = (c, patch) {
        for (key, v) in p {
            if key == "id" || key.starts_with('_') || key.starts_with('@') || key.contains("@odata") {
                continue;
            }
            m.insert(key.clone(), v.clone());
        }
    }
}
