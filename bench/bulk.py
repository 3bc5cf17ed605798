#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Bulk assignment through the throttled emulator (issue 9's benchmark).

    python3 bench/bulk.py [--n 2000] [--profile PROFILE] [--max-concurrency 16]

Starts `entitlement emulator serve --throttle PROFILE` with N users and two
empty access packages, then:

1. `entitlement assign` of the N users to package A: wall time against the
   profile's ideal (the time the app's token bucket needs to pass the
   run's requests: (cost of N creates + the pre-check's reads - burst) /
   refill rate; the tenant bucket likewise, the larger of the two), the
   ratio (target <= 1.1), and, read back from the emulator's state, lost
   targets (no request) and duplicated ones (more than one add request),
   with the emulator's count of requests sent before their Retry-After;
2. the same for package B with `--journal`, `kill -9`ed mid-run, then
   rerun with the same journal: still 0 lost, 0 duplicated.

Prints `key=value` figures; exits non-zero when a target is lost or
duplicated (a correctness failure), never for a slow ratio.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import Served  # noqa: E402
from make_seed import BENCH_APP_ID, BENCH_APP_SECRET, CATALOG, sid  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", os.environ.get("CARGO_BUILD_TARGET", "x86_64-unknown-linux-gnu"), "release", "entitlement")
PACKAGES = [sid(0xA, 1), sid(0xA, 2)]
POLICIES = [sid(0xB, 1), sid(0xB, 2)]
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def seed(n, path):
    users = [{"id": sid(0x1, i + 1), "displayName": f"Bulk User {i}", "userPrincipalName": f"bulk.user{i}@contoso.com",
              "mail": f"bulk.user{i}@contoso.com"} for i in range(n)]
    packages = [{"id": p, "catalogId": CATALOG, "displayName": f"Bulk {i}", "description": "bulk benchmark", "isHidden": False}
                for i, p in enumerate(PACKAGES)]
    policies = [{"id": q, "accessPackageId": p, "displayName": "Admin assigned", "description": "direct",
                 "allowedTargetScope": "notSpecified", "specificAllowedTargets": [],
                 "requestorSettings": {"enableTargetsToSelfAddAccess": False},
                 "requestApprovalSettings": {"isApprovalRequiredForAdd": False, "isApprovalRequiredForUpdate": False, "stages": []},
                 "expiration": {"type": "noExpiration"}} for p, q in zip(PACKAGES, POLICIES)]
    doc = {
        "users": users,
        "applications": [{"clientId": BENCH_APP_ID, "clientSecret": BENCH_APP_SECRET, "displayName": "Benchmark",
                          "permissions": ["EntitlementManagement.ReadWrite.All"]}],
        "catalogs": [{"id": CATALOG, "displayName": "Bulk", "description": "bulk", "catalogType": "userManaged",
                      "state": "published", "isExternallyVisible": True}],
        "objects": {"accessPackages": packages, "assignmentPolicies": policies},
    }
    with open(path, "w") as f:
        json.dump(doc, f)
    return [u["id"] for u in users]


def profile_figures(spec):
    """(app capacity, app refill/s, tenant capacity, tenant refill/s, read cost, write cost) of a profile."""
    p = {"app": (150.0, 15.0), "tenant": (600.0, 60.0), "read": 1.0, "write": 2.0}
    for i, part in enumerate(x.strip() for x in spec.split(",")):
        if i == 0 and part == "graph":
            continue
        k, v = part.split("=", 1)
        if k in ("app", "tenant"):
            c, r = v.split("/")
            p[k] = (float(c), float(r))
        elif k in ("read", "write"):
            p[k] = float(v)
    return p


def ideal_seconds(p, writes, reads):
    cost = writes * p["write"] + reads * p["read"]
    return max((cost - cap) / rate for cap, rate in (p["app"], p["tenant"]))


