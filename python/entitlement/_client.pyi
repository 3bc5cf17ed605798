# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
import os
from typing import Any, Callable, Dict, Iterable, List, Literal, Mapping, NamedTuple, Optional, TypedDict, Union

from ._bulk import AsyncBulkRun, BulkRun

from ._batch import BatchRequest, BatchResult
from ._generated import _AsyncBetaOps, _AsyncOps, _BetaOps, _Ops
from .models import AccessPackageAssignmentRequest
from .models.beta import AccessPackageAssignmentRequest as BetaAccessPackageAssignmentRequest

FINAL_STATES: tuple

class ExportSummary(TypedDict, total=False):
    count: int
    bytes: int
    seconds: float
    packages: int
    cancelled: bool

class Followed(NamedTuple):
    request: AccessPackageAssignmentRequest
    states: List[str]

class BetaClient(_BetaOps):
    def wait_for_access_package_assignment_request(self, request_id: str, *, timeout: float = 300.0,
                                                   poll_interval: float = 2.0) -> BetaAccessPackageAssignmentRequest: ...
    def wait_for_assignment_request(self, request_id: str, *, timeout: float = 300.0,
                                    poll_interval: float = 2.0) -> BetaAccessPackageAssignmentRequest: ...

class AsyncBetaClient(_AsyncBetaOps):
    async def wait_for_access_package_assignment_request(self, request_id: str, *, timeout: float = 300.0,
                                                         poll_interval: float = 2.0) -> BetaAccessPackageAssignmentRequest: ...
    async def wait_for_assignment_request(self, request_id: str, *, timeout: float = 300.0,
                                          poll_interval: float = 2.0) -> BetaAccessPackageAssignmentRequest: ...

