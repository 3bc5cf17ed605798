# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Rust models: one struct per Graph type, an enum per polymorphic family, an
enum per Graph enum type, fast hand-rolled serde impls that keep unknown
properties, and the registry the bindings use to decode by type name."""
from __future__ import annotations

import json

from model import BANNER, pascal

PRIM = {"String": "String", "Boolean": "bool", "Int32": "i32", "Int64": "i64", "Int16": "i32",
        "Double": "f64", "Single": "f64", "Decimal": "f64", "DateTimeOffset": "Timestamp",
        "Duration": "IsoDuration", "Date": "String", "TimeOfDay": "String", "Guid": "String",
        "Binary": "String", "Stream": "String"}

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
    if p.type in PRIM:
        base, kind = PRIM[p.type], "prim"
    elif (version, p.type) in api.enums:
        base, kind = pascal(p.type), "enum"
    elif (version, p.type) in api.types:
        base = pascal(p.type)
        kind = "poly" if is_poly(api, version, p.type) else "struct"
    else:
        base, kind = "serde_json::Value", "json"
    if p.collection:
        return f"Vec<{base}>", kind
    if kind in ("struct", "poly"):
        return f"Box<{base}>", kind
    return base, kind


def doc(text, indent=""):
    text = (text or "").replace("\n", " ").strip()
    return [f"{indent}/// {text}"] if text else []


def gen_enum(e):
    n = pascal(e.name)
    variants = [(pascal(v), v) for v in e.values]
    out = [f"/// Graph enum `{e.name}`. Values added to the service later are kept in `Unknown`.",
           "#[derive(Debug, Clone, PartialEq, Eq, Hash)]", f"pub enum {n} {{"]
    out += [f"    {vn}," for vn, _ in variants]
    out += ["    /// A value this client does not know yet, kept as sent.", "    Unknown(String),", "}", "",
            f"impl {n} {{", "    pub fn as_str(&self) -> &str {", "        match self {"]
    out += [f"            {n}::{vn} => {json.dumps(v)}," for vn, v in variants]
    out += ["            Self::Unknown(s) => s,", "        }", "    }", "",
            "    pub fn from_wire(s: &str) -> Self {", "        match s {"]
    out += [f"            {json.dumps(v)} => {n}::{vn}," for vn, v in variants]
    out += ["            _ => Self::Unknown(s.to_string()),", "        }", "    }", "}", "",
            f"crate::models::support::string_enum!({n});", ""]
    return out


def gen_struct(api, t):
    v = t.version
    name = struct_name(api, v, t.name)
    out = [f"/// Graph type `{t.name}` ({t.kind}).", "#[derive(Debug, Clone, Default, PartialEq)]",
           f"pub struct {name} {{"]
    for p in t.props:
        ty, _ = rust_type(api, v, p)
        out += doc(p.description, "    ")
        out.append(f"    pub {field_ident(p.snake)}: Option<{ty}>,")
    out += ["    /// Properties this client does not model (and explicit nulls), kept for round trips.",
            "    pub extra: Extra,", "}", ""]
    # Deserialize
    out += [f"impl<'de> Deserialize<'de> for {name} {{",
            "    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {",
            "        struct V;",
            "        impl<'de> Visitor<'de> for V {",
            f"            type Value = {name};",
            "            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {",
            f"                f.write_str(\"a {t.name} object\")",
            "            }",
            "            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {",
            f"                let mut out = {name}::default();",
            "                while let Some(k) = m.next_key::<Key<'de>>()? {",
            "                    match k.as_str() {"]
    for p in t.props:
        out.append(f"                        {json.dumps(p.name)} => take(&mut m, &mut out.{field_ident(p.snake)}, &mut out.extra, {json.dumps(p.name)})?,")
    out += ["                        _ => { let v = m.next_value()?; out.extra.insert(k.into_string(), v); }",
            "                    }", "                }", "                Ok(out)", "            }", "        }",
            "        d.deserialize_map(V)", "    }", "}", ""]
    # Serialize
    out += [f"impl Serialize for {name} {{",
            "    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {",
            "        let mut m = s.serialize_map(None)?;"]
    for p in t.props:
        out.append(f"        if let Some(v) = &self.{field_ident(p.snake)} {{ m.serialize_entry({json.dumps(p.name)}, v)?; }}")
    out += ["        for (k, v) in self.extra.iter() {",
            "            if !self.is_set(k) { m.serialize_entry(k, v)?; }", "        }",
            "        m.end()", "    }", "}", ""]
    # helpers + DynModel
    out += [f"impl {name} {{", "    fn is_set(&self, json_name: &str) -> bool {", "        match json_name {"]
    for p in t.props:
        out.append(f"            {json.dumps(p.name)} => self.{field_ident(p.snake)}.is_some(),")
    out += ["            _ => false,", "        }", "    }", "}", ""]
    out += [f"impl Model for {name} {{", f"    const TYPE_NAME: &'static str = {json.dumps(t.name)};",
            f"    const ODATA_TYPE: &'static str = {json.dumps(t.odata_type)};",
            "    fn extra(&self) -> &Extra { &self.extra }",
            "    fn extra_mut(&mut self) -> &mut Extra { &mut self.extra }", "}", ""]
    out += [f"impl DynModel for {name} {{",
            f"    fn type_name(&self) -> &'static str {{ {json.dumps(t.name)} }}",
            "    fn fields(&self) -> &'static [FieldName] { &[" +
            ", ".join(f"FieldName {{ json: {json.dumps(p.name)}, snake: {json.dumps(p.snake)} }}" for p in t.props) + "] }",
            "    fn get(&self, json_name: &str) -> Got {", "        match json_name {"]
    for p in t.props:
        _, kind = rust_type(api, v, p)
        fi = field_ident(p.snake)
        if kind in ("struct", "poly"):
            if p.collection:
                out.append(f"            {json.dumps(p.name)} => got_models(&self.{fi}, &self.extra, {json.dumps(p.name)}),")
            else:
                out.append(f"            {json.dumps(p.name)} => got_model(&self.{fi}, &self.extra, {json.dumps(p.name)}),")
        else:
            out.append(f"            {json.dumps(p.name)} => got_json(&self.{fi}, &self.extra, {json.dumps(p.name)}),")
    out += ["            other => got_extra(&self.extra, other),", "        }", "    }",
            "    fn to_json(&self) -> serde_json::Value { serde_json::to_value(self).unwrap_or_default() }",
            "    fn clone_dyn(&self) -> Box<dyn DynModel> { Box::new(self.clone()) }", "}", ""]
    return out


def gen_poly(api, t):
    v = t.version
    n = pascal(t.name)
    base = struct_name(api, v, t.name)
    subs = [api.types[(v, s)] for s in t.subtypes]
    out = [f"/// Graph type `{t.name}` and its subtypes, told apart by `@odata.type`.",
           "/// `Other` holds the base type itself and any subtype this client does not know (its",
           "/// `@odata.type` and properties stay in `extra`).",
           "#[derive(Debug, Clone, PartialEq)]", f"pub enum {n} {{"]
    for s in subs:
        out.append(f"    {pascal(s.name)}({struct_name(api, v, s.name)}),")
    out += [f"    Other({base}),", "}", "", f"impl Default for {n} {{",
            f"    fn default() -> Self {{ {n}::Other({base}::default()) }}", "}", "",
            f"impl {n} {{", "    /// The `@odata.type` this value serializes with (`None` for `Other` without one).",
            "    pub fn odata_type(&self) -> Option<&str> {", "        match self {"]
    for s in subs:
        out.append(f"            {n}::{pascal(s.name)}(_) => Some({json.dumps(s.odata_type)}),")
    out += ["            Self::Other(b) => b.extra.get(\"@odata.type\").and_then(|v| v.as_str()),", "        }", "    }",
            "    fn inner(&self) -> &dyn DynModel {", "        match self {"]
    if any(p.name == "id" for p in t.props):
        out[-2:-2] = ["    /// The `id` every member of this family has.", "    pub fn id(&self) -> Option<&str> {", "        match self {"] + \
            [f"            {n}::{pascal(s.name)}(x) => x.id.as_deref()," for s in subs] + \
            ["            Self::Other(x) => x.id.as_deref(),", "        }", "    }"]
    for s in subs:
        out.append(f"            {n}::{pascal(s.name)}(x) => x,")
    out += ["            Self::Other(x) => x,", "        }", "    }", "}", "",
            f"impl<'de> Deserialize<'de> for {n} {{",
            "    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {",
            "        let value = serde_json::Value::deserialize(d)?;",
            "        let tag = value.get(\"@odata.type\").and_then(|t| t.as_str()).map(short_type).unwrap_or_default();",
            "        let r = match tag {"]
    for s in subs:
        out.append(f"            t if t.eq_ignore_ascii_case({json.dumps(s.name)}) => serde_json::from_value(value).map({n}::{pascal(s.name)}),")
    out += [f"            _ => serde_json::from_value(value).map({n}::Other),", "        };",
            "        r.map_err(serde::de::Error::custom)", "    }", "}", "",
            f"impl Serialize for {n} {{", "    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {",
            "        match self {"]
    for s in subs:
        out.append(f"            {n}::{pascal(s.name)}(x) => with_odata_type(x, {json.dumps(s.odata_type)}, s),")
    out += ["            Self::Other(x) => x.serialize(s),", "        }", "    }", "}", "",
            f"impl DynModel for {n} {{", "    fn type_name(&self) -> &'static str { self.inner().type_name() }",
            "    fn fields(&self) -> &'static [FieldName] { self.inner().fields() }",
            "    fn get(&self, json_name: &str) -> Got {",
            "        if json_name == \"@odata.type\" { return self.odata_type().map(|t| Got::Json(t.into())).unwrap_or(Got::Null); }",
            "        self.inner().get(json_name)", "    }",
            "    fn to_json(&self) -> serde_json::Value { serde_json::to_value(self).unwrap_or_default() }",
            "    fn clone_dyn(&self) -> Box<dyn DynModel> { Box::new(self.clone()) }", "}", ""]
    for s in subs:
        out += [f"impl From<{struct_name(api, v, s.name)}> for {n} {{",
                f"    fn from(x: {struct_name(api, v, s.name)}) -> Self {{ {n}::{pascal(s.name)}(x) }}", "}", ""]
    return out


def gen_version(api, version):
    out = [f"// {BANNER}", "",
           f"//! Graph {version} types.", "",
           "#![allow(clippy::all, clippy::pedantic)]", "",
           "use std::fmt;", "",
           "use serde::de::{Deserializer, MapAccess, Visitor};",
           "use serde::ser::{SerializeMap, Serializer};",
           "use serde::{Deserialize, Serialize};", "",
           "use crate::models::support::*;", ""]
    for e in api.enums_for(version):
        out += gen_enum(e)
    for t in api.types_for(version):
        out += gen_struct(api, t)
        if t.subtypes:
            out += gen_poly(api, t)
    # registry
    out += ["/// Decoders by Graph type name (polymorphic bases decode to their enum).",
            "pub(crate) fn decoder(type_name: &str) -> Option<&'static Decoder> {", "    match type_name {"]
    for t in api.types_for(version):
        out.append(f"        {json.dumps(t.name)} => Some(const {{ &Decoder::of::<{pascal(t.name)}>() }}),")
    out += ["        _ => None,", "    }", "}", ""]
    return "\n".join(out)


def generate(api):
    return {f"core/src/models/{MOD[v]}.rs": gen_version(api, v) for v in ("v1.0", "beta")}
