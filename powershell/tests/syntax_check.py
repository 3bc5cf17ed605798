# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Syntax check of the module's PowerShell files with the tree-sitter
PowerShell grammar (there is no pwsh on the CI platform).

    python syntax_check.py FILE...   # exit 1 on any parse error
"""
import sys

import tree_sitter_powershell as tsp
from tree_sitter import Language, Parser


def errors(parser, path):
    src = open(path, "rb").read()
    lines = src.splitlines()
    stack = [parser.parse(src).root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            line = node.start_point[0] + 1
            what = f"missing {node.type}" if node.is_missing else "syntax error"
            yield f"{path}:{line}: {what}: {lines[line - 1].decode(errors='replace').strip()[:100]}"
        stack.extend(node.children)


def main(paths):
    parser = Parser(Language(tsp.language()))
    found = [e for p in paths for e in errors(parser, p)]
    for e in found:
        print(e, file=sys.stderr)
    print(f"{len(paths)} PowerShell files parsed, {len(found)} errors")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
