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
from entitlement.testing import Emulator, ids

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
    client_id, secret = emu.app_credentials

    async def main():
        for cred in (identity.CertificateCredential(emu.tenant_id, client_id, DEV_PEM),
                     identity.CertificateCredential(emu.tenant_id, client_id, DEV_PEM, send_certificate_chain=True),
                     identity.ClientSecretCredential(emu.tenant_id, client_id, secret)):
            c = AsyncClient(emu.base_url, authority=emu.authority, credential=cred)
            assert (await c.get_catalog(ids.GENERAL_CATALOG_ID)).id == ids.GENERAL_CATALOG_ID
        bad = AsyncClient(emu.base_url, authority=emu.authority,
                          credential=identity.ClientSecretCredential(emu.tenant_id, client_id, "wrong"))
        with pytest.raises(AuthenticationError, match="AADSTS7000215"):
            await bad.get_catalog(ids.GENERAL_CATALOG_ID)
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


@pytest.fixture(scope="module")
def fed_emu(federated_seed):
    """An emulator whose app trusts ``federated_issuer`` and which has a user-assigned identity."""
    with Emulator(seed=federated_seed) as e:
        yield e


def _reads_sync_and_async(emu, cred, **kw):
    c = Client(emu.base_url, credential=cred, **kw)
    assert c.get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID

    async def main():
        a = AsyncClient(emu.base_url, credential=cred, **kw)
        got = await asyncio.gather(*(a.get_catalog(ids.GENERAL_CATALOG_ID) for _ in range(4)))
        return {g.id for g in got}
    assert asyncio.run(main()) == {ids.GENERAL_CATALOG_ID}


USER_ASSIGNED_IDENTITY = "5b0c3f2e-9d4a-4c21-8a77-1f2e3d4c5b6a"  # conftest.federated_seed's


def _clear_azure_env(monkeypatch):
    for k in ("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD",
              "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "IDENTITY_ENDPOINT",
              "IDENTITY_HEADER", "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET"):
        monkeypatch.delenv(k, raising=False)


def test_builtin_workload_identity_from_a_token_file_sync_and_async(fed_emu, federated_issuer, tmp_path,
                                                                     monkeypatch):
    """A client assertion re-read from the file on each fetch (AKS and GitHub Actions
    rotate it): by arguments, by the AZURE_* variables, and in the default chain."""
    _clear_azure_env(monkeypatch)
    token_file = tmp_path / "federated-token"
    token_file.write_text(federated_issuer.token())
    cred = identity.WorkloadIdentityCredential(tenant_id=fed_emu.tenant_id, client_id=ids.APP_CLIENT_ID,
                                               token_file_path=token_file)
    assert "client_assertion" in repr(Client(fed_emu.base_url, authority=fed_emu.authority, credential=cred))
    _reads_sync_and_async(fed_emu, cred, authority=fed_emu.authority)
    monkeypatch.setenv("AZURE_AUTHORITY_HOST", fed_emu.authority)
    monkeypatch.setenv("AZURE_TENANT_ID", fed_emu.tenant_id)
    monkeypatch.setenv("AZURE_CLIENT_ID", ids.APP_CLIENT_ID)
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token_file))
    _reads_sync_and_async(fed_emu, identity.WorkloadIdentityCredential())
    _reads_sync_and_async(fed_emu, identity.DefaultAzureCredential())
    # The file is read again for a new client: a token of another issuer is refused as Entra words it.
    token_file.write_text(fed_emu.app_token())
    with pytest.raises(AuthenticationError, match="AADSTS700211"):
        Client(fed_emu.base_url, credential=identity.WorkloadIdentityCredential()).get_catalog(ids.GENERAL_CATALOG_ID)
    token_file.write_text("not a jwt")
    with pytest.raises(AuthenticationError, match="AADSTS50027"):
        Client(fed_emu.base_url, credential=identity.WorkloadIdentityCredential()).get_catalog(ids.GENERAL_CATALOG_ID)
    monkeypatch.delenv("AZURE_FEDERATED_TOKEN_FILE")
    with pytest.raises(InvalidArgumentError, match="AZURE_FEDERATED_TOKEN_FILE"):
        Client(fed_emu.base_url, credential=identity.WorkloadIdentityCredential())


def test_builtin_managed_identity_user_assigned_sync_and_async(fed_emu):
    imds = fed_emu.base_url + "/metadata/identity/oauth2/token"
    app_service = dict(endpoint=fed_emu.base_url + "/msi/token", identity_header="entitlement-emulator-identity-header")
    for cred in (identity.ManagedIdentityCredential(client_id=USER_ASSIGNED_IDENTITY, endpoint=imds),
                 identity.ManagedIdentityCredential(client_id=USER_ASSIGNED_IDENTITY, **app_service),
                 identity.ManagedIdentityCredential(endpoint=imds)):
        _reads_sync_and_async(fed_emu, cred)
    for cred in (identity.ManagedIdentityCredential(client_id="not-an-identity", endpoint=imds),
                 identity.ManagedIdentityCredential(client_id="not-an-identity", **app_service)):
        with pytest.raises(AuthenticationError, match="Identity not found"):
            Client(fed_emu.base_url, credential=cred).get_catalog(ids.GENERAL_CATALOG_ID)


def _fake_az(tmp_path, body):
    """An ``az`` on PATH that records its arguments and runs ``body``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    az = bin_dir / "az"
    az.write_text(f"#!/bin/sh\necho \"$@\" >> '{tmp_path / 'az-args'}'\n{body}\n")
    az.chmod(0o755)
    return bin_dir


def test_builtin_azure_cli_sync_and_async(emu, tmp_path, monkeypatch):
    """``az account get-access-token`` (a fake az on PATH printing what the real one prints)."""
    import json
    import os
    _clear_azure_env(monkeypatch)
    out = {"accessToken": emu.app_token(), "expiresOn": "2099-01-01 00:00:00.000000",
           "expires_on": int(time.time()) + 3000, "subscription": "s", "tenant": emu.tenant_id, "tokenType": "Bearer"}
    bin_dir = _fake_az(tmp_path, f"cat <<'JSON'\n{json.dumps(out)}\nJSON")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    _reads_sync_and_async(emu, identity.AzureCliCredential())
    args = (tmp_path / "az-args").read_text().splitlines()
    assert len(args) == 2, "one az call for the sync client and one for the async client (each caches)"
    assert all("account get-access-token --output json --resource https://graph.microsoft.com" in a for a in args), args
    # With a tenant, az is asked for it.
    Client(emu.base_url, credential=identity.AzureCliCredential(tenant_id=emu.tenant_id)).get_catalog(
        ids.GENERAL_CATALOG_ID)
    assert f"--tenant {emu.tenant_id}" in (tmp_path / "az-args").read_text().splitlines()[-1]
    # Not signed in: az's own message, as an AuthenticationError.
    _fake_az(tmp_path, "echo 'ERROR: Please run az login to setup account.' >&2\nexit 1")
    with pytest.raises(AuthenticationError, match="az login"):
        Client(emu.base_url, credential=identity.AzureCliCredential()).get_catalog(ids.GENERAL_CATALOG_ID)

    async def main():
        with pytest.raises(AuthenticationError, match="az login"):
            await AsyncClient(emu.base_url, credential=identity.AzureCliCredential()).get_catalog(ids.GENERAL_CATALOG_ID)
    asyncio.run(main())
