#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Generates every derived file from the one API description in api/.

    python3 codegen/generate.py          # write the generated files
    python3 codegen/generate.py --check  # fail (exit 1) when a checked-in file is stale
    python3 codegen/generate.py --list   # print the files it writes

Inputs: api/operations.toml (operations), api/types/imported-*.json +
overrides-*.json (types), api/errors.toml (error kinds), codegen/templates/.
Each generator module declares the files it writes in OUTPUTS; GENERATORS
below is the complete list. Generated Rust is run through rustfmt, so --check
compares formatted text.
"""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from emit import rustfmt  # noqa: E402
from model import load_api  # noqa: E402
import gen_c  # noqa: E402
import gen_cli  # noqa: E402
import gen_errors  # noqa: E402
import gen_misc  # noqa: E402
import gen_node  # noqa: E402
import gen_python  # noqa: E402
import gen_rust  # noqa: E402
import gen_rust_models  # noqa: E402
import gen_types  # noqa: E402

GENERATORS = [gen_types, gen_rust, gen_rust_models, gen_python, gen_node, gen_c, gen_cli, gen_errors, gen_misc]


def declared_outputs() -> list[str]:
    seen: dict[str, str] = {}
    for gen in GENERATORS:
        for rel in gen.OUTPUTS:
            if rel in seen:
                raise SystemExit(f"{rel} is declared by both {seen[rel]} and {gen.__name__}")
            seen[rel] = gen.__name__
    return sorted(seen)


def check_gitattributes(declared: list[str]) -> list[str]:
    """Outputs .gitattributes does not mark linguist-generated (files with only
    a generated block, PARTIAL, are left out)."""
    partial = {rel for gen in GENERATORS for rel in getattr(gen, "PARTIAL", [])}
    path = ROOT / ".gitattributes"
    marked = set()
    for line in (path.read_text() if path.exists() else "").splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].startswith("#") and "linguist-generated=true" in parts[1:]:
            marked.add(parts[0])
    return [rel for rel in declared if rel not in partial and rel not in marked]


def outputs(api) -> dict[str, str]:
    out: dict[str, str] = {}
    for gen in GENERATORS:
        produced = gen.generate(api)
        if set(produced) != set(gen.OUTPUTS):
            raise SystemExit(f"{gen.__name__} wrote {sorted(produced)}, declares {sorted(gen.OUTPUTS)}")
        for rel, text in produced.items():
            out[rel] = rustfmt(text, rel) if rel.endswith(".rs") else text
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        print("\n".join(declared_outputs()))
        return 0
    unmarked = check_gitattributes(declared_outputs())
    if unmarked:
        print(f".gitattributes does not mark these generated files linguist-generated=true: {unmarked}",
              file=sys.stderr)
        return 1
    api = load_api(ROOT)
    stale = []
    for rel, text in sorted(outputs(api).items()):
        path = ROOT / rel
        old = path.read_text() if path.exists() else None
        if old == text:
            continue
        if args.check:
            stale.append(rel)
            diff = difflib.unified_diff(
                (old or "").splitlines(True), text.splitlines(True), rel, rel + " (generated)", n=1
            )
            sys.stdout.writelines(list(diff)[:40])
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {rel}")
    if stale:
        print(f"\n{len(stale)} generated file(s) are stale: run python3 codegen/generate.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
