# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""``Client`` (blocking) and ``AsyncClient`` (asyncio). The operation
methods come from the generated mixins in ``_generated.py``; this file holds
construction and the hand-written helpers (waiting for a request, following
it through its states, reviewing it as an approver, extending an assignment)."""

from __future__ import annotations

import time

from . import _native
from ._jobs import AsyncJob, Job
from .errors import InvalidArgumentError
from ._bulk import _AsyncBulk, _Bulk
from ._generated import _AsyncBetaOps, _AsyncOps, _BetaOps, _Ops

_DEFAULT_WAIT = 300.0
_DEFAULT_POLL = 2.0


def _seconds(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"{name} must be a number of seconds, not {type(value).__name__}")
    return float(value)


def _wait_args(timeout, poll_interval, beta=False):
    return {"timeout": _seconds("timeout", timeout), "pollInterval": _seconds("poll_interval", poll_interval),
            "apiVersion": "beta" if beta else "v1.0"}


# The request states after which nothing more happens (core's FINAL_STATES).
FINAL_STATES = ("delivered", "partiallyDelivered", "deliveryFailed", "denied", "canceled", "scheduled")


class Followed(tuple):
    """A request at the end of a wait and the states seen on the way, in order:
    ``request, states = client.follow_assignment_request(id)``.

    A plain tuple subclass rather than ``typing.NamedTuple``: importing
    ``typing`` would add ~10 ms to ``import entitlement``.
    """

    __slots__ = ()

    def __new__(cls, request, states):
        return tuple.__new__(cls, (request, states))

    @property
    def request(self):
        return self[0]

    @property
    def states(self):
        return self[1]

    def __repr__(self):
        return f"Followed(request={self[0]!r}, states={self[1]!r})"


class _Follow:
    """One wait's bookkeeping, shared by the blocking and asyncio helpers."""

    def __init__(self, request_id, timeout, poll_interval):
        self.id = request_id
        self.timeout = _seconds("timeout", timeout)
        self.poll = _seconds("poll_interval", poll_interval)
        self.until = time.monotonic() + self.timeout
        self.states = []

    def seen(self, r):
        """Records the state of ``r``; the result when it is final, else None."""
        state = r.to_dict().get("state")
        if state and (not self.states or self.states[-1] != state):
            self.states.append(state)
        if state in FINAL_STATES:
            return Followed(r, list(self.states))
        if time.monotonic() + self.poll > self.until:
            raise TimeoutError(f"request {self.id} not final after {self.timeout} s (states {self.states})")
        return None


def _review_body(approve, justification):
    if not isinstance(justification, str):
        raise InvalidArgumentError("justification must be a string")
    return {"reviewResult": "Approve" if approve else "Deny", "justification": justification}


def _my_stage(request_id, approval):
    for stage in approval.to_dict().get("stages") or []:
        if stage.get("assignedToMe") and stage.get("status") == "InProgress" \
                and stage.get("reviewResult") in (None, "NotReviewed"):
            return stage["id"]
    from .errors import NotFoundError
    raise NotFoundError(f"no approval stage of request {request_id} is waiting for the signed-in user")


def _extension(assignment_id, expiration, as_user):
    if not assignment_id:
        raise InvalidArgumentError("assignment_id must not be empty")
    if isinstance(expiration, str):   # an ISO 8601 duration: "P30D"
        expiration = {"type": "afterDuration", "duration": expiration}
    return {"requestType": "userUpdate" if as_user else "adminUpdate", "assignment": {"id": assignment_id},
            "schedule": {"expiration": expiration}}


