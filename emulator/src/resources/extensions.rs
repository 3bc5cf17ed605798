// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Custom workflow extensions of catalogs (v1.0 and beta paths) and upload sessions.
//!
//! v1.0 `catalogs/{id}/customWorkflowExtensions` and beta
//! `accessPackageCatalogs/{id}/accessPackageCustomWorkflowExtensions` are the
//! same records (kind `CUSTOM_EXTENSION`, parent the catalog); the deprecated
//! beta `customAccessPackageWorkflowExtensions` are separate records
//! (`LEGACY_EXTENSION`). Upload sessions hang off a catalog resource.

use serde_json::{json, Map, Value};

use super::collection::{self, entity, require};
use super::packages::actor;
use super::render::s;
use super::required_str;
use crate::error::{new_id, now, GraphError, GraphResult};
use crate::server::validate::short_type;
use crate::server::{Ctx, Reply, State};
use crate::store::{kind, Record};

const SUBTYPES: &[&str] = &["accessPackageAssignmentRequestWorkflowExtension", "accessPackageAssignmentWorkflowExtension"];

/// Client-settable properties of an extension.
const SETTABLE: &[&str] = &[
    "displayName",
    "description",
    "endpointConfiguration",
    "authenticationConfiguration",
    "clientConfiguration",
    "callbackConfiguration",
];

fn catalog(st: &State, id: &str) -> GraphResult<Record> {
    require(st, kind::CATALOG, id)
}

fn ext_kind(ctx: &Ctx) -> &'static str {
    if ctx.op.path.contains("/customAccessPackageWorkflowExtensions") {
        kind::LEGACY_EXTENSION
    } else {
        kind::CUSTOM_EXTENSION
    }
}

/// The concrete `@odata.type` of a body (`None` for the legacy kind, which has no subtypes).
fn subtype(k: &str, body: &Value, current: Option<&str>) -> GraphResult<Option<String>> {
    if k == kind::LEGACY_EXTENSION {
        return Ok(None);
    }
    let given = short_type(s(body, "@odata.type"));
    let t = match (given, current) {
        ("", Some(cur)) => cur.to_string(),
        ("", None) => {
            return Err(GraphError::bad_request(format!(
                "The '@odata.type' annotation is required: customCalloutExtension is abstract; use one of #microsoft.graph.{}.",
                SUBTYPES.join(", #microsoft.graph.")
            )))
        }
        (g, _) => match SUBTYPES.iter().find(|x| x.eq_ignore_ascii_case(g)) {
            Some(x) => x.to_string(),
            None => {
                return Err(GraphError::bad_request(format!(
                    "A type named 'microsoft.graph.{g}' is not compatible with the expected type 'microsoft.graph.customCalloutExtension'."
                )))
            }
        },
    };
    if let Some(cur) = current.filter(|c| !c.eq_ignore_ascii_case(&t)) {
        return Err(GraphError::bad_request(format!(
            "The type of a custom extension cannot be changed from '{cur}' to '{t}'."
        )));
    }
    Ok(Some(t))
}

/// Logic app endpoints get the trigger URL Graph fills in.
fn endpoint(v: &Value, id: &str) -> Value {
    let mut v = v.clone();
    if short_type(s(&v, "@odata.type")).eq_ignore_ascii_case("logicAppTriggerEndpointConfiguration") && s(&v, "url").is_empty() {
        let wf = id.replace('-', "");
        v["url"] = json!(format!(
            "https://prod-00.eastus.logic.azure.com:443/workflows/{wf}/triggers/manual/paths/invoke?api-version=2016-10-01"
        ));
    }
    v
}

fn build(k: &str, id: &str, t: Option<&str>, b: &Value, created: &Value, keep_endpoint: Option<&Value>) -> Value {
    let mut c = Map::new();
    if let Some(t) = t {
        c.insert("@odata.type".into(), json!(format!("#microsoft.graph.{t}")));
    }
    c.insert("id".into(), json!(id));
    for p in SETTABLE {
        if *p == "callbackConfiguration" && k == kind::LEGACY_EXTENSION {
            continue;
        }
        c.insert(p.to_string(), b.get(*p).cloned().unwrap_or(Value::Null));
    }
    if c["endpointConfiguration"].is_null() {
        if let Some(e) = keep_endpoint {
            c.insert("endpointConfiguration".into(), e.clone());
        }
    }
    let e = endpoint(&c["endpointConfiguration"], id);
    c.insert("endpointConfiguration".into(), e);
    if k == kind::LEGACY_EXTENSION || t == Some("accessPackageAssignmentWorkflowExtension") {
        // callbackConfiguration is documented on request workflow extensions only.
        if c.get("callbackConfiguration").is_some_and(Value::is_null) {
            c.remove("callbackConfiguration");
        }
    }
    c.insert("createdDateTime".into(), created.clone());
    c.insert("lastModifiedDateTime".into(), json!(now()));
    Value::Object(c)
}

