#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Builds the wheel as a release would (`maturin build --release`; the
# manylinux policy comes from python/pyproject.toml), checks its platform
# tag, the license in its dist-info and the typing files, then installs it
# into a fresh venv and imports it. Needs maturin on PATH.
#   MANYLINUX=2_28 bash tests/packaging/python_wheel.sh   # the older policy: links against
#     glibc 2.28 with zig (pip install ziglang), in its own target dir (a full build)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
policy=${MANYLINUX:-2_34}
if [[ "$policy" == 2_34 ]]; then
    (cd python && maturin build --release --out "$tmp/dist" -q)
else
    (cd python && CARGO_TARGET_DIR="$ROOT/target/zig" maturin build --release --zig --compatibility "manylinux_$policy" --out "$tmp/dist" -q)
fi
wheel=$(ls "$tmp"/dist/*.whl)
name=$(basename "$wheel")
echo "wheel: $name ($(stat -c %s "$wheel") bytes)"
[[ "$name" == *"manylinux_${policy}_x86_64"*.whl ]] || { echo "not a manylinux_$policy wheel: $name" >&2; exit 1; }
[[ "$name" != *linux_x86_64.whl || "$name" == *manylinux* ]]
listing=$(python3 -m zipfile -l "$wheel")
for f in 'dist-info/licenses/LICENSE' 'entitlement/py.typed' 'entitlement/testing.pyi' 'entitlement/_native.abi3.so'; do
    grep -qF "$f" <<<"$listing" || { echo "missing from the wheel: $f" >&2; exit 1; }
done
meta=$(python3 - "$wheel" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode())
PY
)
grep -qx 'License-Expression: MIT' <<<"$meta" && grep -qx 'License-File: LICENSE' <<<"$meta"
grep -q "Tag: .*manylinux_${policy}_x86_64" <<<"$(python3 -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(z.read(next(n for n in z.namelist() if n.endswith(".dist-info/WHEEL"))).decode())' "$wheel")"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --no-index "$wheel"
(cd "$tmp" && "$tmp/venv/bin/python" -c '
import entitlement
from entitlement.testing import Emulator, ids
with Emulator() as emu:
    assert emu.client().get_catalog(ids.GENERAL_CATALOG_ID).id == ids.GENERAL_CATALOG_ID
print("installed wheel works:", entitlement.__version__)')
(cd "$tmp" && "$tmp/venv/bin/python" "$ROOT/tests/packaging/quickstart_typed.py")
echo "python packaging: ok"
