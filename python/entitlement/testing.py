# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The emulator in-process, for tests and demos.

    from entitlement.testing import Emulator, ids
    with Emulator(page_size=5) as emu:
        client = emu.client()                    # the seeded app, client credentials
        requestor = emu.user_client(ids.REQUESTOR1_UPN)   # delegated: authorization code + PKCE
        print(client.get_catalog(ids.GENERAL_CATALOG_ID).display_name)

It serves real HTTP on 127.0.0.1 from its own thread and runtime.

With ``clock="manual"`` time stands still until you move it, and everything
due on the way happens in order (scheduled starts, expiries, approval
escalations and automatic denials, custom extension timeouts)::

    with Emulator(clock="manual") as emu:
        ...                                   # a P3D assignment is delivered
        emu.advance(days=3)                   # or "P3D", or timedelta(days=3)
"""

from __future__ import annotations

import datetime as _dt

from . import _native
from .errors import InvalidArgumentError

__all__ = ["Emulator", "ids"]


class _Ids:
    """Fixed identifiers of the built-in tenant (``TENANT_ID``, ``GROUP_ID``, ``REQUESTOR1_ID``, ...)."""

    def __init__(self, pairs):
        self.__dict__.update(pairs)

    def __repr__(self):
        return "ids(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if "SECRET" not in k
                                  and "PASSWORD" not in k) + ")"


ids = _Ids(_native.NativeEmulator.ids())


class Emulator:
    """A seeded emulator on an ephemeral port (``port=`` to choose one).

    Options: ``db_path`` (SQLite file; default in memory), ``seed_path`` (a JSON
    seed file instead of the built-in tenant) or ``seed`` (the same as a dict or
    JSON text), ``page_size`` (default 100),
    ``delivery_delay`` (seconds between request state transitions),
    ``clock`` (``"real"``, the default, or ``"manual"``: see :meth:`advance`),
    ``throttle`` (a throttle profile such as ``"graph,app=10/40"``: Graph's 429s
    and ``Retry-After``, counted at ``/_emulator/throttling``).
    """

    def __init__(self, *, port=0, db_path=None, seed_path=None, seed=None, page_size=None, delivery_delay=None,
                 clock=None, throttle=None):
        if isinstance(seed, (str, bytes)):
            import json
            try:
                seed = json.loads(seed)
            except ValueError as e:
                raise InvalidArgumentError(f"seed is not valid JSON: {e}") from None
        elif seed is not None and hasattr(seed, "to_dict"):
            seed = seed.to_dict()
        options = {"port": port, "dbPath": None if db_path is None else str(db_path),
                   "seedPath": None if seed_path is None else str(seed_path), "seed": seed,
                   "pageSize": page_size, "deliveryDelay": delivery_delay, "clock": clock,
                   "throttle": throttle}
        self._native = _native.NativeEmulator({k: v for k, v in options.items() if v is not None})

    @property
    def base_url(self):
        """The Graph root (clients append ``/v1.0`` or ``/beta``)."""
        return self._native.base_url

    @property
    def authority(self):
        """Sign-in authority: the token endpoint is ``{authority}/{tenant_id}/oauth2/v2.0/token``."""
        return self._native.authority

    @property
    def tenant_id(self):
        return self._native.tenant_id

    @property
    def app_credentials(self):
        """``(client_id, client_secret)`` of the seeded application."""
        return self._native.app_credentials

    def user_token(self, user):
        """A delegated token for a seeded user (id or UPN)."""
        return self._native.user_token(user)

    def app_token(self):
        """An application token for the seeded application."""
        return self._native.app_token()

    def inject_fault(self, status, *, retry_after=None, count=1, path_contains=None):
        """Answer the next ``count`` matching requests with ``status`` (and a ``Retry-After`` header)."""
        if retry_after is not None and not isinstance(retry_after, str):
            retry_after = str(retry_after)
        fault = {"status": status, "retryAfter": retry_after, "count": count, "pathContains": path_contains}
        self._native.inject_fault({k: v for k, v in fault.items() if v is not None})

    def now(self):
        """The emulator's time, an aware UTC :class:`~datetime.datetime`."""
        return _parse_time(self._native.now())

    def advance(self, by=None, *, days=0, hours=0, minutes=0, seconds=0):
        """Moves a manual clock forward and fires every timer due on the way, in order.

        ``by`` is a :class:`~datetime.timedelta` or an ISO 8601 duration (``"P3D"``);
        or give ``days=``, ``hours=``, ``minutes=``, ``seconds=``. Returns the new
        time. A real clock raises :class:`~entitlement.InvalidArgumentError`. The GIL
        is released meanwhile, so a webhook thread of this process can answer
        the callouts the timers send.
        """
        parts = _dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if by is None:
            by = parts
        elif parts:
            raise InvalidArgumentError("give `by` or days/hours/minutes/seconds, not both")
        if isinstance(by, _dt.timedelta):
            if by < _dt.timedelta(0):
                raise InvalidArgumentError("the clock only moves forward")
            by = f"PT{by.total_seconds():.3f}S"
        elif not isinstance(by, str):
            raise InvalidArgumentError(f"advance by a timedelta or an ISO 8601 duration, not {type(by).__name__}")
        return _parse_time(self._native.advance(by))

    def _app_kwargs(self, kw):
        client_id, secret = self.app_credentials
        out = dict(tenant_id=self.tenant_id, client_id=client_id, client_secret=secret, authority=self.authority)
        out.update(kw)
        return out

    def user_credential(self, user):
        """A delegated sign-in for a seeded user (UPN or id): the authorization code
        flow with PKCE, the emulator's authorize endpoint signing ``user`` in at once
        (no browser; see :class:`~entitlement.identity.InteractiveBrowserCredential`)."""
        from .identity import InteractiveBrowserCredential
        client_id, _ = self.app_credentials
        return InteractiveBrowserCredential(tenant_id=self.tenant_id, client_id=client_id, login_hint=user,
                                            browser="http")

    def _user_kwargs(self, user, kw):
        out = dict(credential=self.user_credential(user), authority=self.authority)
        out.update(kw)
        return out

    def client(self, **kw):
        """A :class:`~entitlement.Client` signed in as the seeded app (client credentials)."""
        from ._client import Client
        return Client(self.base_url, **self._app_kwargs(kw))

    def async_client(self, **kw):
        from ._client import AsyncClient
        return AsyncClient(self.base_url, **self._app_kwargs(kw))

    def user_client(self, user, **kw):
        """A :class:`~entitlement.Client` signed in as a seeded user (UPN or id) by the
        authorization code flow (see :meth:`user_credential`)."""
        from ._client import Client
        return Client(self.base_url, **self._user_kwargs(user, kw))

    def user_async_client(self, user, **kw):
        from ._client import AsyncClient
        return AsyncClient(self.base_url, **self._user_kwargs(user, kw))

    def stop(self):
        """Stops serving (idempotent)."""
        self._native.stop()

    @property
    def running(self):
        return self._native.running

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return f"Emulator(base_url={self.base_url!r}, tenant_id={self.tenant_id!r})"


def _parse_time(text):
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
