// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Handlers, one module per resource. `dispatch` picks a specific handler by
//! the operation's generated identifier ([`OpId`], one variant per declared
//! operation and version) and falls back to generic CRUD by kind.

pub mod approvals;
pub mod catalogs;
pub mod collection;
pub mod directory;
pub mod extensions;
pub mod incompatible;
pub mod indexed;
pub mod my_access;
pub mod nav;
pub mod packages;
pub mod policies;
pub mod render;
pub mod requests;
pub mod settings;

use entitlement::api::{OpId, Operation};
use serde_json::Value;

use crate::auth::Principal;
use crate::error::{GraphError, GraphResult};
use crate::server::{Ctx, Reply};
use crate::store::kind;

/// Graph's permission rules, from each operation's description:
///
/// - Operations about "the signed-in user" (`filterByCurrentUser`, approvals,
///   `getApplicablePolicyRequirements`) are delegated-only: Graph documents
///   application permissions as "Not supported", so every app token gets 403.
/// - Administrators (Identity Governance or Global Administrator users, apps
///   with `EntitlementManagement.ReadWrite.All`) may call everything else.
/// - Apps with another `EntitlementManagement.*` permission may read (GET).
/// - Plain users may call only the operations declared `self_service = true`
///   in api/operations.toml (the handlers then check the objects are the
///   caller's own).
///
/// A refusal is 403 `Forbidden` "Insufficient privileges to complete the
/// operation."; refusals of a particular object by a handler say why instead.
pub fn authorize(who: &Principal, op: &Operation) -> GraphResult<()> {
    if matches!(who, Principal::App { .. }) && delegated_only(op) {
        return Err(GraphError::forbidden());
    }
    if who.is_admin() {
        return Ok(());
    }
    match who {
        Principal::App { .. } if who.can_read_all() && op.method == "GET" => Ok(()),
        Principal::User { .. } if op.self_service => Ok(()),
        _ => Err(GraphError::forbidden()),
    }
}

/// Operations Graph documents for delegated (signed-in user) calls only.
pub fn delegated_only(op: &Operation) -> bool {
    op.path.contains("/filterByCurrentUser(")
        || op.path.contains("/accessPackageAssignmentApprovals/")
        || op.path.ends_with("/getApplicablePolicyRequirements")
}

