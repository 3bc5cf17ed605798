#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Generates every derived file from the one API description in api/.

    python3 codegen/generate.py          # write the generated files
    python3 codegen/generate.py --check  # fail (exit 1) when a checked-in file is stale

Inputs: api/operations.toml (operations), api/types/*.json (types).
Outputs are listed in OUTPUTS below; each starts with a "generated" banner.
"""
from __future__ import annotations

import argparse
import difflib
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from model import load_api  # noqa: E402
import gen_rust  # noqa: E402
import gen_python  # noqa: E402
import gen_node  # noqa: E402
import gen_misc  # noqa: E402
import gen_c  # noqa: E402


def outputs(api):
    out = {}
    out.update(gen_rust.generate(api))
    out.update(gen_python.generate(api))
    out.update(gen_node.generate(api))
    out.update(gen_misc.generate(api))
    out.update(gen_c.generate(api))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
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
