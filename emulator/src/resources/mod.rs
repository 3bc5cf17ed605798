// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Handlers, one module per resource. `dispatch` picks a specific handler by
//! `(version, operation name)` and falls back to generic CRUD by kind.

pub mod approvals;
pub mod catalogs;
pub mod collection;
pub mod directory;
pub mod extensions;
pub mod incompatible;
pub mod my_access;
pub mod nav;
pub mod packages;
pub mod policies;
pub mod render;
pub mod requests;
pub mod settings;

use entitlement::api::{ApiVersion, Operation};
use serde_json::Value;

use crate::auth::Principal;
use crate::error::{GraphError, GraphResult};
use crate::server::{Ctx, Reply};
use crate::store::kind;

/// Operations a plain (non-administrator) user may call; handlers then check
/// that the objects are the caller's own.
const SELF_SERVICE: &[&str] = &[
    "create_assignment_request",
    "create_access_package_assignment_request",
    "get_assignment_request",
    "get_access_package_assignment_request",
    "cancel_assignment_request",
    "cancel_access_package_assignment_request",
    "get_assignment",
    "get_access_package_assignment",
    "list_group_members",
    // Approvals: handlers check that the caller is an approver (or the target / requestor).
    "get_assignment_approval",
    "get_access_package_assignment_approval",
    "list_assignment_approval_stages",
    "list_access_package_assignment_approval_steps",
    "get_assignment_approval_stage",
    "get_access_package_assignment_approval_step",
    "update_assignment_approval_stage",
    "update_access_package_assignment_approval_step",
    // filterByCurrentUser: always scoped to the caller.
    "filter_assignment_approvals_by_current_user",
    "filter_access_package_assignment_approvals_by_current_user",
    "filter_assignment_requests_by_current_user",
    "filter_access_package_assignment_requests_by_current_user",
    "filter_assignments_by_current_user",
    "filter_access_package_assignments_by_current_user",
    "filter_access_packages_by_current_user",
    "filter_access_package_suggestions_by_current_user",
    // End-user views of packages they may request.
    "get_applicable_policy_requirements",
    "list_available_access_package_resource_role_scopes",
];

pub fn authorize(who: &Principal, op: &Operation) -> GraphResult<()> {
    if who.is_admin() {
        return Ok(());
    }
    match who {
        Principal::App { .. } if who.can_read_all() && op.method == "GET" => Ok(()),
        Principal::User { .. } if SELF_SERVICE.contains(&op.name) => Ok(()),
        _ => Err(GraphError::forbidden()),
    }
}

