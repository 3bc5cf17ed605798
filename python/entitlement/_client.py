# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""``Client`` (blocking) and ``AsyncClient`` (asyncio). The operation
methods come from the generated mixins in ``_generated.py``; this file holds
construction and the hand-written helpers (waiting for a request)."""

from __future__ import annotations

from . import _native
from .errors import InvalidArgumentError
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
        return await self._native.wait_for_request_async(request_id, _wait_args(timeout, poll_interval, True))

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


class Client(_ClientBase, _Ops):
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

    def close(self):
        """Nothing to release (connections close when the client is dropped); for symmetry."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class AsyncClient(_ClientBase, _AsyncOps):
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
        return await self._native.wait_for_request_async(request_id, _wait_args(timeout, poll_interval))

    async def close(self):
        """Nothing to release; for symmetry with other async clients."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
