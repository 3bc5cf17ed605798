#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Installs the C library into a temporary prefix (scripts/install-c.sh) and
# uses it the way a C project would: pkg-config for the flags, the installed
# shared library by its SONAME, the version macros against ent_version().
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
command -v pkg-config >/dev/null || { echo "pkg-config is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash scripts/install-c.sh --prefix "$tmp/prefix" "$@"
lib=$tmp/prefix/lib
version=$(cargo pkgid -p entitlement-c | sed 's/.*[#@]//')
test -f "$lib/libentitlement.so.$version" && test -f "$lib/libentitlement.a"
test "$(readlink "$lib/libentitlement.so")" = libentitlement.so.0
test "$(readlink "$lib/libentitlement.so.0")" = "libentitlement.so.$version"
readelf -d "$lib/libentitlement.so.$version" | grep -F '(SONAME)' | grep -F '[libentitlement.so.0]'
! readelf -S "$lib/libentitlement.so.$version" | grep -qE '\.symtab|\.debug_' || { echo "installed .so is not stripped" >&2; exit 1; }
src="target/$CARGO_BUILD_TARGET/release"
printf 'sizes (bytes): .so %s -> %s, .a %s -> %s\n' "$(stat -c %s "$src/libentitlement.so")" \
    "$(stat -c %s "$lib/libentitlement.so.$version")" "$(stat -c %s "$src/libentitlement.a")" "$(stat -c %s "$lib/libentitlement.a")"
export PKG_CONFIG_PATH="$lib/pkgconfig"
test "$(pkg-config --modversion entitlement)" = "$version"
cat >"$tmp/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <entitlement.h>
int main(void) {
    char *text = NULL;
    struct ent_error *err = NULL;
    if (strcmp(ent_version(), ENT_VERSION_STRING) != 0) { fprintf(stderr, "header %s, library %s\n", ENT_VERSION_STRING, ent_version()); return 1; }
    if (ent_filter_compare("displayName", "eq", "\"O'Brien\"", &text, &err) != ENT_OK) { fprintf(stderr, "%s\n", ent_error_message(err)); ent_error_free(err); return 1; }
    printf("entitlement %d.%d.%d: %s\n", ENT_VERSION_MAJOR, ENT_VERSION_MINOR, ENT_VERSION_PATCH, text);
    int ok = strcmp(text, "displayName eq 'O''Brien'") == 0;
    ent_string_free(text);
    return ok ? 0 : 1;
}
C
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Werror -o "$tmp/hello" "$tmp/hello.c" $(pkg-config --cflags --libs entitlement)
LD_LIBRARY_PATH="$lib" ldd "$tmp/hello" | grep -F "libentitlement.so.0 => $lib/libentitlement.so.0"
LD_LIBRARY_PATH="$lib" "$tmp/hello"
# Static linking through pkg-config --static (Libs.private).
# shellcheck disable=SC2046
gcc -std=c11 -o "$tmp/hello-static" "$tmp/hello.c" $(pkg-config --cflags entitlement) "$lib/libentitlement.a" $(pkg-config --libs-only-l --static entitlement | sed 's/-lentitlement//')
! ldd "$tmp/hello-static" | grep -q libentitlement
"$tmp/hello-static"
echo "c packaging: ok"
