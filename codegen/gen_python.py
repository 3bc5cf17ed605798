# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Python facade: the operation methods of Client / AsyncClient (mixins that
call the one native entry point by qualified operation name), the model
classes of every Graph type, and their .pyi stubs.

Outputs (all under python/entitlement/):
  _generated.py / .pyi        _Ops, _AsyncOps, _BetaOps, _AsyncBetaOps
  models/__init__.py / .pyi   v1.0 model classes
  models/beta.py / .pyi       beta model classes
"""
from __future__ import annotations

import keyword

from model import BANNER, pascal, snake
from typemap import ANY, scalar

PKG = "python/entitlement"
OUTPUTS = [f"{PKG}/{name}" for name in ("_generated.py", "_generated.pyi", "models/__init__.py",
                                        "models/__init__.pyi", "models/beta.py", "models/beta.pyi")]
HEADER = f"# {BANNER}\n"
QUERY_LIST = ["filter", "select", "expand", "top", "orderby", "count", "search"]
QUERY_ONE = ["select", "expand"]
QUERY_TYPES = {
    "filter": "Optional[str]",
    "select": "_Strs",
    "expand": "_Strs",
    "top": "Optional[int]",
    "orderby": "_Strs",
    "count": "Optional[bool]",
    "search": "Optional[str]",
}


def py_name(camel_name: str) -> str:
    n = snake(camel_name)
    return n + "_" if keyword.iskeyword(n) else n


def doc_line(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace('"""', "'''").replace("\n", " ").strip()


def query_for(op):
    if op.kind == "list":
        return QUERY_LIST
    # As core's bridge allows: $select/$expand on GETs that answer an entity.
    if op.response and op.method == "GET":
        return QUERY_ONE
    return []


def signature(op, typed: bool, model_mod: str):
    """Parameter list text (after self) and the call arguments."""
    parts, args = [], []
    for p in op.params:
        n = py_name(p)
        parts.append(f"{n}: str" if typed else n)
        args.append(n)
    if op.body:
        optional = op.kind == "action"
        if typed:
            ty = f"Union[{model_mod}.{pascal(op.body)}, Mapping[str, Any], str]"
            parts.append(f"body: Optional[{ty}] = None" if optional else f"body: {ty}")
        else:
            parts.append("body=None" if optional else "body")
    q = query_for(op)
    if q:
        parts.append("*")
        for k in q:
            parts.append(f"{k}: {QUERY_TYPES[k]} = None" if typed else f"{k}=None")
    return ", ".join(["self"] + parts), args, q


def call_args(op, args, q):
    tup = "(" + ", ".join(args) + ("," if len(args) == 1 else "") + ")"
    query = "{" + ", ".join(f'"{k}": {k}' for k in q) + "}" if q else "None"
    body = "body" if op.body else "None"
    return tup, query, body


def docstring(op, indent):
    path = f"{op.method} /{op.version}{op.path}"
    return f'{indent}"""{doc_line(op.summary)}\n\n{indent}``{path}`` ({op.cmdlet})\n{indent}"""\n'


def gen_ops_py(api):
    out = [HEADER, '"""Operation methods of the clients, one per operation of api/operations.toml."""\n',
           "from ._paging import AsyncPager, Pager\n\n"]
    for version, sync_name, async_name in (("v1.0", "_Ops", "_AsyncOps"), ("beta", "_BetaOps", "_AsyncBetaOps")):
        ops = api.ops_for(version)
        for cls, is_async in ((sync_name, False), (async_name, True)):
            out.append(f"\nclass {cls}:\n    __slots__ = ()\n")
            for op in ops:
                sig, args, q = signature(op, False, "")
                tup, query, body = call_args(op, args, q)
                if op.kind == "list":
                    pager = "AsyncPager" if is_async else "Pager"
                    out.append(f"\n    def {op.name}({sig}):\n{docstring(op, '        ')}")
                    out.append(f'        return {pager}(self._native, "{op.qualified}", {tup}, {query})\n')
                elif is_async:
                    out.append(f"\n    async def {op.name}({sig}):\n{docstring(op, '        ')}")
                    pick = "[0]" if op.collection else ""
                    out.append(f'        return (await self._native.call("{op.qualified}", {tup}, {query}, {body}, True)){pick}\n')
                else:
                    out.append(f"\n    def {op.name}({sig}):\n{docstring(op, '        ')}")
                    pick = "[0]" if op.collection else ""
                    out.append(f'        return self._native.call("{op.qualified}", {tup}, {query}, {body}){pick}\n')
    return "".join(out)


