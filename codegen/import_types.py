#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""One-time (re)import of type tables from the conformance corpus into api/types/.

    python3 codegen/import_types.py [conformance/resources.json]

api/types/<version>.json is the checked-in source of truth afterwards: edit it
by hand where the docs are wrong, and re-run this only to pick up new docs
(then review the diff). `api/types/extra-<version>.json` holds types the
entitlement docs reference but do not describe (directory objects) and is
merged in here.
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


def main(src: str) -> None:
    data = json.loads(Path(src).read_text())
    for version in ("v1.0", "beta"):
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
        extra = ROOT / f"api/types/extra-{version}.json"
        if extra.exists():
            known = {t["name"] for t in types}
            types += [t for t in json.loads(extra.read_text())["types"] if t["name"] not in known]
        types.sort(key=lambda t: t["name"])
        enums = [{"name": e["name"], "values": e["values"] + [v for v in e["evolvable_values"] if v not in e["values"]]}
                 for e in data["enums"] if e["version"] == version]
        enums.sort(key=lambda e: e["name"])
        out = ROOT / f"api/types/{version}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"types": types, "enums": enums}, indent=1) + "\n")
        print(f"wrote {out.relative_to(ROOT)}: {len(types)} types, {len(enums)} enums")


if __name__ == "__main__":
    # ENTITLEMENT_CONFORMANCE names the corpus directory (default: the in-repo conformance/).
    corpus = Path(os.environ.get("ENTITLEMENT_CONFORMANCE", ROOT / "conformance"))
    main(sys.argv[1] if len(sys.argv) > 1 else str(corpus / "resources.json"))
