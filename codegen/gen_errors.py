# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Error-kind tables of every language, from api/errors.toml:

  python/entitlement/_errors_generated.py  one exception class per kind + the kind → class table
                                           (re-exported by the hand-written errors.py)
  node/lib/error_kinds.js                  the kinds in order, with their descriptions (lib/errors.js)
  bindings/c/src/status.rs                 `ent_status` (cbindgen → include/entitlement.h), its names,
                                           ErrorKind → status
  powershell/src/Entitlement.Native.cs     the `EntStatus` enum, spliced between its marker lines

node/index.d.ts takes its ErrorCode union and error classes from the same
table (gen_node.py); core's ErrorKind is checked against it by a test in
core/src/error.rs.
"""
from __future__ import annotations

from emit import doc_comment, splice
from model import BANNER

PY = "python/entitlement/_errors_generated.py"
JS = "node/lib/error_kinds.js"
C = "bindings/c/src/status.rs"
CS = "powershell/src/Entitlement.Native.cs"
OUTPUTS = [PY, JS, C, CS]
# Hand-written files with a generated block (not marked generated as a whole).
PARTIAL = [CS]

CS_BEGIN = "<generated from api/errors.toml"
CS_END = "</generated>"


def _py_doc(text):
    # `x` in the table is Markdown; docstrings are reStructuredText.
    return text.replace("``", "`").replace("`", "``").replace('"""', "'''")


def gen_python(api):
    kinds = api.kinds
    out = [f"# {BANNER}",
           "# SPDX-License-Identifier: MIT",
           '"""The exception class of each error kind of api/errors.toml. Import them from',
           "``entitlement.errors``, which defines their base :class:`EntitlementError` and",
           're-exports these (their ``__module__`` says so, which keeps pickles stable)."""',
           "",
           "from __future__ import annotations",
           "",
           "import builtins",
           "",
           "from .errors import EntitlementError",
           "",
           "__all__ = ["]
    out += [f'    "{k.python_class}",' for k in kinds]
    out += ["]", ""]
    for k in kinds:
        bases = "EntitlementError" + (f", builtins.{k.python_base}" if k.python_base else "")
        out += ["",
                f"class {k.python_class}({bases}):",
                f'    """{_py_doc(k.description)}"""',
                '    __module__ = "entitlement.errors"',
                f'    kind = "{k.name}"',
                ""]
    out += ["",
            "# kind name -> class",
            "BY_KIND = {cls.kind: cls for cls in (" + ", ".join(k.python_class for k in kinds) + ")}",
            ""]
    return "\n".join(out)


def _js_str(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def gen_js(api):
    out = [f"// {BANNER}", "// SPDX-License-Identifier: MIT", "'use strict';", "",
           "/** The error kinds of api/errors.toml, in order: `kind` is `err.code`. */",
           "module.exports = Object.freeze(["]
    for k in api.kinds:
        out.append(f"  Object.freeze({{ kind: {_js_str(k.name)}, description: {_js_str(k.description)} }}),")
    out += ["]);", ""]
    return "\n".join(out)


def gen_c(api):
    statuses = api.errors
    out = [f"// {BANNER}",
           "// SPDX-License-Identifier: MIT",
           "// Copyright (c) 2026 The entitlement authors",
           "",
           "//! The status codes: core's `ErrorKind`, numbered (api/errors.toml). Append-only.",
           "",
           "use std::ffi::CStr;",
           "use std::os::raw::c_char;",
           "",
           "use entitlement::ErrorKind;",
           "",
           "/// Result of every fallible function. `ENT_OK` is 0; the other values mirror",
           "/// the error kinds shared by every binding. Numbers never change; new codes",
           "/// are only appended.",
           "#[repr(C)]",
           "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
           "pub enum ent_status {"]
    for s in statuses:
        out += doc_comment(s.c_description, "    /// ") + [f"    {s.c_name} = {s.c_value},"]
    # from_kind indexes STATUSES by ErrorKind::ALL's order (api/errors.toml's, checked by core's tests).
    named = [s for s in statuses if s.name]
    assert [s.name for s in named] == [k.name for k in api.kinds], "C statuses out of the kinds' order"
    assert all(int(s.c_value) == i + 1 for i, s in enumerate(named)), "kinds must be statuses 1..n"
    out += ["}", "",
            "/// Every status and its name; `ENT_OK`, then one per `ErrorKind::ALL`, in order.",
            f"const STATUSES: [(ent_status, &CStr); {len(statuses)}] = ["]
    out += [f'    (ent_status::{s.c_name}, c"{s.c_name}"),' for s in statuses]
    out += ["];", "",
            "impl ent_status {",
            "    /// A kind's status (`ErrorKind` is non_exhaustive: a new kind is ENT_INTERNAL until mapped).",
            "    pub(crate) fn from_kind(kind: ErrorKind) -> ent_status {",
            "        let i = ErrorKind::ALL.iter().position(|k| *k == kind);",
            "        i.map_or(ent_status::ENT_INTERNAL, |i| STATUSES[i + 1].0)",
            "    }", "}", "",
            "/// The name of a status this version knows.",
            "pub(crate) fn status_name(status: i32) -> Option<&'static CStr> {",
            "    let found = STATUSES.iter().find(|(s, _)| *s as i32 == status);",
            "    found.map(|(_, name)| *name)",
            "}", "",
            '/// The name of a status (`"ENT_NOT_FOUND"`), or `"ENT_UNKNOWN"` for a number',
            "/// this version does not know. The string is static: do not free it.",
            "/// Thread-safe.",
            "#[no_mangle]",
            'pub extern "C" fn ent_status_name(status: i32) -> *const c_char {',
            '    status_name(status).unwrap_or(c"ENT_UNKNOWN").as_ptr()',
            "}", ""]
    return "\n".join(out)


def _cs_name(s):
    if s.name:
        return s.name
    return "".join(w.capitalize() for w in s.c_name.removeprefix("ENT_").split("_"))


def gen_cs(api):
    out = ["    /// <summary>Mirrors ent_status; numbers are append-only.</summary>", "    public enum EntStatus", "    {"]
    for s in api.errors:
        desc = s.c_description.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out += [f"        /// <summary>{desc}</summary>", f"        {_cs_name(s)} = {s.c_value},"]
    out += ["    }", ""]
    return splice(CS, CS_BEGIN, CS_END, "\n".join(out))


def generate(api):
    return {PY: gen_python(api), JS: gen_js(api), C: gen_c(api), CS: gen_cs(api)}
