# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
from typing import Any, AsyncIterator, Dict, Iterator, List

class BulkReport:
    total: int
    done: int
    created: int
    skipped: int
    reconciled: int
    failed: int
    throttled: int
    requests: int
    concurrency: int
    elapsed_ms: int
    cancelled: bool
    items: List[Dict[str, Any]]
    @property
    def failures(self) -> List[Dict[str, Any]]: ...

class BulkRun(Iterator[Dict[str, Any]]):
    report: BulkReport | None
    def __iter__(self) -> "BulkRun": ...
    def __next__(self) -> Dict[str, Any]: ...
    def __len__(self) -> int: ...
    def wait(self) -> BulkReport: ...
    def cancel(self) -> None: ...

class AsyncBulkRun(BulkRun, AsyncIterator[Dict[str, Any]]):
    def __aiter__(self) -> "AsyncBulkRun": ...
    async def __anext__(self) -> Dict[str, Any]: ...
    async def wait(self) -> BulkReport: ...  # type: ignore[override]
