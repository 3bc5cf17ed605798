#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Fails when include/entitlement.h differs from what cbindgen generates from
# bindings/c (build.rs rewrites it on every build of the crate).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
cargo build -q -p entitlement-c "$@"
if ! git diff --exit-code -- include/entitlement.h; then
    echo "include/entitlement.h is stale: commit the regenerated header" >&2
    exit 1
fi
if git ls-files --error-unmatch include/entitlement.h >/dev/null 2>&1; then :; else
    echo "include/entitlement.h is not checked in" >&2
    exit 1
fi
echo "include/entitlement.h is up to date"
