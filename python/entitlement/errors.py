# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Exceptions. Every failure is an :class:`EntitlementError` whose ``kind``
is core's stable ``ErrorKind``; the subclass follows from the kind through
the one table ``_BY_KIND``. Errors pickle with all their fields."""

from __future__ import annotations

import builtins

__all__ = [
    "EntitlementError",
    "InvalidArgumentError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "ThrottledError",
    "ServiceError",
    "TimeoutError",
    "NetworkError",
    "DecodeError",
    "InternalError",
]

_FIELDS = ("kind", "status", "code", "message", "request_id", "client_request_id", "date", "retry_after")


class EntitlementError(Exception):
    """Base of every error of this package.

    Attributes: ``kind`` (``"NotFound"``, ...), ``status`` (HTTP status or None),
    ``code`` (Graph's error code), ``message``, ``request_id``,
    ``client_request_id``, ``date`` (Graph's innerError date) and
    ``retry_after`` (seconds the service asked to wait, or None).
    """

    kind = "Internal"

    def __init__(self, message="", *, kind=None, status=None, code=None, request_id=None, client_request_id=None,
                 date=None, retry_after=None):
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind
        self.status = status
        self.code = code
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.date = date
        self.retry_after = retry_after

    def __str__(self):
        head = self.kind
        if self.status is not None:
            head += f" ({self.status}{' ' + self.code if self.code else ''})"
        text = f"{head}: {self.message}"
        if self.request_id:
            text += f" [request-id {self.request_id}]"
        return text

    def __repr__(self):
        return f"{type(self).__name__}({self.message!r}, status={self.status!r}, code={self.code!r})"

    def __reduce__(self):
        return (_restore, (type(self), {k: getattr(self, k) for k in _FIELDS}))


def _restore(cls, fields):
    message = fields.pop("message", "")
    return cls(message, **fields)


class InvalidArgumentError(EntitlementError, ValueError):
    """Rejected before anything was sent: a wrong argument type, bad JSON, a bad body."""
    kind = "InvalidArgument"


class BadRequestError(EntitlementError):
    """The service answered 400 (e.g. a malformed ``$filter``)."""
    kind = "BadRequest"


class AuthenticationError(EntitlementError):
    """401, or no token could be obtained."""
    kind = "Authentication"


class PermissionDeniedError(EntitlementError, PermissionError):
    """403: the caller may not do this."""
    kind = "PermissionDenied"


class NotFoundError(EntitlementError, LookupError):
    """404: no such object."""
    kind = "NotFound"


class ConflictError(EntitlementError):
    """409 or 412."""
    kind = "Conflict"


class ThrottledError(EntitlementError):
    """429 after the retries allowed; ``retry_after`` says how long to wait."""
    kind = "Throttled"


class ServiceError(EntitlementError):
    """5xx after the retries allowed."""
    kind = "Service"


class TimeoutError(EntitlementError, builtins.TimeoutError):
    """A deadline passed (HTTP timeout, or waiting for a request)."""
    kind = "Timeout"


class NetworkError(EntitlementError, ConnectionError):
    """Connect, DNS or TLS failure."""
    kind = "Network"


class DecodeError(EntitlementError):
    """The response body was not what the API documents."""
    kind = "Decode"


class InternalError(EntitlementError):
    """A bug in this library (including a caught Rust panic)."""
    kind = "Internal"


_BY_KIND = {cls.kind: cls for cls in (
    InvalidArgumentError, BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError,
    ConflictError, ThrottledError, ServiceError, TimeoutError, NetworkError, DecodeError, InternalError,
)}


def _from_native(kind, message, status, code, request_id, client_request_id, date, retry_after):
    """Called by the native module to build the exception of a core error."""
    cls = _BY_KIND.get(kind, EntitlementError)
    return cls(message, kind=kind, status=status, code=code, request_id=request_id,
               client_request_id=client_request_id, date=date, retry_after=retry_after)
