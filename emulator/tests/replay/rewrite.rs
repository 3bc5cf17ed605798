// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! How a documented example's ids become the fixture's: path parameters by
//! name, body ids by the key that holds them, `$filter` literals by property.

use entitlement::api::Operation;
use serde_json::Value;

use crate::fixtures::Fixtures;

/// The fixture a path parameter names, for the operation it belongs to.
pub fn fixture_for_param(ex: &Value, op: &Operation, param: &str) -> Option<&'static str> {
    let example = ex["id"].as_str().unwrap_or("");
    // A PUT of a custom extension keeps its type: the fixture of the sent type.
    let sent_type = ex["request_body"]["@odata.type"].as_str().unwrap_or("");
    Some(match (op.name, param) {
        (_, "customCalloutExtensionId" | "customWorkflowExtensionId") if sent_type.ends_with(".accessPackageAssignmentWorkflowExtension") => "extension2",
        (_, "customCalloutExtensionId" | "customWorkflowExtensionId") if sent_type.ends_with(".accessPackageAssignmentRequestWorkflowExtension") => "extension",
        // requests and policies whose documented response shows custom extension handlers
        (_, "accessPackageAssignmentRequestId") if example == "beta/accesspackageassignmentrequest-get#1" => "waitingRequest",
        (_, "accessPackageAssignmentPolicyId") if example == "beta/accesspackageassignmentpolicy-get#2" => "handlerPolicy",
        (_, "accessPackageAssignmentPolicyId") if example == "beta/accesspackageassignmentpolicy-get#3" => "credentialPolicy",
        ("cancel_assignment_request" | "cancel_access_package_assignment_request", _) => "pendingRequest",
        ("resume_assignment_request" | "resume_access_package_assignment_request", _) => "waitingRequest",
        ("delete_access_package_assignment_policy", _) => "emptyPolicy",
        ("delete_access_package_catalog", _) => "catalog2",
        (_, "accessPackageCatalogId") => "catalog",
        (_, "accessPackageResourceId") => "resource",
        (_, "accessPackageAssignmentPolicyId") => "policy",
        (_, "accessPackageAssignmentRequestId") => "request",
        (_, "accessPackageAssignmentId") => "assignment",
        (_, "accessPackageResourceRoleScopeId") => "roleScope",
        (_, "approvalStepId") => "stage",
        (_, "customCalloutExtensionId") if example.contains("-accesspackageassignmentworkflowextension-") => "extension2",
        (_, "customCalloutExtensionId") => "extension",
        (_, "customAccessPackageWorkflowExtensionId") => "legacyExtension",
        (_, "accessPackageResourceEnvironmentId") => "environment",
        (_, "accessPackageAssignmentResourceRoleId") => "assignmentResourceRole",
        ("list_access_packages_incompatible_with", _) => "package2",
        ("create_access_package_resource_role_scope", _) => "package3",
        ("list_assignment_target_external_sponsors" | "list_assignment_target_internal_sponsors", _) => "partnerAssignment",
        (_, "customWorkflowExtensionId") if example.contains("/accesspackageassignmentworkflowextension-") => "extension2",
        ("delete_assignment_policy", _) => "emptyPolicy",
        ("delete_access_package", _) => "package3",
        ("delete_catalog", _) => "catalog2",
        (_, "on") => return None,
        (_, "catalogId") => "catalog",
        (_, "resourceId") => "resource",
        (_, "uploadSessionId") => "uploadSession",
        (_, "accessPackageId" | "availableAccessPackageId") => "package",
        (_, "incompatibleAccessPackageId") => "package2",
        (_, "groupId") => "group2",
        (_, "resourceRoleScopeId") => "roleScope",
        (_, "assignmentPolicyId") => "policy",
        (_, "assignmentRequestId") => "request",
        (_, "assignmentId") => "assignment",
        (_, "customWorkflowExtensionId") => "extension",
        (_, "approvalId") => "pendingRequest",
        (_, "approvalStageId") => "stage",
        (_, "connectedOrganizationId") => "org",
        (_, "directoryObjectId") => "sponsor",
        (_, "externalOriginResourceConnectorId") => "connector",
        (_, "objectId") => "requestor",
        _ => return None,
    })
}

/// Who sends an example: self-service operations run as a user.
pub fn caller(op: &Operation, body: &Value) -> &'static str {
    let name = op.name;
    if name.contains("approval") {
        "approver"
    } else if name == "filter_access_package_suggestions_by_current_user" {
        "sponsor"
    } else if name.contains("by_current_user") || name == "get_applicable_policy_requirements" || name.starts_with("list_available_") {
        "requestor"
    } else if matches!(name, "create_assignment_request" | "create_access_package_assignment_request")
        && body["requestType"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("userAdd"))
    {
        "sponsor"
    } else {
        "admin"
    }
}