class Emulator(Served):
    def __init__(self, seed_path, profile, tmp):
        super().__init__(BIN, ["--seed", seed_path, "--throttle", profile], tmp)
        self.token = self.app_token(BENCH_APP_ID, BENCH_APP_SECRET)

    def get(self, url):
        """GET with the bench's own token, honouring Retry-After (the throttle is on)."""
        while True:
            try:
                return json.load(OPENER.open(urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}"})))
            except urllib.error.HTTPError as e:
                if e.code not in (429, 503):
                    raise
                time.sleep(float(e.headers.get("Retry-After", "1")))

    def throttling(self):
        return json.load(OPENER.open(f"{self.base}/_emulator/throttling"))

    def reset_throttling(self):
        OPENER.open(urllib.request.Request(f"{self.base}/_emulator/throttling", method="DELETE"))

    def list_all(self, collection, query):
        url = f"{self.base}/v1.0/identityGovernance/entitlementManagement/{collection}?{urllib.parse.urlencode(query)}"
        while url:
            page = self.get(url)
            yield from page["value"]
            url = page.get("@odata.nextLink")

    def assignments_per_target(self, package):
        """Assignments per target, read back from the emulator's state once no
        request of the package is still on its way (a duplicated request would
        be a second assignment; a v1.0 request names its target only through
        its assignment)."""
        flt = {"$filter": f"accessPackage/id eq '{package}'"}
        for _ in range(600):
            pending = sum(1 for r in self.list_all("assignmentRequests", flt) if r["state"] in ("submitted", "delivering"))
            if pending == 0:
                break
            time.sleep(0.5)
        per = {}
        for a in self.list_all("assignments", {**flt, "$expand": "target"}):
            t = (a.get("target") or {}).get("objectId", "?").lower()
            per[t] = per.get(t, 0) + 1
        return per


def assign_cmd(emu, package, policy, targets_file, args, journal=None):
    cmd = [BIN, "assign", "--endpoint", emu.base, "--authority", emu.base, "--tenant-id", emu.tenant,
           "--client-id", BENCH_APP_ID, "--access-package", package, "--policy", policy,
           "--targets", targets_file, "--max-concurrency", str(args.max_concurrency), "--output", "json"]
    if journal:
        cmd += ["--journal", journal]
    env = dict(os.environ, ENTITLEMENT_CLIENT_SECRET=BENCH_APP_SECRET)
    return cmd, env


def check(emu, package, users, label, out):
    per = emu.assignments_per_target(package)
    lost = sum(1 for u in users if per.get(u.lower(), 0) == 0)
    duplicated = sum(1 for n in per.values() if n > 1)
    out[f"{label}_lost"] = lost
    out[f"{label}_duplicated"] = duplicated
    return lost == 0 and duplicated == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--profile", default="graph,app=100/50,tenant=100000/100000,read=1,write=1")
    ap.add_argument("--max-concurrency", type=int, default=16)
    ap.add_argument("--kill-at", type=float, default=0.4, help="share of the ideal time after which the second run is killed")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"bench: {BIN} is missing (cargo build --release -p entitlement-cli)")
    out = {"n": args.n, "profile": args.profile}
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        seed_path = os.path.join(tmp, "seed.json")
        users = seed(args.n, seed_path)
        targets = os.path.join(tmp, "targets.txt")
        with open(targets, "w") as f:
            f.write("\n".join(users) + "\n")
        emu = Emulator(seed_path, args.profile, tmp)
        try:
            p = profile_figures(args.profile)
            # 1. one uninterrupted run
            cmd, env = assign_cmd(emu, PACKAGES[0], POLICIES[0], targets, args)
            t0 = time.monotonic()
            run = subprocess.run(cmd, env=env, capture_output=True, text=True)
            wall = time.monotonic() - t0
            if run.returncode != 0:
                sys.exit(f"bench: entitlement assign failed ({run.returncode}):\n{run.stderr[-2000:]}")
            report = json.loads(run.stdout)
            reads = report["requests"] - report["created"] - report["throttled"]
            ideal = ideal_seconds(p, args.n, reads)
            t = emu.throttling()
            out.update({
                "run_wall_s": round(wall, 2), "run_engine_s": round(report["elapsedMs"] / 1000, 2),
                "ideal_s": round(ideal, 2), "ratio": round(wall / ideal, 3) if ideal > 0 else None,
                "created": report["created"], "skipped": report["skipped"], "failed": report["failed"],
                "requests": report["requests"], "throttled_429": report["throttled"], "final_concurrency": report["concurrency"],
                "early_retries": t["earlyRetries"],
            })
            emu.reset_throttling()
            ok &= check(emu, PACKAGES[0], users, "run", out)
            # 2. a run killed with SIGKILL mid-way, then resumed from its journal
            emu.reset_throttling()
            journal = os.path.join(tmp, "journal.jsonl")
            cmd, env = assign_cmd(emu, PACKAGES[1], POLICIES[1], targets, args, journal)
            victim = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(max(0.5, ideal * args.kill_at))
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            with open(journal) as f:
                lines = f.read().splitlines()
            out["killed_journal_records"] = len(lines)
            out["killed_settled"] = sum(1 for x in lines if '"outcome"' in x)
            t0 = time.monotonic()
            run = subprocess.run(cmd, env=env, capture_output=True, text=True)
            out["resume_wall_s"] = round(time.monotonic() - t0, 2)
            if run.returncode != 0:
                sys.exit(f"bench: the resumed run failed ({run.returncode}):\n{run.stderr[-2000:]}")
            report = json.loads(run.stdout)
            reasons = {}
            for item in report["items"]:
                key = item["outcome"] + (":" + item["reason"] if "reason" in item else "")
                reasons[key] = reasons.get(key, 0) + 1
            out["resume_outcomes"] = reasons
            out["resume_early_retries"] = emu.throttling()["earlyRetries"]
            emu.reset_throttling()
            ok &= check(emu, PACKAGES[1], users, "resume", out)
        finally:
            emu.stop()
    for k, v in out.items():
        print(f"bulk_{k}={json.dumps(v) if isinstance(v, dict) else v}")
    if out.get("ratio") is not None:
        print(f"bulk: wall {out['run_wall_s']} s vs ideal {out['ideal_s']} s = {out['ratio']}x (target <= 1.1x) for N={args.n}")
    if not ok:
        sys.exit("bench: a target was lost or duplicated")


if __name__ == "__main__":
    main()
