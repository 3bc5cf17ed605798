# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Node facade: the operation methods (node/lib/operations.js) and the whole
public type surface (node/index.d.ts).

Every method calls one of four generic helpers of node/lib/runtime.js with
the operation's qualified name; native code looks the operation up in core's
table, so adding an operation to api/operations.toml needs no Rust here.
"""
from __future__ import annotations

import re

from model import BANNER, camel, pascal

JS = "node/lib/operations.js"
DTS = "node/index.d.ts"

SCALARS = {
    "String": "string",
    "Boolean": "boolean",
    "Int32": "number",
    "Int64": "number",
    "Double": "number",
    "Single": "number",
    "Decimal": "number",
    "DateTimeOffset": "string",
    "Date": "string",
    "TimeOfDay": "string",
    "Duration": "string",
    "Guid": "string",
    "Binary": "string",
}

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
        sig = ", ".join(params + (["body"] if hb else []))
        body = "body" if hb else "undefined"
        call = f"rt.invoke(this, {q}, {names}, {values}, {hb}, {body})"
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
    if type_name in SCALARS:
        return SCALARS[type_name]
    if (version, type_name) in api.types or (version, type_name) in api.enums:
        return prefix + pascal(type_name)
    return "unknown"


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


STATIC_HEAD = """\
// SPDX-License-Identifier: MIT

// ---------------------------------------------------------------- errors

/** The ErrorKind names, stable across languages. */
export type ErrorCode =
  | 'InvalidArgument' | 'BadRequest' | 'Authentication' | 'PermissionDenied' | 'NotFound' | 'Conflict'
  | 'Throttled' | 'Service' | 'Timeout' | 'Network' | 'Decode' | 'Internal';

export declare const ERROR_CODES: readonly ErrorCode[];

/** Every error this package throws or rejects with. */
export declare class EntitlementError extends Error {
  /** The ErrorKind name. */
  readonly code: ErrorCode;
  /** HTTP status, when a response was received. */
  readonly status: number | null;
  /** Graph's `error.code` (e.g. `ResourceNotFound`) or the token endpoint's `error`. */
  readonly graphCode: string | null;
  /** `request-id` of the failed response. */
  readonly requestId: string | null;
  /** `client-request-id` this client sent. */
  readonly clientRequestId: string | null;
  /** `innerError.date`. */
  readonly date: string | null;
  /** Seconds the service asked to wait (`Retry-After`). */
  readonly retryAfter: number | null;
}
"""

STATIC_CLIENT = """\
// ---------------------------------------------------------------- options and paging

/** OData options of list operations. */
export interface ListOptions {
  /** `$filter`, e.g. `displayName eq 'General'`, or a `Filter` (literals escaped). */
  filter?: string | Filter;
  /** `$select`: property names (array or comma-separated string). */
  select?: string | string[];
  /** `$expand`: navigation properties (array or comma-separated string). */
  expand?: string | string[];
  /** `$top`: page size to ask for. */
  top?: number;
  /** `$orderby`. */
  orderby?: string | string[];
  /** `$count=true`: the page carries `count`. */
  count?: boolean;
  /** `$search`. */
  search?: string;
}

/** A `$filter` built from parts; literals are escaped by the Rust core. */
export declare class Filter {
  private constructor();
  static eq(prop: string, value: string | number | boolean | null): Filter;
  static ne(prop: string, value: string | number | boolean | null): Filter;
  static gt(prop: string, value: string | number | boolean | null): Filter;
  static ge(prop: string, value: string | number | boolean | null): Filter;
  static lt(prop: string, value: string | number | boolean | null): Filter;
  static le(prop: string, value: string | number | boolean | null): Filter;
  static startswith(prop: string, value: string): Filter;
  /** A filter written by hand, passed through unchanged. */
  static raw(text: string): Filter;
  and(other: Filter): Filter;
  or(other: Filter): Filter;
  not(): Filter;
  toString(): string;
}

/** OData options of get operations. */
export interface GetOptions {
  select?: string | string[];
  expand?: string | string[];
}

/** One page of a collection. */
export interface Page<T> {
  value: T[];
  /** Present when there are more pages. */
  nextLink?: string;
  /** `@odata.count`, when `count: true` was asked. */
  count?: number;
}

/** Items of a collection, fetched a page at a time while iterating. */
export declare class PageIterator<T> implements AsyncIterable<T> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<T>;
  /** Every page, following `nextLink`. */
  pages(): AsyncIterable<Page<T>>;
  /** All items (fetches every page). */
  toArray(): Promise<T[]>;
  /** The first item, or undefined (fetches one page). */
  first(): Promise<T | undefined>;
}

