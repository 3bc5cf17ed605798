# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Rust outputs: the operation table (`OpId` + `OPERATIONS`) and the typed
client methods. The models are gen_rust_models.py."""
from __future__ import annotations

import json

from model import BANNER, pascal, snake

OUTPUTS = ["core/src/api/operations.rs", "core/src/client/generated_v1.rs", "core/src/client/generated_beta.rs"]

KIND = {"list": "List", "get": "Get", "create": "Create", "update": "Update", "replace": "Replace",
        "delete": "Delete", "action": "Action", "function": "Function", "ref_add": "RefAdd",
        "ref_remove": "RefRemove"}


def rs_str(s: str) -> str:
    return json.dumps(s)


def gen_operations(api) -> str:
    lines = [f"// {BANNER}", "", "use super::{ApiVersion, OpKind, Operation};", "",
             "/// One identifier per declared operation (v1.0 names as declared, beta ones",
             "/// prefixed `Beta`), in declaration order: `OPERATIONS[id as usize].id == id`.",
             "/// Match on these instead of operation-name strings, so a misspelled operation",
             "/// does not compile.",
             "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]",
             "#[non_exhaustive]",
             "pub enum OpId {"]
    for o in api.ops:
        lines += [f"    /// `{o.qualified}`: {o.method} /{o.version}{o.path}", f"    {o.id},"]
    lines += ["}", "",
              "/// Every declared operation, in declaration order.",
              "pub static OPERATIONS: &[Operation] = &["]
    for o in api.ops:
        ver = "ApiVersion::V1" if o.version == "v1.0" else "ApiVersion::Beta"
        opt = lambda v: f"Some({rs_str(v)})" if v else "None"
        lines += [
            "    Operation {",
            f"        id: OpId::{o.id},",
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
            f"        collection: {'true' if o.collection else 'false'},",
            f"        self_service: {'true' if o.self_service else 'false'},",
            "    },",
        ]
    lines += ["];", ""]
    return "\n".join(lines)


def _rust_type_name(api, version, tn):
    mod = "v1" if version == "v1.0" else "beta"
    return f"crate::models::{mod}::{pascal(tn)}"


def gen_client(api, version):
    beta = version == "beta"
    recv = "self.client" if beta else "self"
    out = [f"// {BANNER}", "", "#![allow(clippy::all)]", "",
           "use super::{to_body, Client, ListRequest, Request};", "use crate::api::{ApiVersion, Operation};", ""]
    if beta:
        out += ["/// Beta operations: `client.beta().list_access_package_assignments()`.",
                "#[derive(Clone, Debug)]", "pub struct BetaClient {", "    pub(crate) client: Client,", "}", "",
                "impl BetaClient {"]
    else:
        out += ["impl Client {"]
    for o in api.ops_for(version):
        params = [(snake(p), p) for p in o.params]
        sig = ["&self"] + [f"{sp}: &str" for sp, _ in params]
        args = "vec![" + ", ".join(f"{sp}.to_string()" for sp, _ in params) + "]"
        find = f"Operation::find(ApiVersion::{'Beta' if beta else 'V1'}, {json.dumps(o.name)}).expect(\"declared operation\")"
        body_ty = _rust_type_name(api, version, o.body) if o.body else None
        resp_ty = _rust_type_name(api, version, o.response) if o.response else "()"
        if o.collection:
            resp_ty = f"crate::paging::Page<{resp_ty}>"
        optional_body = o.kind == "action"
        if body_ty:
            sig.append(f"body: Option<&{body_ty}>" if optional_body else f"body: &{body_ty}")
        doc_lines = [f"    /// {o.summary}", f"    ///", f"    /// `{o.method} /{o.version}{o.path}` ({o.cmdlet})."]
        out += doc_lines
        if o.kind == "list":
            out.append(f"    pub fn {o.name}({', '.join(sig)}) -> ListRequest<{resp_ty}> {{")
            out.append(f"        ListRequest::new(&{recv}, {find}, {args})")
        else:
            body = ("body.map(|b| to_body(b))" if optional_body else "Some(to_body(body))") if body_ty else "None"
            out.append(f"    pub fn {o.name}({', '.join(sig)}) -> Request<{resp_ty}> {{")
            out.append(f"        Request::new(&{recv}, {find}, {args}, {body})")
        out += ["    }", ""]
    out += ["}", ""]
    return "\n".join(out)


def generate(api) -> dict:
    return {
        "core/src/api/operations.rs": gen_operations(api),
        "core/src/client/generated_v1.rs": gen_client(api, "v1.0"),
        "core/src/client/generated_beta.rs": gen_client(api, "beta"),
    }
