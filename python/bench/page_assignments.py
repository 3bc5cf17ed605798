#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Paging benchmark for the Python binding: CPU and wall time per object to
page every assignment with ``$expand=target,accessPackage,assignmentPolicy``
through the sync ``Client``, the way an application does: a ``for`` loop over
``client.list_assignments(expand=[...])`` reading ``a.id``,
``a.target.display_name``, ``a.access_package.display_name`` and ``a.state``.

    python python/bench/page_assignments.py --base-url URL --token TOK [--n N] [--rounds 5]
    python python/bench/page_assignments.py --base-url URL --token TOK --once   # import, one pass, exit

Prints ``python_objects``, ``python_cpu_us_per_object`` and
``python_wall_us_per_object`` (best of the rounds after one warm-up pass; CPU
is ``time.process_time()``: user + system of the whole process, every
thread, so work the native layer does on its own threads is counted).
``--once`` prints ``objects=N`` only (bench/proc_time.py times that
process from start to exit).
"""

import argparse
import sys
import time

EXPAND = ["target", "accessPackage", "assignmentPolicy"]


def page_all(client):
    n = 0
    sink = 0
    for a in client.list_assignments(expand=EXPAND):
        # What an application reads from each object.
        sink ^= hash((a.id, a.target.display_name, a.access_package.display_name, a.state))
        n += 1
    return n, sink


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--n", type=int, default=None, help="expected number of assignments (checked when given)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--once", action="store_true", help="one pass, print objects=N, exit")
    args = ap.parse_args()

    import entitlement

    client = entitlement.Client(base_url=args.base_url, token=args.token)
    n, _ = page_all(client)  # the only pass with --once; else the warm-up (connection, caches)
    if args.n is not None and n != args.n:
        sys.exit(f"expected {args.n} assignments, paged {n}")
    if n == 0:
        sys.exit("no assignments to page")
    if args.once:
        print(f"objects={n}")
        return
    best_cpu = best_wall = float("inf")
    for _ in range(args.rounds):
        c, w = time.process_time(), time.perf_counter()
        got, _ = page_all(client)
        c, w = time.process_time() - c, time.perf_counter() - w
        if got != n:
            sys.exit(f"paged {got} objects, then {n}")
        best_cpu = min(best_cpu, c * 1e6 / n)
        best_wall = min(best_wall, w * 1e6 / n)
    print(f"python_objects={n}")
    print(f"python_cpu_us_per_object={best_cpu:.3f}")
    print(f"python_wall_us_per_object={best_wall:.3f}")


if __name__ == "__main__":
    main()
