# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The Graph tutorial "Manage access to resources using the entitlement
management APIs" (seed 003), blocking and asyncio, against the emulator."""

import asyncio

import pytest

from entitlement.testing import Emulator
from entitlement import BadRequestError, ConflictError, NotFoundError, models
from entitlement.testing import ids

GROUP = ids.GROUP_ID


def policy_body(package_id):
    return {
        "accessPackageId": package_id,
        "displayName": "Specific users",
        "description": "Specific users can request assignment",
        "accessReviewSettings": None,
        "durationInDays": 30,
        "requestorSettings": {
            "scopeType": "SpecificDirectorySubjects",
            "acceptRequests": True,
            "allowedRequestors": [{
                "@odata.type": "#microsoft.graph.singleUser",
                "isBackup": False,
                "id": ids.REQUESTOR1_ID,
                "description": "Requestor1",
            }],
        },
        "requestApprovalSettings": {
            "isApprovalRequired": False,
            "isApprovalRequiredForExtension": False,
            "isRequestorJustificationRequired": False,
            "approvalMode": "NoApproval",
            "approvalStages": [],
        },
    }


def resource_request_body(catalog_id):
    return {
        "catalogId": catalog_id,
        "requestType": "adminAdd",
        "justification": "",
        "accessPackageResource": {"resourceType": "AadGroup", "originId": GROUP, "originSystem": "AadGroup"},
    }


def role_scope_body(role, resource):
    return {
        "role": {
            "originId": role.origin_id,
            "displayName": "Member",
            "originSystem": "AadGroup",
            "resource": {"id": resource.id, "resourceType": "Security Group", "originId": GROUP,
                         "originSystem": "AadGroup"},
        },
        "scope": {"originId": GROUP, "originSystem": "AadGroup"},
    }


@pytest.fixture
def fresh():
    # Each run adds the group to the catalog, which works once per tenant.
    with Emulator(delivery_delay=0.02) as e:
        yield e


def test_tutorial_sync(fresh):
    emu = fresh
    admin = emu.client()
    requestor = emu.user_client(ids.REQUESTOR1_UPN)

    # 1.1 the General catalog, by $filter
    catalogs = list(admin.list_catalogs(filter="(displayName eq 'General')"))
    assert len(catalogs) == 1
    catalog = catalogs[0]
    assert isinstance(catalog, models.AccessPackageCatalog)
    assert catalog.id == ids.GENERAL_CATALOG_ID
    assert catalog.display_name == "General"
    assert catalog.is_externally_visible is True

    # 1.2 add the group to the catalog: v1.0 resource request, adminAdd
    rr = admin.create_resource_request(resource_request_body(catalog.id))
    assert rr.request_type == "adminAdd"
    assert rr.state == "delivered"

    # 1.3 the group's catalog resource
    resources = list(admin.list_catalog_resources(catalog.id, filter=f"originId eq '{GROUP}'"))
    assert len(resources) == 1
    resource = resources[0]
    assert resource.origin_id == GROUP and resource.id != GROUP

    # 1.4 its Member role, with the resource expanded
    roles = list(admin.list_catalog_resource_roles(
        catalog.id,
        filter=f"(originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '{resource.id}')",
        expand=["resource"]))
    assert len(roles) == 1
    role = roles[0]
    assert role.origin_id == f"Member_{GROUP}"
    assert isinstance(role.resource, models.AccessPackageResource)
    assert role.resource.id == resource.id

    # 1.5 the access package (a model object as the body)
    pkg = admin.create_access_package(models.AccessPackage(
        display_name="Marketing Campaign", description="Access to resources for the campaign",
        catalog_id=catalog.id))
    assert pkg.display_name == "Marketing Campaign"
    assert isinstance(pkg.id, str)
    assert admin.get_access_package(pkg.id, expand="catalog").catalog.id == catalog.id

    # 1.6 the role scope
    scope = admin.create_access_package_resource_role_scope(pkg.id, role_scope_body(role, resource))
    assert scope.id

    # 1.7 a beta policy that lets Requestor1 ask
    policy = admin.beta.create_access_package_assignment_policy(policy_body(pkg.id))
    assert isinstance(policy, models.beta.AccessPackageAssignmentPolicy)
    assert policy.duration_in_days == 30
    assert policy.requestor_settings.allowed_requestors[0].id == ids.REQUESTOR1_ID
    assert policy.requestor_settings.allowed_requestors[0].odata_type == "#microsoft.graph.singleUser"

    # 2 Requestor1 asks (delegated client: authorization code flow with PKCE)
    request = requestor.beta.create_access_package_assignment_request({
        "requestType": "UserAdd",
        "accessPackageAssignment": {"targetId": ids.REQUESTOR1_ID, "assignmentPolicyId": policy.id,
                                    "accessPackageId": pkg.id},
    })
    assert request.request_type == "UserAdd"

    # 3.1 delivered
    done = admin.beta.wait_for_access_package_assignment_request(request.id, timeout=20, poll_interval=0.02)
    assert done.request_state == "Delivered"
    v1done = admin.wait_for_assignment_request(request.id, timeout=20, poll_interval=0.02)
    assert v1done.state == "delivered"

    # 3.2 the assignment, by policy, target expanded
    assignments = list(admin.beta.list_access_package_assignments(
        filter=f"accessPackageAssignmentPolicy/Id eq '{policy.id}'", expand=["target"]))
    assert len(assignments) == 1
    assignment = assignments[0]
    assert assignment.target_id == ids.REQUESTOR1_ID
    assert assignment.target.object_id == ids.REQUESTOR1_ID
    assert assignment.assignment_state == "Delivered"

    # 3.3 Requestor1 is in the group
    members = list(admin.list_group_members(GROUP))
    assert [m.id for m in members] == [ids.REQUESTOR1_ID]
    assert members[0]["@odata.type"] == "#microsoft.graph.user"

    # A package with assignments cannot be deleted.
    with pytest.raises((BadRequestError, ConflictError)):
        admin.beta.delete_access_package(pkg.id)

    # 4 clean up
    removal = admin.beta.create_access_package_assignment_request(
        {"requestType": "AdminRemove", "accessPackageAssignment": {"id": assignment.id}})
    removed = admin.beta.wait_for_assignment_request(removal.id, timeout=20, poll_interval=0.02)
    assert removed.request_state.lower() == "delivered"
    assert list(admin.list_group_members(GROUP)) == []
    assert admin.beta.delete_access_package_assignment_policy(policy.id) is None
    assert admin.beta.delete_access_package(pkg.id) is None
    with pytest.raises(NotFoundError) as e:
        admin.get_access_package(pkg.id)
    assert e.value.status == 404


