# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The proof with Microsoft's own client: unmodified azure-identity
(``ClientSecretCredential`` and ``CertificateCredential``, MSAL underneath)
signs in against ``entitlement emulator serve --tls`` with the emulator as
its authority, instance discovery disabled and the printed certificate
trusted; the tokens it gets read Graph data from the emulator, and feed
``entitlement.Client(credential=...)`` as they are."""

import base64
import json
import os
import pathlib
import re
import subprocess
import urllib.request
import ssl

import pytest

azure_identity = pytest.importorskip(
    "azure.identity", reason="azure-identity is not installed (scripts/test-all.sh installs it: pip install azure-identity)")

from entitlement.testing import ids  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEV_PEM = ROOT / "emulator" / "src" / "identity" / "dev-app.pem"
DEV_PFX = DEV_PEM.with_name("dev-app.pfx")
SCOPE = "https://graph.microsoft.com/.default"


def _binary():
    named = os.environ.get("ENTITLEMENT_BIN")
    for p in ([named] if named else []) + [ROOT / "target" / "x86_64-unknown-linux-gnu" / "release" / "entitlement",
                                           ROOT / "target" / "release" / "entitlement"]:
        if p and pathlib.Path(p).exists():
            return str(p)
    pytest.fail("the entitlement binary is not built (cargo build --release -p entitlement-cli)")


@pytest.fixture(scope="module")
def tls_emulator():
    proc = subprocess.Popen([_binary(), "emulator", "serve", "--tls"], stdout=subprocess.PIPE, text=True)
    lines, url, cert = [], None, None
    try:
        for line in proc.stdout:
            lines.append(line)
            m = re.match(r"Graph emulator listening on (https://\S+)", line)
            url = m.group(1) if m else url
            if line.startswith("tls certificate: "):
                cert = line[len("tls certificate: "):].strip()
                break
        assert url and cert, "".join(lines)
        port = url.rsplit(":", 1)[1]
        yield f"https://localhost:{port}", cert
    finally:
        proc.terminate()
        proc.wait(10)


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
