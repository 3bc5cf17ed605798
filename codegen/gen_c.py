# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""C and PowerShell outputs: include/entitlement_ops.h (the operation names the
C API accepts, as macros), and the PowerShell module's generated cmdlets and
manifest (powershell/Entitlement.Generated.ps1, powershell/Entitlement.psd1 from
codegen/templates/Entitlement.psd1).

PowerShell names follow the Microsoft Graph cmdlet each operation declares
(`cmdlet` in operations.toml) with the `Mg` / `EntitlementManagement` parts
replaced by the `Ent` prefix: Get-MgEntitlementManagementAccessPackage ->
Get-EntAccessPackage, New-MgBetaEntitlementManagementAccessPackageAssignmentRequest
-> New-EntBetaAccessPackageAssignmentRequest. A list and a get operation that
share a cmdlet become one function with two parameter sets, as in Graph's module.
"""
from __future__ import annotations

from emit import template
from model import BANNER, pascal

OUTPUTS = ["include/entitlement_ops.h", "powershell/Entitlement.Generated.ps1", "powershell/Entitlement.psd1"]

# Verbs for operations that declare no cmdlet (all approved PowerShell verbs).
KIND_VERB = {"list": "Get", "get": "Get", "create": "New", "update": "Update", "replace": "Set",
             "delete": "Remove", "action": "Invoke", "function": "Get", "ref_add": "Add", "ref_remove": "Remove"}

# Functions written by hand in Entitlement.psm1.
HAND_WRITTEN = ["Connect-EntGraph", "Disconnect-EntGraph", "Get-EntContext", "Invoke-EntOperation",
                "Wait-EntAssignmentRequest", "Start-EntEmulator", "Stop-EntEmulator"]


def ps_cmdlet(op) -> str:
    """The PowerShell function name of an operation."""
    if op.cmdlet and "-" in op.cmdlet:
        verb, noun = op.cmdlet.split("-", 1)
        noun = noun[2:] if noun.startswith("Mg") else noun
        beta = noun.startswith("Beta")
        if beta:
            noun = noun[4:]
        # Get-MgEntitlementManagementCatalog → Get-EntCatalog;
        # Invoke-MgFilterEntitlementManagementAccessPackageByCurrentUser →
        # Invoke-EntFilterAccessPackageByCurrentUser.
        noun = noun.replace("EntitlementManagement", "", 1)
        return f"{verb}-Ent{'Beta' if beta else ''}{noun}"
    verb = KIND_VERB[op.kind]
    noun = pascal(op.name.split("_", 1)[1] if "_" in op.name else op.name)
    return f"{verb}-Ent{'Beta' if op.version == 'beta' else ''}{noun}"


def _groups(api):
    groups: dict[str, list] = {}
    for op in api.ops:
        groups.setdefault(ps_cmdlet(op), []).append(op)
    return groups


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


# ------------------------------------------------------------------ PowerShell

def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _param(name, sets, *, mandatory=False, typ="string", pipeline_prop=False, pipeline=False, alias=None,
           position=None):
    attrs = []
    for s in sets:
        parts = []
        if mandatory:
            parts.append("Mandatory")
        if s:
            parts.append(f"ParameterSetName = {_q(s)}")
        if position is not None:
            parts.append(f"Position = {position}")
        if pipeline:
            parts.append("ValueFromPipeline")
        if pipeline_prop:
            parts.append("ValueFromPipelineByPropertyName")
        attrs.append(f"        [Parameter({', '.join(parts)})]")
    if alias:
        attrs.append(f"        [Alias({_q(alias)})]")
    return "\n".join(attrs + [f"        [{typ}] ${name}"])


def _call_line(op, indent):
    pad = " " * indent
    args = "@(" + ", ".join(f"${pascal(p)}" for p in op.params) + ")"
    if op.kind == "list":
        return (f"{pad}Invoke-EntPaged -Operation {_q(op.qualified)} -PathArgs {args} -Filter $Filter "
                f"-Search $Search -Sort $Sort -Top $Top -Property $Property -ExpandProperty $ExpandProperty")
    extra = ""
    if op.kind in ("get", "function"):
        extra = " -Property $Property -ExpandProperty $ExpandProperty"
    if op.body:
        extra += " -Body $BodyParameter"
    return f"{pad}Invoke-EntCall -Operation {_q(op.qualified)} -PathArgs {args}{extra}"


def _function(name, ops) -> str:
    listing = [o for o in ops if o.kind == "list"]
    getting = [o for o in ops if o.kind in ("get", "function")]
    writes = [o for o in ops if o.kind not in ("list", "get", "function")]
    help_lines = ["    <#", "    .SYNOPSIS"]
    for o in ops:
        help_lines.append(f"    {o.summary}")
    help_lines.append("    .DESCRIPTION")
    for o in ops:
        help_lines.append(f"    {o.method} /{o.version}{o.path} (operation {o.qualified}).")
    if ops[0].cmdlet:
        help_lines.append(f"    Corresponds to {ops[0].cmdlet} of the Microsoft Graph PowerShell SDK.")
    help_lines += ["    Connect first with Connect-EntGraph.", "    #>"]
    params = []
    if len(listing) == 1 and len(getting) == 1 and not writes:
        lst, get = listing[0], getting[0]
        header = "    [CmdletBinding(DefaultParameterSetName = 'List')]"
        for p in lst.params:
            sets = ["List", "Get"] if p in get.params else ["List"]
            params.append(_param(pascal(p), sets, mandatory=True, pipeline_prop=True))
        only_get = [p for p in get.params if p not in lst.params]
        for i, p in enumerate(only_get):
            last = i == len(only_get) - 1
            params.append(_param(pascal(p), ["Get"], mandatory=True, pipeline_prop=True,
                                 alias="Id" if last else None))
        params += _list_params(["List"])
        params += [_param("Property", [None], typ="string[]"), _param("ExpandProperty", [None], typ="string[]")]
        body = ["    process {",
                "        if ($PSCmdlet.ParameterSetName -eq 'Get') {",
                _call_line(get, 12),
                "        } else {",
                _call_line(lst, 12),
                "        }",
                "    }"]
    elif len(ops) == 1:
        op = ops[0]
        should = op.kind not in ("list", "get", "function")
        header = ("    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]" if should
                  else "    [CmdletBinding()]")
        for i, p in enumerate(op.params):
            last = i == len(op.params) - 1
            params.append(_param(pascal(p), [None], mandatory=True, pipeline_prop=True,
                                 alias="Id" if last and op.kind != "list" else None))
        if op.body:
            params.append(_param("BodyParameter", [None], mandatory=True, typ="object", pipeline=True))
        if op.kind == "list":
            params += _list_params([None])
        if op.kind in ("list", "get", "function"):
            params += [_param("Property", [None], typ="string[]"), _param("ExpandProperty", [None], typ="string[]")]
        target = " + '/' + ".join(f"${pascal(p)}" for p in op.params) if op.params else _q(op.qualified)
        call = _call_line(op, 12 if should else 8)
        if should:
            body = ["    process {",
                    f"        if ($PSCmdlet.ShouldProcess({target}, {_q(op.qualified)})) {{",
                    call,
                    "        }",
                    "    }"]
        else:
            body = ["    process {", call, "    }"]
    else:
        raise SystemExit(f"gen_c: cannot combine operations {[o.qualified for o in ops]} into {name}")
    return "\n".join([f"function {name} {{"] + help_lines + [header, "    param("] +
                     [",\n".join(params)] + ["    )"] + body + ["}", ""])


def _list_params(sets):
    return [_param("Filter", sets), _param("Search", sets), _param("Sort", sets, typ="string[]"),
            _param("Top", sets, typ="int")]


def gen_cmdlets(api) -> str:
    out = [f"# {BANNER}",
           "# SPDX-License-Identifier: MIT",
           "#",
           "# One function per Microsoft Graph cmdlet of api/operations.toml; dot-sourced by",
           "# Entitlement.psm1, whose Invoke-EntCall / Invoke-EntPaged do the work.",
           "Set-StrictMode -Version 3.0",
           ""]
    for name, ops in sorted(_groups(api).items()):
        out.append(_function(name, ops))
    return "\n".join(out)


def gen_manifest(api) -> str:
    names = HAND_WRITTEN + sorted(_groups(api))
    exports = ",\n".join(f"        {_q(n)}" for n in names)
    return template("Entitlement.psd1", BANNER=BANNER, EXPORTS=exports)


def generate(api):
    return {
        "include/entitlement_ops.h": gen_ops_header(api),
        "powershell/Entitlement.Generated.ps1": gen_cmdlets(api),
        "powershell/Entitlement.psd1": gen_manifest(api),
    }
