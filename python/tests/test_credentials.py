# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Sign-in through the host's own credential shapes: any object with
azure-identity's ``get_token(*scopes)`` (sync for Client, async for
AsyncClient), cached by ``expires_on``; and the built-in kinds of
``entitlement.identity`` against the emulator over loopback HTTP."""

import asyncio
import pathlib
import threading
import time
from collections import namedtuple

import pytest

from entitlement import AsyncClient, Client, identity
from entitlement.errors import AuthenticationError, InvalidArgumentError
from entitlement.testing import ids

AccessToken = namedtuple("AccessToken", ["token", "expires_on"])
SCOPE = "https://graph.microsoft.com/.default"
DEV_PEM = pathlib.Path(__file__).resolve().parents[2] / "emulator" / "src" / "identity" / "dev-app.pem"


class CountingCredential:
    """azure-identity's TokenCredential protocol, duck-typed."""

    def __init__(self, emu, lifetime=3600):
        self.emu, self.lifetime, self.calls, self.scopes = emu, lifetime, 0, []
        self.lock = threading.Lock()

    def get_token(self, *scopes, **kwargs):
        with self.lock:
            self.calls += 1
            self.scopes.append(scopes)
        return AccessToken(self.emu.app_token(), int(time.time()) + self.lifetime)


class AsyncCountingCredential:
    """azure-identity's AsyncTokenCredential protocol, duck-typed."""

    def __init__(self, emu):
        self.emu, self.calls = emu, 0

    async def get_token(self, *scopes, **kwargs):
        self.calls += 1
        await asyncio.sleep(0.01)
        assert scopes == (SCOPE,)
        return AccessToken(self.emu.app_token(), int(time.time()) + 3600)


def test_sync_credential_is_called_once_with_the_scope_and_cached(emu):
    cred = CountingCredential(emu)
    c = Client(emu.base_url, credential=cred)
    for _ in range(5):
        assert c.get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID
    assert cred.calls == 1
    assert cred.scopes == [(SCOPE,)]


def test_many_threads_share_one_get_token(emu):
    cred = CountingCredential(emu)
    c = Client(emu.base_url, credential=cred)
    errors = []

    def work():
        try:
            c.get_catalog(ids.GENERAL_CATALOG_ID)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert cred.calls == 1


def test_an_expiring_token_is_fetched_again(emu):
    cred = CountingCredential(emu, lifetime=30)  # under a minute: never cached
    c = Client(emu.base_url, credential=cred)
    c.get_catalog(ids.GENERAL_CATALOG_ID)
    c.get_catalog(ids.GENERAL_CATALOG_ID)
    assert cred.calls == 2


def test_async_credential_runs_on_the_callers_loop(emu):
    async def main():
        cred = AsyncCountingCredential(emu)
        c = AsyncClient(emu.base_url, credential=cred)
        got = await asyncio.gather(*(c.get_catalog(ids.GENERAL_CATALOG_ID) for _ in range(10)))
        assert {g.id for g in got} == {ids.GENERAL_CATALOG_ID}
        assert cred.calls == 1
    asyncio.run(main())


def test_wrong_shapes_are_argument_errors(emu):
    with pytest.raises(InvalidArgumentError):
        Client(emu.base_url, credential=object())
    with pytest.raises(InvalidArgumentError):
        Client(emu.base_url, credential=AsyncCountingCredential(emu))
    with pytest.raises(InvalidArgumentError):
        Client(emu.base_url, credential=CountingCredential(emu), token_provider=lambda: "x")

    class Raises:
        def get_token(self, *scopes):
            raise RuntimeError("no sign-in here")
    with pytest.raises(AuthenticationError, match="no sign-in here"):
        Client(emu.base_url, credential=Raises()).get_catalog(ids.GENERAL_CATALOG_ID)


