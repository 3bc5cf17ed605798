#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Builds libentitlement, checks the generated header, compiles the C test
# programs against include/ and the shared library, runs them plainly and
# under valgrind, and links one statically against the .a.
#
#   bash tests/c/run.sh            # debug build
#   bash tests/c/run.sh release    # release build
#   SKIP_VALGRIND=1 bash tests/c/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PROFILE="${1:-debug}"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
LIBDIR="$ROOT/target/$CARGO_BUILD_TARGET/$PROFILE"
OUT="$ROOT/target/c-tests/$PROFILE"
mkdir -p "$OUT"

passed=0
failed=0
step() { # step NAME COMMAND...
    local name=$1
    shift
    echo "--- $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
    fi
}

build() {
    case "$PROFILE" in
    release) cargo build -p entitlement-c --release ;;
    debug) cargo build -p entitlement-c ;;
    *) echo "profile must be debug or release" >&2; return 1 ;;
    esac &&
        # The SONAME is libentitlement.so.0 (scripts/install-c.sh lays out the links); cargo writes only the .so.
        ln -sfn libentitlement.so "$LIBDIR/libentitlement.so.0"
}

header_fresh() {
    git diff --exit-code -- include/entitlement.h ||
        { echo "include/entitlement.h is stale: commit the regenerated header" >&2; return 1; }
}

# The header must also be valid C++ (cpp_compat) and strict C.
header_compiles() {
    printf '#include "entitlement.h"\n#include "entitlement_ops.h"\n' | gcc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude -fsyntax-only -x c - &&
        printf '#include "entitlement.h"\n#include "entitlement_ops.h"\n' | g++ -std=c++11 -Wall -Wextra -Werror -Iinclude -fsyntax-only -x c++ -
}

CFLAGS=(-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -g -pthread -Iinclude)
compile() { # compile PROGRAM
    gcc "${CFLAGS[@]}" -o "$OUT/$1" "tests/c/$1.c" -L"$LIBDIR" -lentitlement -Wl,-rpath,"$LIBDIR"
}
compile_static() { # compile_static PROGRAM
    gcc "${CFLAGS[@]}" -o "$OUT/$1-static" "tests/c/$1.c" "$LIBDIR/libentitlement.a" \
        -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc &&
        ! ldd "$OUT/$1-static" | grep -q libentitlement
}

VALGRIND=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --error-exitcode=99)
ensure_valgrind() {
    command -v valgrind >/dev/null && return 0
    echo "installing valgrind"
    { apt-get update -qq && apt-get install -y -qq valgrind; } >/dev/null 2>&1
}

step "build libentitlement ($PROFILE)" build || true
unit_tests() {
    if [ "$PROFILE" = release ]; then cargo test -q -p entitlement-c --lib --release; else cargo test -q -p entitlement-c --lib; fi
}

step "header up to date" header_fresh
step "unit tests (panic boundary)" unit_tests
step "header compiles as C99 and C++11" header_compiles
# contract: the cross-language table tests/contract/cases.json (read from the repository root).
for prog in tutorial errors contract clock jobs batch credentials bulk; do
    if step "compile $prog" compile "$prog"; then
        step "run $prog" "$OUT/$prog"
    fi
done
if step "link tutorial statically against libentitlement.a" compile_static tutorial; then
    step "run tutorial (static)" "$OUT/tutorial-static"
fi
if [ -z "${SKIP_VALGRIND:-}" ] && ensure_valgrind; then
    for prog in tutorial errors contract clock jobs batch credentials bulk; do
        [ -x "$OUT/$prog" ] && step "valgrind $prog" "${VALGRIND[@]}" "$OUT/$prog"
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
