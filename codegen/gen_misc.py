# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Language-neutral outputs: docs/reference.md, the table of every endpoint."""
from __future__ import annotations

from gen_c import ps_cmdlet
from model import BANNER, snake

OUTPUTS = ["docs/reference.md"]


def _args(o, style):
    names = [snake(p) if style == "snake" else p for p in o.params]
    if o.body:
        names.append("body")
    return ", ".join(names)


def gen_reference(api):
    lines = [f"<!-- {BANNER} -->", "", "# API reference", "",
             "Every operation of `api/operations.toml`, with its call in each language. "
             "Beta operations live under `client.beta()` (Rust), `client.beta` (Python, Node) "
             "and the `beta.` prefix (C); C calls go through `ent_client_call(client, \"name\", args_json, query_json, body_json, &out, &err)` "
             "(`ent_client_list` for lists). Paths marked \"also\" are other spellings the documentation uses; the "
             "emulator routes them to the same operation.", ""]
    for version in ("v1.0", "beta"):
        ops = api.ops_for(version)
        lines += [f"## {version} ({len(ops)} operations)", "",
                  "| HTTP | Rust | Python | Node | C operation name | PowerShell | Graph SDK cmdlet |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for o in ops:
            b = "beta()." if version == "beta" else ""
            pb = "beta." if version == "beta" else ""
            rust = f"`client.{b}{o.name}({_args(o, 'snake')})`"
            py = f"`client.{pb}{o.name}({_args(o, 'snake')})`"
            node = f"`client.{pb}{o.camel}({_args(o, 'camel')})`"
            c = f"`\"{o.qualified}\"`"
            http = f"`{o.method} /{version}{o.path}`"
            for a in o.aliases:
                http += f"<br>also `/{version}{a}`"
            lines.append(f"| {http} | {rust} | {py} | {node} | {c} | `{ps_cmdlet(o)}` | `{o.cmdlet}` |")
        lines.append("")
    lines += ["Types: " + ", ".join(f"{len(api.types_for(v))} {v}" for v in ("v1.0", "beta")) +
              " (api/types/). Enums: " + ", ".join(f"{len(api.enums_for(v))} {v}" for v in ("v1.0", "beta")) + ".", ""]
    return "\n".join(lines)


def generate(api):
    return {"docs/reference.md": gen_reference(api)}
