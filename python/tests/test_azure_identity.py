# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The proof with Microsoft's own client: unmodified azure-identity
(``ClientSecretCredential`` and ``CertificateCredential``, MSAL underneath)
signs in against ``entitlement emulator serve --tls`` with the emulator as
its authority, instance discovery disabled and the printed certificate
trusted; the tokens it gets read Graph data from the emulator, and its
credentials (``ClientSecretCredential``, ``CertificateCredential``,
``ClientAssertionCredential`` with a callback, ``WorkloadIdentityCredential``
with a token file) feed ``entitlement.Client(credential=...)`` as they are,
and their ``azure.identity.aio`` counterparts ``AsyncClient``; our clients
trust the emulator's certificate through ``SSL_CERT_FILE`` (see ``_in_child``)."""

import asyncio
import base64
import json
import os
import pathlib
import ssl
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

azure_identity = pytest.importorskip(
    "azure.identity", reason="azure-identity is not installed (scripts/test-all.sh installs it: pip install azure-identity)")

from entitlement import AsyncClient, Client  # noqa: E402
from entitlement.errors import AuthenticationError  # noqa: E402
from entitlement.testing import ids  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEV_PEM = ROOT / "emulator" / "src" / "identity" / "dev-app.pem"
DEV_PFX = DEV_PEM.with_name("dev-app.pfx")
SCOPE = "https://graph.microsoft.com/.default"


def _claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _catalogs(root, cert, token):
    req = urllib.request.Request(f"{root}/v1.0/identityGovernance/entitlementManagement/catalogs",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=cert)) as r:
        return json.load(r)["value"]


def test_client_secret_credential(tls_emulator):
    root, cert = tls_emulator
    cred = azure_identity.ClientSecretCredential(
        ids.TENANT_ID, ids.APP_CLIENT_ID, ids.APP_CLIENT_SECRET, authority=root,
        disable_instance_discovery=True, connection_verify=cert)
    tok = cred.get_token(SCOPE)
    assert _claims(tok.token)["appid"] == ids.APP_CLIENT_ID
    assert tok.expires_on > 0
    assert any(c["displayName"] == "General" for c in _catalogs(root, cert, tok.token))
    bad = azure_identity.ClientSecretCredential(
        ids.TENANT_ID, ids.APP_CLIENT_ID, "wrong", authority=root, disable_instance_discovery=True,
        connection_verify=cert)
    from azure.core.exceptions import ClientAuthenticationError
    with pytest.raises(ClientAuthenticationError, match="AADSTS7000215"):
        bad.get_token(SCOPE)


def test_certificate_credential(tls_emulator):
    root, cert = tls_emulator
    for chain in (False, True):
        cred = azure_identity.CertificateCredential(
            ids.TENANT_ID, ids.APP_CLIENT_ID, str(DEV_PEM), authority=root, disable_instance_discovery=True,
            connection_verify=cert, send_certificate_chain=chain)
        tok = cred.get_token(SCOPE)
        assert _claims(tok.token)["roles"] == ["EntitlementManagement.ReadWrite.All"]
        assert _catalogs(root, cert, tok.token)


def test_certificate_credential_from_pkcs12(tls_emulator):
    root, cert = tls_emulator
    cred = azure_identity.CertificateCredential(
        ids.TENANT_ID, ids.APP_CLIENT_ID, str(DEV_PFX), password="emulator", authority=root,
        disable_instance_discovery=True, connection_verify=cert)
    tok = cred.get_token(SCOPE)
    assert _claims(tok.token)["appid"] == ids.APP_CLIENT_ID
    assert _catalogs(root, cert, tok.token)


