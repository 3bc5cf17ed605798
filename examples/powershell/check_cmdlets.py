# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Static check of PowerShell scripts against the Entitlement module, for
where pwsh is not installed: every `*-Ent*` command a script uses is one the
module exports (powershell/Entitlement.psd1), every `-Parameter` given to it
is one of that function's parameters or aliases (powershell/Entitlement.psm1,
Entitlement.Generated.ps1; common parameters where the function has
[CmdletBinding()], -WhatIf/-Confirm where it supports ShouldProcess), and
every other Verb-Noun command is a function of the script itself or a
PowerShell cmdlet named in BUILTINS.

    python3 check_cmdlets.py MODULE_DIR SCRIPT...      # exit 1 on any finding
    python3 check_cmdlets.py --self-test MODULE_DIR    # the checker catches what it should
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

COMMON = {"verbose", "debug", "erroraction", "warningaction", "informationaction", "progressaction", "errorvariable",
          "warningvariable", "informationvariable", "outvariable", "outbuffer", "pipelinevariable"}
SHOULD_PROCESS = {"whatif", "confirm"}
# Cmdlets of PowerShell itself that the examples may use (parameters not checked).
BUILTINS = {"Import-Module", "Write-Host", "Write-Warning", "Write-Progress", "Write-Verbose", "ForEach-Object",
            "Where-Object", "Select-Object", "Group-Object", "ConvertTo-Json", "ConvertFrom-Json",
            "ConvertTo-SecureString", "New-Object", "Join-Path", "Test-Path", "Get-Content", "Set-Content",
            "Add-Content", "Remove-Item", "New-Item", "Get-Date", "Start-Sleep", "Out-Null"}


@dataclass
class Function:
    params: set[str] = field(default_factory=set)
    binding: bool = False
    should_process: bool = False

    def accepts(self, name: str) -> bool:
        n = name.lower()
        return (n in self.params or (self.binding and n in COMMON)
                or (self.should_process and n in SHOULD_PROCESS))


