#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Installs the C library (cargo-c's layout):
#   PREFIX/lib/libentitlement.so.MAJOR.MINOR.PATCH   SONAME libentitlement.so.MAJOR
#   PREFIX/lib/libentitlement.so.MAJOR -> .so.MAJOR.MINOR.PATCH
#   PREFIX/lib/libentitlement.so -> .so.MAJOR          (for -lentitlement)
#   PREFIX/lib/libentitlement.a
#   PREFIX/include/entitlement.h, entitlement_ops.h
#   PREFIX/lib/pkgconfig/entitlement.pc
# The installed copies are stripped (the build tree keeps its symbols).
#
#   bash scripts/install-c.sh --prefix /usr/local [--libdir DIR] [--no-build] [--no-strip]
#   DESTDIR=/tmp/stage bash scripts/install-c.sh --prefix /usr   # staged, for packagers
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
prefix=/usr/local libdir="" build=1 strip=1
while (($#)); do
    case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#*=}; shift ;;
    --libdir) libdir=$2; shift 2 ;;
    --libdir=*) libdir=${1#*=}; shift ;;
    --no-build) build=0; shift ;;
    --no-strip) strip=0; shift ;;
    -h | --help) sed -n '4,16p' "$0"; exit 0 ;;
    *) echo "install-c.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[[ "$prefix" == /* ]] || prefix="$PWD/$prefix"
libdir=${libdir:-$prefix/lib}
includedir=$prefix/include
((build)) && cargo build -q --release -p entitlement-c
src="target/$CARGO_BUILD_TARGET/release"
version=$(cargo pkgid -p entitlement-c | sed 's/.*[#@]//')
major=${version%%.*}
dest() { echo "${DESTDIR:-}$1"; }
install -d "$(dest "$libdir")/pkgconfig" "$(dest "$includedir")"
so="libentitlement.so.$version"
install -m 0755 "$src/libentitlement.so" "$(dest "$libdir")/$so"
install -m 0644 "$src/libentitlement.a" "$(dest "$libdir")/libentitlement.a"
ln -sfn "$so" "$(dest "$libdir")/libentitlement.so.$major"
ln -sfn "libentitlement.so.$major" "$(dest "$libdir")/libentitlement.so"
install -m 0644 include/entitlement.h include/entitlement_ops.h "$(dest "$includedir")/"
if ((strip)); then
    # Only the symbol table and debug info go: the exported ent_* functions
    # (dynamic symbols) and the archive's linkable symbols stay.
    strip --strip-unneeded "$(dest "$libdir")/$so"
    strip --strip-debug "$(dest "$libdir")/libentitlement.a"
fi
cat >"$(dest "$libdir")/pkgconfig/entitlement.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=$libdir
includedir=\${prefix}/include

Name: entitlement
Description: Client for the Microsoft Graph entitlement management API (C API)
Version: $version
Libs: -L\${libdir} -lentitlement
Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
Cflags: -I\${includedir}
PC
echo "installed libentitlement $version into ${DESTDIR:-}$prefix"
