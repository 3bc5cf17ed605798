// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Navigation properties per kind, for `$expand` and for filters on paths
//! such as `resource/id` or `accessPackageAssignmentPolicy/Id`.

use serde_json::{json, Value};

use super::render::{s, subject};
use crate::error::{GraphError, GraphResult};
use crate::server::State;
use crate::store::kind;

/// Pseudo-kind of a subject (`requestor`, `target`) built from a directory user.
pub const SUBJECT_VIEW: &str = "accessPackageSubject";
/// Pseudo-kind of a policy's custom extension stage setting (beta: handler).
pub const STAGE_SETTING_VIEW: &str = "customExtensionStageSetting";

pub enum Nav {
    One(&'static str, Value),
    Many(&'static str, Vec<Value>),
    Raw(Value),
}

fn one(st: &State, k: &'static str, id: &str) -> GraphResult<Nav> {
    Ok(match st.store.get(k, id)? {
        Some(r) => Nav::One(k, r.json),
        None => Nav::Raw(Value::Null),
    })
}

fn many_where(st: &State, k: &'static str, parent: Option<&str>, key: &str, id: &str) -> GraphResult<Nav> {
    let items = st
        .store
        .list(k, parent)?
        .into_iter()
        .map(|r| r.json)
        .filter(|v| key.is_empty() || s(v, key).eq_ignore_ascii_case(id))
        .collect();
    Ok(Nav::Many(k, items))
}

/// Resolves navigation property `name` of a canonical record of kind `k`.
pub fn navigate(st: &State, k: &str, c: &Value, name: &str) -> GraphResult<Nav> {
    let id = s(c, "id");
    let n = name.to_ascii_lowercase();
    let nav = match (k, n.as_str()) {
        (kind::CATALOG, "accesspackages") => many_where(st, kind::ACCESS_PACKAGE, None, "catalogId", id)?,
        (kind::CATALOG, "resources" | "accesspackageresources") => many_where(st, kind::RESOURCE, Some(id), "", "")?,
        (kind::CATALOG, "resourceroles" | "accesspackageresourceroles") => many_where(st, kind::RESOURCE_ROLE, Some(id), "", "")?,
        (kind::RESOURCE, "roles" | "accesspackageresourceroles") => many_where(st, kind::RESOURCE_ROLE, None, "_resourceId", id)?,
        (kind::RESOURCE, "scopes" | "accesspackageresourcescopes") => Nav::Raw(json!([{
            "id": s(c, "id"),
            "displayName": "Root",
            "description": "Root Scope",
            "originId": s(c, "originId"),
            "originSystem": s(c, "originSystem"),
            "isRootScope": true,
        }])),
        (kind::RESOURCE, "catalog") => one(st, kind::CATALOG, s(c, "_catalogId"))?,
        (kind::RESOURCE, "environment" | "accesspackageresourceenvironment") => one(st, kind::RESOURCE_ENVIRONMENT, s(c, "_environmentId"))?,
        (kind::RESOURCE, "uploadsessions") => many_where(st, kind::UPLOAD_SESSION, Some(id), "", "")?,
        (kind::CATALOG, "customworkflowextensions" | "accesspackagecustomworkflowextensions") => many_where(st, kind::CUSTOM_EXTENSION, Some(id), "", "")?,
        (kind::CATALOG, "customaccesspackageworkflowextensions" | "customaccesspackageworkflowextension") => many_where(st, kind::LEGACY_EXTENSION, Some(id), "", "")?,
        (kind::CONNECTED_ORG, "internalsponsors") => Nav::Raw(super::directory::expand_sponsors(st, c, false)),
        (kind::CONNECTED_ORG, "externalsponsors") => Nav::Raw(super::directory::expand_sponsors(st, c, true)),
        (kind::RESOURCE_ENVIRONMENT, "resources" | "accesspackageresources") => {
            let items = st.store.list(kind::RESOURCE, None)?.into_iter().map(|r| r.json).filter(|r| s(r, "_environmentId").eq_ignore_ascii_case(id)).collect();
            Nav::Many(kind::RESOURCE, items)
        }
        (kind::RESOURCE_ROLE, "resource" | "accesspackageresource") => one(st, kind::RESOURCE, s(c, "_resourceId"))?,
        (kind::ACCESS_PACKAGE, "catalog" | "accesspackagecatalog") => one(st, kind::CATALOG, s(c, "catalogId"))?,
        (kind::ACCESS_PACKAGE, "resourcerolescopes" | "accesspackageresourcerolescopes") => many_where(st, kind::ROLE_SCOPE, Some(id), "", "")?,
        (kind::ACCESS_PACKAGE, "assignmentpolicies" | "accesspackageassignmentpolicies") => {
            many_where(st, kind::POLICY, None, "_accessPackageId", id)?
        }
        (kind::ROLE_SCOPE, "role" | "accesspackageresourcerole") => one(st, kind::RESOURCE_ROLE, s(c, "_roleId"))?,
        (kind::ROLE_SCOPE, "scope" | "accesspackageresourcescope") => Nav::Raw(c.get("_scope").cloned().unwrap_or(Value::Null)),
        (kind::POLICY, "accesspackage") => one(st, kind::ACCESS_PACKAGE, s(c, "_accessPackageId"))?,
        (kind::POLICY, "catalog" | "accesspackagecatalog") => match st.store.get(kind::ACCESS_PACKAGE, s(c, "_accessPackageId"))? {
            Some(p) => one(st, kind::CATALOG, s(&p.json, "catalogId"))?,
            None => Nav::Raw(Value::Null),
        },
        (kind::POLICY, "customextensionhandlers" | "customextensionstagesettings") => {
            let items = ["customExtensionStageSettings", "customExtensionHandlers"]
                .iter()
                .filter_map(|k| c.get(*k).and_then(Value::as_array))
                .flatten()
                .cloned()
                .collect();
            Nav::Many(STAGE_SETTING_VIEW, items)
        }
        (STAGE_SETTING_VIEW, "customextension") => {
            let ext = c.get("customExtension").map(|e| s(e, "id")).unwrap_or("");
            match st.store.get(kind::CUSTOM_EXTENSION, ext)? {
                Some(r) => Nav::One(kind::CUSTOM_EXTENSION, r.json),
                None => one(st, kind::LEGACY_EXTENSION, ext)?,
            }
        }
        (kind::REQUEST, "customextensioncalloutinstances") => Nav::Raw(c.get("customExtensionCalloutInstances").cloned().unwrap_or(json!([]))),
        (kind::REQUEST, "customextensionhandlerinstances") => Nav::Raw(super::render::handler_instances(c)),
        (SUBJECT_VIEW, "connectedorganization") => one(st, kind::CONNECTED_ORG, s(c, "_connectedOrganizationId"))?,
        (kind::REQUEST, "accesspackage") => one(st, kind::ACCESS_PACKAGE, s(c, "_accessPackageId"))?,
        (kind::REQUEST, "assignment" | "accesspackageassignment") => one(st, kind::ASSIGNMENT, s(c, "_assignmentId"))?,
        (kind::REQUEST, "requestor") => user_subject(st, s(c, "_requestorId"))?,
        (kind::ASSIGNMENT, "accesspackage") => one(st, kind::ACCESS_PACKAGE, s(c, "_accessPackageId"))?,
        (kind::ASSIGNMENT, "assignmentpolicy" | "accesspackageassignmentpolicy") => one(st, kind::POLICY, s(c, "_policyId"))?,
        (kind::ASSIGNMENT, "target") => user_subject(st, s(c, "_targetId"))?,
        // Suggestion views (packages.rs) carry the package they suggest.
        ("accessPackageSuggestion", "accesspackage" | "availableaccesspackage") => Nav::Raw(c.get("_accessPackage").cloned().unwrap_or(Value::Null)),
        (kind::ASSIGNMENT, "accesspackageassignmentresourceroles") => {
            Nav::Raw(c.get("_resourceRoles").cloned().unwrap_or(Value::Array(vec![])))
        }
        (kind::RESOURCE_REQUEST, "resource" | "accesspackageresource") => one(st, kind::RESOURCE, s(c, "_resourceId"))?,
        (kind::RESOURCE_REQUEST, "catalog" | "accesspackagecatalog") => one(st, kind::CATALOG, s(c, "catalogId"))?,
        _ => {
            return Err(GraphError::bad_request(format!(
                "Could not find a property named '{name}' on type 'microsoft.graph.{}'.",
                type_name(k)
            )))
        }
    };
    Ok(nav)
}

/// The id a single-valued navigation points at, without loading the object
/// (filters such as `accessPackage/id eq '…'` over thousands of records).
pub fn reference<'a>(k: &str, c: &'a Value, name: &str) -> Option<&'a str> {
    let field = match (k, name.to_ascii_lowercase().as_str()) {
        (kind::POLICY | kind::ASSIGNMENT | kind::REQUEST, "accesspackage") => "_accessPackageId",
        (kind::ASSIGNMENT, "assignmentpolicy" | "accesspackageassignmentpolicy") => "_policyId",
        (kind::RESOURCE_ROLE, "resource" | "accesspackageresource") => "_resourceId",
        (kind::ACCESS_PACKAGE, "catalog" | "accesspackagecatalog") => "catalogId",
        (kind::ROLE_SCOPE, "role" | "accesspackageresourcerole") => "_roleId",
        (kind::REQUEST, "assignment" | "accesspackageassignment") => "_assignmentId",
        _ => return None,
    };
    c.get(field).and_then(Value::as_str)
}

