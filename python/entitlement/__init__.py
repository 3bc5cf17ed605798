# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Client for the Microsoft Graph entitlement management API.

    from entitlement import Client
    client = Client(tenant_id=..., client_id=..., client_secret=...)
    for catalog in client.list_catalogs(filter="displayName eq 'General'"):
        print(catalog.id, catalog.display_name)

Names are imported lazily so that ``import entitlement`` stays cheap.
"""

from .errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DecodeError,
    EntitlementError,
    InternalError,
    InvalidArgumentError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
    ThrottledError,
    TimeoutError,
)

__version__ = "0.1.0"

_LAZY = {
    "Client": "_client",
    "AsyncClient": "_client",
    "BetaClient": "_client",
    "AsyncBetaClient": "_client",
    "Job": "_jobs",
    "AsyncJob": "_jobs",
    "Page": "_paging",
    "Pager": "_paging",
    "AsyncPager": "_paging",
    "Model": "_models",
    "GraphModel": "_models",
    "Filter": "_filter",
    "BatchRequest": "_batch",
    "BatchResult": "_batch",
}

__all__ = [
    "Client", "AsyncClient", "BetaClient", "AsyncBetaClient", "Page", "Pager", "AsyncPager", "Model",
    "GraphModel", "Filter", "EntitlementError", "InvalidArgumentError", "BadRequestError", "AuthenticationError",
    "PermissionDeniedError", "NotFoundError", "ConflictError", "ThrottledError", "ServiceError", "TimeoutError",
    "NetworkError", "DecodeError", "InternalError", "BatchRequest", "BatchResult", "models", "testing",
]


def __getattr__(name):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module("." + _LAZY[name], __name__), name)
    elif name in ("models", "testing"):
        value = importlib.import_module("." + name, __name__)
    else:
        raise AttributeError(f"module 'entitlement' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