def test_builtin_certificate_credential(emu):
    client_id, _ = emu.app_credentials
    for cred in (identity.CertificateCredential(emu.tenant_id, client_id, DEV_PEM),
                 identity.CertificateCredential(emu.tenant_id, client_id, certificate_data=DEV_PEM.read_bytes(),
                                                send_certificate_chain=True)):
        c = Client(emu.base_url, authority=emu.authority, credential=cred)
        assert c.get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID
        assert "client_certificate" in repr(c)
    assert "PRIVATE" not in repr(cred)


def test_builtin_managed_identity_and_secret(emu):
    client_id, secret = emu.app_credentials
    cred = identity.ManagedIdentityCredential(endpoint=emu.base_url + "/metadata/identity/oauth2/token")
    assert Client(emu.base_url, credential=cred).get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID
    cred = identity.ClientSecretCredential(emu.tenant_id, client_id, secret)
    assert Client(emu.base_url, authority=emu.authority, credential=cred).get_catalog(ids.GENERAL_CATALOG_ID)
    bad = identity.ClientSecretCredential(emu.tenant_id, client_id, "wrong")
    with pytest.raises(AuthenticationError, match="AADSTS7000215"):
        Client(emu.base_url, authority=emu.authority, credential=bad).get_catalog(ids.GENERAL_CATALOG_ID)


def test_builtin_credentials_in_async_client(emu):
    client_id, _ = emu.app_credentials

    async def main():
        c = AsyncClient(emu.base_url, authority=emu.authority,
                        credential=identity.CertificateCredential(emu.tenant_id, client_id, DEV_PEM))
        assert (await c.get_catalog(ids.GENERAL_CATALOG_ID)).id == ids.GENERAL_CATALOG_ID
    asyncio.run(main())


DEV_PFX = DEV_PEM.with_name("dev-app.pfx")
PFX_PASSWORD = "emulator"  # the emulator's public dev certificate


def test_builtin_pkcs12_certificate_sync_and_async(emu):
    client_id, _ = emu.app_credentials
    creds = (identity.CertificateCredential(emu.tenant_id, client_id, DEV_PFX, password=PFX_PASSWORD),
             identity.CertificateCredential(emu.tenant_id, client_id, certificate_data=DEV_PFX.read_bytes(),
                                            password=PFX_PASSWORD.encode()))
    for cred in creds:
        c = Client(emu.base_url, authority=emu.authority, credential=cred)
        assert c.get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID
    assert PFX_PASSWORD not in repr(creds[0])

    async def main():
        c = AsyncClient(emu.base_url, authority=emu.authority, credential=creds[0])
        assert (await c.get_catalog(ids.GENERAL_CATALOG_ID)).id == ids.GENERAL_CATALOG_ID
    asyncio.run(main())
    with pytest.raises(InvalidArgumentError, match="wrong password"):
        Client(emu.base_url, authority=emu.authority,
               credential=identity.CertificateCredential(emu.tenant_id, client_id, DEV_PFX, password="nope"))


def test_interactive_browser_signs_a_user_in_sync_and_async(emu):
    cred = emu.user_credential(ids.REQUESTOR1_UPN)
    assert isinstance(cred, identity.InteractiveBrowserCredential)
    c = Client(emu.base_url, authority=emu.authority, credential=cred)
    assert isinstance(list(c.filter_assignments_by_current_user("target")), list)
    assert "interactive_browser" in repr(c)
    from entitlement.errors import PermissionDeniedError
    with pytest.raises(PermissionDeniedError):
        list(c.list_assignment_requests())

    async def main():
        a = emu.user_async_client(ids.ADMIN_UPN)
        assert (await a.get_catalog(ids.GENERAL_CATALOG_ID)).id == ids.GENERAL_CATALOG_ID
    asyncio.run(main())
    nobody = identity.InteractiveBrowserCredential(tenant_id=emu.tenant_id, client_id=emu.app_credentials[0],
                                                   login_hint="nobody@contoso.com", browser="http")
    with pytest.raises(AuthenticationError, match="AADSTS50034"):
        Client(emu.base_url, authority=emu.authority, credential=nobody).get_catalog(ids.GENERAL_CATALOG_ID)


