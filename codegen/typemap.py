# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The one scalar type map: how each Graph (EDM) scalar is represented in
every language. Every generator reads its column from here; a Graph type that
is neither a scalar, an enum nor a declared type is free-form JSON.

    rust    type of the model field (inside `Option<...>`)
    python  annotation in the .pyi stubs (values are Graph JSON: timestamps stay strings)
    ts      type in node/index.d.ts (Node hands out parsed JSON)
    json    JSON kind on the wire; C receives and sends JSON text, so this is
            also what the C and PowerShell documentation calls the value
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scalar:
    rust: str
    python: str
    ts: str
    json: str


SCALARS: dict[str, Scalar] = {
    "String": Scalar("String", "str", "string", "string"),
    "Boolean": Scalar("bool", "bool", "boolean", "boolean"),
    "Int16": Scalar("i32", "int", "number", "number"),
    "Int32": Scalar("i32", "int", "number", "number"),
    "Int64": Scalar("i64", "int", "number", "number"),
    "Double": Scalar("f64", "float", "number", "number"),
    "Single": Scalar("f64", "float", "number", "number"),
    "Decimal": Scalar("f64", "float", "number", "number"),
    "DateTimeOffset": Scalar("Timestamp", "str", "string", "string"),
    "Duration": Scalar("IsoDuration", "str", "string", "string"),
    "Date": Scalar("String", "str", "string", "string"),
    "TimeOfDay": Scalar("String", "str", "string", "string"),
    "Guid": Scalar("String", "str", "string", "string"),
    "Binary": Scalar("String", "str", "string", "string"),
    "Stream": Scalar("String", "str", "string", "string"),
}

# Representation of a value whose Graph type is not modelled.
ANY = Scalar("serde_json::Value", "Any", "unknown", "any")


def scalar(graph_type: str) -> Scalar | None:
    return SCALARS.get(graph_type)