pub fn dispatch(ctx: &Ctx) -> GraphResult<Reply> {
    match ctx.op.id {
        OpId::CreateCatalog => catalogs::create_catalog(ctx),
        OpId::DeleteCatalog => catalogs::delete_catalog(ctx),
        OpId::CreateResourceRequest => catalogs::create_resource_request(ctx),
        OpId::CreateAccessPackage | OpId::BetaCreateAccessPackage => packages::create_access_package(ctx),
        OpId::DeleteAccessPackage | OpId::BetaDeleteAccessPackage => packages::delete_access_package(ctx),
        OpId::CreateAccessPackageResourceRoleScope
        | OpId::BetaCreateAccessPackageResourceRoleScope => packages::create_role_scope(ctx),
        OpId::CreateAssignmentPolicy | OpId::BetaCreateAccessPackageAssignmentPolicy => policies::create(ctx),
        OpId::ReplaceAssignmentPolicy | OpId::BetaReplaceAccessPackageAssignmentPolicy => policies::replace(ctx),
        OpId::DeleteAssignmentPolicy | OpId::BetaDeleteAccessPackageAssignmentPolicy => policies::delete(ctx),
        OpId::CreateAssignmentRequest
        | OpId::BetaCreateAssignmentRequest
        | OpId::BetaCreateAccessPackageAssignmentRequest => requests::create(ctx),
        OpId::GetAssignmentRequest
        | OpId::BetaGetAccessPackageAssignmentRequest => requests::get_own(ctx, kind::REQUEST),
        OpId::GetAssignment => requests::get_own(ctx, kind::ASSIGNMENT),
        OpId::CancelAssignmentRequest => requests::cancel(ctx),
        OpId::ListGroupMembers => requests::group_members(ctx),
        // ---- access packages, requests, approvals (packages.rs, requests.rs, policies.rs, approvals.rs, lifecycle.rs)
        OpId::GetAssignmentApproval | OpId::BetaGetAccessPackageAssignmentApproval => approvals::get_approval(ctx),
        OpId::ListAssignmentApprovalStages
        | OpId::BetaListAccessPackageAssignmentApprovalSteps => approvals::list_stages(ctx),
        OpId::GetAssignmentApprovalStage
        | OpId::BetaGetAccessPackageAssignmentApprovalStep => approvals::get_stage(ctx),
        OpId::UpdateAssignmentApprovalStage
        | OpId::BetaUpdateAccessPackageAssignmentApprovalStep => approvals::update_stage(ctx),
        OpId::FilterAssignmentApprovalsByCurrentUser
        | OpId::BetaFilterAccessPackageAssignmentApprovalsByCurrentUser => approvals::filter_by_current_user(ctx),
        OpId::FilterAssignmentRequestsByCurrentUser
        | OpId::BetaFilterAssignmentRequestsByCurrentUser
        | OpId::BetaFilterAccessPackageAssignmentRequestsByCurrentUser => requests::filter_requests(ctx),
        OpId::FilterAssignmentsByCurrentUser
        | OpId::BetaFilterAccessPackageAssignmentsByCurrentUser => requests::filter_assignments(ctx),
        OpId::FilterAccessPackagesByCurrentUser
        | OpId::BetaFilterAccessPackagesByCurrentUser => my_access::filter_packages(ctx),
        OpId::FilterAccessPackageSuggestionsByCurrentUser
        | OpId::BetaFilterAccessPackageSuggestionsByCurrentUser => my_access::filter_suggestions(ctx),
        OpId::ListAdditionalAccess
        | OpId::BetaListAccessPackageAssignmentsAdditionalAccess => requests::additional_access(ctx),
        OpId::GetApplicablePolicyRequirements
        | OpId::BetaGetApplicablePolicyRequirements => my_access::applicable_policy_requirements(ctx),
        OpId::AddIncompatibleAccessPackage
        | OpId::BetaAddIncompatibleAccessPackage => incompatible::add_incompatible_package(ctx),
        OpId::RemoveIncompatibleAccessPackage
        | OpId::BetaRemoveIncompatibleAccessPackage => incompatible::remove_incompatible_package(ctx),
        OpId::ListIncompatibleAccessPackages
        | OpId::BetaListIncompatibleAccessPackages => incompatible::list_incompatible_packages(ctx),
        OpId::ListAccessPackagesIncompatibleWith
        | OpId::BetaListAccessPackagesIncompatibleWith => incompatible::list_incompatible_with(ctx),
        OpId::AddIncompatibleGroup | OpId::BetaAddIncompatibleGroup => incompatible::add_incompatible_group(ctx),
        OpId::RemoveIncompatibleGroup
        | OpId::BetaRemoveIncompatibleGroup => incompatible::remove_incompatible_group(ctx),
        OpId::ListIncompatibleGroups | OpId::BetaListIncompatibleGroups => incompatible::list_incompatible_groups(ctx),
        OpId::BetaCancelAssignmentRequest | OpId::BetaCancelAccessPackageAssignmentRequest => requests::cancel(ctx),
        OpId::DeleteAssignmentRequest | OpId::BetaDeleteAccessPackageAssignmentRequest => requests::delete(ctx),
        OpId::ReprocessAssignmentRequest
        | OpId::BetaReprocessAssignmentRequest
        | OpId::BetaReprocessAccessPackageAssignmentRequest => requests::reprocess(ctx),
        OpId::ReprocessAssignment | OpId::BetaReprocessAccessPackageAssignment => requests::reprocess_assignment(ctx),
        OpId::ResumeAssignmentRequest
        | OpId::BetaResumeAssignmentRequest
        | OpId::BetaResumeAccessPackageAssignmentRequest => requests::resume(ctx),
        OpId::MoveAccessPackageToCatalog | OpId::BetaMoveAccessPackageToCatalog => packages::move_to_catalog(ctx),
        OpId::UpdateAccessPackage | OpId::BetaUpdateAccessPackage => packages::update_access_package(ctx),
        OpId::DeleteAccessPackageResourceRoleScope
        | OpId::BetaDeleteAccessPackageResourceRoleScope => packages::delete_role_scope(ctx),
        OpId::ListAvailableAccessPackageResourceRoleScopes => my_access::available_role_scopes(ctx),
        OpId::BetaListAccessPackageAssignmentResourceRoles => my_access::list_assignment_resource_roles(ctx),
        OpId::BetaGetAccessPackageAssignmentResourceRole => my_access::get_assignment_resource_role(ctx),
        // ---- connected organizations, extensions, settings, catalog resources (directory.rs, extensions.rs, settings.rs, catalogs.rs)
        OpId::ListConnectedOrganizations
        | OpId::BetaListConnectedOrganizations
        | OpId::GetConnectedOrganization
        | OpId::BetaGetConnectedOrganization => collection::generic(ctx, kind::CONNECTED_ORG),
        OpId::CreateConnectedOrganization | OpId::BetaCreateConnectedOrganization => directory::create(ctx),
        OpId::UpdateConnectedOrganization | OpId::BetaUpdateConnectedOrganization => directory::update(ctx),
        OpId::DeleteConnectedOrganization | OpId::BetaDeleteConnectedOrganization => directory::delete(ctx),
        OpId::ListConnectedOrganizationInternalSponsors
        | OpId::BetaListConnectedOrganizationInternalSponsors => directory::list_sponsors(ctx, false),
        OpId::ListConnectedOrganizationExternalSponsors
        | OpId::BetaListConnectedOrganizationExternalSponsors => directory::list_sponsors(ctx, true),
        OpId::AddConnectedOrganizationInternalSponsor
        | OpId::BetaAddConnectedOrganizationInternalSponsor => directory::add_sponsor(ctx, false),
        OpId::AddConnectedOrganizationExternalSponsor
        | OpId::BetaAddConnectedOrganizationExternalSponsor => directory::add_sponsor(ctx, true),
        OpId::RemoveConnectedOrganizationInternalSponsor
        | OpId::BetaRemoveConnectedOrganizationInternalSponsor => directory::remove_sponsor(ctx, false),
        OpId::RemoveConnectedOrganizationExternalSponsor
        | OpId::BetaRemoveConnectedOrganizationExternalSponsor => directory::remove_sponsor(ctx, true),
        OpId::ListAssignmentTargetInternalSponsors => directory::assignment_target_sponsors(ctx, false),
        OpId::ListAssignmentTargetExternalSponsors => directory::assignment_target_sponsors(ctx, true),
        OpId::ListCatalogCustomWorkflowExtensions
        | OpId::BetaListAccessPackageCatalogCustomWorkflowExtensions
        | OpId::BetaListCustomAccessPackageWorkflowExtensions => extensions::list(ctx),
        OpId::CreateCatalogCustomWorkflowExtension
        | OpId::BetaCreateAccessPackageCatalogCustomWorkflowExtension
        | OpId::BetaCreateCustomAccessPackageWorkflowExtension => extensions::create(ctx),
        OpId::GetCatalogCustomWorkflowExtension
        | OpId::BetaGetAccessPackageCatalogCustomWorkflowExtension
        | OpId::BetaGetCustomAccessPackageWorkflowExtension => extensions::get(ctx),
        OpId::ReplaceCatalogCustomWorkflowExtension
        | OpId::BetaReplaceAccessPackageCatalogCustomWorkflowExtension
        | OpId::BetaReplaceCustomAccessPackageWorkflowExtension => extensions::replace(ctx),
        OpId::DeleteCatalogCustomWorkflowExtension
        | OpId::BetaDeleteAccessPackageCatalogCustomWorkflowExtension
        | OpId::BetaDeleteCustomAccessPackageWorkflowExtension => extensions::delete(ctx),
        OpId::ListCatalogResourceUploadSessions
        | OpId::BetaListAccessPackageCatalogResourceUploadSessions => extensions::list_sessions(ctx),
        OpId::CreateCatalogResourceUploadSession => extensions::create_session(ctx),
        OpId::GetCatalogResourceUploadSession => extensions::get_session(ctx),
        OpId::UpdateCatalogResourceUploadSession => extensions::update_session(ctx),
        OpId::DeleteCatalogResourceUploadSession => extensions::delete_session(ctx),
        OpId::UploadCatalogResourceUploadSessionFile => extensions::upload_file(ctx),
        OpId::GetSettings | OpId::BetaGetSettings => settings::get_settings(ctx),
        OpId::UpdateSettings | OpId::BetaUpdateSettings => settings::update_settings(ctx),
        OpId::GetEndUserSettings => settings::get_end_user_settings(ctx),
        OpId::ReplaceEndUserSettings => settings::replace_end_user_settings(ctx),
        OpId::GetSubject | OpId::BetaGetSubject => settings::get_subject(ctx),
        OpId::UpdateSubject | OpId::BetaUpdateSubject => settings::update_subject(ctx),
        OpId::ListResourceEnvironments
        | OpId::BetaListAccessPackageResourceEnvironments => settings::list_environments(ctx),
        OpId::BetaGetAccessPackageResourceEnvironment => settings::get_environment(ctx),
        OpId::ListExternalOriginResourceConnectors
        | OpId::GetExternalOriginResourceConnector
        | OpId::DeleteExternalOriginResourceConnector => collection::generic(ctx, kind::CONNECTOR),
        OpId::CreateExternalOriginResourceConnector => settings::create_connector(ctx),
        OpId::UpdateExternalOriginResourceConnector => settings::update_connector(ctx),
        OpId::BetaCreateAccessPackageResourceRequest => catalogs::create_resource_request(ctx),
        OpId::RefreshCatalogResource | OpId::BetaRefreshAccessPackageCatalogResource => catalogs::refresh_resource(ctx),
        OpId::BetaCreateAccessPackageCatalog => catalogs::create_catalog(ctx),
        OpId::UpdateCatalog | OpId::BetaUpdateAccessPackageCatalog => catalogs::update_catalog(ctx),
        OpId::BetaDeleteAccessPackageCatalog => catalogs::delete_catalog(ctx),
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
