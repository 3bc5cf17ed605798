#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# The explicit generation step of include/entitlement.h. bindings/c/build.rs
# runs cbindgen into the build's OUT_DIR on every build; this copies that
# header into the source tree (ordinary builds never write it).
#
#   bash scripts/gen-header.sh            # regenerate include/entitlement.h
#   bash scripts/gen-header.sh --check    # fail when the checked-in header is stale
#   extra arguments go to cargo build (default: --release)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; shift; fi
(($#)) || set -- --release
out_dir=$(cargo build -q -p entitlement-c --message-format=json "$@" | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "build-script-executed" and "entitlement-c" in m["package_id"].split("#")[-1]:
        print(m["out_dir"])
')
generated="$out_dir/entitlement.h"
[[ -n "$out_dir" && -f "$generated" ]] || { echo "gen-header: cbindgen output not found (out_dir='$out_dir')" >&2; exit 1; }
if ((check)); then
    if ! diff -u include/entitlement.h "$generated"; then
        echo "include/entitlement.h is stale: run scripts/gen-header.sh and commit it" >&2
        exit 1
    fi
    git ls-files --error-unmatch include/entitlement.h >/dev/null 2>&1 ||
        { echo "include/entitlement.h is not checked in" >&2; exit 1; }
    echo "include/entitlement.h is up to date"
else
    cmp -s "$generated" include/entitlement.h || cp "$generated" include/entitlement.h
    echo "include/entitlement.h written from $generated"
fi
