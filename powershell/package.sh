#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Lays the PowerShell module out for publishing (Publish-Module / a zip):
#
#   OUT/Entitlement/Entitlement.psd1, .psm1, .Generated.ps1, .Format.ps1xml, LICENSE
#   OUT/Entitlement/bin/Entitlement.Native.dll      the C# layer, compiled here with mcs, so an
#                                                    import loads it and compiles nothing
#   OUT/Entitlement/bin/<rid>/libentitlement.so     the native library (linux-x64, osx-arm64, ...)
#   OUT/Entitlement/src/*.cs                         the sources, the fallback when the dll is missing
#
#   bash powershell/package.sh [OUT] [LIBDIR]     # defaults: target/powershell-module, target/<triple>/release
#
# Build the library first (cargo build -p entitlement-c --release). Prints the module folder.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-target/powershell-module}"
LIBDIR="${2:-target/${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}/release}"

case "$(uname -s)" in
    Linux) os=linux; lib=libentitlement.so ;;
    Darwin) os=osx; lib=libentitlement.dylib ;;
    *) echo "package.sh: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "package.sh: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
rid="$os-$arch"  # what Entitlement.psm1 computes from RuntimeInformation

[ -f "$LIBDIR/$lib" ] || { echo "package.sh: $LIBDIR/$lib not found: build entitlement-c first" >&2; exit 1; }
command -v mcs >/dev/null || { echo "package.sh: mcs not found (apt-get install mono-mcs)" >&2; exit 1; }

mod="$OUT/Entitlement"
rm -rf "$mod"
mkdir -p "$mod/bin/$rid" "$mod/src"
cp powershell/Entitlement.psd1 powershell/Entitlement.psm1 powershell/Entitlement.Generated.ps1 \
    powershell/Entitlement.Format.ps1xml LICENSE "$mod/"
cp powershell/src/*.cs "$mod/src/"
mcs -nologo -warnaserror -optimize+ -target:library -out:"$mod/bin/Entitlement.Native.dll" powershell/src/*.cs
cp "$LIBDIR/$lib" "$mod/bin/$rid/$lib"
# The SONAME is libentitlement.so.0: PowerShell 7 reaches the preloaded copy through the
# resolver Library.Preload registers; mono reads this map.
if [ "$os" = linux ]; then
    printf '<configuration>\n  <dllmap dll="entitlement" target="libentitlement.so.0" os="!windows"/>\n</configuration>\n' \
        >"$mod/bin/Entitlement.Native.dll.config"
fi
# Debug symbols are most of the library's size; the module does not need them.
if command -v strip >/dev/null; then strip --strip-unneeded "$mod/bin/$rid/$lib" 2>/dev/null || true; fi
echo "$mod"
