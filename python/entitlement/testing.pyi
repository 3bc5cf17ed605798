# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
import datetime as _dt
from os import PathLike
from typing import Any, Literal, Mapping, Optional, Tuple, Union

from ._client import AsyncClient, Client
from .identity import InteractiveBrowserCredential

__all__ = ["Emulator", "ids"]

class _Ids:
    """Fixed identifiers of the built-in tenant."""

    TENANT_ID: str
    TENANT_DOMAIN: str
    GENERAL_CATALOG_ID: str
    REQUESTOR1_ID: str
    REQUESTOR1_UPN: str
    ADMIN_ID: str
    ADMIN_UPN: str
    GROUP_ID: str
    MARKETING_GROUP_ID: str
    APP_CLIENT_ID: str
    APP_CLIENT_SECRET: str
    USER_PASSWORD: str

ids: _Ids

class Emulator:
    def __init__(
        self,
        *,
        port: int = 0,
        db_path: Union[str, PathLike[str], None] = None,
        seed_path: Union[str, PathLike[str], None] = None,
        seed: Union[Mapping[str, Any], str, bytes, Any, None] = None,
        page_size: Optional[int] = None,
        delivery_delay: Optional[float] = None,
        clock: Optional[Literal["real", "manual"]] = None,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def authority(self) -> str: ...
    @property
    def tenant_id(self) -> str: ...
    @property
    def app_credentials(self) -> Tuple[str, str]: ...
    @property
    def running(self) -> bool: ...
    def user_token(self, user: str) -> str: ...
    def app_token(self) -> str: ...
    def inject_fault(
        self,
        status: int,
        *,
        retry_after: Union[int, float, str, None] = None,
        count: int = 1,
        path_contains: Optional[str] = None,
    ) -> None: ...
    def now(self) -> _dt.datetime: ...
    def advance(
        self,
        by: Union[_dt.timedelta, str, None] = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> _dt.datetime: ...
    def user_credential(self, user: str) -> InteractiveBrowserCredential: ...
    def client(self, **kw: Any) -> Client: ...
    def async_client(self, **kw: Any) -> AsyncClient: ...
    def user_client(self, user: str, **kw: Any) -> Client: ...
    def user_async_client(self, user: str, **kw: Any) -> AsyncClient: ...
    def stop(self) -> None: ...
    def __enter__(self) -> "Emulator": ...
    def __exit__(self, *exc: object) -> None: ...