pub fn dispatch(ctx: &Ctx) -> GraphResult<Reply> {
    use ApiVersion::V1;
    match (ctx.version, ctx.op.name) {
        (V1, "create_catalog") => catalogs::create_catalog(ctx),
        (V1, "delete_catalog") => catalogs::delete_catalog(ctx),
        (V1, "create_resource_request") => catalogs::create_resource_request(ctx),
        (_, "create_access_package") => packages::create_access_package(ctx),
        (_, "delete_access_package") => packages::delete_access_package(ctx),
        (_, "create_access_package_resource_role_scope") => packages::create_role_scope(ctx),
        (_, "create_assignment_policy" | "create_access_package_assignment_policy") => policies::create(ctx),
        (_, "replace_assignment_policy" | "replace_access_package_assignment_policy") => policies::replace(ctx),
        (_, "delete_assignment_policy" | "delete_access_package_assignment_policy") => policies::delete(ctx),
        (_, "create_assignment_request" | "create_access_package_assignment_request") => requests::create(ctx),
        (_, "get_assignment_request" | "get_access_package_assignment_request") => requests::get_own(ctx, kind::REQUEST),
        (_, "get_assignment" | "get_access_package_assignment") => requests::get_own(ctx, kind::ASSIGNMENT),
        (V1, "cancel_assignment_request") => requests::cancel(ctx),
        (_, "list_group_members") => requests::group_members(ctx),
        // ---- access packages, requests, approvals (packages.rs, requests.rs, policies.rs, approvals.rs, lifecycle.rs)
        // (E1 arms go here)
        (_, "get_assignment_approval" | "get_access_package_assignment_approval") => approvals::get_approval(ctx),
        (_, "list_assignment_approval_stages" | "list_access_package_assignment_approval_steps") => approvals::list_stages(ctx),
        (_, "get_assignment_approval_stage" | "get_access_package_assignment_approval_step") => approvals::get_stage(ctx),
        (_, "update_assignment_approval_stage" | "update_access_package_assignment_approval_step") => approvals::update_stage(ctx),
        (_, "filter_assignment_approvals_by_current_user" | "filter_access_package_assignment_approvals_by_current_user") => {
            approvals::filter_by_current_user(ctx)
        }
        (_, "filter_assignment_requests_by_current_user" | "filter_access_package_assignment_requests_by_current_user") => {
            requests::filter_requests(ctx)
        }
        (_, "filter_assignments_by_current_user" | "filter_access_package_assignments_by_current_user") => requests::filter_assignments(ctx),
        (_, "filter_access_packages_by_current_user") => my_access::filter_packages(ctx),
        (_, "filter_access_package_suggestions_by_current_user") => my_access::filter_suggestions(ctx),
        (_, "list_additional_access" | "list_access_package_assignments_additional_access") => requests::additional_access(ctx),
        (_, "get_applicable_policy_requirements") => my_access::applicable_policy_requirements(ctx),
        (_, "add_incompatible_access_package") => incompatible::add_incompatible_package(ctx),
        (_, "remove_incompatible_access_package") => incompatible::remove_incompatible_package(ctx),
        (_, "list_incompatible_access_packages") => incompatible::list_incompatible_packages(ctx),
        (_, "list_access_packages_incompatible_with") => incompatible::list_incompatible_with(ctx),
        (_, "add_incompatible_group") => incompatible::add_incompatible_group(ctx),
        (_, "remove_incompatible_group") => incompatible::remove_incompatible_group(ctx),
        (_, "list_incompatible_groups") => incompatible::list_incompatible_groups(ctx),
        (ApiVersion::Beta, "cancel_assignment_request") | (_, "cancel_access_package_assignment_request") => requests::cancel(ctx),
        (_, "delete_assignment_request" | "delete_access_package_assignment_request") => requests::delete(ctx),
        (_, "reprocess_assignment_request" | "reprocess_access_package_assignment_request") => requests::reprocess(ctx),
        (_, "reprocess_assignment" | "reprocess_access_package_assignment") => requests::reprocess_assignment(ctx),
        (_, "resume_assignment_request" | "resume_access_package_assignment_request") => requests::resume(ctx),
        (_, "move_access_package_to_catalog") => packages::move_to_catalog(ctx),
        (_, "update_access_package") => packages::update_access_package(ctx),
        (_, "delete_access_package_resource_role_scope") => packages::delete_role_scope(ctx),
        (_, "list_available_access_package_resource_role_scopes") => my_access::available_role_scopes(ctx),
        (_, "list_access_package_assignment_resource_roles") => my_access::list_assignment_resource_roles(ctx),
        (_, "get_access_package_assignment_resource_role") => my_access::get_assignment_resource_role(ctx),
        // ---- connected organizations, extensions, settings, catalog resources (directory.rs, extensions.rs, settings.rs, catalogs.rs)
        // (E2 arms go here)
        (_, "list_connected_organizations" | "get_connected_organization") => collection::generic(ctx, kind::CONNECTED_ORG),
        (_, "create_connected_organization") => directory::create(ctx),
        (_, "update_connected_organization") => directory::update(ctx),
        (_, "delete_connected_organization") => directory::delete(ctx),
        (_, "list_connected_organization_internal_sponsors") => directory::list_sponsors(ctx, false),
        (_, "list_connected_organization_external_sponsors") => directory::list_sponsors(ctx, true),
        (_, "add_connected_organization_internal_sponsor") => directory::add_sponsor(ctx, false),
        (_, "add_connected_organization_external_sponsor") => directory::add_sponsor(ctx, true),
        (_, "remove_connected_organization_internal_sponsor") => directory::remove_sponsor(ctx, false),
        (_, "remove_connected_organization_external_sponsor") => directory::remove_sponsor(ctx, true),
        (_, "list_assignment_target_internal_sponsors") => directory::assignment_target_sponsors(ctx, false),
        (_, "list_assignment_target_external_sponsors") => directory::assignment_target_sponsors(ctx, true),
        (_, "list_catalog_custom_workflow_extensions" | "list_access_package_catalog_custom_workflow_extensions" | "list_custom_access_package_workflow_extensions") => {
            extensions::list(ctx)
        }
        (_, "create_catalog_custom_workflow_extension" | "create_access_package_catalog_custom_workflow_extension" | "create_custom_access_package_workflow_extension") => {
            extensions::create(ctx)
        }
        (_, "get_catalog_custom_workflow_extension" | "get_access_package_catalog_custom_workflow_extension" | "get_custom_access_package_workflow_extension") => {
            extensions::get(ctx)
        }
        (_, "replace_catalog_custom_workflow_extension" | "replace_access_package_catalog_custom_workflow_extension" | "replace_custom_access_package_workflow_extension") => {
            extensions::replace(ctx)
        }
        (_, "delete_catalog_custom_workflow_extension" | "delete_access_package_catalog_custom_workflow_extension" | "delete_custom_access_package_workflow_extension") => {
            extensions::delete(ctx)
        }
        (_, "list_catalog_resource_upload_sessions" | "list_access_package_catalog_resource_upload_sessions") => extensions::list_sessions(ctx),
        (_, "create_catalog_resource_upload_session") => extensions::create_session(ctx),
        (_, "get_catalog_resource_upload_session") => extensions::get_session(ctx),
        (_, "update_catalog_resource_upload_session") => extensions::update_session(ctx),
        (_, "delete_catalog_resource_upload_session") => extensions::delete_session(ctx),
        (_, "upload_catalog_resource_upload_session_file") => extensions::upload_file(ctx),
        (_, "get_settings") => settings::get_settings(ctx),
        (_, "update_settings") => settings::update_settings(ctx),
        (_, "get_end_user_settings") => settings::get_end_user_settings(ctx),
        (_, "replace_end_user_settings") => settings::replace_end_user_settings(ctx),
        (_, "get_subject") => settings::get_subject(ctx),
        (_, "update_subject") => settings::update_subject(ctx),
        (_, "list_resource_environments" | "list_access_package_resource_environments") => settings::list_environments(ctx),
        (_, "get_access_package_resource_environment") => settings::get_environment(ctx),
        (_, "list_external_origin_resource_connectors" | "get_external_origin_resource_connector" | "delete_external_origin_resource_connector") => {
            collection::generic(ctx, kind::CONNECTOR)
        }
        (_, "create_external_origin_resource_connector") => settings::create_connector(ctx),
        (_, "update_external_origin_resource_connector") => settings::update_connector(ctx),
        (_, "create_access_package_resource_request") => catalogs::create_resource_request(ctx),
        (_, "refresh_catalog_resource" | "refresh_access_package_catalog_resource") => catalogs::refresh_resource(ctx),
        (ApiVersion::Beta, "create_access_package_catalog") => catalogs::create_catalog(ctx),
        (_, "update_catalog" | "update_access_package_catalog") => catalogs::update_catalog(ctx),
        (ApiVersion::Beta, "delete_access_package_catalog") => catalogs::delete_catalog(ctx),
        _ => match collection::kind_of(ctx.op) {
            Some(k) => collection::generic(ctx, k),
            None => Err(GraphError::new(501, "NotImplemented", format!("{} is not implemented by the emulator.", ctx.op.name))),
        },
    }
}

/// A string property of the request body, or 400 when it is required and missing.
pub fn required_str<'a>(body: &'a Value, key: &str) -> GraphResult<&'a str> {
    match body.get(key).and_then(Value::as_str) {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(GraphError::missing(key)),
    }
}

/// `{"x": {"id": …}}` or `"xId"` in a body.
pub fn ref_id<'a>(body: &'a Value, nav: &str, flat: &str) -> Option<&'a str> {
    body.get(flat)
        .and_then(Value::as_str)
        .or_else(|| body.get(nav).and_then(|n| n.get("id")).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
}