def test_device_code_credential_approved_at_the_emulator(tls_emulator):
    """azure-identity's DeviceCodeCredential (MSAL's device flow): the prompt callback is
    the person at the verification page, who approves the code as Requestor1."""
    root, cert = tls_emulator
    shown = []

    def approve(verification_uri, user_code, expires_on):
        shown.append((verification_uri, user_code))
        req = urllib.request.Request(f"{root}/_emulator/devicecode/approve", method="POST",
                                     data=json.dumps({"user": ids.REQUESTOR1_UPN, "userCode": user_code}).encode(),
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=cert)) as r:
            assert r.status == 200

    cred = azure_identity.DeviceCodeCredential(
        ids.APP_CLIENT_ID, tenant_id=ids.TENANT_ID, authority=root, disable_instance_discovery=True,
        connection_verify=cert, prompt_callback=approve)
    tok = cred.get_token(SCOPE)
    assert shown and shown[0][1]
    claims = _claims(tok.token)
    assert claims["upn"] == ids.REQUESTOR1_UPN and claims["idtyp"] == "user"
    # A delegated call as Requestor1: their own assignments.
    req = urllib.request.Request(
        f"{root}/v1.0/identityGovernance/entitlementManagement/assignments/filterByCurrentUser(on='target')",
        headers={"Authorization": f"Bearer {tok.token}"})
    with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=cert)) as r:
        assert isinstance(json.load(r)["value"], list)


def _common(root, cert):
    return dict(authority=root, disable_instance_discovery=True, connection_verify=cert)


# Our clients share one connection pool per process, whose TLS roots (the platform's, or
# SSL_CERT_FILE's) are read when the first client is made; so the checks that pass
# azure-identity's credentials to our clients, which then call the HTTPS emulator, run in
# a new interpreter (this file as a script) started with SSL_CERT_FILE = the emulator's
# certificate.

def _in_child(name, cert, **config):
    env = {**os.environ, "SSL_CERT_FILE": cert}
    r = subprocess.run([sys.executable, __file__, name, json.dumps({"cert": cert, **config})], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{name} failed:\n{r.stdout}\n{r.stderr}"
    assert f"ok {name}" in r.stdout, r.stdout


@pytest.fixture(scope="module")
def tls_federated(start_tls_emulator, federated_seed):
    """An HTTPS emulator whose app trusts ``federated_issuer`` (workload identity)."""
    return start_tls_emulator(federated_seed)


def test_azure_identity_credentials_sign_our_client_in(tls_emulator):
    """ClientSecretCredential, CertificateCredential (PEM with and without the chain,
    PKCS#12) as ``Client(credential=...)``: one get_token for many calls; a refusal is an
    AuthenticationError with Entra's code."""
    root, cert = tls_emulator
    _in_child("host_sync", cert, root=root)


def test_azure_identity_aio_credentials_sign_our_async_client_in(tls_emulator):
    """Their ``azure.identity.aio`` counterparts (aiohttp underneath) as ``AsyncClient(credential=...)``."""
    pytest.importorskip("aiohttp", reason="azure.identity.aio needs aiohttp (scripts/test-all.sh installs it)")
    root, cert = tls_emulator
    _in_child("host_async", cert, root=root)


def test_workload_identity_assertion_from_a_callback_and_a_file(tls_federated, federated_issuer, tmp_path):
    """Workload identity with azure-identity's own classes: ``ClientAssertionCredential``
    (the federated token from a callback) and ``WorkloadIdentityCredential`` (the file
    ``AZURE_FEDERATED_TOKEN_FILE`` names), sync for Client and aio for AsyncClient; a
    token from an issuer the app does not trust is refused as Entra words it."""
    pytest.importorskip("aiohttp", reason="azure.identity.aio needs aiohttp (scripts/test-all.sh installs it)")
    root, cert = tls_federated
    token_file = tmp_path / "federated-token"
    token_file.write_text(federated_issuer.token())
    _in_child("workload", cert, root=root, token=federated_issuer.token(), token_file=str(token_file))


def _sync_reads(root, cred):
    c = Client(root, credential=cred)
    assert c.get_catalog(ids.GENERAL_CATALOG_ID).display_name == "General"
    assert [x.display_name for x in c.list_catalogs()] == ["General"]


async def _async_reads(root, cred):
    try:
        c = AsyncClient(root, credential=cred)
        got = await asyncio.gather(*(c.get_catalog(ids.GENERAL_CATALOG_ID) for _ in range(8)))
        assert {g.display_name for g in got} == {"General"}
    finally:
        await cred.close()


class _Counting:
    """Counts get_token calls of a wrapped azure-identity credential."""

    def __init__(self, cred):
        self.cred, self.calls = cred, 0

    def get_token(self, *scopes, **kwargs):
        self.calls += 1
        return self.cred.get_token(*scopes, **kwargs)


def _child_host_sync(root, cert):
    creds = [
        azure_identity.ClientSecretCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, ids.APP_CLIENT_SECRET,
                                              **_common(root, cert)),
        azure_identity.CertificateCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, str(DEV_PEM), **_common(root, cert)),
        azure_identity.CertificateCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, str(DEV_PEM), send_certificate_chain=True,
                                             **_common(root, cert)),
        azure_identity.CertificateCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, str(DEV_PFX), password="emulator",
                                             **_common(root, cert)),
    ]
    for cred in creds:
        counting = _Counting(cred)
        _sync_reads(root, counting)
        assert counting.calls == 1, "our client caches azure-identity's token by expires_on"
        _sync_reads(root, cred)
    bad = azure_identity.ClientSecretCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, "wrong", **_common(root, cert))
    with pytest.raises(AuthenticationError, match="AADSTS7000215"):
        Client(root, credential=bad).get_catalog(ids.GENERAL_CATALOG_ID)