def mask(src: str) -> str:
    """The source with comments and string contents blanked (newlines kept),
    so that brackets, pipes and `-Name` tokens can be found by scanning."""
    out, i, n = [], 0, len(src)

    def blank(text: str) -> str:
        return "".join(c if c == "\n" else " " for c in text)

    while i < n:
        c = src[i]
        if src.startswith("<#", i):
            j = src.find("#>", i + 2)
            j = n if j < 0 else j + 2
            out.append(blank(src[i:j]))
            i = j
        elif c == "#":
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(blank(src[i:j]))
            i = j
        elif src.startswith(("@'", '@"'), i) and src[i + 2:i + 3] in ("\n", "\r"):
            end = "\n" + src[i + 1] + "@"
            j = src.find(end, i + 2)
            j = n if j < 0 else j + len(end)
            out.append('@"' + blank(src[i + 2:j - 2]) + '"@')
            i = j
        elif c in "'\"":
            j = i + 1
            while j < n:
                if c == '"' and src[j] == "`":
                    j += 2
                    continue
                if src[j] == c:
                    if src[j + 1:j + 2] == c:  # '' or "" inside the string
                        j += 2
                        continue
                    break
                j += 1
            out.append(c + blank(src[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def closing(text: str, start: int, open_: str = "(", close: str = ")") -> int:
    depth = 0
    for j in range(start, len(text)):
        if text[j] == open_:
            depth += 1
        elif text[j] == close:
            depth -= 1
            if depth == 0:
                return j
    return len(text)


def split_top(text: str) -> list[str]:
    """Splits a param block's inside at its top-level commas."""
    parts, depth, last = [], 0, 0
    for j, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[last:j])
            last = j + 1
    parts.append(text[last:])
    return parts


FUNCTION = re.compile(r"^\s*function\s+([\w-]+)\s*(\([^)]*\))?\s*\{", re.M | re.I)


def functions(src: str) -> dict[str, Function]:
    """Every `function Name { ... param(...) ... }` of a file, by lower-case name."""
    masked = mask(src)
    found: dict[str, Function] = {}
    for m in FUNCTION.finditer(masked):
        fn = Function()
        if m.group(2):  # function Name([type] $Param) { ... }
            params_text = src[m.start(2) + 1:m.end(2) - 1]
        else:
            body_start = m.end() - 1
            body = masked[body_start:closing(masked, body_start, "{", "}")]
            head = re.search(r"\bparam\s*\(", body, re.I)
            if head is None:
                found[m.group(1).lower()] = fn
                continue
            preamble = body[:head.start()]
            fn.binding = bool(re.search(r"\[CmdletBinding\b", preamble, re.I))
            fn.should_process = bool(re.search(r"SupportsShouldProcess", preamble, re.I))
            open_at = body_start + head.end() - 1
            params_text = src[open_at + 1:closing(masked, open_at)]
        for part in split_top(params_text):
            fn.params.update(a.lower() for a in re.findall(r"\[Alias\(([^)]*)\)\]", part, re.I)
                             for a in re.findall(r"'([^']+)'|\"([^\"]+)\"", a) for a in a if a)
            bare = part
            while True:  # attributes and types, innermost brackets first: [Parameter(...)] [string[]]
                stripped = re.sub(r"\[[^\[\]]*\]", " ", bare)
                if stripped == bare:
                    break
                bare = stripped
            name = re.search(r"\$(\w+)", bare.split("=")[0])
            if name:
                fn.params.add(name.group(1).lower())
        found[m.group(1).lower()] = fn
    return found


def module(root: Path) -> tuple[set[str], dict[str, Function]]:
    manifest = (root / "Entitlement.psd1").read_text()
    block = re.search(r"FunctionsToExport\s*=\s*@\((.*?)\)", manifest, re.S)
    if block is None:
        raise SystemExit(f"{root}/Entitlement.psd1: no FunctionsToExport")
    exported = {n.lower() for n in re.findall(r"'([\w-]+)'", block.group(1))}
    funcs: dict[str, Function] = {}
    for name in ("Entitlement.psm1", "Entitlement.Generated.ps1"):
        funcs.update(functions((root / name).read_text()))
    return exported, funcs


COMMAND = re.compile(r"(?<![\w$.\-\[:])([A-Za-z]+-[A-Za-z][\w]*)")


def uses(src: str) -> list[tuple[int, str, list[str]]]:
    """(line, command, [-Parameter names]) for each Verb-Noun command."""
    masked = mask(src)
    found = []
    for m in COMMAND.finditer(masked):
        before = masked[max(0, m.start() - 9):m.start()]
        if re.search(r"function\s+$", before, re.I):
            continue
        params, depth, j = [], 0, m.end()
        while j < len(masked):
            c = masked[j]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0 and c in "|;":
                break
            elif depth == 0 and c == "\n":
                k = j - 1
                while k > 0 and masked[k] in " \t\r":
                    k -= 1
                if masked[k] != "`":
                    break
            elif depth == 0 and c == "-" and masked[j - 1] in " \t":
                p = re.match(r"-([A-Za-z]\w*)", masked[j:])
                if p:
                    params.append(p.group(1))
                    j += p.end()
                    continue
            j += 1
        found.append((masked.count("\n", 0, m.start()) + 1, m.group(1), params))
    return found


def check(path: str, src: str, exported: set[str], funcs: dict[str, Function]) -> list[str]:
    local = functions(src)
    problems = []
    for line, command, params in uses(src):
        key = command.lower()
        if key in local:
            fn = local[key]
        elif re.match(r"[A-Za-z]+-Ent", command):
            if key not in exported or key not in funcs:
                problems.append(f"{path}:{line}: {command} is not a command the module exports")
                continue
            fn = funcs[key]
        elif command in BUILTINS:
            continue
        else:
            problems.append(f"{path}:{line}: {command}: neither the module's, the script's nor in BUILTINS")
            continue
        for p in params:
            if not fn.accepts(p):
                problems.append(f"{path}:{line}: {command} has no parameter -{p}")
    return problems


def self_test(root: Path) -> int:
    exported, funcs = module(root)
    bad = ("Get-EntCatalog -Filter 'x' -NoSuchParameter 1\n"
           "Get-EntCatlog\n"
           "New-EntAccessPackage -DisplayName 'a' `\n    -Catalogue @{ id = 'x' }\n"
           "Remove-EntAccessPackage -AccessPackageId 'x' -Confirm:$false -WhatIf | Out-Null\n"
           "Get-EntAssignment -Expand target -All # -NotAParameter in a comment\n"
           "Write-Host \"-NotAParameter in a string $(Get-Date)\"\n")
    got = [p.split(": ", 1)[1] for p in check("self-test", bad, exported, funcs)]
    want = ["Get-EntCatalog has no parameter -NoSuchParameter", "Get-EntCatlog is not a command the module exports",
            "New-EntAccessPackage has no parameter -Catalogue"]
    if got != want:
        print(f"self-test: got {got}, want {want}", file=sys.stderr)
        return 1
    print(f"self-test: {len(want)} planted mistakes found, nothing else")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--self-test"]:
        return self_test(Path(argv[1]))
    root, scripts = Path(argv[0]), argv[1:]
    exported, funcs = module(root)
    problems, commands = [], 0
    for path in scripts:
        src = Path(path).read_text()
        commands += sum(1 for _, c, _ in uses(src) if re.match(r"[A-Za-z]+-Ent", c))
        problems += check(path, src, exported, funcs)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(scripts)} scripts: {commands} module command uses checked against {len(exported)} exports, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
