# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Exceptions. Every failure is an :class:`EntitlementError` whose ``kind``
is core's stable ``ErrorKind``; the subclass follows from the kind through
the one table ``_BY_KIND``. The subclasses (``NotFoundError``, ...) are
generated from api/errors.toml into ``_errors_generated`` and re-exported
here. Errors pickle with all their fields."""

from __future__ import annotations

_FIELDS = ("kind", "status", "code", "message", "request_id", "client_request_id", "date", "retry_after",
           "outcome_unknown")


class EntitlementError(Exception):
    """Base of every error of this package.

    Attributes: ``kind`` (``"NotFound"``, ...), ``status`` (HTTP status or None),
    ``code`` (Graph's error code), ``message``, ``request_id``,
    ``client_request_id``, ``date`` (Graph's innerError date) and
    ``retry_after`` (seconds the service asked to wait, or None) and
    ``outcome_unknown`` (True when a create or action may have been carried
    out although it failed: read the object back before repeating it).
    """

    kind = "Internal"

    def __init__(self, message="", *, kind=None, status=None, code=None, request_id=None, client_request_id=None,
                 date=None, retry_after=None, outcome_unknown=False):
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
        self.outcome_unknown = bool(outcome_unknown)

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


# One class per kind, generated from api/errors.toml (they derive from
# EntitlementError above, hence the import here).
from . import _errors_generated  # noqa: E402
from ._errors_generated import *  # noqa: E402,F401,F403

__all__ = ["EntitlementError"]
__all__ += _errors_generated.__all__

_BY_KIND = _errors_generated.BY_KIND


def _from_native(kind, message, status, code, request_id, client_request_id, date, retry_after,
                 outcome_unknown=False):
    """Called by the native module to build the exception of a core error."""
    cls = _BY_KIND.get(kind, EntitlementError)
    return cls(message, kind=kind, status=status, code=code, request_id=request_id,
               client_request_id=client_request_id, date=date, retry_after=retry_after,
               outcome_unknown=outcome_unknown)
