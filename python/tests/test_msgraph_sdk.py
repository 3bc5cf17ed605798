# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The proof with Microsoft's own SDK: the official msgraph-sdk-python, unmodified,
runs the tutorial "Manage access to resources using the entitlement management
APIs" against ``entitlement emulator serve --tls`` through its typed request
builders. The admin signs in with azure-identity's ``ClientSecretCredential`` and
the requestor with azure-identity's ``AuthorizationCodeCredential`` (the code from
the emulator's authorize endpoint, which signs the login hint in without a page),
both with the emulator as authority, instance discovery disabled and the printed
certificate trusted."""

import asyncio
import datetime as dt
import ssl
import urllib.error
import urllib.parse
import urllib.request

import pytest

pytest.importorskip("msgraph", reason="msgraph-sdk is not installed (scripts/test-all.sh installs it: pip install msgraph-sdk)")
pytest.importorskip("azure.identity", reason="azure-identity is not installed")

import httpx  # noqa: E402
from azure.identity.aio import AuthorizationCodeCredential, ClientSecretCredential  # noqa: E402
from kiota_abstractions.base_request_configuration import RequestConfiguration  # noqa: E402
from kiota_authentication_azure.azure_identity_authentication_provider import (  # noqa: E402
    AzureIdentityAuthenticationProvider)
from msgraph import GraphRequestAdapter, GraphServiceClient  # noqa: E402
from msgraph.generated.models import (  # noqa: E402
    access_package, access_package_assignment, access_package_assignment_approval_settings,
    access_package_assignment_policy, access_package_assignment_request, access_package_assignment_requestor_settings,
    access_package_catalog, access_package_request_type, access_package_resource, access_package_resource_request,
    access_package_resource_role, access_package_resource_role_scope, access_package_resource_scope,
    allowed_target_scope, expiration_pattern, expiration_pattern_type, single_user)
from msgraph_core import GraphClientFactory  # noqa: E402

from entitlement.testing import ids  # noqa: E402

SCOPE = "https://graph.microsoft.com/.default"
GROUP = ids.MARKETING_GROUP_ID
EM = "identity_governance"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _authorization_code(root, cert, user, redirect_uri):
    """What a browser does: the authorize page (here: no page) redirects with the code."""
    q = urllib.parse.urlencode({"client_id": ids.APP_CLIENT_ID, "response_type": "code", "redirect_uri": redirect_uri,
                                "scope": SCOPE + " offline_access", "login_hint": user, "state": "t"})
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(
        context=ssl.create_default_context(cafile=cert)))
    try:
        opener.open(f"{root}/{ids.TENANT_ID}/oauth2/v2.0/authorize?{q}")
    except urllib.error.HTTPError as e:
        assert e.code == 302, e.read()
        back = urllib.parse.parse_qs(urllib.parse.urlparse(e.headers["location"]).query)
        assert back["state"] == ["t"]
        return back["code"][0]
    raise AssertionError("the authorize endpoint did not redirect")


def _graph(root, cert, credential):
    auth = AzureIdentityAuthenticationProvider(credential, scopes=[SCOPE], allowed_hosts=["localhost"])
    http = GraphClientFactory.create_with_default_middleware(client=httpx.AsyncClient(verify=cert))
    adapter = GraphRequestAdapter(auth, http)
    adapter.base_url = f"{root}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


def _query(cls, **params):
    """A GET's query options, in the builder's own typed query-parameter class."""
    qp = getattr(cls, f"{cls.__name__}GetQueryParameters")
    return RequestConfiguration(query_parameters=qp(**params))


def test_tutorial_with_msgraph_sdk(tls_emulator):
    root, cert = tls_emulator
    asyncio.run(_tutorial(root, cert))


async def _tutorial(root, cert):
    common = dict(authority=root, disable_instance_discovery=True, connection_verify=cert)
    admin_cred = ClientSecretCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, ids.APP_CLIENT_SECRET, **common)
    redirect = "http://localhost:8400/"
    code = _authorization_code(root, cert, ids.REQUESTOR1_UPN, redirect)
    user_cred = AuthorizationCodeCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, code, redirect, **common)
    admin, requestor = _graph(root, cert, admin_cred), _graph(root, cert, user_cred)
    em = admin.identity_governance.entitlement_management
    try:
        # 1.1 the General catalog, by $filter
        from msgraph.generated.identity_governance.entitlement_management.catalogs.catalogs_request_builder import (
            CatalogsRequestBuilder)
        page = await em.catalogs.get(_query(CatalogsRequestBuilder, filter="(displayName eq 'General')"))
        assert [c.display_name for c in page.value] == ["General"]
        catalog = page.value[0]
        assert catalog.id == ids.GENERAL_CATALOG_ID
        assert catalog.is_externally_visible is True

        # 1.2 add the group to the catalog
        rr = await em.resource_requests.post(access_package_resource_request.AccessPackageResourceRequest(
            request_type=access_package_request_type.AccessPackageRequestType.AdminAdd,
            resource=access_package_resource.AccessPackageResource(origin_id=GROUP, origin_system="AadGroup"),
            catalog=access_package_catalog.AccessPackageCatalog(id=catalog.id)))
        assert rr.request_type == access_package_request_type.AccessPackageRequestType.AdminAdd
        assert rr.state.value == "delivered"

        # 1.3 the group's catalog resource
        from msgraph.generated.identity_governance.entitlement_management.catalogs.item.resources.resources_request_builder import (  # noqa: E501
            ResourcesRequestBuilder)
        cat = em.catalogs.by_access_package_catalog_id(catalog.id)
        resources = (await cat.resources.get(_query(ResourcesRequestBuilder, filter=f"originId eq '{GROUP}'"))).value
        assert len(resources) == 1
        resource = resources[0]

        # 1.4 its Member role, resource expanded
        from msgraph.generated.identity_governance.entitlement_management.catalogs.item.resource_roles.resource_roles_request_builder import (  # noqa: E501
            ResourceRolesRequestBuilder)
        roles = (await cat.resource_roles.get(_query(
            ResourceRolesRequestBuilder,
            filter=f"(originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '{resource.id}')",
            expand=["resource"]))).value
        assert len(roles) == 1
        role = roles[0]
        assert role.origin_id == f"Member_{GROUP}" and role.resource.id == resource.id

        # 1.5 the access package
        pkg = await em.access_packages.post(access_package.AccessPackage(
            display_name="Marketing Campaign", description="Access to resources for the campaign",
            catalog=access_package_catalog.AccessPackageCatalog(id=catalog.id)))
        assert pkg.id and pkg.display_name == "Marketing Campaign"

        # 1.6 the resource role scope
        scope = await em.access_packages.by_access_package_id(pkg.id).resource_role_scopes.post(
            access_package_resource_role_scope.AccessPackageResourceRoleScope(
                role=access_package_resource_role.AccessPackageResourceRole(
                    origin_id=role.origin_id, display_name="Member", origin_system="AadGroup",
                    resource=access_package_resource.AccessPackageResource(
                        id=resource.id, origin_id=GROUP, origin_system="AadGroup")),
                scope=access_package_resource_scope.AccessPackageResourceScope(
                    origin_id=GROUP, origin_system="AadGroup")))
        assert scope.id

        # 1.7 a policy that lets Requestor1 ask, without approval (v1.0)
        policy = await em.assignment_policies.post(access_package_assignment_policy.AccessPackageAssignmentPolicy(
            display_name="Specific users", description="Specific users can request assignment",
            allowed_target_scope=allowed_target_scope.AllowedTargetScope.SpecificDirectoryUsers,
            specific_allowed_targets=[single_user.SingleUser(odata_type="#microsoft.graph.singleUser",
                                                             user_id=ids.REQUESTOR1_ID, description="Requestor1")],
            # kiota-serialization-json writes a timedelta as str() ("30 days, 0:00:00"), which
            # Graph refuses as an Edm.Duration (the emulator too): the ISO form goes in additional_data.
            expiration=expiration_pattern.ExpirationPattern(
                type=expiration_pattern_type.ExpirationPatternType.AfterDuration, additional_data={"duration": "P30D"}),
            requestor_settings=access_package_assignment_requestor_settings.AccessPackageAssignmentRequestorSettings(
                enable_targets_to_self_add_access=True, enable_targets_to_self_remove_access=True,
                enable_targets_to_self_update_access=False, enable_on_behalf_requestors_to_add_access=False,
                allow_custom_assignment_schedule=True),
            request_approval_settings=access_package_assignment_approval_settings.AccessPackageAssignmentApprovalSettings(
                is_approval_required_for_add=False, is_approval_required_for_update=False,
                is_requestor_justification_required=False, stages=[]),
            access_package=access_package.AccessPackage(id=pkg.id)))
        assert policy.id
        assert policy.requestor_settings.enable_targets_to_self_add_access is True
        assert policy.expiration.duration == dt.timedelta(days=30)

        # 2 Requestor1 (delegated) asks for the package
        request = await requestor.identity_governance.entitlement_management.assignment_requests.post(
            access_package_assignment_request.AccessPackageAssignmentRequest(
                request_type=access_package_request_type.AccessPackageRequestType.UserAdd,
                assignment=access_package_assignment.AccessPackageAssignment(
                    additional_data={"targetId": ids.REQUESTOR1_ID, "assignmentPolicyId": policy.id,
                                     "accessPackageId": pkg.id})))
        assert request.id and request.request_type == access_package_request_type.AccessPackageRequestType.UserAdd

        # 3 the request is delivered and the assignment listed
        for _ in range(200):
            got = await em.assignment_requests.by_access_package_assignment_request_id(request.id).get()
            if got.state.value == "delivered":
                break
            await asyncio.sleep(0.05)
        assert got.state.value == "delivered"
        from msgraph.generated.identity_governance.entitlement_management.assignments.assignments_request_builder import (  # noqa: E501
            AssignmentsRequestBuilder)
        assignments = (await em.assignments.get(_query(
            AssignmentsRequestBuilder, filter=f"accessPackage/id eq '{pkg.id}'", expand=["target"]))).value
        assert len(assignments) == 1
        assert assignments[0].target.object_id == ids.REQUESTOR1_ID
        assert assignments[0].state.value == "delivered"
        # The requestor sees it as theirs.
        mine = await requestor.identity_governance.entitlement_management.assignments.filter_by_current_user_with_on(
            "target").get()
        assert [a.id for a in mine.value] == [assignments[0].id]
    finally:
        await admin_cred.close()
        await user_cred.close()