def _child_host_async(root, cert):
    from azure.identity import aio

    async def main():
        await _async_reads(root, aio.ClientSecretCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, ids.APP_CLIENT_SECRET,
                                                             **_common(root, cert)))
        await _async_reads(root, aio.CertificateCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, str(DEV_PEM),
                                                            **_common(root, cert)))
        await _async_reads(root, aio.CertificateCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, str(DEV_PFX),
                                                            password="emulator", **_common(root, cert)))
        bad = aio.ClientSecretCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, "wrong", **_common(root, cert))
        try:
            with pytest.raises(AuthenticationError, match="AADSTS7000215"):
                await AsyncClient(root, credential=bad).get_catalog(ids.GENERAL_CATALOG_ID)
        finally:
            await bad.close()
    asyncio.run(main())


def _child_workload(root, cert, token, token_file):
    from azure.identity import aio
    asked = []

    def assertion():
        asked.append(1)
        return token

    cred = azure_identity.ClientAssertionCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, assertion, **_common(root, cert))
    _sync_reads(root, cred)
    assert len(asked) == 1
    os.environ.update(AZURE_TENANT_ID=ids.TENANT_ID, AZURE_CLIENT_ID=ids.APP_CLIENT_ID,
                      AZURE_FEDERATED_TOKEN_FILE=token_file)
    for k in ("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH"):
        os.environ.pop(k, None)
    _sync_reads(root, azure_identity.WorkloadIdentityCredential(**_common(root, cert)))
    untrusted = azure_identity.ClientAssertionCredential(
        ids.TENANT_ID, ids.APP_CLIENT_ID, lambda: _foreign_token(root, cert), **_common(root, cert))
    with pytest.raises(AuthenticationError, match="AADSTS700211"):
        Client(root, credential=untrusted).get_catalog(ids.GENERAL_CATALOG_ID)

    async def main():
        await _async_reads(root, aio.ClientAssertionCredential(ids.TENANT_ID, ids.APP_CLIENT_ID, assertion,
                                                                **_common(root, cert)))
        await _async_reads(root, aio.WorkloadIdentityCredential(**_common(root, cert)))
    asyncio.run(main())
    assert len(asked) == 2


def _foreign_token(root, cert):
    """A token the federated app does not trust: the emulator's own app token (its
    issuer is no federated credential of the app)."""
    body = urllib.parse.urlencode({"client_id": ids.APP_CLIENT_ID, "client_secret": ids.APP_CLIENT_SECRET,
                                   "grant_type": "client_credentials", "scope": SCOPE}).encode()
    req = urllib.request.Request(f"{root}/{ids.TENANT_ID}/oauth2/v2.0/token", data=body)
    with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=cert)) as r:
        return json.load(r)["access_token"]


if __name__ == "__main__":
    name, config = sys.argv[1], json.loads(sys.argv[2])
    globals()[f"_child_{name}"](**config)
    print(f"ok {name}")
