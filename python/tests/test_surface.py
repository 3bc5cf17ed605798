# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The blocking and asyncio clients have one surface, and the stubs match it."""

import ast
import inspect
from pathlib import Path

import entitlement
from entitlement import _generated

PKG = Path(entitlement.__file__).parent


def _public(cls):
    return {n: inspect.signature(f) for n, f in vars(cls).items() if not n.startswith("_") and callable(f)}


def _public_all(cls):
    """Public methods, mixins included (bulk, export and batch live in mixins)."""
    return {n for c in cls.__mro__ if c is not object for n, f in vars(c).items() if not n.startswith("_") and callable(f)}


def test_sync_and_async_have_the_same_methods():
    for sync, aio in ((_generated._Ops, _generated._AsyncOps), (_generated._BetaOps, _generated._AsyncBetaOps)):
        assert _public(sync) == _public(aio)
    assert _public_all(entitlement.Client) == _public_all(entitlement.AsyncClient)
    assert _public_all(entitlement.BetaClient) == _public_all(entitlement.AsyncBetaClient)


def test_stubs_declare_every_method():
    tree = ast.parse((PKG / "_generated.pyi").read_text())
    stubbed = {node.name: {f.name for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
               for node in tree.body if isinstance(node, ast.ClassDef)}
    for name in ("_Ops", "_AsyncOps", "_BetaOps", "_AsyncBetaOps"):
        assert stubbed[name] == set(_public(getattr(_generated, name))), name


def test_options_are_keyword_only():
    sig = inspect.signature(entitlement.Client.list_catalog_resources)
    params = sig.parameters
    assert params["catalog_id"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    for opt in ("filter", "select", "expand", "top", "orderby", "count", "search"):
        assert params[opt].kind is inspect.Parameter.KEYWORD_ONLY


def test_py_typed_and_stubs_ship():
    for f in ("py.typed", "__init__.pyi", "_generated.pyi", "_native.pyi", "_paging.pyi", "_client.pyi",
              "models/__init__.pyi", "models/beta.pyi"):
        assert (PKG / f).exists(), f
