#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# Tests the PowerShell module's layers that run here (no pwsh on this
# platform): the generated cmdlets, manifest, format views and C# operation
# table are fresh; every generated cmdlet has full help; the format file is
# valid; the C# layer compiles with mcs; Smoke.cs drives libentitlement through
# it under mono, once found through LD_LIBRARY_PATH and once preloaded by full
# path (the way Entitlement.psm1 loads a bundled library); Cmdlets.cs tests the
# cmdlet logic (bodies from parameters, -WhatIf text, -All/-PageSize/-Top/
# -CountVariable) against the emulator, both as built here and from the packaged
# module (powershell/package.sh: bin/Entitlement.Native.dll, bin/<rid>/libentitlement.so).
#
#   bash powershell/tests/run.sh [debug|release]
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PROFILE="${1:-debug}"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
LIBDIR="$ROOT/target/$CARGO_BUILD_TARGET/$PROFILE"
OUT="$ROOT/target/powershell-tests"
mkdir -p "$OUT"

passed=0
failed=0
step() {
    local name=$1
    shift
    echo "--- $name"
    if "$@"; then
        passed=$((passed + 1)); echo "ok   $name"
    else
        failed=$((failed + 1)); echo "FAIL $name"
    fi
}

build() {
    if [ "$PROFILE" = release ]; then cargo build -p entitlement-c --release; else cargo build -p entitlement-c; fi &&
        ln -sfn libentitlement.so "$LIBDIR/libentitlement.so.0"  # the SONAME (bindings/c/build.rs)
}

ensure_mono() {
    command -v mcs >/dev/null && command -v mono >/dev/null && return 0
    echo "installing mono-mcs"
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends mono-mcs; } >/dev/null 2>&1
}

generated_fresh() {
    python3 - <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "codegen")
from model import load_api
import gen_c
stale = [rel for rel, text in gen_c.generate(load_api(Path("."))).items()
         if not Path(rel).exists() or Path(rel).read_text() != text]
if stale:
    print("stale (run python3 codegen/generate.py):", ", ".join(stale), file=sys.stderr)
    sys.exit(1)
PY
}

# Every exported function exists, uses an approved verb and the Ent prefix.
manifest_consistent() {
    python3 - <<'PY'
import re, sys
from pathlib import Path
# Get-Verb (the approved verbs this module can use: common, lifecycle, data, communications)
approved = {"Add", "Clear", "Copy", "Get", "Move", "New", "Remove", "Rename", "Reset", "Search", "Set", "Update",
            "Approve", "Deny", "Disable", "Enable", "Invoke", "Register", "Request", "Restart", "Resume", "Start",
            "Stop", "Submit", "Suspend", "Unregister", "Wait", "Export", "Import", "Sync", "Connect", "Disconnect",
            "Receive", "Send"}
manifest = Path("powershell/Entitlement.psd1").read_text()
exported = re.findall(r"^\s+'([A-Za-z]+-[A-Za-z]+)',?$", manifest, re.M)
defined = set(re.findall(r"^function ([A-Za-z]+-[A-Za-z]+)", Path("powershell/Entitlement.psm1").read_text() +
                         Path("powershell/Entitlement.Generated.ps1").read_text(), re.M))
bad = [n for n in exported if n not in defined or n.split("-")[0] not in approved or not n.split("-")[1].startswith("Ent")]
if bad or not exported:
    print("bad exports:", bad, file=sys.stderr)
    sys.exit(1)
print(f"{len(exported)} functions exported")
PY
}

# Every generated cmdlet has .SYNOPSIS, an .EXAMPLE and a .PARAMETER for each of its parameters;
# output types have format views that the manifest lists; the format file is well-formed XML.
help_and_formats() {
    python3 - <<'PY'
import re, sys
import xml.etree.ElementTree as ET
from pathlib import Path
bad = []
text = Path("powershell/Entitlement.Generated.ps1").read_text()
funcs = re.findall(r"^function ([A-Za-z-]+) \{\n(.*?)^\}", text, re.M | re.S)
hand = [(n, b) for n, b in re.findall(r"^function ([A-Za-z]+-Ent[A-Za-z]+) \{\n(.*?)^\}",
                                      Path("powershell/Entitlement.psm1").read_text(), re.M | re.S) if "<#" in b]
for name, body in funcs + hand:
    help_text = body.split("#>", 1)[0]
    block, depth = "", 1
    for ch in body.split("param(", 1)[1]:  # up to the parenthesis that closes param(
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            break
        block += ch
    while re.search(r"\[[^\[\]]*\]", block):  # attributes and types, innermost first
        block = re.sub(r"\[[^\[\]]*\]", " ", block)
    block = re.sub(r"'[^']*'", "''", block)
    params = [p for p in re.findall(r"\$(\w+)", block) if p.lower() not in ("true", "false", "null")]
    documented = set(re.findall(r"^    \.PARAMETER (\w+)", help_text, re.M))
    missing = [p for p in params if p not in documented]
    for section in (".SYNOPSIS", ".EXAMPLE"):
        if section not in help_text:
            bad.append(f"{name}: no {section}")
    if missing:
        bad.append(f"{name}: no .PARAMETER for {missing}")
    if re.search(r"ShouldProcess\(\$target, '[a-z_.]+'\)", body):
        bad.append(f"{name}: -WhatIf action is an operation name")
root = ET.parse("powershell/Entitlement.Format.ps1xml").getroot()
views = [v.findtext("ViewSelectedBy/TypeName") for v in root.iter("View")]
used = set(re.findall(r"-TypeName '([\w.]+)'", text))
bad += [f"format view for {v}, which no cmdlet emits" for v in views if v not in used]
for v in root.iter("View"):
    if len(v.findall(".//TableColumnHeader")) != len(v.findall(".//TableColumnItem")):
        bad.append(f"view {v.findtext('Name')}: headers and columns differ")
if "FormatsToProcess     = @('Entitlement.Format.ps1xml')" not in Path("powershell/Entitlement.psd1").read_text():
    bad.append("manifest does not list Entitlement.Format.ps1xml")
for b in bad:
    print(b, file=sys.stderr)
print(f"{len(funcs)} generated and {len(hand)} hand-written functions with full help, {len(views)} format views")
sys.exit(1 if bad or not funcs or not views else 0)
PY
}

