#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Paging benchmark for the Python binding: CPU time per object to page every
assignment with ``$expand=target,accessPackage,assignmentPolicy`` (touching
one field per object, like the Rust benchmark), and the time to import
``entitlement`` and construct a client in a fresh interpreter.

    python python/bench/page_assignments.py --base-url URL --token TOK --n N [--rounds 5] [--beta]

Prints ``python_cpu_us_per_object=<float>`` and ``import_and_construct_ms=<float>``.
"""

import argparse
import subprocess
import sys
import time

IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); import entitlement; entitlement.Client({base!r}, token='t'); "
    "print((time.perf_counter() - t) * 1000)"
)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--n", type=int, default=None, help="expected number of assignments (checked when given)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--beta", action="store_true", help="page the beta accessPackageAssignments instead")
    args = ap.parse_args()

    import entitlement

    client = entitlement.Client(args.base_url, token=args.token)
    if args.beta:
        def pager():
            return client.beta.list_access_package_assignments(
                expand=["target", "accessPackage", "accessPackageAssignmentPolicy"])
    else:
        def pager():
            return client.list_assignments(expand=["target", "accessPackage", "assignmentPolicy"])

    def run():
        n = 0
        for x in pager():
            x.id  # one field per object
            n += 1
        return n

    n = run()  # warm up: token, connection, caches
    if args.n is not None and n != args.n:
        print(f"warning: expected {args.n} assignments, paged {n}", file=sys.stderr)
    if n == 0:
        sys.exit("no assignments to page")
    best = float("inf")
    for _ in range(args.rounds):
        t = time.process_time()
        got = run()
        dt = time.process_time() - t
        assert got == n, (got, n)
        best = min(best, dt * 1e6 / n)

    snippet = IMPORT_SNIPPET.format(base=args.base_url)
    import_ms = min(float(subprocess.check_output([sys.executable, "-c", snippet]).decode()) for _ in range(5))

    print(f"python_objects={n}")
    print(f"python_cpu_us_per_object={best:.3f}")
    print(f"import_and_construct_ms={import_ms:.2f}")


if __name__ == "__main__":
    main()