def _approve_when_pending(emu, user, stop):
    """The person at the verification page: approves the newest pending code as ``user``."""
    import json
    import urllib.error
    import urllib.request
    while not stop.is_set():
        req = urllib.request.Request(emu.base_url + "/_emulator/devicecode/approve", method="POST",
                                     data=json.dumps({"user": user}).encode(),
                                     headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req) as r:
                if r.status == 200:
                    return
        except urllib.error.HTTPError:
            pass
        time.sleep(0.05)


def _device_code_signs_in(emu, make_and_call):
    stop = threading.Event()
    approver = threading.Thread(target=_approve_when_pending, args=(emu, ids.REQUESTOR1_UPN, stop), daemon=True)
    approver.start()
    try:
        return make_and_call(identity.DeviceCodeCredential(emu.app_credentials[0], tenant_id=emu.tenant_id))
    finally:
        stop.set()
        approver.join(5)


def test_builtin_device_code_sync_and_async(emu, capfd):
    got = _device_code_signs_in(emu, lambda cred: list(
        Client(emu.base_url, authority=emu.authority, credential=cred).filter_assignments_by_current_user("target")))
    assert isinstance(got, list)
    assert "enter the code" in capfd.readouterr().err, "the instructions are printed"

    async def main(cred):
        a = AsyncClient(emu.base_url, authority=emu.authority, credential=cred)
        return [x async for x in a.filter_assignments_by_current_user("target")]
    assert isinstance(_device_code_signs_in(emu, lambda cred: asyncio.run(main(cred))), list)


def test_builtin_environment_and_default_chain_sync_and_async(emu, monkeypatch):
    client_id, _ = emu.app_credentials
    for k in ("AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "IDENTITY_HEADER"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("AZURE_AUTHORITY_HOST", emu.authority)
    monkeypatch.setenv("AZURE_TENANT_ID", emu.tenant_id)
    monkeypatch.setenv("AZURE_CLIENT_ID", client_id)
    monkeypatch.setenv("AZURE_CLIENT_CERTIFICATE_PATH", str(DEV_PFX))
    monkeypatch.setenv("AZURE_CLIENT_CERTIFICATE_PASSWORD", PFX_PASSWORD)
    for cred in (identity.EnvironmentCredential(), identity.DefaultAzureCredential()):
        assert Client(emu.base_url, credential=cred).get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID

        async def main():
            a = AsyncClient(emu.base_url, credential=cred)
            return (await a.get_catalog(ids.GENERAL_CATALOG_ID)).id
        assert asyncio.run(main()) == ids.GENERAL_CATALOG_ID
    # Managed identity next in the chain (App Service variables), once the environment says nothing.
    monkeypatch.delenv("AZURE_CLIENT_CERTIFICATE_PATH")
    monkeypatch.delenv("AZURE_CLIENT_ID")
    monkeypatch.setenv("IDENTITY_ENDPOINT", emu.base_url + "/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "entitlement-emulator-identity-header")
    assert Client(emu.base_url, credential=identity.DefaultAzureCredential()).get_catalog(ids.GENERAL_CATALOG_ID)
    with pytest.raises(AuthenticationError):
        Client(emu.base_url, credential=identity.EnvironmentCredential()).get_catalog(ids.GENERAL_CATALOG_ID)


def test_builtin_managed_identity_async(emu):
    async def main():
        for cred in (identity.ManagedIdentityCredential(endpoint=emu.base_url + "/metadata/identity/oauth2/token"),
                     identity.ManagedIdentityCredential(endpoint=emu.base_url + "/msi/token",
                                                        identity_header="entitlement-emulator-identity-header")):
            a = AsyncClient(emu.base_url, credential=cred)
            assert (await a.get_catalog(ids.GENERAL_CATALOG_ID)).id == ids.GENERAL_CATALOG_ID
    asyncio.run(main())