class _Lifecycle:
    """Blocking lifecycle helpers of :class:`Client`."""

    __slots__ = ()

    def follow_assignment_request(self, request_id, *, timeout=_DEFAULT_WAIT, poll_interval=_DEFAULT_POLL):
        """Like :meth:`wait_for_assignment_request`, but returns ``Followed(request, states)``:
        the final request and the states it was seen in (``["submitted", "pendingApproval",
        "delivering", "delivered"]``; a state that came and went between two polls is missed)."""
        f = _Follow(request_id, timeout, poll_interval)
        while True:
            done = f.seen(self.get_assignment_request(request_id))
            if done:
                return done
            time.sleep(f.poll)

    def approve_assignment_request(self, request_id, justification=""):
        """Approves the signed-in approver's stage of a request (delegated token);
        ``NotFoundError`` when no stage of it waits for this user."""
        stage = _my_stage(request_id, self.get_assignment_approval(request_id))
        self.update_assignment_approval_stage(request_id, stage, _review_body(True, justification))

    def deny_assignment_request(self, request_id, justification=""):
        """Denies the signed-in approver's stage of a request."""
        stage = _my_stage(request_id, self.get_assignment_approval(request_id))
        self.update_assignment_approval_stage(request_id, stage, _review_body(False, justification))

    def extend_assignment(self, assignment_id, expiration, *, as_user=False):
        """Requests a new end for an assignment: ``expiration`` is an ISO 8601 duration
        counted from its start (``"P30D"``) or an expiration pattern dict
        (``{"type": "afterDateTime", "endDateTime": ...}``). An ``adminUpdate`` request,
        or ``userUpdate`` with ``as_user=True``; returns the request (follow it)."""
        return self.create_assignment_request(_extension(assignment_id, expiration, as_user))


class _AsyncLifecycle:
    """asyncio lifecycle helpers of :class:`AsyncClient` (same as :class:`Client`'s)."""

    __slots__ = ()

    async def follow_assignment_request(self, request_id, *, timeout=_DEFAULT_WAIT, poll_interval=_DEFAULT_POLL):
        f = _Follow(request_id, timeout, poll_interval)
        while True:
            done = f.seen(await self.get_assignment_request(request_id))
            if done:
                return done
            import asyncio   # lazily: importing entitlement stays cheap
            await asyncio.sleep(f.poll)

    async def approve_assignment_request(self, request_id, justification=""):
        stage = _my_stage(request_id, await self.get_assignment_approval(request_id))
        await self.update_assignment_approval_stage(request_id, stage, _review_body(True, justification))

    async def deny_assignment_request(self, request_id, justification=""):
        stage = _my_stage(request_id, await self.get_assignment_approval(request_id))
        await self.update_assignment_approval_stage(request_id, stage, _review_body(False, justification))

    async def extend_assignment(self, assignment_id, expiration, *, as_user=False):
        return await self.create_assignment_request(_extension(assignment_id, expiration, as_user))


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _host_credential(credential, token_provider, is_async):
    """``credential=``: a built-in kind (an option), or a host credential
    (``get_token``) handed to Rust like a token provider."""
    from . import identity
    if credential is None:
        return None, token_provider
    if token_provider is not None:
        raise InvalidArgumentError("give credential or token_provider, not both")
    if isinstance(credential, identity._BuiltinCredential):
        return dict(credential._config), None
    get_token = getattr(credential, "get_token", None)
    if not callable(get_token):
        raise InvalidArgumentError(
            f"credential must have get_token(*scopes) (an azure-identity credential), not {type(credential).__name__}")
    import inspect
    if inspect.iscoroutinefunction(get_token):
        if not is_async:
            raise InvalidArgumentError("an async credential (get_token is a coroutine) needs AsyncClient")
        import asyncio
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise InvalidArgumentError("create AsyncClient with an async credential inside the running event loop") from None
        return None, identity._AsyncCredential(credential, loop)
    return None, credential


def _make_native(base_url, token_provider, credential=None, is_async=False, **kw):
    # The options are checked by core's ClientConfig (errors name the option).
    config, token_provider = _host_credential(credential, token_provider, is_async)
    options = {_camel(k): v for k, v in kw.items() if v is not None}
    if config is not None:
        options["credential"] = config
    if base_url is not None:
        options["baseUrl"] = base_url
    return _native.NativeClient(options, token_provider)


_EXPORT_RESOURCES = {"assignments": "assignments", "requests": "assignmentRequests",
                     "assignment_requests": "assignmentRequests", "assignmentRequests": "assignmentRequests"}


def _export_options(resource, path, format, filter, expand, by_access_package, concurrency, per_package_files,
                    page_size):
    import os
    return {"resource": _EXPORT_RESOURCES.get(resource, resource), "format": format, "path": os.fspath(path),
            "filter": filter, "expand": expand, "segmentByAccessPackage": bool(by_access_package),
            "concurrency": concurrency, "perPackageFiles": bool(per_package_files), "pageSize": page_size}


