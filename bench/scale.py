#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Emulator at quota scale: seeds N assignments (bench/make_seed.py), starts
`entitlement emulator serve --seed`, and prints, as figure=value lines and a
summary against the targets of issue 9:

  startup_s            process start to "listening" (the seed loaded), wall
  startup_cpu_s        the emulator's CPU time until then (wall on an idle machine; the
                       seed file is read in two streaming passes, never held parsed)
  rss_mb / rss_peak_mb VmRSS after the queries / VmHWM, from /proc
  page_ms              GET assignments (a page of 100)
  page_deep_ms         the page after one near the end ($skip=N-150, then its nextLink)
  expand_ms            a page of 100 with $expand=target,accessPackage
  filter_target_ms     $filter=target/objectId eq '<a user>'
  filter_package_ms    $filter=accessPackage/id eq '<a package>' (a quarter of N)
  filter_state_ms      $filter=state eq 'delivered' (all N)
  count_ms             $count=true (a page and the total)
  count_filtered_ms    $filter=accessPackage/id eq '<a package>'&$count=true

Each request figure is the median of --repeat requests over one keep-alive
HTTP connection (after a warm-up request). Figures that miss a target are
reported, never a failure; a run that cannot measure (emulator error, wrong
answers) exits non-zero.

    python3 bench/scale.py [--n 300000] [--bin target/.../entitlement] [--repeat 9] [--full-pass]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_seed  # noqa: E402
from _common import DEFAULT_BIN, Served  # noqa: E402

EM = "/v1.0/identityGovernance/entitlementManagement"
TARGETS = [  # figure, limit, unit
    ("page_ms", 20, "ms"), ("page_deep_ms", 20, "ms"), ("expand_ms", 20, "ms"),
    ("filter_target_ms", 20, "ms"), ("filter_package_ms", 20, "ms"), ("filter_state_ms", 20, "ms"),
    ("count_ms", 50, "ms"), ("count_filtered_ms", 50, "ms"),
    ("startup_s", 15, "s"), ("startup_cpu_s", 15, "s"), ("rss_mb", 500, "MB"), ("rss_peak_mb", 500, "MB"),
]


def proc_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1)) if m else 0


def proc_cpu_s(pid):
    """User + system CPU of a process (a loaded machine stretches wall time, not this)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Client:
    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.token = token

    def get(self, path):
        self.conn.request("GET", path, headers={"Authorization": f"Bearer {self.token}"})
        r = self.conn.getresponse()
        body = r.read()
        if r.status != 200:
            sys.exit(f"bench: GET {path} answered {r.status}: {body[:300]!r}")
        return json.loads(body)

    def time(self, path, repeat):
        self.get(path)  # warm-up
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            page = self.get(path)
            times.append((time.perf_counter() - t) * 1e3)
        return statistics.median(times), page


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300_000)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--seed-dir", default=None, help="where seed files are kept between runs (default: a temporary folder)")
    ap.add_argument("--full-pass", action="store_true", help="also page all N with $top=999 and report objects/s")
    a = ap.parse_args()
    n = a.n
    tmp = tempfile.mkdtemp(prefix="scale-bench-")
    seed_dir = a.seed_dir or tmp
    seed = os.path.join(seed_dir, f"seed-{n}.json")
    if not os.path.exists(seed):
        t = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "make_seed.py"), str(n), seed], check=True)
        print(f"# seed of {n} assignments written in {time.perf_counter() - t:.1f} s ({os.path.getsize(seed) / 1e6:.0f} MB)")
    emu = Served(a.bin, ["--seed", seed], tmp)
    fig = {"objects": n}
    try:
        fig["startup_s"] = round(emu.startup_s, 2)
        fig["startup_cpu_s"] = round(proc_cpu_s(emu.pid), 2)
        fig["rss_startup_mb"] = round(proc_kb(emu.pid, "VmRSS") / 1024, 1)
        c = Client(emu.port, emu.app_token())
        q = lambda s: urllib.parse.quote(s, safe="=&$',/?")  # noqa: E731
        base = f"{EM}/assignments"
        user = make_seed.sid(0x1, n // 2 + 1)
        pkg = make_seed.sid(0x5, 1)

        def check(page, size, label):
            if len(page["value"]) != size:
                sys.exit(f"bench: {label} answered {len(page['value'])} items, expected {size}")

        fig["page_ms"], page = c.time(base, a.repeat)
        check(page, 100, "page")
        skip = max(n - 150, 0)
        _, near_end = c.time(f"{base}?$skip={skip}", 1)
        deep = near_end.get("@odata.nextLink")
        if n > 150:
            if not deep:
                sys.exit("bench: the page near the end has no nextLink")
            deep = deep[deep.index("/v1.0"):]
            fig["page_deep_ms"], page = c.time(deep, a.repeat)
            check(page, 50, "the last page")
        fig["expand_ms"], page = c.time(q(f"{base}?$expand=target,accessPackage"), a.repeat)
        check(page, 100, "expand")
        if not isinstance(page["value"][0].get("target"), dict) or not isinstance(page["value"][0].get("accessPackage"), dict):
            sys.exit("bench: $expand did not expand target and accessPackage")
        fig["filter_target_ms"], page = c.time(q(f"{base}?$filter=target/objectId eq '{user}'"), a.repeat)
        check(page, 1, "filter by target")
        fig["filter_package_ms"], page = c.time(q(f"{base}?$filter=accessPackage/id eq '{pkg}'"), a.repeat)
        check(page, min(100, n // 4), "filter by package")
        fig["filter_state_ms"], page = c.time(q(f"{base}?$filter=state eq 'delivered'"), a.repeat)
        check(page, min(100, n), "filter by state")
        fig["count_ms"], page = c.time(q(f"{base}?$count=true"), a.repeat)
        if page.get("@odata.count") != n:
            sys.exit(f"bench: $count answered {page.get('@odata.count')}, expected {n}")
        fig["count_filtered_ms"], page = c.time(q(f"{base}?$filter=accessPackage/id eq '{pkg}'&$count=true"), a.repeat)
        expect = len(range(1, n, 4))
        if page.get("@odata.count") != expect:
            sys.exit(f"bench: filtered $count answered {page.get('@odata.count')}, expected {expect}")
        if a.full_pass:
            t = time.perf_counter()
            seen, link = 0, f"{base}?$top=999"
            while link:
                page = c.get(link)
                seen += len(page["value"])
                link = page.get("@odata.nextLink")
                link = link[link.index("/v1.0"):] if link else None
            if seen != n:
                sys.exit(f"bench: the full pass saw {seen} assignments, expected {n}")
            fig["full_pass_objects_per_s"] = round(n / (time.perf_counter() - t))
        fig["rss_mb"] = round(proc_kb(emu.pid, "VmRSS") / 1024, 1)
        fig["rss_peak_mb"] = round(proc_kb(emu.pid, "VmHWM") / 1024, 1)
    finally:
        emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for k, v in fig.items():
        print(f"{k}={round(v, 2) if isinstance(v, float) else v}")
    print(f"\nEmulator with {n} assignments (targets from issue 9, set for 300,000):")
    for name, limit, unit in TARGETS:
        if name in fig:
            v = fig[name]
            print(f"  {name:20} {v:10.2f} {unit:3} target <= {limit} {unit}: {'met' if v <= limit else 'NOT met'}")


if __name__ == "__main__":
    main()