class Client(_Ops):
    beta: BetaClient
    def __init__(
        self,
        base_url: Optional[str] = None,
        *,
        cloud: str = "global",
        api_version: str = "v1.0",
        token: Optional[str] = None,
        tenant_id: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        token_provider: Optional[Callable[[], str]] = None,
        credential: Optional[Any] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
        authority: Optional[str] = None,
        scope: Optional[str] = None,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def api_version(self) -> str: ...
    def wait_for_assignment_request(self, request_id: str, *, timeout: float = 300.0,
                                    poll_interval: float = 2.0) -> AccessPackageAssignmentRequest: ...
    def follow_assignment_request(self, request_id: str, *, timeout: float = 300.0,
                                  poll_interval: float = 2.0) -> Followed: ...
    def approve_assignment_request(self, request_id: str, justification: str = "") -> None: ...
    def deny_assignment_request(self, request_id: str, justification: str = "") -> None: ...
    def extend_assignment(self, assignment_id: str, expiration: Union[str, Mapping[str, Any]], *,
                          as_user: bool = False) -> AccessPackageAssignmentRequest: ...
    def export(self, resource: Literal["assignments", "requests"] = "assignments", *, path: Union[str, "os.PathLike[str]"],
               format: Literal["jsonl", "csv"] = "jsonl", filter: Optional[str] = None, expand: Optional[str] = None,
               by_access_package: bool = False, concurrency: Optional[int] = None, per_package_files: bool = False,
               page_size: Optional[int] = None,
               progress: Optional[Callable[[Mapping[str, Any]], None]] = None) -> ExportSummary: ...
    def bulk_assign(self, access_package_id: str, policy_id: str, targets: Iterable[Union[str, Mapping[str, str]]], *,
                    journal: Optional[Union[str, "os.PathLike[str]"]] = None, max_concurrency: Optional[int] = None,
                    initial_concurrency: Optional[int] = None, precheck: Optional[str] = None,
                    max_attempts: Optional[int] = None,
                    progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> BulkRun: ...
    def bulk_remove(self, assignment_ids: Optional[Iterable[str]] = None, *, access_package_id: Optional[str] = None,
                    filter: Optional[str] = None, journal: Optional[Union[str, "os.PathLike[str]"]] = None,
                    max_concurrency: Optional[int] = None, initial_concurrency: Optional[int] = None,
                    precheck: Optional[str] = None, max_attempts: Optional[int] = None,
                    progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> BulkRun: ...
    def bulk_run(self, operations: Iterable[Mapping[str, Any]], *, journal: Optional[Union[str, "os.PathLike[str]"]] = None,
                 max_concurrency: Optional[int] = None, initial_concurrency: Optional[int] = None,
                 precheck: Optional[str] = None, max_attempts: Optional[int] = None,
                 progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> BulkRun: ...
    def batch(self, requests: List[Union[BatchRequest, tuple]], *, api_version: Optional[str] = None) -> List[BatchResult]: ...
    def close(self) -> None: ...
    def __enter__(self) -> "Client": ...
    def __exit__(self, *exc: object) -> None: ...

class AsyncClient(_AsyncOps):
    beta: AsyncBetaClient
    def __init__(
        self,
        base_url: Optional[str] = None,
        *,
        cloud: str = "global",
        api_version: str = "v1.0",
        token: Optional[str] = None,
        tenant_id: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        token_provider: Optional[Callable[[], str]] = None,
        credential: Optional[Any] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
        authority: Optional[str] = None,
        scope: Optional[str] = None,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def api_version(self) -> str: ...
    async def wait_for_assignment_request(self, request_id: str, *, timeout: float = 300.0,
                                          poll_interval: float = 2.0) -> AccessPackageAssignmentRequest: ...
    async def follow_assignment_request(self, request_id: str, *, timeout: float = 300.0,
                                        poll_interval: float = 2.0) -> Followed: ...
    async def approve_assignment_request(self, request_id: str, justification: str = "") -> None: ...
    async def deny_assignment_request(self, request_id: str, justification: str = "") -> None: ...
    async def extend_assignment(self, assignment_id: str, expiration: Union[str, Mapping[str, Any]], *,
                                as_user: bool = False) -> AccessPackageAssignmentRequest: ...
    async def export(self, resource: Literal["assignments", "requests"] = "assignments", *,
                     path: Union[str, "os.PathLike[str]"], format: Literal["jsonl", "csv"] = "jsonl",
                     filter: Optional[str] = None, expand: Optional[str] = None, by_access_package: bool = False,
                     concurrency: Optional[int] = None, per_package_files: bool = False, page_size: Optional[int] = None,
                     progress: Optional[Callable[[Mapping[str, Any]], None]] = None) -> ExportSummary: ...
    async def batch(self, requests: List[Union[BatchRequest, tuple]], *, api_version: Optional[str] = None) -> List[BatchResult]: ...
    def bulk_assign(self, access_package_id: str, policy_id: str, targets: Iterable[Union[str, Mapping[str, str]]], *,
                    journal: Optional[Union[str, "os.PathLike[str]"]] = None, max_concurrency: Optional[int] = None,
                    initial_concurrency: Optional[int] = None, precheck: Optional[str] = None,
                    max_attempts: Optional[int] = None,
                    progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> AsyncBulkRun: ...
    def bulk_remove(self, assignment_ids: Optional[Iterable[str]] = None, *, access_package_id: Optional[str] = None,
                    filter: Optional[str] = None, journal: Optional[Union[str, "os.PathLike[str]"]] = None,
                    max_concurrency: Optional[int] = None, initial_concurrency: Optional[int] = None,
                    precheck: Optional[str] = None, max_attempts: Optional[int] = None,
                    progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> AsyncBulkRun: ...
    def bulk_run(self, operations: Iterable[Mapping[str, Any]], *, journal: Optional[Union[str, "os.PathLike[str]"]] = None,
                 max_concurrency: Optional[int] = None, initial_concurrency: Optional[int] = None,
                 precheck: Optional[str] = None, max_attempts: Optional[int] = None,
                 progress: Optional[Callable[[Dict[str, Any]], None]] = None) -> AsyncBulkRun: ...
    async def close(self) -> None: ...
    async def __aenter__(self) -> "AsyncClient": ...
    async def __aexit__(self, *exc: object) -> None: ...
