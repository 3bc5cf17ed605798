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

    # eq, ne, gt, ge, lt, le and startswith are attached below (typed in _filter.pyi).

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


def _comparison(op):
    def compare(cls, prop, value):
        return cls._cmp(prop, op, value)
    compare.__name__ = compare.__qualname__ = op
    compare.__doc__ = (f"``startswith(prop, 'value')``." if op == "startswith"
                       else f"``prop {op} value``; ``value`` is a str, int, bool or None.")
    return classmethod(compare)


for _op in ("eq", "ne", "gt", "ge", "lt", "le", "startswith"):
    setattr(Filter, _op, _comparison(_op))
del _op
