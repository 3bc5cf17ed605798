# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""``client.batch([...])``: many operations in few ``$batch`` round trips.

The work (envelopes of 20, per-item retry after each item's own
``Retry-After``, a create never sent twice) is core's ``"batch"`` job; this
module turns the Python request list into its options and its events into
one :class:`BatchResult` per request, with typed models and typed errors."""

from __future__ import annotations

from . import _native
from .errors import InvalidArgumentError, _from_native


class BatchRequest:
    """One request of a batch: the operation (``"get_catalog"``,
    ``"beta.list_access_packages"``), its path arguments, its OData options
    as keywords, and an optional ``body``, ``id`` and ``depends_on`` (ids of
    earlier requests that must succeed first)::

        BatchRequest("get_catalog", catalog_id)
        BatchRequest("list_catalogs", filter="displayName eq 'General'", top=5)
        BatchRequest("create_catalog", body={"displayName": "x"}, id="new")
    """

    __slots__ = ("operation", "args", "query", "body", "id", "depends_on")

    def __init__(self, operation, *args, body=None, id=None, depends_on=None, **query):
        self.operation = operation
        self.args = args
        self.query = query
        self.body = body
        self.id = id
        self.depends_on = depends_on

    def _options(self):
        body = self.body
        if body is not None and hasattr(body, "to_dict"):
            body = body.to_dict()
        out = {"operation": self.operation, "args": list(self.args)}
        if self.query:
            out["query"] = self.query
        if body is not None:
            out["body"] = body
        if self.id is not None:
            out["id"] = self.id
        if self.depends_on is not None:
            out["dependsOn"] = list(self.depends_on)
        return out

    def __repr__(self):
        return f"BatchRequest({self.operation!r}, *{self.args!r})"


class BatchResult:
    """One request's outcome: ``value`` (a model; for a list operation, the
    models of its first page) or ``error`` (an :class:`EntitlementError`
    subclass). ``result()`` returns the value or raises the error."""

    __slots__ = ("id", "status", "value", "error", "attempts")

    def __init__(self, id, status, value, error, attempts):
        self.id = id
        self.status = status
        self.value = value
        self.error = error
        self.attempts = attempts

    @property
    def ok(self):
        return self.error is None

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value

    def __repr__(self):
        what = f"error={self.error!r}" if self.error is not None else f"value={self.value!r}"
        return f"BatchResult(id={self.id!r}, status={self.status!r}, {what})"


def _request(r, i):
    if isinstance(r, BatchRequest):
        return r._options()
    if isinstance(r, tuple) and r and isinstance(r[0], str):
        return {"operation": r[0], "args": list(r[1:])}
    raise InvalidArgumentError(
        f"batch request {i} must be a BatchRequest or a tuple (operation, *args), not {type(r).__name__}")


def options(requests, api_version):
    if isinstance(requests, (str, bytes)) or not hasattr(requests, "__iter__"):
        raise InvalidArgumentError(f"requests must be a list, not {type(requests).__name__}")
    options = {"requests": [_request(r, i) for i, r in enumerate(requests)]}
    if api_version is not None:
        options["apiVersion"] = api_version
    return options


def _value(ev):
    body = ev.get("body")
    model = ev.get("model")
    if body is None or not model:
        return body
    version = ev.get("apiVersion") or "v1.0"
    if ev.get("page"):
        return [_native.model_from_dict(version, model, v, None, None) for v in body.get("value") or ()]
    return _native.model_from_dict(version, model, body, None, None)


def _result(ev):
    e = ev.get("error")
    if e is not None:
        ra = e.get("retryAfterMs")
        err = _from_native(e.get("kind"), e.get("message"), e.get("status"), e.get("code"), e.get("requestId"),
                           e.get("clientRequestId"), None, None if ra is None else ra / 1000.0,
                           bool(e.get("outcomeUnknown")))
        return BatchResult(ev.get("id"), ev.get("status"), None, err, ev.get("attempts", 0))
    return BatchResult(ev.get("id"), ev.get("status"), _value(ev), None, ev.get("attempts", 0))


def collect(job):
    """One result per item from a ``"batch"`` job's events (blocking, GIL released while waiting)."""
    results = {}
    for ev in job:
        if ev.get("type") == "item":
            results[ev["index"]] = _result(ev)
    return [results[i] for i in sorted(results)]


async def collect_async(job):
    results = {}
    async for ev in job:
        if ev.get("type") == "item":
            results[ev["index"]] = _result(ev)
    return [results[i] for i in sorted(results)]