pub fn list(ctx: &Ctx) -> GraphResult<Reply> {
    let cat = catalog(ctx.st, ctx.arg(0))?;
    let k = ext_kind(ctx);
    let records = ctx.st.store.list(k, Some(&cat.id))?.into_iter().map(|r| r.json).collect();
    collection::list(ctx, k, records)
}

pub fn create(ctx: &Ctx) -> GraphResult<Reply> {
    let st = ctx.st;
    let cat = catalog(st, ctx.arg(0))?;
    let k = ext_kind(ctx);
    let b = &ctx.body;
    required_str(b, "displayName")?;
    if !b.get("endpointConfiguration").is_some_and(Value::is_object) {
        return Err(GraphError::missing("endpointConfiguration"));
    }
    let t = subtype(k, b, None)?;
    let id = new_id();
    let mut c = build(k, &id, t.as_deref(), b, &json!(now()), None);
    let by = actor(st, &ctx.who);
    c["createdBy"] = json!(by);
    c["lastModifiedBy"] = json!(by);
    if let Some(m) = c.as_object_mut() {
        m.insert("_catalogId".into(), json!(cat.id));
    }
    st.store.put(k, &id, Some(&cat.id), &c)?;
    entity(ctx, 201, k, &c)
}

fn load(ctx: &Ctx) -> GraphResult<(Record, &'static str)> {
    let cat = catalog(ctx.st, ctx.arg(0))?;
    let k = ext_kind(ctx);
    let rec = require(ctx.st, k, ctx.arg(1))?;
    if !rec.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&cat.id)) {
        return Err(GraphError::new(404, "ResourceNotFound", format!("customCalloutExtension with id '{}' does not exist in catalog '{}'.", ctx.arg(1), cat.id)));
    }
    Ok((rec, k))
}

pub fn get(ctx: &Ctx) -> GraphResult<Reply> {
    let (rec, k) = load(ctx)?;
    entity(ctx, 200, k, &rec.json)
}

/// PUT replaces the object: properties left out are cleared, except the
/// endpoint, authentication and callback configurations, which are kept when
/// not sent (the documented PUT omits them and the response still has them).
pub fn replace(ctx: &Ctx) -> GraphResult<Reply> {
    let (rec, k) = load(ctx)?;
    let b = &ctx.body;
    required_str(b, "displayName")?;
    if b.get("endpointConfiguration").is_some_and(|e| !e.is_object()) {
        return Err(GraphError::missing("endpointConfiguration"));
    }
    let cur = short_type(s(&rec.json, "@odata.type")).to_string();
    let t = subtype(k, b, (!cur.is_empty()).then_some(cur.as_str()))?;
    let created = rec.json.get("createdDateTime").cloned().unwrap_or(Value::Null);
    let mut c = build(k, &rec.id, t.as_deref(), b, &created, rec.json.get("endpointConfiguration"));
    c["createdBy"] = rec.json.get("createdBy").cloned().unwrap_or(Value::Null);
    c["lastModifiedBy"] = json!(actor(ctx.st, &ctx.who));
    if let Some(m) = c.as_object_mut() {
        m.insert("_catalogId".into(), rec.json.get("_catalogId").cloned().unwrap_or(Value::Null));
        for key in ["authenticationConfiguration", "callbackConfiguration"] {
            if b.get(key).is_none() {
                if let Some(v) = rec.json.get(key).filter(|v| !v.is_null()) {
                    m.insert(key.into(), v.clone());
                }
            }
        }
    }
    ctx.st.store.put(k, &rec.id, rec.parent.as_deref(), &c)?;
    entity(ctx, 200, k, &c)
}

pub fn delete(ctx: &Ctx) -> GraphResult<Reply> {
    let (rec, k) = load(ctx)?;
    ctx.st.store.delete(k, &rec.id)?;
    Reply::no_content()
}

// ---- upload sessions

/// The resource `{resourceId}` of catalog `{catalogId}`, or 404.
fn catalog_resource(ctx: &Ctx) -> GraphResult<Record> {
    let cat = catalog(ctx.st, ctx.arg(0))?;
    let res = require(ctx.st, kind::RESOURCE, ctx.arg(1))?;
    if !s(&res.json, "_catalogId").eq_ignore_ascii_case(&cat.id) {
        return Err(GraphError::new(
            404,
            "ResourceNotFound",
            format!("accessPackageResource with id '{}' does not exist in catalog '{}'.", ctx.arg(1), cat.id),
        ));
    }
    Ok(res)
}

fn session(ctx: &Ctx) -> GraphResult<(Record, Record)> {
    let res = catalog_resource(ctx)?;
    let rec = require(ctx.st, kind::UPLOAD_SESSION, ctx.arg(2))?;
    if !rec.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&res.id)) {
        return Err(GraphError::new(404, "ResourceNotFound", format!("customDataProvidedResourceUploadSession with id '{}' does not exist.", ctx.arg(2))));
    }
    Ok((res, rec))
}

