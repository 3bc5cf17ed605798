#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Builds and runs examples/ (the tutorial and a bulk job in Rust, Python,
# Node, C and PowerShell) against the in-process emulator; any failure stops
# it with a non-zero exit.
#   - Rust: cargo run --release -p entitlement-examples --bin tutorial|bulk
#   - Python: mypy --strict over examples/python (stubs from python/), then
#     both programs with .venv's interpreter (the python suite's, with the
#     module built by `maturin develop`; mypy is installed there if missing)
#   - Node: tsc --strict (node/node_modules' TypeScript, no @types/node) in a
#     scratch project where `entitlement` links to ./node (its addon built by
#     the node suite), then node on the output
#   - C: gcc -Wall -Wextra -Werror against include/ and the release libentitlement.so
#   - PowerShell (no pwsh here): every module command and -Parameter the
#     scripts use is checked against the module (examples/powershell/check_cmdlets.py),
#     and the scripts parse (tree-sitter, when powershell/tests/run.sh installed it)
# Each bulk job must export exactly the 50 users it assigned.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
export CARGO_TERM_COLOR=never
LIBDIR="$ROOT/target/$CARGO_BUILD_TARGET/release"
# The examples go to a real tenant when AZURE_CLIENT_ID is set; this suite is about the emulator.
unset AZURE_CLIENT_ID AZURE_TENANT_ID AZURE_CLIENT_SECRET ENTITLEMENT_ENDPOINT
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
current=setup
trap 'echo "examples: FAILED in $current" >&2' ERR

step() { current=$1; echo; echo "--- $1"; }
exported() { # the bulk job's export holds one line per seeded user
    local n
    n=$(wc -l <"$1/assignments.jsonl")
    [[ "$n" -eq 50 ]] || { echo "$1/assignments.jsonl: $n assignments, want 50" >&2; return 1; }
}
started=$SECONDS

step "rust: build"
# With entitlement-c, whose build script (cbindgen) adds syn features: the
# feature set of the workspace build, whose artifacts this then reuses.
cargo build -q --release -p entitlement-examples -p entitlement-c
step "rust: tutorial"
"$LIBDIR/tutorial"
step "rust: bulk"
"$LIBDIR/bulk" "$tmp/rust"
exported "$tmp/rust"

step "python: mypy --strict"
PY="$ROOT/.venv/bin/python"
[[ -x "$PY" ]] && "$PY" -c 'import entitlement' ||
    { echo "no .venv with the entitlement module: run the python suite first" >&2; false; }
"$PY" -m mypy --version >/dev/null 2>&1 || "$PY" -m pip install -q mypy
# The stubs from the source tree, their own errors ignored as for an installed package.
printf '[mypy]\n[mypy-entitlement.*]\nignore_errors = True\n' >"$tmp/mypy.ini"
MYPYPATH=python "$PY" -m mypy --strict --config-file "$tmp/mypy.ini" --no-incremental --cache-dir "$tmp/.mypy" \
    examples/python/tutorial.py examples/python/bulk.py
step "python: tutorial"
"$PY" examples/python/tutorial.py
step "python: bulk"
"$PY" examples/python/bulk.py "$tmp/python"
exported "$tmp/python"

step "node: tsc --strict"
TSC="$ROOT/node/node_modules/.bin/tsc"
[[ -x "$TSC" ]] && ls node/*.node >/dev/null 2>&1 ||
    { echo "no node/node_modules or built addon: run the node suite first" >&2; false; }
mkdir -p "$tmp/node/node_modules"
cp examples/node/package.json examples/node/tsconfig.json examples/node/*.ts "$tmp/node/"
ln -s "$ROOT/node" "$tmp/node/node_modules/entitlement"
"$TSC" --version
"$TSC" -p "$tmp/node"
step "node: tutorial"
(cd "$tmp/node" && node out/tutorial.js)
step "node: bulk"
(cd "$tmp/node" && node out/bulk.js "$tmp/node-out")
exported "$tmp/node-out"

step "c: compile"
[[ -f "$LIBDIR/libentitlement.so" ]] || cargo build -q --release -p entitlement-c
# The library's SONAME is libentitlement.so.0 (scripts/install-c.sh lays out the links; cargo writes only the .so).
mkdir "$tmp/lib" && ln -s "$LIBDIR/libentitlement.so" "$tmp/lib/libentitlement.so.0"
for prog in tutorial bulk; do
    gcc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude -o "$tmp/c-$prog" "examples/c/$prog.c" \
        -L"$LIBDIR" -lentitlement
done
step "c: tutorial"
LD_LIBRARY_PATH="$tmp/lib" "$tmp/c-tutorial"
step "c: bulk"
LD_LIBRARY_PATH="$tmp/lib" "$tmp/c-bulk" "$tmp/c"
exported "$tmp/c"

step "powershell: static check (no pwsh here; the scripts are checked, not run)"
python3 examples/powershell/check_cmdlets.py --self-test powershell
python3 examples/powershell/check_cmdlets.py powershell examples/powershell/Tutorial.ps1 examples/powershell/Bulk.ps1
TS_PY="$ROOT/target/powershell-tests/venv/bin/python"
if [[ -x "$TS_PY" ]] && "$TS_PY" -c 'import tree_sitter_powershell' 2>/dev/null; then
    "$TS_PY" powershell/tests/syntax_check.py examples/powershell/Tutorial.ps1 examples/powershell/Bulk.ps1
else
    echo "syntax: skipped (tree-sitter-powershell is installed by the powershell suite, bash powershell/tests/run.sh)"
fi

current=done
echo
echo "examples: all passed ($((SECONDS - started)) s): tutorial and bulk in Rust, Python, Node, C; PowerShell checked statically"
