#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""(Re)imports the type tables of the conformance corpus into api/types/.

    python3 codegen/import_types.py [conformance/resources.json]

Writes api/types/imported-<version>.json, exactly what the documentation
says, and nothing else: never edit those files. Where the documentation is
wrong or silent, api/types/overrides-<version>.json says so (whole types and
enums the docs reference but do not describe, and per-type patches);
`python3 codegen/generate.py` merges the two into api/types/<version>.json,
the table the models are generated from and the emulator validates with.
A re-import therefore reproduces the same types unless the docs changed, and
the loader fails on an override the docs have made redundant.
"""
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def short(desc: str) -> str:
    desc = re.sub(r"\s+", " ", desc or "").strip()
    m = re.match(r"(.{0,240}?[.!?])(\s|$)", desc)
    return (m.group(1) if m else desc[:240]).strip()


def imported(data: dict, version: str) -> dict:
    """The corpus's types and enums of one version, in api/types/ form."""
    types = []
    for t in data["types"]:
        if t["version"] != version or t["kind"] == "enum":
            continue
        props = []
        for p in t["properties"] + t["relationships"]:
            if p["name"].startswith("@"):
                continue
            props.append({"name": p["name"], "type": p["type"], "collection": p["is_collection"],
                          "description": short(p.get("description", ""))})
        types.append({"name": t["name"], "kind": t["kind"], "base": t["base_type"] if t["base_type"] != "entity" else "entity",
                      "abstract": bool(t["abstract"]), "properties": props})
    types.sort(key=lambda t: t["name"])
    enums = [{"name": e["name"], "values": e["values"] + [v for v in e["evolvable_values"] if v not in e["values"]]}
             for e in data["enums"] if e["version"] == version]
    enums.sort(key=lambda e: e["name"])
    return {"types": types, "enums": enums}


def main(src: str) -> None:
    data = json.loads(Path(src).read_text())
    for version in ("v1.0", "beta"):
        doc = imported(data, version)
        out = ROOT / f"api/types/imported-{version}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, indent=1) + "\n")
        print(f"wrote {out.relative_to(ROOT)}: {len(doc['types'])} types, {len(doc['enums'])} enums")
    print("now run python3 codegen/generate.py (merges api/types/overrides-<version>.json)")


if __name__ == "__main__":
    # ENTITLEMENT_CONFORMANCE names the corpus directory (default: the in-repo conformance/).
    corpus = Path(os.environ.get("ENTITLEMENT_CONFORMANCE", ROOT / "conformance"))
    main(sys.argv[1] if len(sys.argv) > 1 else str(corpus / "resources.json"))