def gen_ops_pyi(api):
    out = [HEADER, "from typing import Any, List, Mapping, Optional, Sequence, Union\n\n",
           "from . import models\nfrom .models import beta as models_beta\n",
           "from ._paging import AsyncPager, Pager\n\n",
           "_Strs = Union[str, Sequence[str], None]\n"]
    for version, sync_name, async_name in (("v1.0", "_Ops", "_AsyncOps"), ("beta", "_BetaOps", "_AsyncBetaOps")):
        mod = "models" if version == "v1.0" else "models_beta"
        for cls, is_async in ((sync_name, False), (async_name, True)):
            out.append(f"\nclass {cls}:\n")
            for op in api.ops_for(version):
                sig, _, _ = signature(op, True, mod)
                resp = f"{mod}.{pascal(op.response)}" if op.response else "None"
                if op.kind == "list":
                    ret = f"{'AsyncPager' if is_async else 'Pager'}[{resp}]"
                    kw = "def"
                else:
                    ret = f"List[{resp}]" if op.collection else resp
                    kw = "async def" if is_async else "def"
                out.append(f"    {kw} {op.name}({sig}) -> {ret}:\n{docstring(op, '        ')}        ...\n")
    return "".join(out)


def stub_type(api, version, p):
    s = scalar(p.type)
    if s:
        t = s.python
    elif (version, p.type) in api.enums:
        t = "str"
    elif (version, p.type) in api.types:
        t = pascal(p.type)
    else:
        t = ANY.python
    return f"List[{t}]" if p.collection else t


def gen_models_py(api, version):
    doc = "v1.0" if version == "v1.0" else "beta"
    out = [HEADER, f'"""Model classes of the Graph {doc} types.\n\n'
           "Calling a class builds a checked model from Graph JSON and/or snake_case keywords;\n"
           "``isinstance(obj, AccessPackage)`` tests the Graph type of any model.\n"
           '"""\n', "from .._models import GraphModel\n"]
    names = []
    for t in api.types_for(version):
        cls = pascal(t.name)
        names.append(cls)
        types = ", ".join(repr(x) for x in [t.name] + t.subtypes)
        out.append(f"\n\nclass {cls}(GraphModel):\n"
                   f'    """Graph type ``{t.name}`` ({version})."""\n'
                   f"    __slots__ = ()\n"
                   f'    _version = "{version}"\n'
                   f'    _type = "{t.name}"\n'
                   f"    _types = frozenset(({types},))\n"
                   + (f'    _odata = "{t.odata_type}"\n' if (version, t.base) in api.types else ""))
    out.append("\n\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]\n")
    if version == "v1.0":
        out.append('\n\ndef __getattr__(name):\n'
                   '    if name == "beta":  # entitlement.models.beta, imported on first use\n'
                   '        import importlib\n\n'
                   '        return importlib.import_module(".beta", __name__)\n'
                   '    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n')
    return "".join(out)


def gen_models_pyi(api, version):
    out = [HEADER, "from typing import Any, List, Mapping, Optional, Union\n\n",
           "from entitlement._models import GraphModel\n"]
    for t in api.types_for(version):
        cls = pascal(t.name)
        out.append(f"\nclass {cls}(GraphModel):\n")
        out.append(f'    """Graph type ``{t.name}`` ({version}).\"\"\"\n')
        kw = []
        for p in t.props:
            n = p.snake
            if keyword.iskeyword(n) or not n.isidentifier():
                continue
            ty = stub_type(api, version, p)
            out.append(f"    {n}: Optional[{ty}]\n")
            d = doc_line(p.description)
            if d:
                out.append(f'    """{d}"""\n')
            kw.append(f"{n}: Optional[{ty}] = ...")
        params = ", ".join(["self", "_data: Union[Mapping[str, Any], str, None] = None"] + (["*"] + kw if kw else []) +
                           ["**extra: Any"])
        out.append(f"    def __init__({params}) -> None: ...\n")
    return "".join(out)


def generate(api):
    return {
        f"{PKG}/_generated.py": gen_ops_py(api),
        f"{PKG}/_generated.pyi": gen_ops_pyi(api),
        f"{PKG}/models/__init__.py": gen_models_py(api, "v1.0"),
        f"{PKG}/models/__init__.pyi": gen_models_pyi(api, "v1.0"),
        f"{PKG}/models/beta.py": gen_models_py(api, "beta"),
        f"{PKG}/models/beta.pyi": gen_models_pyi(api, "beta"),
    }