# The .ps1/.psm1/.psd1 files parse (tree-sitter's PowerShell grammar, from PyPI).
powershell_syntax() {
    local venv="$OUT/venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import tree_sitter_powershell' 2>/dev/null; then
        python3 -m venv "$venv" &&
            "$venv/bin/pip" install -q 'tree-sitter==0.26.*' 'tree-sitter-powershell==0.26.*' || return 1
    fi
    "$venv/bin/python" powershell/tests/syntax_check.py powershell/Entitlement.psm1 \
        powershell/Entitlement.Generated.ps1 powershell/Entitlement.psd1 powershell/tests/Entitlement.Tests.ps1
}

# -langversion:5: Windows PowerShell 5.1 compiles the sources (when no dll ships) with C# 5.
compile_shim() {
    mcs -nologo -warnaserror -langversion:5 -target:library -out:"$OUT/Entitlement.Native.dll" powershell/src/*.cs &&
        mcs -nologo -warnaserror -out:"$OUT/Smoke.exe" powershell/tests/Smoke.cs powershell/src/*.cs &&
        mcs -nologo -warnaserror -r:"$OUT/Entitlement.Native.dll" -out:"$OUT/Cmdlets.exe" powershell/tests/Cmdlets.cs &&
        # DllImport("entitlement") probes libentitlement.so; the SONAME is libentitlement.so.0, which is
        # also what matches a copy preloaded by path.
        printf '<configuration>\n  <dllmap dll="entitlement" target="libentitlement.so.0" os="!windows"/>\n</configuration>\n' |
            tee "$OUT/Smoke.exe.config" "$OUT/Cmdlets.exe.config" >"$OUT/Entitlement.Native.dll.config" &&
        cp emulator/src/identity/dev-app.pem "$OUT/"  # the emulator app's development certificate (certificate sign-in)
}

# The packaged module: the compiled shim and the native library where Entitlement.psm1 looks.
package_module() {
    local mod
    mod=$(bash powershell/package.sh "$OUT/package" "$LIBDIR") || return 1
    local missing=0
    for f in Entitlement.psd1 Entitlement.psm1 Entitlement.Generated.ps1 Entitlement.Format.ps1xml LICENSE \
        bin/Entitlement.Native.dll bin/linux-x64/libentitlement.so; do
        [ -f "$mod/$f" ] || { echo "packaged module lacks $f" >&2; missing=1; }
    done
    [ "$missing" -eq 0 ] || return 1
    ls -l "$mod/bin/Entitlement.Native.dll" "$mod/bin/linux-x64/libentitlement.so" | awk '{print $5, $9}'
}

step "build libentitlement ($PROFILE)" build
step "generated cmdlets and manifest up to date" generated_fresh
step "manifest exports approved Ent* functions" manifest_consistent
step "generated help (.SYNOPSIS, .PARAMETER, .EXAMPLE) and format views" help_and_formats
step "PowerShell files parse" powershell_syntax
if step "mono available" ensure_mono && step "compile the C# shim and Smoke.cs with mcs" compile_shim; then
    step "smoke (library on LD_LIBRARY_PATH)" env LD_LIBRARY_PATH="$LIBDIR" mono "$OUT/Smoke.exe"
    step "smoke (library preloaded by path)" env -u LD_LIBRARY_PATH mono "$OUT/Smoke.exe" "$LIBDIR/libentitlement.so"
    step "cmdlet layer: bodies, -WhatIf, paging" env LD_LIBRARY_PATH="$LIBDIR" mono "$OUT/Cmdlets.exe"
    if step "package the module (powershell/package.sh)" package_module; then
        step "cmdlet layer from the packaged module" env -u LD_LIBRARY_PATH MONO_PATH="$OUT/package/Entitlement/bin" \
            mono "$OUT/Cmdlets.exe" "$OUT/package/Entitlement/bin/linux-x64/libentitlement.so"
    fi
fi

# The cmdlets themselves, where PowerShell 7 and Pester 5 exist.
if command -v pwsh >/dev/null; then
    step "Pester: cmdlets against the emulator" env ENTITLEMENT_LIBRARY="$LIBDIR/libentitlement.so" pwsh -NoProfile \
        -Command 'Import-Module Pester -MinimumVersion 5.0; $r = Invoke-Pester -Path powershell/tests -PassThru; exit $r.FailedCount'
else
    echo "--- Pester tests skipped: no pwsh on this machine"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
