# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Assign a list of users to an access package with the bulk API (a journal
makes a rerun resume where the last one stopped), then export the package's
assignments to JSONL.

    python bulk.py [OUT_DIR]    # against an in-process emulator seeded with 50 users
    AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… ENTITLEMENT_ACCESS_PACKAGE_ID=… \\
    ENTITLEMENT_POLICY_ID=… ENTITLEMENT_TARGETS=users.txt python bulk.py [OUT_DIR]   # a real tenant
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional

from entitlement import Client, EntitlementError, Filter
from entitlement.testing import Emulator

USERS = 50
TENANT = "b0b0b0b0-0000-4000-8000-000000000000"
APP_ID, APP_SECRET = "b0b0b0b0-0000-4000-8000-0000000000a1", "bulk-example-secret"
CATALOG = "b0b0b0b0-0000-4000-8000-0000000000c1"
PACKAGE = "b0b0b0b0-0000-4000-8000-0000000000d1"
POLICY = "b0b0b0b0-0000-4000-8000-0000000000e1"


class Job(NamedTuple):
    client: Client
    package_id: str
    policy_id: str
    targets: List[str]


def user_id(i: int) -> str:
    return f"b1000000-0000-4000-8000-{i:012x}"


def seed() -> Dict[str, Any]:
    """A tenant with USERS users, one access package with an admin-assigned
    policy, and user 0 already assigned (the run skips them)."""
    return {
        "tenantId": TENANT,
        "users": [{"id": user_id(i), "displayName": f"Bulk User {i}", "userPrincipalName": f"bulk.user{i}@contoso.com"}
                  for i in range(USERS)],
        "applications": [{"clientId": APP_ID, "clientSecret": APP_SECRET, "displayName": "Bulk example",
                          "permissions": ["EntitlementManagement.ReadWrite.All"]}],
        "catalogs": [{"id": CATALOG, "displayName": "Bulk", "description": "Bulk example", "catalogType": "userManaged",
                      "state": "published", "isExternallyVisible": True}],
        "objects": {
            "accessPackages": [{"id": PACKAGE, "catalogId": CATALOG, "displayName": "Onboarding",
                                "description": "Everyone's first day", "isHidden": False}],
            "assignmentPolicies": [{
                "id": POLICY, "accessPackageId": PACKAGE, "displayName": "Admin assigned", "description": "direct",
                "allowedTargetScope": "notSpecified", "specificAllowedTargets": [],
                "requestorSettings": {"enableTargetsToSelfAddAccess": False},
                "requestApprovalSettings": {"isApprovalRequiredForAdd": False, "isApprovalRequiredForUpdate": False,
                                            "stages": []},
                "expiration": {"type": "noExpiration"}}],
            "assignments": [{
                "id": "b2000000-0000-4000-8000-000000000000", "state": "delivered", "status": "Delivered",
                "accessPackageId": PACKAGE, "assignmentPolicyId": POLICY, "targetId": user_id(0),
                "schedule": {"startDateTime": "2026-01-05T09:00:00Z", "expiration": {"type": "noExpiration"}}}],
        },
    }


def real_tenant() -> Optional[Job]:
    """The tenant and job named by the environment, or None to use the emulator."""
    env = os.environ
    if not env.get("AZURE_CLIENT_ID"):
        return None
    client = Client(env.get("ENTITLEMENT_ENDPOINT", "https://graph.microsoft.com"), tenant_id=env["AZURE_TENANT_ID"],
                    client_id=env["AZURE_CLIENT_ID"], client_secret=env["AZURE_CLIENT_SECRET"],
                    authority=env.get("ENTITLEMENT_AUTHORITY"))
    lines = Path(env["ENTITLEMENT_TARGETS"]).read_text().splitlines()
    targets = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return Job(client, env["ENTITLEMENT_ACCESS_PACKAGE_ID"], env["ENTITLEMENT_POLICY_ID"], targets)


def show_progress(p: Dict[str, Any]) -> None:
    print(f"  [{p['done']}/{p['total']}] created {p['created']}, skipped {p['skipped']}, failed {p['failed']}, "
          f"concurrency {p['concurrency']}")


def wait_until_settled(client: Client, package_id: str, timeout: float = 120) -> None:
    """Assignments appear as their requests are delivered: wait for that before exporting."""
    deadline = time.monotonic() + timeout
    by_package = Filter.eq("accessPackage/id", package_id)
    while time.monotonic() < deadline:
        pending = [r for r in client.list_assignment_requests(filter=by_package) if r.state in ("submitted", "delivering")]
        if not pending:
            return
        print(f"  {len(pending)} requests still being delivered")
        time.sleep(0.5)
    raise SystemExit("error: requests still pending after the wait")


def assign_and_export(job: Job, out_dir: Path) -> int:
    client = job.client
    journal = out_dir / "assign-journal.jsonl"
    # Read first: a wrong id or credential fails here, before any bulk work.
    package = client.get_access_package(job.package_id)
    print(f"assigning {len(job.targets)} users to {package.display_name!r} ({job.package_id}), journal {journal}")
    run = client.bulk_assign(job.package_id, job.policy_id, job.targets, journal=journal, max_concurrency=8,
                             progress=show_progress)
    for item in run:
        if item["outcome"] == "failed":
            print(f"  failed: {item['target']}: {item['error']['kind']}: {item['error']['message']}")
    report = run.wait()
    print(f"bulk assign: {report.created} created, {report.skipped} skipped, {report.reconciled} reconciled, "
          f"{report.failed} failed in {report.elapsed_ms / 1000:.1f} s ({report.requests} requests, "
          f"{report.throttled} throttled)")

    wait_until_settled(client, job.package_id)
    out = out_dir / "assignments.jsonl"
    summary = client.export("assignments", path=out, format="jsonl", expand="target",
                            filter=Filter.eq("accessPackage/id", job.package_id))
    states = Counter(json.loads(line)["state"] for line in out.read_text().splitlines())
    print(f"exported {summary.get('count')} assignments ({summary.get('bytes')} bytes) to {out}: {dict(states)}")
    return 1 if report.failed else 0


def main() -> int:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        job = real_tenant()
        if job is not None:
            return assign_and_export(job, out_dir)
        # A new emulator knows nothing of an earlier run: start without its journal.
        (out_dir / "assign-journal.jsonl").unlink(missing_ok=True)
        with Emulator(seed=seed(), delivery_delay=0.05) as emu:
            print("emulator at", emu.base_url)
            return assign_and_export(Job(emu.client(), PACKAGE, POLICY, [user_id(i) for i in range(USERS)]), out_dir)
    except EntitlementError as err:
        print(f"error: {err}" + (f" (request-id {err.request_id})" if err.request_id else ""), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
