# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The PowerShell module's generated files (written through gen_c, which owns them):

    powershell/Entitlement.Generated.ps1          one function per Graph cmdlet, a thin wrapper over
                                                  the C# layer (EntBody, EntList, EntTarget)
    powershell/Entitlement.psd1                   the manifest (codegen/templates/Entitlement.psd1)
    powershell/Entitlement.Format.ps1xml          table views for the main output types
    powershell/src/Entitlement.Operations.Generated.cs   what the C# layer knows per operation:
                                                  body properties (typed from api/types), nouns, actions

PowerShell names follow the Microsoft Graph cmdlet each operation declares
(`cmdlet` in operations.toml) with the `Mg` / `EntitlementManagement` parts
replaced by the `Ent` prefix: Get-MgEntitlementManagementAccessPackage ->
Get-EntAccessPackage, New-MgBetaEntitlementManagementAccessPackageAssignmentRequest
-> New-EntBetaAccessPackageAssignmentRequest. A list and a get operation that
share a cmdlet become one function with two parameter sets, as in Graph's module.
Body properties become parameters beside -BodyParameter, as Graph's
"expanded" parameter sets do (New-EntAccessPackage -DisplayName -Catalog @{id=...}).
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

from emit import template
from model import BANNER, pascal

PS_OUTPUTS = ["powershell/Entitlement.Generated.ps1", "powershell/Entitlement.psd1",
              "powershell/Entitlement.Format.ps1xml", "powershell/src/Entitlement.Operations.Generated.cs"]

# Verbs for operations that declare no cmdlet (all approved PowerShell verbs).
KIND_VERB = {"list": "Get", "get": "Get", "create": "New", "update": "Update", "replace": "Set",
             "delete": "Remove", "action": "Invoke", "function": "Get", "ref_add": "Add", "ref_remove": "Remove"}

# The -WhatIf action of each kind (actions, functions and reference adds use their summary).
KIND_ACTION = {"create": "Create", "update": "Update", "replace": "Replace", "delete": "Remove",
               "ref_remove": "Remove reference"}

# Functions written by hand in Entitlement.psm1.
HAND_WRITTEN = ["Connect-EntGraph", "Disconnect-EntGraph", "Get-EntContext", "Invoke-EntOperation",
                "Wait-EntAssignmentRequest", "Start-EntEmulator", "Stop-EntEmulator"]

# Parameter names PowerShell or the wrappers own; a body property of the same name stays
# reachable through -BodyParameter only.
RESERVED = {"verbose", "debug", "erroraction", "warningaction", "informationaction", "progressaction",
            "errorvariable", "warningvariable", "informationvariable", "outvariable", "outbuffer",
            "pipelinevariable", "whatif", "confirm", "bodyparameter", "property", "expandproperty"}

# Graph scalar -> (PowerShell parameter type, C# FieldKind).
SCALAR_PARAM = {
    "String": ("string", "String"), "Guid": ("string", "String"), "Date": ("string", "String"),
    "TimeOfDay": ("string", "String"), "Binary": ("string", "String"), "Stream": ("string", "String"),
    "Boolean": ("switch", "Boolean"), "Int16": ("int", "Integer"), "Int32": ("int", "Integer"),
    "Int64": ("long", "Integer"), "Double": ("double", "Number"), "Single": ("double", "Number"),
    "Decimal": ("double", "Number"), "DateTimeOffset": ("DateTime", "DateTime"), "Duration": ("TimeSpan", "Duration"),
}

