# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The command line's API commands: cli/src/generated/commands.rs, one row per
operation (`entitlement <resource> <action>`; beta operations under
`entitlement beta <resource> <action>`), from which cli/src/api.rs builds the
clap command tree at run time. No command is written by hand.

Names come from the operation's path, as Graph PowerShell's nouns do:
the collection segments joined, every one but the last in the singular
(`catalogs/{catalogId}/resources` -> `catalog-resources`), kebab-case. The verb
is the operation's kind (`list`, `get`, `create`, `update`, `replace`,
`delete`; `add` / `remove` for `$ref` operations) or, for actions and
functions, the path's last segment (`cancel`, `move-to-catalog`,
`filter-by-current-user`). Path parameters become required options
(`{catalogId}` -> `--catalog-id`). RENAME shortens a few of Graph's long
collection names; SHORTCUTS adds verbs that are an operation with part of its
body fixed (`approvals approve` = PATCH the stage with
`reviewResult: Approve`). Two operations with one name fail the generator.

It also writes the exit code of each error kind (10 + its C status number,
so codes never move: api/errors.toml only appends).
"""
from __future__ import annotations

import json
import re

from model import BANNER

OUT = "cli/src/generated/commands.rs"
OUTPUTS = [OUT]

PREFIX = "/identityGovernance/entitlementManagement"

# Collection names (as joined kebab nouns) shortened for the command line.
RENAME = {
    "access-package-assignment-approvals": "approvals",
    "access-package-assignment-approval-stages": "approval-stages",
    "access-package-assignment-approval-steps": "approval-steps",
    "assignment-target-connected-organization-external-sponsors": "assignment-external-sponsors",
    "assignment-target-connected-organization-internal-sponsors": "assignment-internal-sponsors",
    "control-configuration-end-user-settings": "end-user-settings",
    "access-package-access-packages-incompatible-with": "access-packages-incompatible-with",
    "access-package-access-package-resource-role-scopes": "access-package-resource-role-scopes",
    "access-package-catalog-access-package-resources": "access-package-catalog-resources",
    "access-package-catalog-access-package-resource-roles": "access-package-catalog-resource-roles",
    "access-package-catalog-access-package-resource-upload-sessions": "access-package-catalog-resource-upload-sessions",
    "access-package-catalog-access-package-custom-workflow-extensions":
        "access-package-catalog-custom-workflow-extensions",
}

# (version, resource, action, operation, fixed body, body options, summary)
SHORTCUTS = [
    ("v1.0", "approvals", "approve", "update_assignment_approval_stage", {"reviewResult": "Approve"},
     ["justification"], "Approve a stage of an approval (PATCH the stage with reviewResult Approve)."),
    ("v1.0", "approvals", "deny", "update_assignment_approval_stage", {"reviewResult": "Deny"},
     ["justification"], "Deny a stage of an approval (PATCH the stage with reviewResult Deny)."),
    ("beta", "approvals", "approve", "update_access_package_assignment_approval_step", {"reviewResult": "Approve"},
     ["justification"], "Approve a step of an approval (PATCH the step with reviewResult Approve)."),
    ("beta", "approvals", "deny", "update_access_package_assignment_approval_step", {"reviewResult": "Deny"},
     ["justification"], "Deny a step of an approval (PATCH the step with reviewResult Deny)."),
]

KIND_VERB = {"list": "list", "get": "get", "create": "create", "update": "update", "replace": "replace",
             "delete": "delete", "ref_add": "add", "ref_remove": "remove"}

# Table columns, in this order, when the response type has them.
COLUMNS = ["id", "displayName", "requestType", "state", "status", "reviewResult", "assignedDate",
           "createdDateTime", "expirationDateTime", "objectId", "email", "isDefault"]
MAX_COLUMNS = 4


def kebab(name: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name)
    return s.lower()


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("Settings") or not word.endswith("s") or word.endswith("ss"):
        return word
    return word[:-1]


def names(op) -> tuple[str, str]:
    """(resource, action) of an operation."""
    path = op.path[len(PREFIX):] if op.path.startswith(PREFIX) else op.path
    segs = [s for s in path.split("/") if s]
    parts, verb = [], None
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if seg.startswith("{") or seg == "$ref":
            continue
        call = re.match(r"^(\w+)\((.*)\)$", seg)
        if call:
            # `subjects(objectId='{objectId}')` addresses one object (get,
            # update); `filterByCurrentUser(on=…)`, `additionalAccess(…)` are
            # functions of the collection.
            if op.kind in ("get", "update") and last:
                parts.append(call.group(1))
            else:
                verb = kebab(call.group(1))
            continue
        if last and op.kind == "action":
            verb = kebab(seg)
            continue
        parts.append(seg)
    words = [singular(p) for p in parts[:-1]] + parts[-1:]
    resource = "-".join(kebab(w) for w in words)
    resource = RENAME.get(resource, resource)
    return resource, verb or KIND_VERB[op.kind]


def _s(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _columns(api, op) -> list[str]:
    t = api.types.get((op.version, op.response)) if op.response else None
    if t is None:
        return []
    have = {p.name for p in t.props}
    return [c for c in COLUMNS if c in have][:MAX_COLUMNS]


def _query(op) -> str:
    if op.kind == "list" or op.collection:
        return "Query::Collection"
    if op.method == "GET" and op.response:
        return "Query::SelectExpand"
    return "Query::None"


def rows(api):
    seen = {}
    out = []
    by_name = {(o.version, o.name): o for o in api.ops}
    for op in api.ops:
        resource, action = names(op)
        out.append((op, resource, action, None))
    for version, resource, action, name, fixed, options, summary in SHORTCUTS:
        op = by_name[(version, name)]
        out.append((op, resource, action, (fixed, options, summary)))
    for op, resource, action, _ in out:
        key = (op.version, resource, action)
        if key in seen:
            raise SystemExit(f"gen_cli: {op.qualified} and {seen[key]} are both "
                             f"`{'beta ' if op.version == 'beta' else ''}{resource} {action}`: add a RENAME")
        seen[key] = op.qualified
    out.sort(key=lambda r: (r[0].version != "v1.0", r[1], r[2]))
    return out


def gen_commands(api) -> str:
    lines = [f"// {BANNER}", "// SPDX-License-Identifier: MIT", "",
             "//! Every API command of the command line: one row per operation of",
             "//! api/operations.toml (and per shortcut of codegen/gen_cli.py).", "",
             "use super::{CommandSpec, Query, Shortcut};", "",
             "pub static COMMANDS: &[CommandSpec] = &["]
    for op, resource, action, shortcut in rows(api):
        params = ", ".join(f"({_s(kebab(p))}, {_s(p)})" for p in op.params)
        body = _s(op.body) if op.body and not shortcut else None
        if shortcut:
            fixed, options, summary = shortcut
            sc = (f"Some(Shortcut {{ fixed: {_s(json.dumps(fixed, separators=(',', ':')))}, "
                  f"options: &[{', '.join(_s(o) for o in options)}] }})")
        else:
            summary, sc = op.summary, "None"
        cols = ", ".join(_s(c) for c in _columns(api, op))
        lines.append(
            f"    CommandSpec {{ beta: {'true' if op.version == 'beta' else 'false'}, resource: {_s(resource)}, "
            f"action: {_s(action)}, operation: {_s(op.qualified)}, method: {_s(op.method)}, "
            f"path: {_s('/' + op.version + op.path)}, params: &[{params}], "
            f"pages: {'true' if (op.kind == 'list' or op.collection) else 'false'}, "
            f"body: {'Some(' + body + ')' if body else 'None'}, "
            f"body_required: {'true' if op.body and op.kind != 'action' and not shortcut else 'false'}, "
            f"query: {_query(op)}, columns: &[{cols}], summary: {_s(summary)}, shortcut: {sc} }},")
    lines += ["];", "",
              "/// The exit code of each error kind: 10 + its C status number (api/errors.toml).",
              "pub const EXIT_CODES: &[(&str, u8)] = &["]
    for k in api.kinds:
        lines.append(f"    ({_s(k.name)}, {10 + k.c_value}),")
    lines += ["];", ""]
    return "\n".join(lines)


def generate(api):
    return {OUT: gen_commands(api)}
