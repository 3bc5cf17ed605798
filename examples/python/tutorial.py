# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The Graph tutorial "Manage access to resources using the entitlement
management APIs": package a group, let a user request it, check the
assignment, clean up.

    python tutorial.py          # against the in-process emulator
    AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… \\
    ENTITLEMENT_GROUP_ID=… ENTITLEMENT_REQUESTOR_ID=… python tutorial.py   # a real tenant
"""

from __future__ import annotations

import os
import sys
from typing import NamedTuple, Optional, TypeVar

from entitlement import BadRequestError, Client, EntitlementError, Filter
from entitlement.identity import DeviceCodeCredential
from entitlement.testing import Emulator, ids

T = TypeVar("T")


class Tenant(NamedTuple):
    admin: Client
    requestor: Client
    group_id: str
    requestor_id: str


def real_tenant() -> Optional[Tenant]:
    """The tenant named by the environment, or None to use the emulator."""
    env = os.environ
    if not env.get("AZURE_CLIENT_ID"):
        return None
    endpoint = env.get("ENTITLEMENT_ENDPOINT", "https://graph.microsoft.com")
    tenant, app = env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"]
    authority = env.get("ENTITLEMENT_AUTHORITY")  # default: the cloud's sign-in endpoint
    admin = Client(endpoint, tenant_id=tenant, client_id=app, client_secret=env["AZURE_CLIENT_SECRET"],
                   authority=authority)
    # The requestor signs in themselves: the device code instructions are printed.
    public_app = env.get("ENTITLEMENT_REQUESTOR_CLIENT_ID", app)
    requestor = Client(endpoint, credential=DeviceCodeCredential(public_app, tenant_id=tenant), authority=authority)
    return Tenant(admin, requestor, env["ENTITLEMENT_GROUP_ID"], env["ENTITLEMENT_REQUESTOR_ID"])


def need(value: Optional[T], what: str) -> T:
    if value is None:
        raise SystemExit(f"error: the service returned no {what}")
    return value


def step(title: str) -> None:
    print(f"\n== {title}")


def tutorial(t: Tenant) -> None:
    admin, requestor, group_id = t.admin, t.requestor, t.group_id

    step("1.1 Get the identifier for the General catalog")
    catalog = next(iter(admin.list_catalogs(filter=Filter.eq("displayName", "General"))), None)
    catalog_id = need(need(catalog, "General catalog").id, "catalog id")
    print("catalog:", catalog_id)

    step("1.2 Add the group to the catalog")
    try:
        added = admin.create_resource_request({
            "requestType": "adminAdd",
            "catalog": {"id": catalog_id},
            "resource": {"originId": group_id, "originSystem": "AadGroup"},
        })
        print("resource request:", added.id, added.state)
    except BadRequestError as err:
        if err.code != "ResourceAlreadyOnboarded":  # a rerun: the cleanup leaves the group in the catalog
            raise
        print("the group is already in the catalog")

    step("1.3 Get the catalog resource")
    resource = need(next(iter(admin.list_catalog_resources(catalog_id, filter=Filter.eq("originId", group_id))), None),
                    "catalog resource for the group")
    resource_id = need(resource.id, "resource id")
    print("resource:", resource_id, resource.display_name)

    step("1.4 Get the Member role of the resource")
    member_filter = (Filter.eq("originSystem", "AadGroup") & Filter.eq("displayName", "Member")
                     & Filter.eq("resource/id", resource_id))
    role = need(next(iter(admin.list_catalog_resource_roles(catalog_id, filter=member_filter, expand=["resource"])),
                     None), "Member role")
    role_origin_id = need(role.origin_id, "role originId")
    print("Member role:", role_origin_id)

    step("1.5 Create the access package")
    package = admin.create_access_package({
        "catalog": {"id": catalog_id},
        "displayName": "Marketing Campaign",
        "description": "Access to resources for the campaign",
    })
    package_id = need(package.id, "access package id")
    print("access package:", package_id, package.display_name)

    step("1.6 Add the Member role to the access package")
    scope = admin.create_access_package_resource_role_scope(package_id, {
        "role": {"originId": role_origin_id, "displayName": "Member", "originSystem": "AadGroup",
                 "resource": {"id": resource_id, "originId": group_id, "originSystem": "AadGroup"}},
        "scope": {"originId": group_id, "originSystem": "AadGroup"},
    })
    print("role scope:", scope.id)

    step("1.7 Create an assignment policy (beta)")
    policy = admin.beta.create_access_package_assignment_policy({
        "accessPackageId": package_id,
        "displayName": "Specific users",
        "description": "Specific users can request assignment",
        "durationInDays": 30,
        "requestorSettings": {
            "scopeType": "SpecificDirectorySubjects",
            "acceptRequests": True,
            "allowedRequestors": [{"@odata.type": "#microsoft.graph.singleUser", "isBackup": False,
                                   "id": t.requestor_id, "description": "Requestor1"}],
        },
        "requestApprovalSettings": {"isApprovalRequired": False, "isApprovalRequiredForExtension": False,
                                    "isRequestorJustificationRequired": False, "approvalMode": "NoApproval",
                                    "approvalStages": []},
    })
    policy_id = need(policy.id, "policy id")
    print("policy:", policy_id, f"({policy.duration_in_days} days)")

    step("2 Request access, signed in as the requestor")
    request = requestor.beta.create_access_package_assignment_request({
        "requestType": "UserAdd",
        "accessPackageAssignment": {"targetId": t.requestor_id, "assignmentPolicyId": policy_id,
                                    "accessPackageId": package_id},
    })
    request_id = need(request.id, "request id")
    print("request:", request_id, request.request_state)

    step("3.1 Wait until the request is delivered")
    done = admin.beta.wait_for_access_package_assignment_request(request_id, timeout=120, poll_interval=0.5)
    print("request state:", done.request_state, done.request_status)
    if done.request_state != "Delivered":
        raise SystemExit(f"error: the request ended {done.request_state}")

    step("3.2 Get the access package assignment")
    assignments = admin.beta.list_access_package_assignments(
        filter=Filter.eq("accessPackageAssignmentPolicy/Id", policy_id), expand=["target"]).to_list()
    for a in assignments:
        print("assignment:", a.id, a.assignment_state, "for", a.target.display_name if a.target else a.target_id)
    assignment_id = need(assignments[0].id if assignments else None, "assignment")

    step("3.3 Get the members of the group")
    for member in admin.list_group_members(group_id):
        print("member:", member.id, member.get("displayName"))

    step("4 Clean up")
    removal = admin.beta.create_access_package_assignment_request(
        {"requestType": "AdminRemove", "accessPackageAssignment": {"id": assignment_id}})
    removed = admin.beta.wait_for_access_package_assignment_request(need(removal.id, "removal id"), timeout=120,
                                                                   poll_interval=0.5)
    print("assignment removal:", removed.request_state)
    admin.beta.delete_access_package_assignment_policy(policy_id)
    print("deleted policy", policy_id)
    admin.beta.delete_access_package(package_id)
    print("deleted access package", package_id)


def main() -> int:
    try:
        tenant = real_tenant()
        if tenant is not None:
            tutorial(tenant)
        else:
            with Emulator(delivery_delay=0.2) as emu:
                print("emulator at", emu.base_url)
                tutorial(Tenant(emu.client(), emu.user_client(ids.REQUESTOR1_UPN), ids.GROUP_ID, ids.REQUESTOR1_ID))
    except EntitlementError as err:
        print(f"error: {err}" + (f" (request-id {err.request_id})" if err.request_id else ""), file=sys.stderr)
        return 1
    print("\ntutorial complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