# Table views: (version, type) -> columns (JSON property names, checked against api/types).
FORMAT_VIEWS = {
    ("v1.0", "accessPackageCatalog"): ["displayName", "id", "catalogType", "state", "isExternallyVisible"],
    ("v1.0", "accessPackage"): ["displayName", "id", "isHidden", "modifiedDateTime"],
    ("v1.0", "accessPackageAssignmentPolicy"): ["displayName", "id", "allowedTargetScope", "modifiedDateTime"],
    ("v1.0", "accessPackageAssignmentRequest"): ["id", "requestType", "state", "status", "createdDateTime"],
    ("v1.0", "accessPackageAssignment"): ["id", "state", "status", "targetId", "expiredDateTime"],
    ("v1.0", "accessPackageResource"): ["displayName", "originSystem", "originId", "id"],
    ("v1.0", "accessPackageResourceRole"): ["displayName", "originSystem", "originId", "id"],
    ("v1.0", "connectedOrganization"): ["displayName", "id", "state"],
    ("v1.0", "approvalStage"): ["id", "displayName", "status", "reviewResult", "reviewedDateTime"],
    ("beta", "accessPackageCatalog"): ["displayName", "id", "catalogType", "catalogStatus"],
    ("beta", "accessPackage"): ["displayName", "id", "catalogId", "isHidden"],
    ("beta", "accessPackageAssignmentPolicy"): ["displayName", "id", "accessPackageId", "durationInDays"],
    ("beta", "accessPackageAssignmentRequest"): ["id", "requestType", "requestState", "requestStatus",
                                                 "createdDateTime"],
    ("beta", "accessPackageAssignment"): ["id", "assignmentState", "assignmentStatus", "targetId",
                                          "expiredDateTime"],
    ("beta", "connectedOrganization"): ["displayName", "id", "state"],
}

# Graph PowerShell module of a cmdlet (for .LINK); entitlement management lives in Identity.Governance.
GRAPH_DOCS = "https://learn.microsoft.com/powershell/module/"


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


