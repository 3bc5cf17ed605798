# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Built-in sign-in kinds, named as in azure-identity. Each maps onto core's
credential (the token is fetched, cached and refreshed in Rust, off the
GIL): pass one as ``Client(credential=...)``. Any azure-identity credential
works too (``get_token(*scopes)``), and with ``AsyncClient`` its ``aio``
counterpart."""

from __future__ import annotations

import os

__all__ = [
    "AzureCliCredential", "CertificateCredential", "ClientSecretCredential", "DefaultAzureCredential",
    "DeviceCodeCredential", "EnvironmentCredential", "InteractiveBrowserCredential", "ManagedIdentityCredential",
    "WorkloadIdentityCredential",
]


class _BuiltinCredential:
    """A credential core runs itself; ``_config`` is its ``credential`` option."""

    __slots__ = ("_config",)

    def __init__(self, **config):
        self._config = {k: v for k, v in config.items() if v is not None}

    def __repr__(self):
        shown = {k: v for k, v in self._config.items() if k in ("kind", "tenantId", "clientId", "endpoint")}
        return f"{type(self).__name__}({shown})"


class ClientSecretCredential(_BuiltinCredential):
    def __init__(self, tenant_id, client_id, client_secret):
        super().__init__(kind="clientSecret", tenantId=tenant_id, clientId=client_id, clientSecret=client_secret)


class CertificateCredential(_BuiltinCredential):
    """A PEM (certificate + RSA key) or PKCS#12 (``.pfx``, with ``password``) file by path,
    or its content as ``certificate_data`` (PEM text, or the bytes of either)."""

    def __init__(self, tenant_id, client_id, certificate_path=None, *, password=None, certificate_data=None,
                 send_certificate_chain=False):
        data = None
        if isinstance(certificate_data, (bytes, bytearray)):
            import base64
            data, certificate_data = base64.b64encode(bytes(certificate_data)).decode(), None
        super().__init__(kind="clientCertificate", tenantId=tenant_id, clientId=client_id,
                         certificatePath=os.fspath(certificate_path) if certificate_path is not None else None,
                         certificatePem=certificate_data, certificateData=data,
                         certificatePassword=password.decode() if isinstance(password, bytes) else password,
                         sendCertificateChain=bool(send_certificate_chain))


class WorkloadIdentityCredential(_BuiltinCredential):
    """A client assertion re-read from ``token_file_path`` on each fetch
    (defaults: ``AZURE_TENANT_ID``, ``AZURE_CLIENT_ID``, ``AZURE_FEDERATED_TOKEN_FILE``)."""

    def __init__(self, *, tenant_id=None, client_id=None, token_file_path=None):
        super().__init__(kind="clientAssertion", tenantId=tenant_id, clientId=client_id,
                         tokenFile=os.fspath(token_file_path) if token_file_path is not None else None)


class ManagedIdentityCredential(_BuiltinCredential):
    """IMDS or App Service by the environment; ``endpoint`` (+ ``identity_header``) overrides."""

    def __init__(self, *, client_id=None, endpoint=None, identity_header=None):
        super().__init__(kind="managedIdentity", clientId=client_id, endpoint=endpoint, identityHeader=identity_header)


class AzureCliCredential(_BuiltinCredential):
    def __init__(self, *, tenant_id=None):
        super().__init__(kind="azureCli", tenantId=tenant_id)


class DeviceCodeCredential(_BuiltinCredential):
    """Prints the sign-in instructions on stderr and waits for the user."""

    def __init__(self, client_id, *, tenant_id="organizations"):
        super().__init__(kind="deviceCode", tenantId=tenant_id, clientId=client_id)


class InteractiveBrowserCredential(_BuiltinCredential):
    """The authorization code flow with PKCE: the user signs in in a browser (MFA
    included) and the redirect comes back to a listener on ``http://localhost:PORT``;
    later tokens come from the refresh token. ``browser``: ``"system"`` (open the
    system browser), ``"print"`` (print the URL), or ``"http"`` (no browser: fetch the
    page, for the emulator, which signs ``login_hint`` in at once)."""

    def __init__(self, *, tenant_id, client_id, login_hint=None, redirect_port=None, browser=None):
        super().__init__(kind="interactiveBrowser", tenantId=tenant_id, clientId=client_id, loginHint=login_hint,
                         redirectPort=redirect_port, browser=browser)


class EnvironmentCredential(_BuiltinCredential):
    def __init__(self):
        super().__init__(kind="environment")


class DefaultAzureCredential(_BuiltinCredential):
    """Environment, workload identity, managed identity, Azure CLI (azure-identity's order)."""

    def __init__(self):
        super().__init__(kind="default")


class _AsyncCredential:
    """An ``AsyncTokenCredential`` seen from Rust's blocking threads:
    ``get_token`` runs the coroutine on the loop the client was made on."""

    __slots__ = ("_cred", "_loop")

    def __init__(self, cred, loop):
        self._cred, self._loop = cred, loop

    def get_token(self, *scopes):
        import asyncio
        return asyncio.run_coroutine_threadsafe(self._cred.get_token(*scopes), self._loop).result()
