# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Every failure is an EntitlementError subclass with the service's details."""

import asyncio
import builtins
import pickle
import re

import pytest

import entitlement as E
from entitlement import Client
from entitlement.testing import ids

UUID = re.compile(r"^[0-9a-f-]{36}$")
MISSING = "00000000-0000-0000-0000-00000000dead"


def test_unknown_id_is_not_found_with_details(admin):
    with pytest.raises(E.NotFoundError) as info:
        admin.get_catalog(MISSING)
    err = info.value
    assert isinstance(err, E.EntitlementError) and isinstance(err, LookupError)
    assert err.kind == "NotFound"
    assert err.status == 404
    assert err.code == "ResourceNotFound"
    assert UUID.match(err.request_id)
    assert UUID.match(err.client_request_id)
    assert isinstance(err.date, str)
    assert err.retry_after is None
    assert err.message
    assert "404" in str(err)
    with pytest.raises(E.NotFoundError):
        admin.beta.get_access_package("nope")


def test_errors_pickle_with_their_fields(admin):
    with pytest.raises(E.NotFoundError) as info:
        admin.get_catalog(MISSING)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is E.NotFoundError
    for f in ("kind", "status", "code", "message", "request_id", "client_request_id", "date", "retry_after"):
        assert getattr(back, f) == getattr(info.value, f), f
    assert str(back) == str(info.value)


def test_malformed_filter_is_bad_request(admin):
    with pytest.raises(E.BadRequestError) as info:
        admin.list_catalogs(filter="displayName eq 'General").first_page()
    assert info.value.status == 400
    assert info.value.code
    with pytest.raises(E.BadRequestError):
        list(admin.list_catalogs(filter="displayName eq"))


def test_missing_or_invalid_token_is_authentication(emu):
    with pytest.raises(E.AuthenticationError) as info:
        list(Client(emu.base_url).list_catalogs())
    assert info.value.status == 401
    with pytest.raises(E.AuthenticationError):
        Client(emu.base_url, token="not-a-token").get_catalog(ids.GENERAL_CATALOG_ID)
    with pytest.raises(E.AuthenticationError) as info:
        emu.client(client_secret="wrong").get_catalog(ids.GENERAL_CATALOG_ID)
    assert info.value.code, "token endpoint error code kept"
    # The one test of the password grant (MFA blocks it; the other tests sign users in
    # by the authorization code flow): the right password signs in, a wrong one is AADSTS50126.
    client_id, _ = emu.app_credentials
    pw = dict(tenant_id=emu.tenant_id, client_id=client_id, username=ids.REQUESTOR1_UPN, authority=emu.authority)
    assert isinstance(list(Client(emu.base_url, password=ids.USER_PASSWORD, **pw).filter_assignments_by_current_user("target")), list)
    with pytest.raises(E.AuthenticationError) as info:
        Client(emu.base_url, password="wrong", **pw).get_catalog(ids.GENERAL_CATALOG_ID)
    assert info.value.code == "invalid_grant" and "AADSTS50126" in str(info.value)

    def locked():
        raise RuntimeError("vault locked")

    with pytest.raises(E.AuthenticationError, match="vault locked"):
        Client(emu.base_url, token_provider=locked).get_catalog(ids.GENERAL_CATALOG_ID)
    with pytest.raises(E.AuthenticationError):
        Client(emu.base_url, token_provider=lambda: 42).get_catalog(ids.GENERAL_CATALOG_ID)


def test_token_provider_callback_is_used(emu):
    calls = []

    def provider():
        calls.append(1)
        return emu.app_token()

    c = Client(emu.base_url, token_provider=provider)
    assert c.get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID
    assert calls

    async def run():
        ac = E.AsyncClient(emu.base_url, token_provider=provider)
        return await ac.get_catalog(ids.GENERAL_CATALOG_ID)

    assert asyncio.run(run()).id == ids.GENERAL_CATALOG_ID


def test_requestor_cannot_create_a_package(emu):
    requestor = emu.user_client(ids.REQUESTOR1_UPN)
    with pytest.raises(E.PermissionDeniedError) as info:
        requestor.create_access_package({"catalogId": ids.GENERAL_CATALOG_ID, "displayName": "Mine"})
    assert isinstance(info.value, PermissionError)
    assert info.value.status == 403