def groups(api):
    out: dict[str, list] = {}
    for op in api.ops:
        out.setdefault(ps_cmdlet(op), []).append(op)
    return out


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _cs(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def words(name: str) -> str:
    """`accessPackageAssignmentPolicyId` → `access package assignment policy`."""
    name = re.sub(r"Id$", "", name)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


def type_name(op) -> str | None:
    """The PSTypeName of an operation's output objects: Entitlement.AccessPackage, Entitlement.Beta.AccessPackage."""
    if not op.response:
        return None
    return "Entitlement." + ("Beta." if op.version == "beta" else "") + pascal(op.response)


def action(op) -> str:
    if op.kind in KIND_ACTION:
        return KIND_ACTION[op.kind]
    text = re.sub(r"\s*\([^)]*\)", "", op.summary).rstrip(".")
    return text or pascal(op.name)


def noun(op) -> str:
    """What a create works on, or what an operation without path parameters names."""
    for tn in (op.body, op.response):
        if tn and not tn.endswith("PostRequestBody") and tn != "referenceCreate":
            return words(tn)
    return words(op.name)


# ------------------------------------------------------------------ body fields

class Field:
    def __init__(self, param, prop, ps_type, kind, values, graph_type):
        self.param, self.prop, self.ps_type, self.kind = param, prop, ps_type, kind
        self.values, self.graph_type = values, graph_type


def param_name(json_name: str) -> str:
    """`displayName` → `DisplayName`; `@odata.id` → `OdataId` (as Graph PowerShell names it)."""
    return pascal(json_name.lstrip("@").replace(".", "_"))


def body_fields(api, op, taken) -> list:
    """The body properties of `op` that become parameters (names in `taken`, lower case, are skipped)."""
    if not op.body:
        return []
    out = []
    for p in api.types[(op.version, op.body)].props:
        name = param_name(p.name)
        if name.lower() in taken:
            continue
        values = None
        if p.type in SCALAR_PARAM:
            ps_type, kind = SCALAR_PARAM[p.type]
        elif (op.version, p.type) in api.enums:
            ps_type, kind = "string", "Enum"
            values = [v for v in api.enums[(op.version, p.type)].values]
        elif (op.version, p.type) in api.types:
            ps_type, kind = "object", "Object"
        else:
            ps_type, kind = "object", "Any"
        if p.collection:
            ps_type = "bool" if ps_type == "switch" else ps_type
            ps_type += "[]"
        out.append(Field(name, p, ps_type, kind, values, p.type))
        taken.add(name.lower())
    return out


def op_fields(api, op) -> list:
    """The body fields of a (single-operation) cmdlet: path parameters, the Id alias of the last one and the
    wrappers' own parameters keep their names."""
    taken = set(RESERVED)
    for i, p in enumerate(op.params):
        taken.add(pascal(p).lower())
        if i == len(op.params) - 1 and op.kind != "list":
            taken.add("id")
    return body_fields(api, op, taken)


def _value_names(values):
    return [v if isinstance(v, str) else v["name"] for v in values]


# ------------------------------------------------------------------ cmdlets

def _param(name, sets, *, mandatory=False, typ="string", pipeline_prop=False, pipeline=False, alias=None,
           position=None, validate=None):
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
        attrs.append(f"        [Alias({', '.join(_q(a) for a in ([alias] if isinstance(alias, str) else alias))})]")
    if validate:
        attrs.append(f"        {validate}")
    return "\n".join(attrs + [f"        [{typ}] ${name}"])


def _list_params(sets):
    return [_param("Filter", sets), _param("Search", sets), _param("Sort", sets, typ="string[]", alias="OrderBy"),
            _param("Top", sets, typ="int", alias="Limit", validate="[ValidateRange(0, 2147483647)]"),
            _param("PageSize", sets, typ="int", validate="[ValidateRange(1, 999)]"),
            _param("All", sets, typ="switch"),
            _param("CountVariable", sets, alias="CV")]


def _select_params():
    return [_param("Property", [None], typ="string[]", alias="Select"),
            _param("ExpandProperty", [None], typ="string[]", alias="Expand")]


def _args(op):
    return "@(" + ", ".join(f"${pascal(p)}" for p in op.params) + ")"


def _type_arg(op):
    t = type_name(op)
    return f" -TypeName {_q(t)}" if t and not op.collection else ""


def _list_call(op, pad):
    return (f"{pad}Invoke-EntPaged -Cmdlet $PSCmdlet -Operation {_q(op.qualified)} -PathArgs {_args(op)} "
            f"-Filter $Filter -Search $Search -Sort $Sort -Top $Top -PageSize $PageSize -All:$All "
            f"-CountVariable $CountVariable -Property $Property -ExpandProperty $ExpandProperty{_type_arg(op)}")


def _get_call(op, pad):
    return (f"{pad}Invoke-EntCall -Operation {_q(op.qualified)} -PathArgs {_args(op)} -Property $Property "
            f"-ExpandProperty $ExpandProperty{_type_arg(op)}")


LIST_HELP = {
    "Filter": "An OData $filter expression, e.g. \"displayName eq 'Marketing'\".",
    "Search": "A $search expression.",
    "Sort": "Properties to order by ($orderby), e.g. 'displayName desc'.",
    "Top": "Emit at most this many items in all, following pages as needed.",
    "PageSize": "Items per request ($top, 1-999). Without -All only the first page is read.",
    "All": "Follow every page. Without -All (or -Top) only the first page is read, as in Microsoft Graph "
           "PowerShell.",
    "CountVariable": "The name of a variable (without '$') that receives the total count the service reports "
                     "(@odata.count, requested with $count=true).",
    "Property": "Properties to return ($select).",
    "ExpandProperty": "Related objects to include ($expand).",
    "BodyParameter": "The whole request body: a hashtable, an object or JSON text. Parameters given beside it "
                     "are set over it.",
}


def _path_help(p):
    if p.endswith("Id"):
        return f"The id of the {words(p)} (path parameter)."
    return f"The {p} path parameter."


def _field_help(f):
    d = " ".join((f.prop.description or "").split())
    kind = {"Object": f"A hashtable (or object) for {f.graph_type}.", "Any": "Any JSON-compatible value.",
            "DateTime": "A DateTime, sent in UTC.", "Duration": "A TimeSpan, sent as an ISO 8601 duration (P2D).",
            "Boolean": "A switch (-Name:$false sends false).",
            "Enum": "One of: " + ", ".join(_value_names(f.values or [])) + "."}.get(f.kind, "")
    if f.prop.collection:
        kind = ("A list. " + kind).strip()
    text = f"{d} {kind}".strip() if d else f"The {f.prop.name} property. {kind}".strip()
    return f"Body property {f.prop.name}. {text}"


def _example(name, op, fields):
    parts = [name]
    for p in op.params:
        parts.append(f"-{pascal(p)} ${p}")
    if op.kind == "list":
        parts += ["-All", "-PageSize", "50"]
    strings = [f for f in fields if f.kind in ("String", "Enum") and not f.prop.collection
               and f.prop.name not in ("id",)]
    preferred = sorted(strings, key=lambda f: (f.prop.name not in ("displayName", "description", "justification",
                                                                 "requestType", "catalogId", "@odata.id"),))
    for f in preferred[:2]:
        if f.kind == "Enum":
            parts.append(f"-{f.param} {_q(_value_names(f.values)[0])}")
        elif f.prop.name == "@odata.id":
            parts.append(f"-{f.param} 'https://graph.microsoft.com/v1.0/groups/{{id}}'")
        else:
            parts.append(f"-{f.param} {_q('Example ' + words(f.prop.name))}")
    for f in fields:
        if f.kind == "Object" and f.prop.name in ("catalog", "accessPackage", "accessPackageAssignment"):
            parts.append(f"-{f.param} @{{ id = ${f.prop.name}Id }}")
            break
    if op.kind in ("delete", "ref_remove"):
        parts.append("-WhatIf")
    return " ".join(parts)


def _help(name, ops, params_help, examples):
    lines = ["    <#", "    .SYNOPSIS"]
    for o in ops:
        lines.append(f"    {o.summary}")
    lines.append("    .DESCRIPTION")
    for o in ops:
        lines.append(f"    {o.method} /{o.version}{o.path} (operation {o.qualified}).")
    if ops[0].cmdlet:
        lines.append(f"    Corresponds to {ops[0].cmdlet} of the Microsoft Graph PowerShell SDK.")
    lines.append("    Connect first with Connect-EntGraph.")
    for pname, text in params_help:
        lines += [f"    .PARAMETER {pname}", f"    {text}"]
    for ex in examples:
        lines += ["    .EXAMPLE", f"    {ex}"]
    outs = sorted({type_name(o) for o in ops if type_name(o)})
    if outs:
        lines += ["    .OUTPUTS", "    " + ", ".join(outs)]
    cmdlet = ops[0].cmdlet
    if cmdlet:
        module = ("microsoft.graph.beta." if "MgBeta" in cmdlet else "microsoft.graph.") + \
            ("groups" if "Group" in cmdlet and "EntitlementManagement" not in cmdlet else "identity.governance")
        lines += ["    .LINK", f"    {GRAPH_DOCS}{module}/{cmdlet.lower()}"]
    lines.append("    #>")
    return lines


def _output_type(ops):
    outs = sorted({type_name(o) for o in ops if type_name(o) and not o.collection})
    return [f"    [OutputType({', '.join(_q(t) for t in outs)})]"] if outs else []


def _function(api, name, ops) -> str:
    listing = [o for o in ops if o.kind == "list"]
    getting = [o for o in ops if o.kind in ("get", "function")]
    writes = [o for o in ops if o.kind not in ("list", "get", "function")]
    params, params_help, examples = [], [], []
    if len(listing) == 1 and len(getting) == 1 and not writes:
        lst, get = listing[0], getting[0]
        header = ["    [CmdletBinding(DefaultParameterSetName = 'List')]"]
        for p in lst.params:
            sets = ["List", "Get"] if p in get.params else ["List"]
            params.append(_param(pascal(p), sets, mandatory=True, pipeline_prop=True))
            params_help.append((pascal(p), _path_help(p)))
        only_get = [p for p in get.params if p not in lst.params]
        for i, p in enumerate(only_get):
            last = i == len(only_get) - 1
            params.append(_param(pascal(p), ["Get"], mandatory=True, pipeline_prop=True,
                                 alias="Id" if last else None))
            params_help.append((pascal(p), _path_help(p)))
        params += _list_params(["List"]) + _select_params()
        params_help += list(LIST_HELP.items())[:9]
        examples = [_example(name, lst, []), _example(name, get, [])]
        body = ["    process {",
                "        if ($PSCmdlet.ParameterSetName -eq 'Get') {",
                _get_call(get, " " * 12),
                "        } else {",
                _list_call(lst, " " * 12),
                "        }",
                "    }"]
    elif len(ops) == 1:
        op = ops[0]
        should = op.kind not in ("list", "get", "function")
        header = (["    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]"] if should
                  else ["    [CmdletBinding()]"])
        for i, p in enumerate(op.params):
            last = i == len(op.params) - 1
            alias = "Id" if last and op.kind != "list" else None
            params.append(_param(pascal(p), [None], mandatory=True, pipeline_prop=True, alias=alias))
            params_help.append((pascal(p), _path_help(p)))
        fields = op_fields(api, op)
        if op.body:
            # Piped objects bind to the path parameters by property name (Get-EntAccessPackage |
            # Update-EntAccessPackage -Description ...): only a cmdlet without path parameters takes
            # its body from the pipeline.
            params.append(_param("BodyParameter", [None], mandatory=not fields, typ="object",
                                 pipeline=not op.params))
            params_help.append(("BodyParameter", LIST_HELP["BodyParameter"]))
            for f in fields:
                validate = None
                if f.kind == "Enum":
                    validate = "[ValidateSet(" + ", ".join(_q(v) for v in _value_names(f.values)) + ")]"
                params.append(_param(f.param, [None], typ=f.ps_type, validate=validate))
                params_help.append((f.param, _field_help(f)))
        if op.kind == "list":
            params += _list_params([None])
            params_help += [(k, v) for k, v in LIST_HELP.items() if k not in ("Property", "ExpandProperty",
                                                                               "BodyParameter")]
        if op.kind in ("list", "get", "function"):
            params += _select_params()
            params_help += [("Property", LIST_HELP["Property"]), ("ExpandProperty", LIST_HELP["ExpandProperty"])]
        examples = [_example(name, op, fields)]
        if op.kind == "list":
            body = ["    process {", _list_call(op, " " * 8), "    }"]
        elif not should:
            body = ["    process {", _get_call(op, " " * 8), "    }"]
        else:
            pad = " " * 12
            lines = ["    process {"]
            if op.body:
                lines.append(f"        $body = ConvertTo-EntBody -Operation {_q(op.qualified)} "
                             f"-BodyParameter $BodyParameter -Bound $PSBoundParameters")
                body_arg = " -Body $body"
            else:
                body_arg = ""
            lines.append(f"        $target = Get-EntTarget -Operation {_q(op.qualified)} -PathArgs {_args(op)}"
                         f"{body_arg}")
            lines.append(f"        if ($PSCmdlet.ShouldProcess($target, {_q(action(op))})) {{")
            lines.append(f"{pad}Invoke-EntCall -Operation {_q(op.qualified)} -PathArgs {_args(op)}{body_arg}"
                         f"{_type_arg(op)}")
            lines += ["        }", "    }"]
            body = lines
    else:
        raise SystemExit(f"gen_powershell: cannot combine operations {[o.qualified for o in ops]} into {name}")
    return "\n".join([f"function {name} {{"] + _help(name, ops, params_help, examples) + header +
                     _output_type(ops) + ["    param("] + [",\n".join(params)] + ["    )"] + body + ["}", ""])


def gen_cmdlets(api) -> str:
    out = [f"# {BANNER}",
           "# SPDX-License-Identifier: MIT",
           "#",
           "# One function per Microsoft Graph cmdlet of api/operations.toml; dot-sourced by",
           "# Entitlement.psm1. Each is a thin wrapper: Invoke-EntCall / Invoke-EntPaged /",
           "# ConvertTo-EntBody / Get-EntTarget call the C# layer (src/Entitlement.Cmdlets.cs).",
           "Set-StrictMode -Version 3.0",
           ""]
    for name, ops in sorted(groups(api).items()):
        out.append(_function(api, name, ops))
    return "\n".join(out)


def gen_manifest(api) -> str:
    names = HAND_WRITTEN + sorted(groups(api))
    exports = ",\n".join(f"        {_q(n)}" for n in names)
    return template("Entitlement.psd1", BANNER=BANNER, EXPORTS=exports)


# ------------------------------------------------------------------ format views

def gen_format(api) -> str:
    used = {(o.version, o.response) for o in api.ops if o.response}
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f"<!-- {BANNER} -->",
           "<!-- SPDX-License-Identifier: MIT -->",
           "<!-- Table views of the module's main output types (PSTypeName Entitlement.<Type>). -->",
           "<Configuration>", "  <ViewDefinitions>"]
    for (version, tname), cols in FORMAT_VIEWS.items():
        if (version, tname) not in used:
            raise SystemExit(f"gen_powershell: no operation returns {version} {tname}")
        props = {p.name for p in api.types[(version, tname)].props}
        missing = [c for c in cols if c not in props]
        if missing:
            raise SystemExit(f"gen_powershell: {version} {tname} has no {missing}")
        ps_type = "Entitlement." + ("Beta." if version == "beta" else "") + pascal(tname)
        out += ["    <View>", f"      <Name>{escape(ps_type)}</Name>",
                f"      <ViewSelectedBy><TypeName>{escape(ps_type)}</TypeName></ViewSelectedBy>",
                "      <TableControl>", "        <TableHeaders>"]
        out += [f"          <TableColumnHeader><Label>{escape(pascal(c))}</Label></TableColumnHeader>" for c in cols]
        out += ["        </TableHeaders>", "        <TableRowEntries>", "          <TableRowEntry>",
                "            <TableColumnItems>"]
        out += [f"              <TableColumnItem><PropertyName>{escape(c)}</PropertyName></TableColumnItem>"
                for c in cols]
        out += ["            </TableColumnItems>", "          </TableRowEntry>", "        </TableRowEntries>",
                "      </TableControl>", "    </View>"]
    out += ["  </ViewDefinitions>", "</Configuration>", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ C# operation table

def gen_operations_cs(api) -> str:
    out = [f"// {BANNER}",
           "// SPDX-License-Identifier: MIT",
           "//",
           "// What the cmdlet layer (Entitlement.Cmdlets.cs) knows per operation: the body",
           "// properties each cmdlet exposes as parameters, typed from api/types, and the",
           "// nouns and action -WhatIf shows.",
           "",
           "namespace Entitlement.Native",
           "{",
           "    static class GeneratedOperations",
           "    {",
           "        static BodyField F(string p, string j, FieldKind k, bool c, string t, string[] v = null)",
           "        {",
           "            return new BodyField(p, j, k, c, t, v);",
           "        }",
           "",
           "        internal static OperationInfo[] All()",
           "        {",
           "            return new[]",
           "            {"]
    ops = sorted(api.ops, key=lambda o: o.qualified)
    for op in ops:
        fields = op_fields(api, op)
        # A path parameter named only "objectId" says less than the operation's type does.
        nouns = "new string[] {" + ", ".join(_cs(noun(op) if words(p) == "object" else words(p))
                                             for p in op.params) + "}"
        if op.body:
            items = []
            for f in fields:
                vals = ""
                if f.values:
                    vals = ", new[] {" + ", ".join(_cs(v) for v in _value_names(f.values)) + "}"
                items.append(f"F({_cs(f.param)}, {_cs(f.prop.name)}, FieldKind.{f.kind}, "
                             f"{'true' if f.prop.collection else 'false'}, {_cs(f.graph_type)}{vals})")
            body = "new BodyField[] {\n" + "".join(f"                    {i},\n" for i in items) + "                }"
        else:
            body = "null"
        out.append(f"                new OperationInfo({_cs(op.qualified)}, {_cs(op.kind)}, {_cs(action(op))}, "
                   f"{nouns}, {_cs(noun(op))}, {body}),")
    out += ["            };", "        }", "    }", "}", ""]
    return "\n".join(out)


def generate(api) -> dict:
    return {
        "powershell/Entitlement.Generated.ps1": gen_cmdlets(api),
        "powershell/Entitlement.psd1": gen_manifest(api),
        "powershell/Entitlement.Format.ps1xml": gen_format(api),
        "powershell/src/Entitlement.Operations.Generated.cs": gen_operations_cs(api),
    }