def _summary(event):
    if event is None:
        raise RuntimeError("the export job ended without a summary")
    event = dict(event)
    event.pop("type", None)
    return event


class _Export:
    __slots__ = ()

    def export(self, resource="assignments", *, path, format="jsonl", filter=None, expand=None,
               by_access_package=False, concurrency=None, per_package_files=False, page_size=None, progress=None):
        """Exports every assignment (``"assignments"``) or assignment request
        (``"requests"``) of the tenant to ``path``, page by page in flat memory.

        ``format="jsonl"`` writes each object as the service sent it, one per
        line; ``"csv"`` a fixed column set (nested objects as dotted columns,
        RFC 4180). ``by_access_package=True`` lists the access packages and
        exports each one's objects (``concurrency`` at a time, default 4),
        into ``path`` or, with ``per_package_files=True``, one file per
        package in the folder ``path``. ``progress`` is called with each
        progress event (``{"count", "bytes", "seconds", "objectsPerSecond",
        ...}``; e.g. update a tqdm bar with ``count``). Returns the summary
        ``{"count", "bytes", "seconds"[, "packages"]}``.
        """
        options = _export_options(resource, path, format, filter, expand, by_access_package, concurrency,
                                  per_package_files, page_size)
        with self._start_job("export", options) as job:
            return _summary(job.wait(progress))


class BetaClient(_BetaOps):
    """The beta operations (``client.beta``)."""

    __slots__ = ("_native",)

    def __init__(self, native):
        self._native = native

    def wait_for_access_package_assignment_request(self, request_id, *, timeout=_DEFAULT_WAIT,
                                                   poll_interval=_DEFAULT_POLL):
        """Polls a beta assignment request until its ``requestState`` is final
        (delivered, deliveryFailed, denied, canceled, ...); raises TimeoutError after ``timeout`` seconds."""
        return self._native.wait_for_request(request_id, _wait_args(timeout, poll_interval, True))

    wait_for_assignment_request = wait_for_access_package_assignment_request

    def __repr__(self):
        return f"BetaClient(base_url={self._native.base_url!r})"


class AsyncBetaClient(_AsyncBetaOps):
    """The beta operations of an :class:`AsyncClient`."""

    __slots__ = ("_native",)

    def __init__(self, native):
        self._native = native

    async def wait_for_access_package_assignment_request(self, request_id, *, timeout=_DEFAULT_WAIT,
                                                         poll_interval=_DEFAULT_POLL):
        return await self._native.wait_for_request(request_id, _wait_args(timeout, poll_interval, True), True)

    wait_for_assignment_request = wait_for_access_package_assignment_request

    def __repr__(self):
        return f"AsyncBetaClient(base_url={self._native.base_url!r})"


class _ClientBase:
    __slots__ = ()

    @property
    def base_url(self):
        return self._native.base_url

    @property
    def api_version(self):
        return self._native.api_version

    def __repr__(self):
        n = self._native
        return f"{type(self).__name__}(base_url={n.base_url!r}, api_version={n.api_version!r}, credential={n.credential!r})"