pub fn list_sessions(ctx: &Ctx) -> GraphResult<Reply> {
    let res = catalog_resource(ctx)?;
    let records = ctx.st.store.list(kind::UPLOAD_SESSION, Some(&res.id))?.into_iter().map(|r| r.json).collect();
    collection::list(ctx, kind::UPLOAD_SESSION, records)
}

pub fn create_session(ctx: &Ctx) -> GraphResult<Reply> {
    let res = catalog_resource(ctx)?;
    let b = &ctx.body;
    let t = match short_type(s(b, "@odata.type")) {
        "" => "customDataProvidedResourceAccessReviewUploadSession".to_string(),
        x => x.to_string(),
    };
    let data = b.get("data").cloned().unwrap_or(Value::Null);
    let reference = match s(&data, "reviewInstanceId") {
        "" => new_id(),
        x => x.to_string(),
    };
    let id = new_id();
    let c = json!({
        "@odata.type": format!("#microsoft.graph.{t}"),
        "id": id,
        "referenceId": reference,
        "status": "active",
        "isUploadDone": false,
        "createdDateTime": now(),
        "stats": {"filesUploaded": 0, "totalBytesUploaded": 0},
        "data": data,
        "files": [],
        "_source": b.get("source").cloned().unwrap_or(Value::Null),
    });
    ctx.st.store.put(kind::UPLOAD_SESSION, &id, Some(&res.id), &c)?;
    entity(ctx, 201, kind::UPLOAD_SESSION, &c)
}

pub fn get_session(ctx: &Ctx) -> GraphResult<Reply> {
    let (_, rec) = session(ctx)?;
    entity(ctx, 200, kind::UPLOAD_SESSION, &rec.json)
}

/// PATCH (`isUploadDone: true` completes the session); answers 200 with the session.
pub fn update_session(ctx: &Ctx) -> GraphResult<Reply> {
    let (res, rec) = session(ctx)?;
    let mut c = rec.json;
    if let Some(done) = ctx.body.get("isUploadDone").and_then(Value::as_bool) {
        if !done && c["isUploadDone"] == json!(true) {
            return Err(GraphError::bad_request("A completed upload session cannot be reopened."));
        }
        c["isUploadDone"] = json!(done);
        if done {
            c["status"] = json!("complete");
        }
    }
    if let Some(d) = ctx.body.get("data").filter(|d| !d.is_null()) {
        c["data"] = d.clone();
    }
    ctx.st.store.put(kind::UPLOAD_SESSION, &rec.id, Some(&res.id), &c)?;
    entity(ctx, 200, kind::UPLOAD_SESSION, &c)
}

pub fn delete_session(ctx: &Ctx) -> GraphResult<Reply> {
    let (_, rec) = session(ctx)?;
    ctx.st.store.delete(kind::UPLOAD_SESSION, &rec.id)?;
    Reply::no_content()
}

/// `(file name, size)` of a multipart body's first file part, else of the raw body.
fn uploaded_file(content_type: &str, raw: &[u8]) -> (String, usize) {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string());
    if let Some(b) = boundary {
        let text = String::from_utf8_lossy(raw);
        let delim = format!("--{b}");
        for part in text.split(delim.as_str()) {
            let Some((head, body)) = part.split_once("\r\n\r\n").or_else(|| part.split_once("\n\n")) else { continue };
            let Some(name) = head.lines().flat_map(|l| l.split(';')).map(str::trim).find_map(|p| p.strip_prefix("filename=")) else { continue };
            let body = body.strip_suffix("\r\n").or_else(|| body.strip_suffix('\n')).unwrap_or(body);
            return (name.trim_matches('"').to_string(), body.len());
        }
    }
    ("upload.csv".to_string(), raw.len())
}

/// `uploadFile`: any body, even empty (the docs send multipart form data); the file is recorded on the session.
pub fn upload_file(ctx: &Ctx) -> GraphResult<Reply> {
    let (res, rec) = session(ctx)?;
    let mut c = rec.json;
    if c["isUploadDone"] == json!(true) {
        return Err(GraphError::bad_request("The upload session is complete; no more files can be uploaded."));
    }
    let (name, size) = uploaded_file(&ctx.content_type, &ctx.raw);
    let mut files = c.get("files").and_then(Value::as_array).cloned().unwrap_or_default();
    files.push(json!({"id": new_id(), "name": name, "size": size, "uploadedDateTime": now()}));
    let total: u64 = files.iter().filter_map(|f| f["size"].as_u64()).sum();
    c["stats"] = json!({"filesUploaded": files.len(), "totalBytesUploaded": total});
    c["files"] = Value::Array(files);
    ctx.st.store.put(kind::UPLOAD_SESSION, &rec.id, Some(&res.id), &c)?;
    entity(ctx, 200, kind::UPLOAD_SESSION, &c)
}