/// Rewrites ids inside a request body by the key that holds them.
pub fn rewrite_body(v: &mut Value, fx: &Fixtures, parent_key: &str, op: &Operation) {
    match v {
        Value::Object(m) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let odata_type = m.get("@odata.type").and_then(Value::as_str).unwrap_or("").to_string();
            let origin_system = m.get("originSystem").and_then(Value::as_str).unwrap_or("AadGroup").to_string();
            for k in keys {
                let child = m.get_mut(&k).unwrap();
                let target = match (parent_key, k.as_str()) {
                    (_, "catalogId") | ("catalog", "id") => Some(fx.get("catalog2")),
                    (_, "accessPackageId") | ("accessPackage", "id") => Some(fx.get("package")),
                    (_, "assignmentPolicyId") => Some(fx.get("policy")),
                    (_, "targetId") => Some(fx.get("sponsor")),
                    (_, "userId") => Some(fx.get("approver")),
                    (_, "groupId") => Some(fx.get("group")),
                    (_, "connectedOrganizationId") => Some(fx.get("org")),
                    ("assignment" | "accessPackageAssignment", "id") => Some(fx.get("assignment")),
                    ("role", "id") => Some(fx.get("role")),
                    ("role", "originId") => Some(fx.get("roleOrigin")),
                    ("scope", "id") => Some(fx.get("scope")),
                    ("scope", "originId") | ("resource", "originId") => {
                        if op.name == "create_resource_request" {
                            Some(fx.get("group2"))
                        } else {
                            Some(fx.get("group"))
                        }
                    }
                    ("resource", "id") | ("accessPackageResource", "id") => Some(fx.get("resource")),
                    ("accessPackageResourceRole", "id") => Some(fx.get("role")),
                    ("accessPackageResourceRole", "originId") => Some(fx.get("roleOrigin")),
                    ("accessPackageResourceScope", "id") => Some(fx.get("scope")),
                    ("accessPackageResourceScope", "originId") => Some(fx.get("group")),
                    // a resource request onboards what its originSystem names: a
                    // directory group, the seeded application, or a SharePoint site (a URL, kept)
                    ("accessPackageResource", "originId") if op.name == "create_access_package_resource_request" => {
                        match origin_system.as_str() {
                            "AadApplication" => Some(crate::fixtures::EXPENSES_SP_ID.to_string()),
                            "SharePointOnline" => None,
                            _ => Some(fx.get("group2")),
                        }
                    }
                    ("accessPackageResource", "originId") => Some(fx.get("group")),
                    ("allowedRequestors", "id") => Some(fx.get("requestor")),
                    ("approvers" | "primaryApprovers" | "escalationApprovers" | "fallbackPrimaryApprovers" | "fallbackEscalationApprovers", "id") => {
                        Some(fx.get("approver"))
                    }
                    ("subject", "objectId") => Some(fx.get("requestor")),
                    // a user asking for someone else (on behalf of)
                    ("target", "objectId") => Some(fx.get("other")),
                    (_, "accessPackageAssignmentPolicyId") => Some(fx.get("policy")),
                    // the fixture policy's questions: multiple choice, then text input
                    ("answeredQuestion", "id") if odata_type.ends_with("MultipleChoiceQuestion") => Some(fx.get("question1")),
                    ("answeredQuestion", "id") if odata_type.ends_with("TextInputQuestion") => Some(fx.get("question2")),
                    ("data", "customExtensionStageInstanceId") => Some(fx.get("calloutInstance")),
                    (_, "@odata.id") => child.as_str().map(|url| rewrite_ref(url, fx, op)),
                    _ => None,
                };
                match target {
                    Some(t) if child.is_string() => *child = Value::String(t),
                    _ => rewrite_body(child, fx, &k, op),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_body(i, fx, parent_key, op)),
        _ => {}
    }
}

fn rewrite_ref(url: &str, fx: &Fixtures, op: &Operation) -> String {
    let (head, _) = url.rsplit_once('/').unwrap_or((url, ""));
    let kind = head.rsplit('/').next().unwrap_or("");
    // the fixture already holds package → package2 and package → group2
    let id = match kind {
        "accessPackages" => fx.get(if op.name == "add_incompatible_access_package" { "package3" } else { "package2" }),
        "groups" => fx.get(if op.name == "add_incompatible_group" { "group" } else { "group2" }),
        "users" => fx.get("other"),
        _ => return url.to_string(),
    };
    format!("{head}/{id}")
}

/// Rewrites ids in `$filter`: `id eq '…'`, `resource/id eq '…'`, `originId eq '…'`.
pub fn rewrite_query(query: &str, fx: &Fixtures) -> String {
    let decoded = query.replace('+', " ").replace("%27", "'");
    let mut out = String::new();
    let mut rest = decoded.as_str();
    while let Some(i) = rest.find(" eq '") {
        let (before, after) = rest.split_at(i + 5);
        out.push_str(before);
        let end = after.find('\'').unwrap_or(after.len());
        let prop = before.trim_end_matches(" eq '").rsplit(['(', ' ', '=']).next().unwrap_or("");
        let value = &after[..end];
        let replaced = match prop {
            "id" | "resource/id" | "accessPackageResource/id" if decoded.contains("'SharePointOnline'") => fx.get("siteResource"),
            "id" | "resource/id" | "accessPackageResource/id" if decoded.contains("'AadApplication'") => fx.get("appResource"),
            "id" | "resource/id" | "accessPackageResource/id" => fx.get("resource"),
            "originId" => fx.get("group"),
            _ => value.to_string(),
        };
        out.push_str(&replaced);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
