# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Rust outputs: the operation table, the typed client methods, the models."""
from __future__ import annotations

import json

from model import BANNER, camel, pascal

KIND = {"list": "List", "get": "Get", "create": "Create", "update": "Update", "replace": "Replace",
        "delete": "Delete", "action": "Action", "function": "Function", "ref_add": "RefAdd",
        "ref_remove": "RefRemove"}


def rs_str(s: str) -> str:
    return json.dumps(s)


def gen_operations(api) -> str:
    lines = [f"// {BANNER}", "", "use super::{ApiVersion, OpKind, Operation};", "",
             "/// Every declared operation, in declaration order.",
             "pub static OPERATIONS: &[Operation] = &["]
    for o in api.ops:
        ver = "ApiVersion::V1" if o.version == "v1.0" else "ApiVersion::Beta"
        opt = lambda v: f"Some({rs_str(v)})" if v else "None"
        lines += [
            "    Operation {",
            f"        name: {rs_str(o.name)},",
            f"        version: {ver},",
            f"        kind: OpKind::{KIND[o.kind]},",
            f"        method: {rs_str(o.method)},",
            f"        path: {rs_str(o.path)},",
            f"        aliases: &[{', '.join(rs_str(a) for a in o.aliases)}],",
            f"        params: &[{', '.join(rs_str(p) for p in o.params)}],",
            f"        body: {opt(o.body)},",
            f"        response: {opt(o.response)},",
            f"        status: {o.status},",
            f"        cmdlet: {rs_str(o.cmdlet)},",
            f"        summary: {rs_str(o.summary)},",
            "    },",
        ]
    lines += ["];", ""]
    return "\n".join(lines)


def generate(api) -> dict:
    out = {"core/src/api/operations.rs": gen_operations(api)}
    try:
        import gen_rust_models
        out.update(gen_rust_models.generate(api))
    except ImportError:
        pass
    return out
