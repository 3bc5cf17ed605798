# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Fixtures: one in-process emulator (real HTTP over loopback) per session."""

import pytest

from entitlement.testing import Emulator, ids


@pytest.fixture(scope="session")
def emu():
    with Emulator(delivery_delay=0.02) as e:
        yield e


@pytest.fixture(scope="session")
def admin(emu):
    return emu.client()


@pytest.fixture(scope="session")
def aids():
    return ids


# --- Sign-in fixtures shared by test_credentials.py, test_azure_identity.py and test_msgraph_sdk.py.

import pathlib  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]

GENERAL_CATALOG = {"id": "cec5d6ab-c75d-47c0-9c1c-92e89f66e384", "displayName": "General", "description": "Built-in catalog.",
                   "catalogType": "serviceDefault", "state": "published", "isExternallyVisible": True}
CI_TENANT = "6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c"
CI_APP = "3c9a1f7e-2b4d-4e6f-8a1c-5d7e9f0b2a4c"
USER_ASSIGNED_IDENTITY = "5b0c3f2e-9d4a-4c21-8a77-1f2e3d4c5b6a"


class FederatedIssuer:
    """An external OIDC issuer for workload identity, as GitHub Actions' or AKS's token
    service is to Entra: another emulator (its own tenant, its own signing key for this
    process) whose application tokens play the federated tokens. ``trust()`` is the
    federated credential an app lists for it: issuer, subject, audience and its JWKS,
    fetched from the issuer's own discovery document."""

    def __init__(self):
        import json
        import urllib.request
        self._emu = Emulator(seed={"tenantId": CI_TENANT, "applications": [
            {"clientId": CI_APP, "clientSecret": "ci-secret", "displayName": "CI token service", "permissions": []}]})
        token = self.token()
        claims = _jwt_claims(token)
        self.issuer, self.subject, self.audience = claims["iss"], claims["sub"], claims["aud"]
        with urllib.request.urlopen(f"{self._emu.base_url}/{CI_TENANT}/v2.0/.well-known/openid-configuration") as r:
            jwks_uri = json.load(r)["jwks_uri"]
        with urllib.request.urlopen(jwks_uri) as r:
            self.jwks = json.load(r)

    def token(self):
        """A fresh federated token (the file or callback's content)."""
        return self._emu.app_token()

    def trust(self):
        return {"issuer": self.issuer, "subject": self.subject, "audiences": [self.audience], "jwks": self.jwks}

    def close(self):
        self._emu.stop()


def _jwt_claims(token):
    import base64
    import json
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture(scope="session")
def federated_issuer():
    issuer = FederatedIssuer()
    yield issuer
    issuer.close()


@pytest.fixture(scope="session")
def federated_seed(federated_issuer):
    """The built-in app (secret, development certificate, system-assigned managed
    identity) trusting ``federated_issuer``, a user-assigned managed identity, and the General
    catalog."""
    pem = (ROOT / "emulator" / "src" / "identity" / "dev-app.pem").read_text()
    cert = pem[:pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")] + "\n"
    perms = ["EntitlementManagement.ReadWrite.All"]
    return {"applications": [
        {"clientId": ids.APP_CLIENT_ID, "clientSecret": ids.APP_CLIENT_SECRET, "displayName": "Entitlement emulator app",
         "permissions": perms, "certificates": [cert], "federatedCredentials": [federated_issuer.trust()],
         "managedIdentity": "system"},
        {"clientId": USER_ASSIGNED_IDENTITY, "displayName": "user-assigned identity", "permissions": perms,
         "managedIdentity": "user"}],
        "catalogs": [GENERAL_CATALOG]}


def _binary():
    import os
    named = os.environ.get("ENTITLEMENT_BIN")
    for p in ([named] if named else []) + [ROOT / "target" / "x86_64-unknown-linux-gnu" / "release" / "entitlement",
                                           ROOT / "target" / "release" / "entitlement"]:
        if p and pathlib.Path(p).exists():
            return str(p)
    pytest.fail("the entitlement binary is not built (cargo build --release -p entitlement-cli)")


@pytest.fixture(scope="session")
def start_tls_emulator(tmp_path_factory):
    """Starts ``entitlement emulator serve --tls`` (with a seed dict, or the built-in
    tenant) and returns ``(root, certificate path)``; ``root`` is
    ``https://localhost:PORT``, the name the generated certificate holds. Every
    process started is stopped at the end of the session."""
    import json
    import re
    import subprocess
    procs = []

    def start(seed=None):
        args = [_binary(), "emulator", "serve", "--tls"]
        if seed is not None:
            path = tmp_path_factory.mktemp("seed") / "seed.json"
            path.write_text(json.dumps(seed))
            args += ["--seed", str(path)]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        lines, url, cert = [], None, None
        for line in proc.stdout:
            lines.append(line)
            m = re.match(r"Graph emulator listening on (https://\S+)", line)
            url = m.group(1) if m else url
            if line.startswith("tls certificate: "):
                cert = line[len("tls certificate: "):].strip()
                break
        assert url and cert, "".join(lines)
        return f"https://localhost:{url.rsplit(':', 1)[1]}", cert

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def tls_emulator(start_tls_emulator):
    """The built-in tenant over HTTPS: ``(root, certificate path)``."""
    return start_tls_emulator()