@pytest.mark.parametrize("call", [
    lambda c: c.get_catalog(42),
    lambda c: c.get_catalog(""),
    lambda c: c.get_catalog(None),
    lambda c: c.get_catalog({"id": "x"}),
    lambda c: c.get_catalog(ids.GENERAL_CATALOG_ID, select=5),
    lambda c: c.create_access_package(42),
    lambda c: c.create_access_package(None),
    lambda c: c.create_access_package([1, 2]),
    lambda c: c.create_access_package('{"displayName": '),
    lambda c: c.create_access_package("[1,2]"),
    lambda c: c.create_access_package({"displayName": 5}),
    lambda c: c.create_access_package({"isHidden": "yes"}),
    lambda c: c.create_access_package({"big": 10 ** 30}),
    lambda c: c.create_access_package({"when": object()}),
    lambda c: c.create_access_package({1: "x"}),
    lambda c: c.create_access_package({"x": float("nan")}),
    lambda c: c.beta.create_access_package_assignment_request({"requestType": 7}),
    lambda c: c.update_catalog(ids.GENERAL_CATALOG_ID, "not json"),
    lambda c: c.list_catalogs(top=-1),
    lambda c: c.list_catalogs(top=1.5),
    lambda c: c.list_catalogs(top=True),
    lambda c: c.list_catalogs(filter=3),
    lambda c: c.list_catalogs(select=[1]),
    lambda c: c.list_catalogs(count="yes"),
    lambda c: c.list_catalog_resources(7),
    lambda c: c.wait_for_assignment_request(5),
    lambda c: c.wait_for_assignment_request("x", timeout=-1),
    lambda c: c.wait_for_assignment_request("x", timeout="soon"),
    lambda c: E.models.AccessPackage(display_name=5),
    lambda c: E.models.AccessPackage.from_json("{"),
    lambda c: Client(base_url=5),
    lambda c: Client("ftp://x"),
    lambda c: Client("not a url"),
    lambda c: Client(cloud="mars"),
    lambda c: Client(api_version="v2"),
    lambda c: Client(token_provider="abc"),
    lambda c: Client(token="t", client_secret="s", tenant_id="t", client_id="c"),
    lambda c: Client(client_secret="s"),
    lambda c: Client(timeout=-3),
])
def test_wrong_arguments_are_invalid_argument(admin, call):
    with pytest.raises(E.InvalidArgumentError) as info:
        call(admin)
    assert isinstance(info.value, ValueError)
    assert info.value.kind == "InvalidArgument"
    assert info.value.status is None


def test_async_wrong_arguments(emu):
    async def run():
        ac = emu.async_client()
        with pytest.raises(E.InvalidArgumentError):
            await ac.get_catalog(42)
        with pytest.raises(E.InvalidArgumentError):
            ac.list_catalogs(top="ten")
        with pytest.raises(E.NotFoundError):
            await ac.get_catalog(MISSING)

    asyncio.run(run())


def test_next_link_elsewhere_is_refused(admin):
    from entitlement._paging import Pager

    pager = admin.list_catalogs()
    assert isinstance(pager, Pager)
    with pytest.raises(E.DecodeError):
        pager.page("https://evil.example/v1.0/identityGovernance/entitlementManagement/catalogs")


def test_network_and_timeout_errors_subclass_builtins():
    # Nothing listens on port 9 (discard) on loopback.
    with pytest.raises(E.NetworkError) as info:
        Client("http://127.0.0.1:9", token="t", max_retries=0).get_catalog("x")
    assert isinstance(info.value, ConnectionError)
    assert issubclass(E.TimeoutError, builtins.TimeoutError)


def test_class_table_matches_kinds():
    from entitlement.errors import _BY_KIND

    assert sorted(_BY_KIND) == sorted([
        "InvalidArgument", "BadRequest", "Authentication", "PermissionDenied", "NotFound", "Conflict",
        "Throttled", "Service", "Timeout", "Network", "Decode", "Internal"])
    for kind, cls in _BY_KIND.items():
        assert cls.__name__ == kind + "Error" and issubclass(cls, E.EntitlementError)


def test_http_timeout_is_timeout_error():
    import socket

    # A listener that never answers: the connection succeeds, the response never comes.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    try:
        c = Client(f"http://127.0.0.1:{s.getsockname()[1]}", token="t", timeout=0.3, max_retries=0)
        with pytest.raises(E.TimeoutError) as info:
            c.get_catalog("x")
        assert isinstance(info.value, builtins.TimeoutError)
        assert info.value.kind == "Timeout"
        assert info.value.client_request_id
    finally:
        s.close()
