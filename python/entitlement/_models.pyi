# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
from typing import Any, Dict, Mapping, Type, TypeVar, Union

from ._native import Model as Model

_M = TypeVar("_M", bound="GraphModel")

class GraphModel(Model):
    """Base of the generated model classes (``entitlement.models``)."""
    @classmethod
    def from_dict(cls: Type[_M], data: Union[Mapping[str, Any], Model, str]) -> _M: ...
    @classmethod
    def from_json(cls: Type[_M], text: str) -> _M: ...
    @classmethod
    def fields(cls) -> Dict[str, str]: ...
