# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Base of the generated model classes (``entitlement.models``).

Every object the API returns is an ``entitlement.Model`` (a native object
holding the typed Rust struct). The generated classes do not wrap it: calling
one builds a checked ``Model`` of that Graph type, and ``isinstance`` checks
the Graph type (subtypes included)."""

from __future__ import annotations

from . import _native

Model = _native.Model


class _ModelMeta(type):
    def __instancecheck__(cls, obj):
        if not isinstance(obj, Model):
            return False
        if not cls._type:
            return True
        return obj._api_version == cls._version and obj._graph_type in cls._types

    def __call__(cls, _data=None, **kwargs):
        if not cls._type:
            raise TypeError("GraphModel is abstract; use a model class such as entitlement.models.AccessPackage")
        return _native.model_from_dict(cls._version, cls._type, _data, kwargs or None, cls._odata)


class GraphModel(metaclass=_ModelMeta):
    """Base of the generated model classes; ``isinstance(x, GraphModel)`` is true for every model."""

    __slots__ = ()
    _version = ""
    _type = ""
    _types = frozenset()
    _odata = None  # "#microsoft.graph.x" for subtypes, which must carry it on the wire

    @classmethod
    def from_dict(cls, data):
        """A model from Graph JSON (camelCase dict); wrong property types raise InvalidArgumentError."""
        return _native.model_from_dict(cls._version, cls._type, data, None, cls._odata)

    @classmethod
    def from_json(cls, text):
        return _native.model_from_json(cls._version, cls._type, text)

    @classmethod
    def fields(cls):
        """``{snake_name: graphName}`` of the declared properties."""
        return dict(_native.model_fields(cls._version, cls._type))