/** How `waitForAssignmentRequest` polls. */
export interface WaitOptions {
  /** Give up (TimeoutError) after this long; default 300000. */
  timeoutMs?: number;
  /** Time between polls; default 2000. */
  pollIntervalMs?: number;
}

/** `new Client(options)`. Give at most one credential: `token`, `tokenProvider`,
 * `clientSecret` (with `tenantId`, `clientId`) or `username`/`password` (with `tenantId`, `clientId`). */
export interface ClientOptions {
  /** Graph root without version (default: the cloud's, e.g. `https://graph.microsoft.com`). */
  baseUrl?: string;
  /** `global` (default), `usGov`, `usGovDod`, `china`. */
  cloud?: string;
  /** Version of the flat operations: `v1.0` (default) or `beta`. */
  apiVersion?: 'v1.0' | 'beta';
  /** Sign-in authority (default: the cloud's). */
  authority?: string;
  /** OAuth scope (default: the cloud's `.default`). */
  scope?: string;
  /** A bearer token you already have. */
  token?: string;
  /** Called (with the scope) whenever a token is needed. */
  tokenProvider?: (scope: string) => string | Promise<string>;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** Time limit of one HTTP attempt (default 100000). */
  timeoutMs?: number;
  /** Retries of 429/503/504 and network failures (default 4). */
  maxRetries?: number;
}
"""

STATIC_EMULATOR = """\
// ---------------------------------------------------------------- emulator

export interface EmulatorOptions {
  /** 0 or absent: an ephemeral port. */
  port?: number;
  /** SQLite file that keeps state across restarts (absent: in memory). */
  dbPath?: string;
  /** A seed file (JSON) instead of the built-in tenant. */
  seedPath?: string;
  /** Default page size of lists. */
  pageSize?: number;
  /** Time between request state transitions (default 300). */
  deliveryDelayMs?: number;
}

export interface Fault {
  /** HTTP status to answer. */
  status: number;
  /** `Retry-After` header: seconds or an HTTP date. */
  retryAfter?: number | string;
  /** How many matching requests to answer with the fault (default 1). */
  count?: number;
  /** Only requests whose path contains this. */
  pathContains?: string;
}

/** The service, emulated on 127.0.0.1 in this process. */
export declare class Emulator {
  private constructor();
  static start(options?: EmulatorOptions): Promise<Emulator>;
  /** Graph root: clients append `/v1.0` or `/beta`. */
  readonly baseUrl: string;
  /** Token endpoint root: `{authority}/{tenantId}/oauth2/v2.0/token`. */
  readonly authority: string;
  readonly tenantId: string;
  readonly appCredentials: { clientId: string; clientSecret: string };
  /** A delegated token for a seeded user (id or UPN). */
  userToken(user: string): string;
  /** An application token for the seeded application. */
  appToken(): string;
  injectFault(fault: Fault): void;
  /** A client with the seeded application's credentials. */
  client(options?: ClientOptions): Client;
  /** A delegated client for a seeded user (password grant). */
  userClient(user: string, options?: ClientOptions): Client;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
"""


def gen_dts(api):
    out = [f"// {BANNER}", STATIC_HEAD]
    kinds = ["InvalidArgument", "BadRequest", "Authentication", "PermissionDenied", "NotFound", "Conflict",
             "Throttled", "Service", "Timeout", "Network", "Decode", "Internal"]
    for k in kinds:
        out.append(f"export declare class {k}Error extends EntitlementError {{ readonly code: '{k}'; }}")
    out.append("")
    out.append(STATIC_CLIENT)
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
    out.append("  /** Fetches the page a `nextLink` points at. */")
    out.append("  nextPage<T = unknown>(nextLink: string): Promise<Page<T>>;")
    out.append("}\n")
    out.append(STATIC_EMULATOR)
    out.append("// ---------------------------------------------------------------- v1.0 models\n")
    out.extend(gen_models(api, "v1.0", ""))
    out.append("// ---------------------------------------------------------------- beta models\n")
    out.append("/** Models of the beta API (an older shape of several types). */")
    out.append("export declare namespace beta {")
    out.extend(gen_models(api, "beta", "  "))
    out.append("}")
    text = "\n".join(out).rstrip() + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def generate(api):
    for version in ("v1.0", "beta"):
        names = [pascal(t.name) for t in api.types_for(version)] + [pascal(e.name) for e in api.enums_for(version)]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise SystemExit(f"gen_node: {version} type/enum names collide in TypeScript: {sorted(dup)}")
    return {JS: gen_js(api), DTS: gen_dts(api)}
