#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# `mypy --strict` over the Python snippets of README.md (each ```python block,
# after a prelude that declares the names the prose leaves free: `client`,
# `req`, ...) and over tests/packaging/quickstart_typed.py, against the
# package's stubs (python/entitlement/*.pyi, py.typed). Needs mypy on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1])
prelude = '''from typing import Iterable, TypeVar
from entitlement import Client
from entitlement.testing import Emulator
_T = TypeVar("_T")
def tqdm(it: Iterable[_T], total: int) -> Iterable[_T]: return it
tenant_id: str; client_id: str; client_secret: str; user_input: str
client: Client; approver: Client; request_id: str
assignment_id: str; catalog_id: str; package_id: str; policy_id: str; user_ids: list[str]
'''
blocks = re.findall(r"^```python\n(.*?)^```", pathlib.Path("README.md").read_text(), re.S | re.M)
assert blocks, "README.md has no ```python blocks"
for i, code in enumerate(blocks):
    (out / f"readme_{i}.py").write_text(prelude + "# --- README.md snippet\n" + code)
print(f"{len(blocks)} README snippets")
PY
cp tests/packaging/quickstart_typed.py "$tmp/"
# The stubs from the source tree (no build needed), their own errors ignored
# as mypy ignores an installed package's: the user's code is what is checked.
printf '[mypy]\n[mypy-entitlement.*]\nignore_errors = True\n' >"$tmp/mypy.ini"
MYPYPATH=python mypy --strict --config-file "$tmp/mypy.ini" --no-incremental --cache-dir "$tmp/.mypy" "$tmp"/*.py