class Client(_ClientBase, _Lifecycle, _Export, _Bulk, _Ops):
    """Blocking client. The GIL is released while requests are in flight.

    Credentials (give one): ``credential=`` (an azure-identity credential, or
    one of :mod:`entitlement.identity`'s: certificate, workload identity,
    managed identity, Azure CLI, device code, environment, default chain;
    tokens are cached by their ``expires_on`` and refreshed before expiry);
    ``token=``; ``token_provider=`` (a callable returning a token str, called
    before each request); ``tenant_id=, client_id=,
    client_secret=`` (client credentials); ``tenant_id=, client_id=, username=,
    password=`` (delegated, password grant). ``base_url`` points at another Graph
    root (e.g. an emulator), ``authority`` at another sign-in endpoint.

    Time limits, in seconds: ``timeout`` bounds one HTTP attempt (default 100);
    ``deadline`` bounds a whole call (default 300): the token, every attempt,
    every backoff and ``Retry-After`` wait. A ``Retry-After`` that would end
    past the deadline fails the call at once with the service's error, whose
    ``retry_after`` says how long it asked to wait. ``max_retries`` (default 4)
    retries 429/503/504 and network failures; a create or an action is sent
    again only when the service said it did not process it (429, 503 with
    ``Retry-After``) or the connection was refused; otherwise its error says
    the outcome is unknown.
    """

    __slots__ = ("_native", "beta")

    def __init__(self, base_url=None, *, cloud="global", api_version="v1.0", token=None, tenant_id=None,
                 client_id=None, client_secret=None, username=None, password=None, token_provider=None,
                 timeout=None, deadline=None, max_retries=None, authority=None, scope=None, credential=None):
        self._native = _make_native(
            base_url, token_provider, credential, False, cloud=cloud, api_version=api_version, token=token, tenant_id=tenant_id,
            client_id=client_id, client_secret=client_secret, username=username, password=password,
            timeout=timeout, deadline=deadline, max_retries=max_retries, authority=authority, scope=scope)
        self.beta = BetaClient(self._native)

    def wait_for_assignment_request(self, request_id, *, timeout=_DEFAULT_WAIT, poll_interval=_DEFAULT_POLL):
        """Polls an assignment request until its state is final (delivered,
        deliveryFailed, denied, canceled, ...); raises TimeoutError after ``timeout`` seconds."""
        return self._native.wait_for_request(request_id, _wait_args(timeout, poll_interval))

    def batch(self, requests, *, api_version=None):
        """Sends many operations in ``$batch`` round trips (20 per request, each
        item retried after its own ``Retry-After``, a create never sent twice).
        ``requests``: :class:`BatchRequest` objects or ``(operation, *args)``
        tuples. Returns one :class:`BatchResult` per request, in order; a failed
        item is a result with ``error``, not an exception."""
        from . import _batch

        return _batch.collect(self._start_job("batch", _batch.options(requests, api_version)))

    def _start_job(self, kind, options):
        """A :class:`~entitlement._jobs.Job` of core's ``kind`` (the batch, bulk
        and export methods are built on it)."""
        return Job(self, kind, options)

    def close(self):
        """Nothing to release (connections close when the client is dropped); for symmetry."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class AsyncClient(_ClientBase, _AsyncLifecycle, _AsyncBulk, _AsyncOps):
    """asyncio client: the same operations as :class:`Client`, as coroutines;
    list operations return an :class:`AsyncPager` (``async for``)."""

    __slots__ = ("_native", "beta")

    def __init__(self, base_url=None, *, cloud="global", api_version="v1.0", token=None, tenant_id=None,
                 client_id=None, client_secret=None, username=None, password=None, token_provider=None,
                 timeout=None, deadline=None, max_retries=None, authority=None, scope=None, credential=None):
        self._native = _make_native(
            base_url, token_provider, credential, True, cloud=cloud, api_version=api_version, token=token, tenant_id=tenant_id,
            client_id=client_id, client_secret=client_secret, username=username, password=password,
            timeout=timeout, deadline=deadline, max_retries=max_retries, authority=authority, scope=scope)
        self.beta = AsyncBetaClient(self._native)

    async def wait_for_assignment_request(self, request_id, *, timeout=_DEFAULT_WAIT, poll_interval=_DEFAULT_POLL):
        return await self._native.wait_for_request(request_id, _wait_args(timeout, poll_interval), True)

    async def batch(self, requests, *, api_version=None):
        """The same as :meth:`Client.batch`, awaited."""
        from . import _batch

        return await _batch.collect_async(self._start_job("batch", _batch.options(requests, api_version)))

    def _start_job(self, kind, options):
        return AsyncJob(self, kind, options)

    async def export(self, resource="assignments", *, path, format="jsonl", filter=None, expand=None,
                     by_access_package=False, concurrency=None, per_package_files=False, page_size=None,
                     progress=None):
        """:meth:`Client.export` for asyncio."""
        options = _export_options(resource, path, format, filter, expand, by_access_package, concurrency,
                                  per_package_files, page_size)
        async with self._start_job("export", options) as job:
            return _summary(await job.wait(progress))

    async def close(self):
        """Nothing to release; for symmetry with other async clients."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
