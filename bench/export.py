#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Export at scale: seeds N assignments (bench/make_seed.py), starts
`entitlement emulator serve --seed`, then exports every assignment to JSONL
and CSV from separate processes and prints figure=value lines and a summary
against the targets of issue 9 (set for 300,000: peak RSS <= 50 MB in the
Rust CLI and in a Python process using the client, >= 20,000 objects/s):

  rust_<fmt>_rss_peak_mb, rust_<fmt>_objects_per_s     `entitlement export assignments --endpoint`
  rust_segmented_rss_peak_mb, ..._objects_per_s        the same with --by-access-package --concurrency 4
  python_jsonl_rss_peak_mb, python_jsonl_objects_per_s  `Client(...).export(...)` in a fresh interpreter

Peak RSS is the child's VmHWM (read from /proc while it runs); objects/s is N over the
process's wall time, start to exit. Each file is checked (N lines / N + 1
CSV records). Targets not met are reported, never a failure.

    python3 bench/export.py [--n 30000] [--bin target/.../entitlement] [--seed-dir DIR] [--page-size 100]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import DEFAULT_BIN, Served  # noqa: E402

RSS_MB, RATE = 50, 20_000

PY_EXPORT = """
import sys, entitlement
base, token, path, fmt = sys.argv[1:5]
client = entitlement.Client(base_url=base, token=token)
summary = client.export("assignments", format=fmt, path=path)
print(summary["count"])
"""


def run(cmd, env=None):
    """Runs cmd; (wall seconds, peak RSS MB, stdout, stderr). The peak is the
    child's VmHWM, read from /proc while it runs: ru_maxrss would count the
    forking Python process's size before exec."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        hwm = 0
        while p.poll() is None:
            try:
                with open(f"/proc/{p.pid}/status") as f:
                    m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
                if m and p.poll() is None:
                    hwm = max(hwm, int(m.group(1)))
            except OSError:
                pass
            time.sleep(0.005)
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd[:4])} ... failed ({p.returncode}): {stderr[-2000:]}")
    return wall, hwm / 1024, stdout, stderr


def csv_records(path):
    """CRLF-terminated records, counted without reading the file at once."""
    n = 0
    with open(path, "rb") as f:
        for line in f:
            n += line.endswith(b"\r\n")
    return n


def lines_of(path):
    n = 0
    with open(path, "rb") as f:
        for _ in f:
            n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30_000)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--python", default=None, help="interpreter with the entitlement package (default: .venv/bin/python if present)")
    ap.add_argument("--seed-dir", default=None, help="where seed files are kept between runs (default: a temporary folder)")
    ap.add_argument("--page-size", type=int, default=100, help="the emulator's page size (`emulator serve --page-size`)")
    a = ap.parse_args()
    n = a.n
    py = a.python or (".venv/bin/python" if os.path.exists(".venv/bin/python") else sys.executable)
    tmp = tempfile.mkdtemp(prefix="export-bench-")
    seed = os.path.join(a.seed_dir or tmp, f"seed-{n}.json")
    if not os.path.exists(seed):
        subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "make_seed.py"), str(n), seed], check=True)
    emu = Served(a.bin, ["--seed", seed, "--page-size", str(a.page_size)], tmp)
    fig = {"objects": n}
    try:
        token = emu.app_token()
        base = emu.base
        cli = [a.bin, "export", "assignments", "--endpoint", base, "--token", token]
        for label, fmt, extra, expect in [("rust_jsonl", "jsonl", [], n), ("rust_csv", "csv", [], n + 1),
                                          ("rust_segmented", "jsonl", ["--by-access-package", "--concurrency", "4"], n)]:
            out = os.path.join(tmp, f"{label}.{fmt}")
            wall, rss, _, err = run(cli + ["--format", fmt, "--out", out] + extra)
            got = lines_of(out) if fmt == "jsonl" else csv_records(out)
            if got != expect:
                sys.exit(f"bench: {label} wrote {got} records, expected {expect} ({err.strip()})")
            fig[f"{label}_rss_peak_mb"] = round(rss, 1)
            fig[f"{label}_objects_per_s"] = round(n / wall)
            fig[f"{label}_bytes"] = os.path.getsize(out)
            os.remove(out)
        env = dict(os.environ, PYTHONPATH=os.environ.get("PYTHONPATH", ""))
        ok = subprocess.run([py, "-c", "import entitlement; entitlement.Client.export"], capture_output=True).returncode == 0
        if ok:
            out = os.path.join(tmp, "python.jsonl")
            wall, rss, stdout, _ = run([py, "-c", PY_EXPORT, base, token, out, "jsonl"], env)
            if lines_of(out) != n or stdout.strip() != str(n):
                sys.exit(f"bench: python wrote {lines_of(out)} lines, reported {stdout.strip()}, expected {n}")
            fig["python_jsonl_rss_peak_mb"] = round(rss, 1)
            fig["python_jsonl_objects_per_s"] = round(n / wall)
            os.remove(out)
        else:
            print(f"# python: {py} has no entitlement.Client.export; its figures are skipped", file=sys.stderr)
    finally:
        emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for k, v in fig.items():
        print(f"export_{k}={v}")
    print(f"\nExport of {n} assignments (targets from issue 9, set for 300,000: RSS <= {RSS_MB} MB, >= {RATE} objects/s):")
    for label in ("rust_jsonl", "rust_csv", "rust_segmented", "python_jsonl"):
        if f"{label}_rss_peak_mb" in fig:
            rss, rate = fig[f"{label}_rss_peak_mb"], fig[f"{label}_objects_per_s"]
            print(f"  {label:16} peak RSS {rss:6.1f} MB: {'met' if rss <= RSS_MB else 'NOT met':7}  "
                  f"{rate:8d} objects/s: {'met' if rate >= RATE else 'NOT met'}")


if __name__ == "__main__":
    main()
