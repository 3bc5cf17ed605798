# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""``$filter`` expressions built from parts, with literals escaped.

    from entitlement import Filter as F
    client.list_access_packages(filter=F.eq("displayName", user_input) & ~F.eq("isHidden", True))

A ``Filter`` is a ``str``, so it goes wherever ``filter=`` takes text. The
comparison text comes from the Rust core (quotes doubled, property paths
checked), so escaping is identical in every language.
"""

from . import _native


class Filter(str):
    """A ``$filter`` expression; combine with ``&`` (and), ``|`` (or), ``~`` (not)."""

    __slots__ = ()

    @classmethod
    def _cmp(cls, prop, op, value):
        return cls(_native.filter_compare(prop, op, value))

    @classmethod
    def eq(cls, prop, value):
        """``prop eq value``; ``value`` is a str, int, bool or None."""
        return cls._cmp(prop, "eq", value)

    @classmethod
    def ne(cls, prop, value):
        return cls._cmp(prop, "ne", value)

    @classmethod
    def gt(cls, prop, value):
        return cls._cmp(prop, "gt", value)

    @classmethod
    def ge(cls, prop, value):
        return cls._cmp(prop, "ge", value)

    @classmethod
    def lt(cls, prop, value):
        return cls._cmp(prop, "lt", value)

    @classmethod
    def le(cls, prop, value):
        return cls._cmp(prop, "le", value)

    @classmethod
    def startswith(cls, prop, value):
        """``startswith(prop, 'value')``."""
        return cls._cmp(prop, "startswith", value)

    @classmethod
    def raw(cls, text):
        """A filter written by hand, passed through unchanged (no escaping)."""
        if not isinstance(text, str):
            from .errors import InvalidArgumentError
            raise InvalidArgumentError(f"raw filter must be str, not {type(text).__name__}")
        return cls(text)

    def _join(self, other, word):
        if not isinstance(other, Filter):
            return NotImplemented
        return Filter(f"({self}) {word} ({other})")

    def __and__(self, other):
        return self._join(other, "and")

    def __or__(self, other):
        return self._join(other, "or")

    def __invert__(self):
        return Filter(f"not ({self})")

    def __repr__(self):
        return f"Filter({str.__repr__(self)})"