fn user_subject(st: &State, id: &str) -> GraphResult<Nav> {
    if id.is_empty() {
        return Ok(Nav::Raw(Value::Null));
    }
    let user = st.store.get(kind::USER, id)?;
    let mut v = subject(user.as_ref().map(|r| &r.json), id);
    if let Some(org) = super::settings::subject_connected_organization(st, id)? {
        v["_connectedOrganizationId"] = org["id"].clone();
    }
    Ok(Nav::One(SUBJECT_VIEW, v))
}

pub fn type_name(k: &str) -> &'static str {
    match k {
        kind::CATALOG => "accessPackageCatalog",
        kind::RESOURCE => "accessPackageResource",
        kind::RESOURCE_ROLE => "accessPackageResourceRole",
        kind::RESOURCE_REQUEST => "accessPackageResourceRequest",
        kind::ACCESS_PACKAGE => "accessPackage",
        kind::ROLE_SCOPE => "accessPackageResourceRoleScope",
        kind::POLICY => "accessPackageAssignmentPolicy",
        kind::REQUEST => "accessPackageAssignmentRequest",
        kind::ASSIGNMENT => "accessPackageAssignment",
        kind::USER => "user",
        kind::GROUP => "group",
        kind::CONNECTED_ORG => "connectedOrganization",
        kind::CUSTOM_EXTENSION => "customCalloutExtension",
        kind::LEGACY_EXTENSION => "customAccessPackageWorkflowExtension",
        kind::UPLOAD_SESSION => "customDataProvidedResourceUploadSession",
        kind::RESOURCE_ENVIRONMENT => "accessPackageResourceEnvironment",
        kind::CONNECTOR => "externalOriginResourceConnector",
        SUBJECT_VIEW => "accessPackageSubject",
        _ => "entity",
    }
}
