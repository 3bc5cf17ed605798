# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""C and PowerShell outputs: include/entitlement_ops.h (the operation names the
C API accepts, as macros), and the PowerShell module's generated files, which
codegen/gen_powershell.py writes (cmdlets, manifest, format views, the C#
operation table; see there).
"""
from __future__ import annotations

import gen_powershell
from gen_powershell import HAND_WRITTEN, KIND_VERB, ps_cmdlet  # noqa: F401  (re-exported for other generators)
from model import BANNER

OUTPUTS = ["include/entitlement_ops.h"] + gen_powershell.PS_OUTPUTS


# ------------------------------------------------------------------ C

def gen_ops_header(api) -> str:
    lines = [f"/* {BANNER} */",
             "/* SPDX-License-Identifier: MIT",
             " *",
             " * The operation names ent_client_call() and ent_client_list() accept, one",
             " * macro per operation of api/operations.toml, so a typo is a compile error.",
             " * The camelCase spelling (\"listCatalogs\") is accepted too. */",
             "#ifndef ENTITLEMENT_OPS_H", "#define ENTITLEMENT_OPS_H", ""]
    for op in api.ops:
        macro = "ENT_OP_" + ("BETA_" if op.version == "beta" else "") + op.name.upper()
        args = ", ".join(op.params) if op.params else "none"
        ret = (f"{op.response} items" if op.kind == "list" else op.response) if op.response else "nothing (204)"
        body = f"; body: {op.body}" if op.body else ""
        lines += [f"/** {op.summary} `{op.method} /{op.version}{op.path}`; path args: {args}{body}; "
                  f"returns: {ret}. */",
                  f"#define {macro} \"{op.qualified}\""]
    lines += ["", "#endif /* ENTITLEMENT_OPS_H */", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------ outputs

def generate(api):
    out = {"include/entitlement_ops.h": gen_ops_header(api)}
    out.update(gen_powershell.generate(api))
    return out
