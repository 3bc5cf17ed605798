# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
from typing import Any, Iterable, Optional

from .errors import EntitlementError

class BatchRequest:
    operation: str
    args: tuple
    query: dict
    body: Any
    id: Optional[str]
    depends_on: Optional[Iterable[str]]
    def __init__(self, operation: str, *args: str, body: Any = None, id: Optional[str] = None,
                 depends_on: Optional[Iterable[str]] = None, **query: Any) -> None: ...

class BatchResult:
    id: str
    status: Optional[int]
    value: Any
    error: Optional[EntitlementError]
    attempts: int
    @property
    def ok(self) -> bool: ...
    def result(self) -> Any: ...
