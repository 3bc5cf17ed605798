#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Times whole processes: wall (from spawn to exit) and CPU (user + system of
the child and everything it waited for: getrusage(RUSAGE_CHILDREN)), median of
--runs.

    proc_time.py --label L [--runs 3] [--expect N] -- CMD ARG...
        prints L_wall_ms, L_cpu_ms; with --expect, the command must print objects=N
    proc_time.py --label L [--runs 15] --minus 'BARE CMD' -- CMD ARG...
        prints L_ms (median wall of CMD minus median wall of BARE, runs
        interleaved), L_bare_ms, L_total_ms and L_cpu_ms (CPU over bare)

Exits non-zero when a run fails, so a measurement that could not run fails
bench/run.sh.
"""
import argparse
import resource
import shlex
import statistics
import subprocess
import sys
import time


def measure(cmd, expect=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()  # reaps the child: its rusage joins RUSAGE_CHILDREN
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc, out, err = p.returncode, out.decode(), err.decode()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if rc != 0:
        sys.exit(f"{shlex.join(cmd)} failed ({rc}):\n{err[-2000:]}")
    if expect is not None and f"objects={expect}" not in out.split():
        sys.exit(f"{shlex.join(cmd)}: expected objects={expect}, got:\n{out[-500:]}{err[-1500:]}")
    return wall * 1e3, cpu * 1e3


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--label", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--expect", type=int)
    ap.add_argument("--minus", help="bare command (a shell-quoted string) whose median wall is subtracted")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    if a.minus:
        bare = shlex.split(a.minus)
        measure(bare), measure(cmd)  # warm the page cache
        bw, bc, cw, cc = [], [], [], []
        for _ in range(a.runs):
            w, c = measure(bare)
            bw.append(w), bc.append(c)
            w, c = measure(cmd)
            cw.append(w), cc.append(c)
        med = statistics.median
        print(f"{a.label}_ms={med(cw) - med(bw):.2f}")
        print(f"{a.label}_bare_ms={med(bw):.2f}")
        print(f"{a.label}_total_ms={med(cw):.2f}")
        print(f"{a.label}_cpu_ms={med(cc) - med(bc):.2f}")
    else:
        res = [measure(cmd, a.expect) for _ in range(a.runs)]
        print(f"{a.label}_wall_ms={statistics.median(w for w, _ in res):.2f}")
        print(f"{a.label}_cpu_ms={statistics.median(c for _, c in res):.2f}")


if __name__ == "__main__":
    main()
