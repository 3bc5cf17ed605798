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
