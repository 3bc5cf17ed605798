# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
from os import PathLike
from typing import Optional, Union

class _BuiltinCredential: ...

class ClientSecretCredential(_BuiltinCredential):
    def __init__(self, tenant_id: str, client_id: str, client_secret: str) -> None: ...

class CertificateCredential(_BuiltinCredential):
    def __init__(self, tenant_id: str, client_id: str, certificate_path: Optional[Union[str, PathLike[str]]] = None, *,
                 password: Optional[Union[str, bytes]] = None, certificate_data: Optional[Union[str, bytes]] = None,
                 send_certificate_chain: bool = False) -> None: ...

class WorkloadIdentityCredential(_BuiltinCredential):
    def __init__(self, *, tenant_id: Optional[str] = None, client_id: Optional[str] = None,
                 token_file_path: Optional[Union[str, PathLike[str]]] = None) -> None: ...

class ManagedIdentityCredential(_BuiltinCredential):
    def __init__(self, *, client_id: Optional[str] = None, endpoint: Optional[str] = None,
                 identity_header: Optional[str] = None) -> None: ...

class AzureCliCredential(_BuiltinCredential):
    def __init__(self, *, tenant_id: Optional[str] = None) -> None: ...

class DeviceCodeCredential(_BuiltinCredential):
    def __init__(self, client_id: str, *, tenant_id: str = "organizations") -> None: ...

class InteractiveBrowserCredential(_BuiltinCredential):
    def __init__(self, *, tenant_id: str, client_id: str, login_hint: Optional[str] = None,
                 redirect_port: Optional[int] = None, browser: Optional[str] = None) -> None: ...

class EnvironmentCredential(_BuiltinCredential):
    def __init__(self) -> None: ...

class DefaultAzureCredential(_BuiltinCredential):
    def __init__(self) -> None: ...