def test_tutorial_async(fresh):
    emu = fresh

    async def run():
        admin = emu.async_client()
        requestor = emu.user_async_client(ids.REQUESTOR1_ID)

        catalogs = [c async for c in admin.list_catalogs(filter="(displayName eq 'General')")]
        assert [c.id for c in catalogs] == [ids.GENERAL_CATALOG_ID]
        catalog = catalogs[0]

        rr = await admin.create_resource_request(resource_request_body(catalog.id))
        assert rr.state == "delivered"
        resources = await admin.list_catalog_resources(catalog.id, filter=f"originId eq '{GROUP}'")
        assert len(resources) == 1
        resource = resources[0]
        page = await admin.list_catalog_resource_roles(
            catalog.id,
            filter=f"(originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '{resource.id}')",
            expand="resource").first_page()
        assert len(page) == 1 and page.next_link is None
        role = page[0]
        assert role.resource.id == resource.id

        pkg = await admin.create_access_package({"catalogId": catalog.id, "displayName": "Marketing Campaign",
                                                 "description": "Access to resources for the campaign"})
        await admin.create_access_package_resource_role_scope(pkg.id, role_scope_body(role, resource))
        policy = await admin.beta.create_access_package_assignment_policy(policy_body(pkg.id))

        request = await requestor.beta.create_access_package_assignment_request({
            "requestType": "UserAdd",
            "accessPackageAssignment": {"targetId": ids.REQUESTOR1_ID, "assignmentPolicyId": policy.id,
                                        "accessPackageId": pkg.id},
        })
        done = await admin.beta.wait_for_assignment_request(request.id, timeout=20, poll_interval=0.02)
        assert done.request_state == "Delivered"
        v1done = await admin.wait_for_assignment_request(request.id, timeout=20, poll_interval=0.02)
        assert v1done.state == "delivered"

        assignments = [a async for a in admin.beta.list_access_package_assignments(
            filter=f"accessPackageAssignmentPolicy/Id eq '{policy.id}'", expand=["target"])]
        assert len(assignments) == 1
        assert assignments[0].target.object_id == ids.REQUESTOR1_ID
        members = await admin.list_group_members(GROUP)
        assert [m.id for m in members] == [ids.REQUESTOR1_ID]

        # Several calls in flight at once on one loop.
        got = await asyncio.gather(*(admin.get_access_package(pkg.id) for _ in range(8)))
        assert {p.id for p in got} == {pkg.id}

        removal = await admin.beta.create_access_package_assignment_request(
            {"requestType": "AdminRemove", "accessPackageAssignment": {"id": assignments[0].id}})
        await admin.beta.wait_for_assignment_request(removal.id, timeout=20, poll_interval=0.02)
        assert await admin.list_group_members(GROUP) == []
        assert await admin.beta.delete_access_package_assignment_policy(policy.id) is None
        assert await admin.beta.delete_access_package(pkg.id) is None
        with pytest.raises(NotFoundError):
            await admin.get_access_package(pkg.id)

    asyncio.run(run())
