# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Bulk operations (``Client.bulk_assign``, ``bulk_remove``, ``bulk_run``):
core's bulk engine run as a job (``bulkAssign``, ``bulkRemove``, ``bulkRun``).

A :class:`BulkRun` is an iterator of one event dict per settled item
(``{"type": "item", "index", "target", "outcome", "requestId"?, "reason"?,
"error"?}``), with ``len()`` the number of items when it is known, so
``tqdm(client.bulk_assign(...))`` draws a bar. Progress events (counts,
current concurrency, throttled answers) go to the ``progress=`` callback.
When the iteration ends, ``run.report`` is the :class:`BulkReport`;
``run.wait()`` drains the run and returns it.
"""

from __future__ import annotations

from . import _native
from .errors import InvalidArgumentError


class BulkReport:
    """The end of a bulk run: counts and every item's event."""

    __slots__ = ("total", "done", "created", "skipped", "reconciled", "failed", "throttled", "requests",
                 "concurrency", "elapsed_ms", "cancelled", "items")

    def __init__(self, done, items):
        self.total = done.get("total", 0)
        self.done = done.get("done", 0)
        self.created = done.get("created", 0)
        self.skipped = done.get("skipped", 0)
        self.reconciled = done.get("reconciled", 0)
        self.failed = done.get("failed", 0)
        self.throttled = done.get("throttled", 0)
        self.requests = done.get("requests", 0)
        self.concurrency = done.get("concurrency", 0)
        self.elapsed_ms = done.get("elapsedMs", 0)
        self.cancelled = done.get("cancelled", False)
        self.items = items

    @property
    def failures(self):
        """The failed items' events (each with its ``error``: kind, message, status, code, requestId...)."""
        return [i for i in self.items if i.get("outcome") == "failed"]

    def __repr__(self):
        return (f"BulkReport(total={self.total}, created={self.created}, skipped={self.skipped}, "
                f"reconciled={self.reconciled}, failed={self.failed}, elapsed_ms={self.elapsed_ms})")


class BulkRun:
    """A running bulk job: iterate it for the item events (see the module doc)."""

    __slots__ = ("_job", "_total", "_progress", "_items", "report")

    def __init__(self, job, total, progress):
        self._job = job
        self._total = total
        self._progress = progress
        self._items = []
        self.report = None

    def __iter__(self):
        return self

    def __len__(self):
        if self._total is None:
            raise TypeError("the number of items is not known before the run (bulk_remove by package)")
        return self._total

    def __next__(self):
        while True:
            event = next(self._job)  # StopIteration ends the run; errors propagate as native errors
            kind = event.get("type")
            if kind == "item":
                self._items.append(event)
                return event
            if kind == "progress":
                if self._progress is not None:
                    self._progress(event)
            elif kind == "done":
                self.report = BulkReport(event, self._items)

    def wait(self):
        """Runs to the end; returns the :class:`BulkReport`."""
        for _ in self:
            pass
        return self.report

    def cancel(self):
        """Stops sending; items in flight finish or are left for a journal rerun to reconcile."""
        self._job.cancel()


class AsyncBulkRun(BulkRun):
    """The same for :class:`entitlement.AsyncClient`: ``async for event in run`` or
    ``await run.wait()``; the loop is never blocked."""

    __slots__ = ()

    def __aiter__(self):
        return self

    async def __anext__(self):
        while True:
            event = await self._job.next_async()
            if event is None:
                raise StopAsyncIteration
            kind = event.get("type")
            if kind == "item":
                self._items.append(event)
                return event
            if kind == "progress":
                if self._progress is not None:
                    self._progress(event)
            elif kind == "done":
                self.report = BulkReport(event, self._items)

    async def wait(self):
        """Runs to the end; returns the :class:`BulkReport`."""
        async for _ in self:
            pass
        return self.report


def _options(journal, max_concurrency, initial_concurrency, precheck, max_attempts):
    o = {}
    if journal is not None:
        o["journal"] = str(journal)
    if max_concurrency is not None:
        o["maxConcurrency"] = max_concurrency
    if initial_concurrency is not None:
        o["initialConcurrency"] = initial_concurrency
    if precheck is not None:
        o["precheck"] = precheck
    if max_attempts is not None:
        o["maxAttempts"] = max_attempts
    return o


def _target(t):
    if isinstance(t, (str, dict)):
        return t
    raise InvalidArgumentError(f"a target is an object id, an email or {{'objectId'|'email': ...}}, not {type(t).__name__}")


class _Bulk:
    """Mixed into :class:`entitlement.Client`."""

    __slots__ = ()
    _RUN = BulkRun

    def bulk_assign(self, access_package_id, policy_id, targets, *, journal=None, max_concurrency=None,
                    initial_concurrency=None, precheck=None, max_attempts=None, progress=None):
        """Assigns ``targets`` (object ids, emails, ``{"objectId"}``/``{"email"}``) to an access
        package under a policy with ``adminAdd`` requests. Existing assignments are skipped, not
        duplicated; a ``journal`` file makes a rerun continue where a crashed run stopped."""
        targets = [_target(t) for t in targets]
        options = {"accessPackageId": access_package_id, "policyId": policy_id, "targets": targets,
                   **_options(journal, max_concurrency, initial_concurrency, precheck, max_attempts)}
        return self._RUN(_native.start_job(self._native, "bulkAssign", options), len(targets), progress)

    def bulk_remove(self, assignment_ids=None, *, access_package_id=None, filter=None, journal=None,
                    max_concurrency=None, initial_concurrency=None, precheck=None, max_attempts=None, progress=None):
        """Removes assignments with ``adminRemove`` requests: the given ids, or every delivered
        assignment of ``access_package_id`` (narrowed by an OData ``filter``)."""
        options = _options(journal, max_concurrency, initial_concurrency, precheck, max_attempts)
        if assignment_ids is not None:
            ids = [str(i) for i in assignment_ids]
            options["assignmentIds"] = ids
            total = len(ids)
        else:
            options["accessPackageId"] = access_package_id
            if filter is not None:
                options["filter"] = str(filter)
            total = None
        return self._RUN(_native.start_job(self._native, "bulkRemove", options), total, progress)

    def bulk_run(self, operations, *, journal=None, max_concurrency=None, initial_concurrency=None,
                 precheck=None, max_attempts=None, progress=None):
        """Runs a list of operations: ``{"op": "assign", "target", "accessPackageId", "policyId"}``,
        ``{"op": "remove", "assignmentId"}`` or ``{"operation": "create_catalog", "args", "query", "body"}``."""
        operations = list(operations)
        options = {"operations": operations, **_options(journal, max_concurrency, initial_concurrency, precheck, max_attempts)}
        return self._RUN(_native.start_job(self._native, "bulkRun", options), len(operations), progress)


class _AsyncBulk(_Bulk):
    """Mixed into :class:`entitlement.AsyncClient`: the same methods, returning an
    :class:`AsyncBulkRun`."""

    __slots__ = ()
    _RUN = AsyncBulkRun
