# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Node facade: the operation methods (node/lib/operations.js), the whole
public type surface (node/index.d.ts; its hand-written parts are
codegen/templates/index.*.d.ts) and the addon loader node/native.js
(codegen/templates/native.js; `napi build --no-js` leaves it alone).

Every method calls one of four generic helpers of node/lib/runtime.js with
the operation's qualified name; native code looks the operation up in core's
table, so adding an operation to api/operations.toml needs no Rust here.
"""
from __future__ import annotations

import json
import re

from emit import ROOT, template
from model import BANNER, pascal
from typemap import ANY, scalar

JS = "node/lib/operations.js"
DTS = "node/index.d.ts"
NATIVE = "node/native.js"
OUTPUTS = [JS, DTS, NATIVE]

IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def key(name):
    return name if IDENT.match(name) else "'" + name.replace("'", "\\'") + "'"


def doc_text(s):
    return " ".join(s.replace("*/", "* /").split())


def has_body(op):
    """0: no body, 1: required, 2: optional (actions)."""
    if not op.body:
        return 0
    return 2 if op.kind == "action" else 1


def method_names(op):
    """Facade method names of an operation: the list ops get a `...Page` twin."""
    names = [op.camel]
    if op.kind == "list":
        names.append(op.camel + "Page")
    return names


# ---------------------------------------------------------------- JS

def js_method(op):
    params = list(op.params)
    names = "[" + ", ".join(f"'{p}'" for p in params) + "]"
    values = "[" + ", ".join(params) + "]"
    q = f"'{op.qualified}'"
    docs = [op.summary, f"{op.method} /{op.version}{op.path}"]
    if op.cmdlet:
        docs.append(f"PowerShell: {op.cmdlet}")
    head = "  /** " + " — ".join(doc_text(d) for d in docs) + " */\n"
    out = []
    if op.kind == "list":
        sig = ", ".join(params + ["options"])
        out.append(head + f"  {op.camel}({sig}) {{\n    return rt.list(this, {q}, {names}, {values}, options);\n  }}\n")
        out.append(f"  /** First page of {op.camel}: `{{value, nextLink, count}}`. */\n"
                   f"  {op.camel}Page({sig}) {{\n    return rt.page(this, {q}, {names}, {values}, options);\n  }}\n")
    elif op.kind in ("get", "function"):
        sig = ", ".join(params + ["options"])
        out.append(head + f"  {op.camel}({sig}) {{\n    return rt.get(this, {q}, {names}, {values}, options);\n  }}\n")
    else:
        hb = has_body(op)
        # `...extra`: JS drops extra arguments silently; these methods refuse them
        # (options passed to a create, a body passed to a delete).
        sig = ", ".join(params + (["body"] if hb else []) + ["...extra"])
        body = "body" if hb else "undefined"
        call = f"rt.invoke(this, {q}, {names}, {values}, {hb}, {body}, extra)"
        if op.collection:
            call = f"{call}.then(rt.items)"
        out.append(head + f"  {op.camel}({sig}) {{\n    return {call};\n  }}\n")
    return "\n".join(out)


def gen_js(api):
    parts = [
        f"// {BANNER}\n",
        "// SPDX-License-Identifier: MIT\n'use strict';\n\n",
        "const rt = require('./runtime');\n\n",
    ]
    for cls, version in (("Operations", "v1.0"), ("BetaOperations", "beta")):
        ops = api.ops_for(version)
        parts.append(f"/** The {version} operations. */\nclass {cls} {{\n")
        parts.append("\n".join(js_method(o) for o in ops))
        parts.append("}\n\n")
    all_names = {
        "Operations": [n for o in api.ops_for("v1.0") for n in method_names(o)],
        "BetaOperations": [n for o in api.ops_for("beta") for n in method_names(o)],
    }
    parts.append("/** Qualified operation name -> facade method name (for tests and tooling). */\n")
    parts.append("const OPERATION_METHODS = {\n")
    for o in api.ops:
        parts.append(f"  '{o.qualified}': '{'beta.' if o.version == 'beta' else ''}{o.camel}',\n")
    parts.append("};\n\n")
    parts.append("module.exports = { Operations, BetaOperations, OPERATION_METHODS };\n")
    assert all(len(v) == len(set(v)) for v in all_names.values()), "duplicate facade method names"
    return "".join(parts)


# ---------------------------------------------------------------- .d.ts

def ts_name(api, version, type_name, prefix=""):
    """TypeScript name of a Graph type or enum in `version`, qualified with `prefix` outside its namespace."""
    s = scalar(type_name)
    if s:
        return s.ts
    if (version, type_name) in api.types or (version, type_name) in api.enums:
        return prefix + pascal(type_name)
    return ANY.ts


def gen_models(api, version, indent):
    lines = []
    for e in api.enums_for(version):
        # Graph reads enum values case-insensitively and adds members over time: keep the
        # literals for completion, accept any string.
        union = " | ".join([f"'{v}'" for v in e.values] + ["(string & {})"])
        lines.append(f"{indent}/** Graph enum `{e.name}`. */")
        lines.append(f"{indent}export type {pascal(e.name)} = {union};")
    lines.append("")
    for t in api.types_for(version):
        extra = f" ({t.kind}{', abstract' if t.abstract else ''}"
        extra += f"; subtypes: {', '.join(t.subtypes)}" if t.subtypes else ""
        extra += ")"
        lines.append(f"{indent}/** Graph type `{t.name}`{extra}. Properties the service sends beyond these are kept. */")
        lines.append(f"{indent}export interface {pascal(t.name)} {{")
        lines.append(f"{indent}  '@odata.type'?: string;")
        for p in t.props:
            ty = ts_name(api, version, p.type)
            if p.collection:
                ty = f"{ty}[]" if IDENT.match(ty) else f"({ty})[]"
            if p.description:
                lines.append(f"{indent}  /** {doc_text(p.description)} */")
            lines.append(f"{indent}  {key(p.name)}?: {ty} | null;")
        lines.append(f"{indent}  [property: string]: unknown;")
        lines.append(f"{indent}}}")
        lines.append("")
    return lines


def dts_method(api, op):
    prefix = "beta." if op.version == "beta" else ""
    resp = ts_name(api, op.version, op.response, prefix) if op.response else "void"
    body = ts_name(api, op.version, op.body, prefix) if op.body else None
    params = [f"{p}: string" for p in op.params]
    docs = f"  /** {doc_text(op.summary)} `{op.method} /{op.version}{op.path}` */"
    if op.kind == "list":
        sig = ", ".join(params + ["options?: ListOptions"])
        return [docs, f"  {op.camel}({sig}): PageIterator<{resp}>;",
                f"  /** First page of `{op.camel}`. */",
                f"  {op.camel}Page({sig}): Promise<Page<{resp}>>;"]
    if op.kind in ("get", "function"):
        sig = ", ".join(params + ["options?: GetOptions"])
        return [docs, f"  {op.camel}({sig}): Promise<{resp}>;"]
    hb = has_body(op)
    if hb:
        params.append(f"body{'?' if hb == 2 else ''}: {body} | string")
    if op.collection:
        resp = f"{resp}[]"
    return [docs, f"  {op.camel}({', '.join(params)}): Promise<{resp}>;"]


def error_code_union(api):
    names = [f"'{k.name}'" for k in api.kinds]
    rows = [" | ".join(names[i:i + 6]) for i in range(0, len(names), 6)]
    return "\n".join(f"  | {r}" for r in rows)


def error_classes(api):
    out = []
    for k in api.kinds:
        out.append(f"/** {doc_text(k.description)} */")
        out.append(f"export declare class {k.name}Error extends EntitlementError {{ readonly code: '{k.name}'; }}")
    return "\n".join(out)


def gen_dts(api):
    out = [f"// {BANNER}",
           template("index.errors.d.ts", ERROR_CODE_UNION=error_code_union(api), ERROR_CLASSES=error_classes(api)),
           template("index.options.d.ts")]
    out.append("// ---------------------------------------------------------------- client\n")
    out.append("/** The beta operations, as `client.beta`. */")
    out.append("export declare class BetaClient {")
    out.append("  private constructor();")
    for o in api.ops_for("beta"):
        out.extend(dts_method(api, o))
    out.append("  /** Polls a beta assignment request until its `requestState` is final. */")
    out.append("  waitForAssignmentRequest(id: string, options?: WaitOptions): Promise<beta.AccessPackageAssignmentRequest>;")
    out.append("  waitForAccessPackageAssignmentRequest(id: string, options?: WaitOptions): Promise<beta.AccessPackageAssignmentRequest>;")
    out.append("}\n")
    out.append("/** A connection to Microsoft Graph (or the emulator). */")
    out.append("export declare class Client {")
    out.append("  constructor(options?: ClientOptions);")
    out.append("  /** Graph root URL (without version). */")
    out.append("  readonly baseUrl: string;")
    out.append("  /** The beta operations. */")
    out.append("  readonly beta: BetaClient;")
    for o in api.ops_for("v1.0"):
        out.extend(dts_method(api, o))
    out.append("  /** Polls a v1.0 assignment request until it is delivered, failed, denied or canceled. */")
    out.append("  waitForAssignmentRequest(id: string, options?: WaitOptions): Promise<AccessPackageAssignmentRequest>;")
    out.append("  /** The same, with the states the request was seen in on the way (`['submitted', 'pendingApproval', 'delivered']`). */")
    out.append("  followAssignmentRequest(id: string, options?: WaitOptions): Promise<Followed<AccessPackageAssignmentRequest>>;")
    out.append("  /** Approves the signed-in approver's stage of a request (delegated client); NotFound when none waits for them. */")
    out.append("  approveAssignmentRequest(id: string, justification?: string): Promise<void>;")
    out.append("  /** Denies the signed-in approver's stage of a request. */")
    out.append("  denyAssignmentRequest(id: string, justification?: string): Promise<void>;")
    out.append("  /** Requests a new end for an assignment: an ISO 8601 duration from its start (`'P30D'`) or an expiration pattern; an adminUpdate request (userUpdate with `{asUser: true}`). */")
    out.append("  extendAssignment(assignmentId: string, expiration: string | ExpirationPattern, options?: { asUser?: boolean }): Promise<AccessPackageAssignmentRequest>;")
    out.append("  /** Exports every assignment or assignment request to `options.path` (JSONL or CSV), page by page in flat memory; resolves to the summary. */")
    out.append("  export(resource: 'assignments' | 'requests', options: ExportOptions): Promise<ExportSummary>;")
    out.append("  /** Fetches the page a `nextLink` points at. */")
    out.append("  /** The page at a nextLink this client fetched, or, for a stored link, of the list operation it continues (`'listAssignments'`). */")
    out.append("  nextPage<T = unknown>(nextLink: string, operation?: string): Promise<Page<T>>;")
    out.append("  /** Sends many operations in `$batch` round trips (20 per request, each item retried after its own Retry-After); one result per request, in order. */")
    out.append("  batch(requests: Array<BatchRequest | [string, ...string[]]>, options?: BatchOptions): Promise<BatchResults>;")
    out.append("  /** Assigns `targets` to an access package under a policy with adminAdd requests: existing assignments and open requests are skipped, a `journal` makes a rerun continue a crashed run. */")
    out.append("  bulkAssign(accessPackageId: string, policyId: string, targets: Iterable<BulkTarget>, options?: BulkOptions): BulkRun;")
    out.append("  /** Removes assignments: by id, or every one of a package (optionally filtered), with adminRemove requests. */")
    out.append("  bulkRemove(options: BulkOptions & ({ assignmentIds: Iterable<string> } | { accessPackageId: string; filter?: string })): BulkRun;")
    out.append("  /** Runs a list of operations: `{op: 'assign' | 'remove', ...}` or `{operation, args, query, body}`. */")
    out.append("  bulkRun(operations: Iterable<Record<string, unknown>>, options?: BulkOptions): BulkRun;")
    out.append("}\n")
    out.append("/** One request of `client.batch`: an operation (`'getCatalog'`, `'beta.listAccessPackages'`) and its inputs. */")
    out.append("export interface BatchRequest {")
    out.append("  operation: string;")
    out.append("  /** Path arguments, in the order of the operation's parameters. */")
    out.append("  args?: string[];")
    out.append("  /** OData options (`filter`, `select`, `expand`, `top`, `orderby`, `count`, `search`). */")
    out.append("  query?: Record<string, unknown>;")
    out.append("  body?: object;")
    out.append("  /** The item's id in the envelope (default: its position from '1'). */")
    out.append("  id?: string;")
    out.append("  /** Ids of earlier requests that must succeed first (otherwise this one fails with 424). */")
    out.append("  dependsOn?: string[];")
    out.append("}")
    out.append("export interface BatchOptions {")
    out.append("  /** Where v1.0 operations go (default: the client's apiVersion). */")
    out.append("  apiVersion?: 'v1.0' | 'beta';")
    out.append("}")
    out.append("/** One item's outcome: `value` (the response body, a page for lists) or `error`. */")
    out.append("export interface BatchResult<T = any> {")
    out.append("  id: string;")
    out.append("  status: number | null;")
    out.append("  ok: boolean;")
    out.append("  value?: T;")
    out.append("  error?: EntitlementError;")
    out.append("  /** Times the item was sent (0 when a dependency failed). */")
    out.append("  attempts: number;")
    out.append("}")
    out.append("export type BatchResults = BatchResult[] & { readonly summary: { succeeded: number; failed: number; retried: number } | null };\n")
    out.append(template("index.emulator.d.ts"))
    out.append("// ---------------------------------------------------------------- v1.0 models\n")
    out.extend(gen_models(api, "v1.0", ""))
    out.append("// ---------------------------------------------------------------- beta models\n")
    out.append("/** Models of the beta API (an older shape of several types). */")
    out.append("export declare namespace beta {")
    out.extend(gen_models(api, "beta", "  "))
    out.append("}")
    text = "\n".join(out).rstrip() + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def gen_native_js(api):
    package = json.loads((ROOT / "node/package.json").read_text())
    return template("native.js", BANNER=BANNER, BINARY=package["napi"]["binaryName"])


def generate(api):
    for version in ("v1.0", "beta"):
        names = [pascal(t.name) for t in api.types_for(version)] + [pascal(e.name) for e in api.enums_for(version)]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise SystemExit(f"gen_node: {version} type/enum names collide in TypeScript: {sorted(dup)}")
    return {JS: gen_js(api), DTS: gen_dts(api), NATIVE: gen_native_js(api)}
