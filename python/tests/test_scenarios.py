# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Scenarios beyond the tutorial, each against a fresh emulator: connected
organizations with sponsors, incompatible access packages, custom workflow
extensions, approvals found with filterByCurrentUser."""

import asyncio
import time

import pytest

from entitlement import (BadRequestError, EntitlementError, InvalidArgumentError, NotFoundError,
                         PermissionDeniedError, models)
from entitlement.testing import Emulator, ids

GRAPH = "https://graph.microsoft.com/v1.0"


@pytest.fixture
def emu():
    with Emulator(delivery_delay=0.02) as e:
        yield e


def catalog_with_group(admin):
    catalog = admin.create_catalog({"displayName": "Scenario", "description": "scenario catalog"})
    admin.create_resource_request({"requestType": "adminAdd", "catalog": {"id": catalog.id},
                                   "resource": {"originId": ids.GROUP_ID, "originSystem": "AadGroup"}})
    role = next(iter(admin.list_catalog_resource_roles(
        catalog.id, filter="originSystem eq 'AadGroup' and displayName eq 'Member'", expand="resource")))
    return catalog, role


def package_with_policy(admin, catalog, role, name, approvers=None):
    pkg = admin.create_access_package({"displayName": name, "description": name, "catalog": {"id": catalog.id}})
    admin.create_access_package_resource_role_scope(pkg.id, {
        "role": {"id": role.id, "originId": role.origin_id, "originSystem": "AadGroup",
                 "resource": {"id": role.resource.id}},
        "scope": {"originId": ids.GROUP_ID, "originSystem": "AadGroup"},
    })
    stages = [] if not approvers else [{
        "durationBeforeAutomaticDenial": "P2D",
        "isApproverJustificationRequired": False,
        "isEscalationEnabled": False,
        "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": a} for a in approvers],
    }]
    policy = admin.create_assignment_policy({
        "displayName": f"{name} policy",
        "description": "members may ask",
        "allowedTargetScope": "allMemberUsers",
        "expiration": {"type": "afterDuration", "duration": "P30D"},
        "requestorSettings": {"enableTargetsToSelfAddAccess": True, "enableTargetsToSelfRemoveAccess": True},
        "requestApprovalSettings": {"isApprovalRequiredForAdd": bool(approvers), "isApprovalRequiredForUpdate": False,
                                    "stages": stages},
        "accessPackage": {"id": pkg.id},
    })
    assert policy.expiration.duration == "P30D"
    return pkg, policy


def test_connected_organization_with_sponsors(emu):
    admin = emu.client()
    org = admin.create_connected_organization({
        "displayName": "Fabrikam",
        "description": "Partner",
        "identitySources": [{"@odata.type": "#microsoft.graph.domainIdentitySource",
                             "domainName": "fabrikam.com", "displayName": "fabrikam.com"}],
        "state": "configured",
    })
    assert isinstance(org, models.ConnectedOrganization)
    assert org.identity_sources[0].domain_name == "fabrikam.com"
    assert org.created_date_time is not None

    admin.add_connected_organization_internal_sponsor(org.id, {"@odata.id": f"{GRAPH}/users/{ids.ADMIN_ID}"})
    admin.add_connected_organization_external_sponsor(org.id, {"@odata.id": f"{GRAPH}/users/{ids.REQUESTOR1_ID}"})
    internal = list(admin.list_connected_organization_internal_sponsors(org.id))
    external = list(admin.list_connected_organization_external_sponsors(org.id))
    assert [s.id for s in internal] == [ids.ADMIN_ID]
    assert [s.id for s in external] == [ids.REQUESTOR1_ID]
    assert internal[0]["@odata.type"] == "#microsoft.graph.user"

    # an unknown directory object is refused, and nothing is added
    with pytest.raises(NotFoundError):
        admin.add_connected_organization_internal_sponsor(
            org.id, {"@odata.id": f"{GRAPH}/users/00000000-0000-4000-8000-000000000000"})
    assert len(list(admin.list_connected_organization_internal_sponsors(org.id))) == 1

    admin.update_connected_organization(org.id, {"displayName": "Fabrikam Ltd"})
    assert admin.get_connected_organization(org.id).display_name == "Fabrikam Ltd"
    found = list(admin.list_connected_organizations(filter="displayName eq 'Fabrikam Ltd'"))
    assert [o.id for o in found] == [org.id]

    admin.remove_connected_organization_internal_sponsor(org.id, ids.ADMIN_ID)
    assert list(admin.list_connected_organization_internal_sponsors(org.id)) == []
    admin.delete_connected_organization(org.id)
    with pytest.raises(NotFoundError) as e:
        admin.get_connected_organization(org.id)
    assert e.value.status == 404 and e.value.request_id


def test_incompatible_access_package_blocks_a_request(emu):
    admin = emu.client()
    requestor = emu.user_client(ids.REQUESTOR1_UPN)
    catalog, role = catalog_with_group(admin)
    sales, sales_policy = package_with_policy(admin, catalog, role, "Sales")
    audit, audit_policy = package_with_policy(admin, catalog, role, "Audit")

    # Requestor1 holds Sales
    req = requestor.create_assignment_request({"requestType": "userAdd",
                                               "assignment": {"accessPackageId": sales.id,
                                                              "assignmentPolicyId": sales_policy.id}})
    assert admin.wait_for_assignment_request(req.id, timeout=20, poll_interval=0.02).state == "delivered"

    # Audit is incompatible with Sales
    admin.add_incompatible_access_package(
        audit.id, {"@odata.id": f"{GRAPH}/identityGovernance/entitlementManagement/accessPackages/{sales.id}"})
    assert [p.id for p in admin.list_incompatible_access_packages(audit.id)] == [sales.id]
    assert [p.id for p in admin.list_access_packages_incompatible_with(sales.id)] == [audit.id]
    # a catalog is not an access package
    with pytest.raises(BadRequestError):
        admin.add_incompatible_access_package(
            audit.id, {"@odata.id": f"{GRAPH}/identityGovernance/entitlementManagement/catalogs/{catalog.id}"})

    before = len(list(admin.list_assignment_requests()))
    with pytest.raises(PermissionDeniedError) as e:
        requestor.create_assignment_request({"requestType": "userAdd",
                                             "assignment": {"accessPackageId": audit.id,
                                                            "assignmentPolicyId": audit_policy.id}})
    assert isinstance(e.value, EntitlementError)
    assert e.value.status == 403 and e.value.code == "IncompatibleAccess"
    assert "Sales" in e.value.message and e.value.request_id
    assert len(list(admin.list_assignment_requests())) == before
    assert list(admin.list_assignments(filter=f"accessPackage/id eq '{audit.id}'")) == []

    # once the incompatibility is removed, the same request goes through
    admin.remove_incompatible_access_package(audit.id, sales.id)
    ok = requestor.create_assignment_request({"requestType": "userAdd",
                                              "assignment": {"accessPackageId": audit.id,
                                                             "assignmentPolicyId": audit_policy.id}})
    assert admin.wait_for_assignment_request(ok.id, timeout=20, poll_interval=0.02).state == "delivered"


def test_custom_workflow_extensions_created_listed_deleted(emu):
    admin = emu.client()
    catalog = admin.create_catalog({"displayName": "Extensions", "description": "x"})
    body = {
        "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
        "displayName": "SoD check",
        "description": "Calls the separation-of-duties logic app",
        "endpointConfiguration": {
            "@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration",
            "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d",
            "resourceGroupName": "governance",
            "logicAppWorkflowName": "sod-check",
        },
        "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
    }
    ext = admin.create_catalog_custom_workflow_extension(catalog.id, body)
    assert isinstance(ext, models.AccessPackageAssignmentRequestWorkflowExtension)
    assert ext.endpoint_configuration.logic_app_workflow_name == "sod-check"
    second = admin.create_catalog_custom_workflow_extension(catalog.id, {
        **body, "@odata.type": "#microsoft.graph.accessPackageAssignmentWorkflowExtension", "displayName": "Notify"})
    assert isinstance(second, models.AccessPackageAssignmentWorkflowExtension)

    listed = sorted(x.display_name for x in admin.list_catalog_custom_workflow_extensions(catalog.id))
    assert listed == ["Notify", "SoD check"]

    # PUT replaces the whole object
    replaced = admin.replace_catalog_custom_workflow_extension(catalog.id, ext.id, {**body, "displayName": "SoD v2"})
    assert replaced.display_name == "SoD v2"
    assert admin.get_catalog_custom_workflow_extension(catalog.id, ext.id).display_name == "SoD v2"

    # beta reads the same extensions
    beta = [x.id for x in admin.beta.list_access_package_catalog_custom_workflow_extensions(catalog.id)]
    assert sorted(beta) == sorted([ext.id, second.id])

    admin.delete_catalog_custom_workflow_extension(catalog.id, ext.id)
    assert [x.id for x in admin.list_catalog_custom_workflow_extensions(catalog.id)] == [second.id]
    with pytest.raises(NotFoundError):
        admin.get_catalog_custom_workflow_extension(catalog.id, ext.id)
    # an unknown catalog is a typed 404, a missing display name a 400
    with pytest.raises(NotFoundError):
        admin.list_catalog_custom_workflow_extensions("00000000-0000-4000-8000-000000000000").first_page()
    with pytest.raises(BadRequestError):
        admin.create_catalog_custom_workflow_extension(catalog.id, {k: v for k, v in body.items() if k != "displayName"})


def test_approver_lists_pending_approvals_with_filter_by_current_user(emu):
    admin = emu.client()
    requestor = emu.user_client(ids.REQUESTOR1_UPN)
    approver = emu.user_client(ids.ADMIN_UPN)
    catalog, role = catalog_with_group(admin)
    pkg, policy = package_with_policy(admin, catalog, role, "Finance", approvers=[ids.ADMIN_ID])

    req = requestor.create_assignment_request({"requestType": "userAdd", "justification": "quarter close",
                                               "assignment": {"accessPackageId": pkg.id,
                                                              "assignmentPolicyId": policy.id}})
    approvals = []
    for _ in range(200):
        approvals = list(approver.filter_assignment_approvals_by_current_user("approver"))
        if approvals:
            break
        time.sleep(0.02)
    assert admin.get_assignment_request(req.id).state == "pendingApproval"
    assert [a.id for a in approvals] == [req.id]
    # the requestor is no approver
    assert list(requestor.filter_assignment_approvals_by_current_user("approver")) == []
    # an unknown function parameter value is a typed 400
    with pytest.raises(BadRequestError):
        list(approver.filter_assignment_approvals_by_current_user("nobody"))

    stages = list(approver.list_assignment_approval_stages(req.id))
    assert len(stages) == 1 and stages[0].review_result == "NotReviewed"
    with pytest.raises(PermissionDeniedError):
        requestor.update_assignment_approval_stage(req.id, stages[0].id,
                                                   {"reviewResult": "Approve", "justification": "self"})
    approver.update_assignment_approval_stage(req.id, stages[0].id, {"reviewResult": "Approve", "justification": "ok"})
    done = admin.wait_for_assignment_request(req.id, timeout=20, poll_interval=0.02)
    assert done.state == "delivered"
    assert ids.REQUESTOR1_ID in [m.id for m in admin.list_group_members(ids.GROUP_ID)]
    assert list(approver.filter_assignment_approvals_by_current_user("approver")) == []
    mine = list(requestor.filter_assignments_by_current_user("target", expand="accessPackage"))
    assert [a.access_package.id for a in mine] == [pkg.id]
    assert [r.id for r in requestor.filter_assignment_requests_by_current_user("target")] == [req.id]


def test_scenarios_async_parity(emu):
    async def run():
        admin = emu.async_client()
        org = await admin.create_connected_organization({
            "displayName": "Contoso Partner",
            "identitySources": [{"@odata.type": "#microsoft.graph.azureActiveDirectoryTenant",
                                 "tenantId": "11111111-2222-4333-8444-555555555555", "displayName": "Partner"}],
        })
        await admin.add_connected_organization_external_sponsor(org.id, {"@odata.id": f"{GRAPH}/users/{ids.ADMIN_ID}"})
        sponsors = [s.id async for s in admin.list_connected_organization_external_sponsors(org.id)]
        assert sponsors == [ids.ADMIN_ID]
        settings = await admin.get_settings()
        assert settings.external_user_lifecycle_action is not None
        with pytest.raises(InvalidArgumentError):
            await admin.create_connected_organization({"displayName": 5})
    asyncio.run(run())


def test_filter_builder_escapes_user_input(emu):
    from entitlement import Filter as F
    admin = emu.client()
    admin.create_catalog({"displayName": "O'Brien's catalog", "description": "quote"})
    admin.create_catalog({"displayName": "Other", "description": "x"})
    hostile = "x' or displayName ne 'y"
    f = F.eq("displayName", hostile)
    assert f == "displayName eq 'x'' or displayName ne ''y'"
    assert isinstance(f, str)
    assert list(admin.list_catalogs(filter=f)) == []
    found = list(admin.list_catalogs(filter=F.eq("displayName", "O'Brien's catalog")))
    assert [c.display_name for c in found] == ["O'Brien's catalog"]
    both = F.startswith("displayName", "O'B") | F.eq("displayName", "Other")
    assert sorted(c.display_name for c in admin.list_catalogs(filter=both)) == ["O'Brien's catalog", "Other"]
    assert str(~F.eq("isExternallyVisible", True)) == "not (isExternallyVisible eq true)"
    assert F.eq("resource/id", None) == "resource/id eq null"
    with pytest.raises(InvalidArgumentError):
        F.eq("display name", "x")
    with pytest.raises(InvalidArgumentError):
        F.eq("displayName", 1.5)
    with pytest.raises(InvalidArgumentError):
        F.startswith("displayName", 3)


# ---- bad input on the new surface: each failure is typed, and nothing is written ----

PARTNER_SOURCE = {"@odata.type": "#microsoft.graph.domainIdentitySource",
                  "domainName": "partner.example", "displayName": "partner.example"}


def org_names(admin):
    return sorted(o.display_name for o in admin.list_connected_organizations())


def test_unknown_property_in_a_create_body_is_a_typed_400_and_nothing_is_written(emu):
    admin = emu.client()
    before = org_names(admin)
    with pytest.raises(BadRequestError) as e:
        admin.create_connected_organization({"displayName": "x", "identitySources": [PARTNER_SOURCE], "nope": 1})
    assert e.value.status == 400 and e.value.kind == "BadRequest"
    assert e.value.code, "the Graph error code is carried"
    assert e.value.request_id
    assert org_names(admin) == before


def test_wrong_enum_value_is_a_typed_400(emu):
    admin = emu.client()
    before = org_names(admin)
    with pytest.raises(BadRequestError) as e:
        admin.create_connected_organization({"displayName": "x", "identitySources": [PARTNER_SOURCE],
                                             "state": "sideways"})
    assert e.value.status == 400 and e.value.code
    assert org_names(admin) == before
    # the same on update: the object keeps its state
    org = admin.create_connected_organization({"displayName": "Enum", "identitySources": [PARTNER_SOURCE],
                                               "state": "proposed"})
    with pytest.raises(BadRequestError):
        admin.update_connected_organization(org.id, {"state": "sideways"})
    assert admin.get_connected_organization(org.id).state == "proposed"


def test_an_id_of_the_wrong_kind_is_not_found(emu):
    admin = emu.client()
    catalog = admin.create_catalog({"displayName": "Kinds", "description": "x"})
    with pytest.raises(NotFoundError) as e:
        admin.get_access_package(catalog.id)
    assert e.value.status == 404 and e.value.code
    with pytest.raises(NotFoundError):
        admin.get_connected_organization(catalog.id)
    with pytest.raises(NotFoundError):
        admin.get_catalog_custom_workflow_extension(catalog.id, catalog.id)


def test_a_missing_required_property_is_a_typed_400(emu):
    admin = emu.client()
    catalog = admin.create_catalog({"displayName": "Required", "description": "x"})
    with pytest.raises(BadRequestError) as e:
        admin.create_catalog_custom_workflow_extension(catalog.id, {
            "@odata.type": "#microsoft.graph.accessPackageAssignmentWorkflowExtension",
            "endpointConfiguration": {"@odata.type": "#microsoft.graph.logicAppTriggerEndpointConfiguration",
                                      "subscriptionId": "38ab2ccc-3747-4567-b36b-9478f5602f0d",
                                      "resourceGroupName": "rg", "logicAppWorkflowName": "wf"},
            "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
        })
    assert e.value.status == 400 and e.value.code
    assert list(admin.list_catalog_custom_workflow_extensions(catalog.id)) == []


def test_wrong_argument_types_are_refused_before_sending(emu):
    admin = emu.client()
    before = org_names(admin)
    with pytest.raises(InvalidArgumentError) as e:
        admin.get_access_package(42)
    assert e.value.status is None, "nothing was sent"
    with pytest.raises(InvalidArgumentError):
        admin.add_connected_organization_internal_sponsor(7, {"@odata.id": f"{GRAPH}/users/{ids.ADMIN_ID}"})
    with pytest.raises(InvalidArgumentError):
        admin.filter_assignment_approvals_by_current_user(42)
    with pytest.raises(InvalidArgumentError):
        admin.get_applicable_policy_requirements(None)
    with pytest.raises(InvalidArgumentError):
        admin.create_connected_organization({"displayName": "x", "identitySources": "not a list"})
    with pytest.raises(InvalidArgumentError):
        admin.create_connected_organization(["not", "an", "object"])
    assert org_names(admin) == before


def test_wrong_argument_types_async(emu):
    async def run():
        admin = emu.async_client()
        with pytest.raises(InvalidArgumentError):
            await admin.get_access_package(42)
        with pytest.raises(InvalidArgumentError):
            admin.filter_assignment_approvals_by_current_user(42)
        with pytest.raises(BadRequestError) as e:
            await admin.create_connected_organization({"displayName": "x", "identitySources": [PARTNER_SOURCE],
                                                       "nope": 1})
        assert e.value.status == 400
        with pytest.raises(NotFoundError):
            await admin.get_access_package(ids.GENERAL_CATALOG_ID)
    asyncio.run(run())


def test_applicable_policy_requirements_are_a_list_of_requirements(emu):
    admin = emu.client()
    requestor = emu.user_client(ids.REQUESTOR1_UPN)
    catalog, role = catalog_with_group(admin)
    pkg, policy = package_with_policy(admin, catalog, role, "Reqs", approvers=[ids.ADMIN_ID])
    reqs = requestor.get_applicable_policy_requirements(pkg.id)
    assert isinstance(reqs, list)
    assert len(reqs) == 1
    assert all(isinstance(r, models.AccessPackageAssignmentRequestRequirements) for r in reqs)
    assert reqs[0].policy_id == policy.id
    assert reqs[0].is_approval_required_for_add is True
    assert reqs[0].policy_display_name == "Reqs policy"
    assert reqs[0].to_dict()["policyId"] == policy.id

    # an administrator asks on behalf of a subject; Graph documents the action
    # for signed-in users only, so an app token gets 403
    on_behalf = emu.user_client(ids.ADMIN_UPN).get_applicable_policy_requirements(
        pkg.id, {"subject": {"objectId": ids.REQUESTOR1_ID}})
    assert [r.policy_id for r in on_behalf] == [policy.id]
    with pytest.raises(PermissionDeniedError):
        admin.get_applicable_policy_requirements(pkg.id)

    async def run():
        areqs = await emu.user_async_client(ids.REQUESTOR1_UPN).get_applicable_policy_requirements(pkg.id)
        assert isinstance(areqs, list) and [r.policy_id for r in areqs] == [policy.id]
    asyncio.run(run())
    with pytest.raises(NotFoundError):
        requestor.get_applicable_policy_requirements(catalog.id)
