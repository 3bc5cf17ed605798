# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Rust models: one `model!` invocation per Graph type, one `model_family!`
per polymorphic family, one `graph_enum!` per Graph enum, and the registry
the bindings use to decode by type name. The macros (core/src/models/support.rs)
expand to the structs and their fast serde and `DynModel` impls; this module
only lists the fields."""
from __future__ import annotations

import json
import re

from emit import doc_comment
from model import BANNER, pascal
from typemap import ANY, scalar

OUTPUTS = ["core/src/models/v1.rs", "core/src/models/beta.rs"]

RUST_KEYWORDS = {"type", "ref", "self", "match", "move", "loop", "use", "mod", "fn", "impl", "enum",
                 "struct", "trait", "where", "in", "as", "box", "dyn", "async", "await", "const", "static"}

MOD = {"v1.0": "v1", "beta": "beta"}


def field_ident(snake: str) -> str:
    return f"r#{snake}" if snake in RUST_KEYWORDS else snake


def is_poly(api, version, name):
    t = api.types.get((version, name))
    return bool(t and t.subtypes)


def struct_name(api, version, name):
    """Name of the plain struct for a type; polymorphic bases get `...Base`."""
    return pascal(name) + ("Base" if is_poly(api, version, name) else "")


def rust_type(api, version, p):
    """(type text, kind) with kind in prim | enum | struct | poly | json."""
    s = scalar(p.type)
    if s:
        base, kind = s.rust, "prim"
    elif (version, p.type) in api.enums:
        base, kind = pascal(p.type), "enum"
    elif (version, p.type) in api.types:
        base = pascal(p.type)
        kind = "poly" if is_poly(api, version, p.type) else "struct"
    else:
        base, kind = ANY.rust, "json"
    if p.collection:
        return f"Vec<{base}>", kind
    if kind in ("struct", "poly"):
        return f"Box<{base}>", kind
    return base, kind


def doc(text, indent=""):
    # Bare URLs in Graph's descriptions become rustdoc autolinks (`<...>`).
    text = re.sub(r"(?<![<(`])\b(https?://[^\s<>`]+?)([.,;:)]?)(?=\s|$)", r"<\1>\2", text or "")
    return doc_comment(text, f"{indent}/// ")


def gen_enum(e):
    out = ["graph_enum! {"]
    out += doc(f"Graph enum `{e.name}`. Values added to the service later are kept in `Unknown`.", "    ")
    out += [f"    {pascal(e.name)} {{"]
    out += [f"        {pascal(v)} = {json.dumps(v)}," for v in e.values]
    out += ["    }", "}", ""]
    return out


def gen_struct(api, t):
    v = t.version
    out = ["model! {", f"    /// Graph type `{t.name}` ({t.kind}).",
           f"    {struct_name(api, v, t.name)} = {json.dumps(t.name)} {{"]
    for p in t.props:
        ty, kind = rust_type(api, v, p)
        got = (" as models" if p.collection else " as model") if kind in ("struct", "poly") else ""
        out += doc(p.description, "        ")
        out.append(f"        {field_ident(p.snake)}: {ty} = {json.dumps(p.name)}{got},")
    out += ["    }", "}", ""]
    return out


def gen_poly(api, t):
    v = t.version
    n = pascal(t.name)
    subs = [api.types[(v, s)] for s in t.subtypes]
    out = ["model_family! {",
           f"    /// Graph type `{t.name}` and its subtypes, told apart by `@odata.type`.",
           "    /// `Other` holds the base type itself and any subtype this client does not know (its",
           "    /// `@odata.type` and properties stay in `extra`).",
           f"    {n}({struct_name(api, v, t.name)}) {{"]
    out += [f"        {pascal(s.name)}({struct_name(api, v, s.name)}) = {json.dumps(s.name)}," for s in subs]
    out += ["    }", "}", ""]
    if any(p.name == "id" for p in t.props):
        out += [f"family_id!({n} {{ {', '.join(pascal(s.name) for s in subs)} }});", ""]
    return out


def gen_version(api, version):
    out = [f"// {BANNER}", "",
           f"//! Graph {version} types: one `model!` per type, `model_family!` per",
           "//! polymorphic family, `graph_enum!` per enum (see `super::support`).", "",
           "#![allow(clippy::all, clippy::pedantic)]", "",
           "use crate::models::support::*;", ""]
    for e in api.enums_for(version):
        out += gen_enum(e)
    for t in api.types_for(version):
        out += gen_struct(api, t)
        if t.subtypes:
            out += gen_poly(api, t)
    out += ["/// Decoders by Graph type name (polymorphic bases decode to their enum).",
            "pub(crate) fn decoder(type_name: &str) -> Option<&'static Decoder> {", "    match type_name {"]
    for t in api.types_for(version):
        out.append(f"        {json.dumps(t.name)} => Some(const {{ &Decoder::of::<{pascal(t.name)}>() }}),")
    out += ["        _ => None,", "    }", "}", ""]
    return "\n".join(out)


def generate(api):
    return {f"core/src/models/{MOD[v]}.rs": gen_version(api, v) for v in ("v1.0", "beta")}
