# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""client.bulk_assign through a throttled emulator, with a resume: a run in a
child process is killed with SIGKILL mid-way, a second run with the same
journal finishes the job. The emulator counts what happened: every target
assigned exactly once, 429s sent, and no request retried before its
Retry-After."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

from entitlement import Client
from entitlement.testing import Emulator

N = 120
TENANT = "c0c0c0c0-0000-4000-8000-000000000000"
APP_ID = "c0c0c0c0-0000-4000-8000-0000000000a1"
APP_SECRET = "bulk-test-secret"
CATALOG = "c0c0c0c0-0000-4000-8000-0000000000c1"
PACKAGE = "c0c0c0c0-0000-4000-8000-0000000000d1"
POLICY = "c0c0c0c0-0000-4000-8000-0000000000e1"
# 10 writes of burst and 40/s after: 120 creates and their reads meet many
# 429s within a few seconds. Fractional Retry-After keeps the waits short.
PROFILE = "graph,app=10/40,tenant=100000/100000,read=1,write=1,retry-after=fractional"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def user_id(i):
    return f"c1000000-0000-4000-8000-{i:012x}"


def seed():
    return {
        "tenantId": TENANT,
        "users": [{"id": user_id(i), "displayName": f"Bulk User {i}", "userPrincipalName": f"bulk.user{i}@contoso.com"}
                  for i in range(N)],
        "applications": [{"clientId": APP_ID, "clientSecret": APP_SECRET, "displayName": "Bulk test",
                          "permissions": ["EntitlementManagement.ReadWrite.All"]}],
        "catalogs": [{"id": CATALOG, "displayName": "Bulk", "description": "bulk", "catalogType": "userManaged",
                      "state": "published", "isExternallyVisible": True}],
        "objects": {
            "accessPackages": [{"id": PACKAGE, "catalogId": CATALOG, "displayName": "Bulk", "description": "bulk",
                                "isHidden": False}],
            "assignmentPolicies": [{
                "id": POLICY, "accessPackageId": PACKAGE, "displayName": "Admin assigned", "description": "direct",
                "allowedTargetScope": "notSpecified", "specificAllowedTargets": [],
                "requestorSettings": {"enableTargetsToSelfAddAccess": False},
                "requestApprovalSettings": {"isApprovalRequiredForAdd": False, "isApprovalRequiredForUpdate": False,
                                            "stages": []},
                "expiration": {"type": "noExpiration"}}],
        },
    }


@pytest.fixture()
def throttled():
    with Emulator(seed=seed(), delivery_delay=0.01, throttle=PROFILE) as e:
        yield e, dict(base_url=e.base_url, tenant_id=TENANT, client_id=APP_ID, client_secret=APP_SECRET,
                      authority=e.authority)


def throttling(emu):
    return json.load(OPENER.open(f"{emu.base_url}/_emulator/throttling"))


# The child: the same bulk_assign, printing each settled item as a JSON line.
CHILD = textwrap.dedent("""
    import json, sys
    from entitlement import Client
    kw, package, policy, targets, journal = json.loads(sys.argv[1])
    run = Client(**kw).bulk_assign(package, policy, targets, journal=journal, max_concurrency=16)
    for event in run:
        print(json.dumps(event), flush=True)
""")


def per_target(client):
    """Assignments and add requests per target, read once every request is delivered."""
    f = f"accessPackage/id eq '{PACKAGE}'"
    for _ in range(400):
        requests = list(client.list_assignment_requests(filter=f, expand=["assignment"]))
        if all(r.state not in ("submitted", "delivering") for r in requests):
            break
        time.sleep(0.05)
    assignments = {}
    for a in client.list_assignments(filter=f, expand=["target"]):
        key = a.target.object_id.lower()
        assignments[key] = assignments.get(key, 0) + 1
    return assignments, requests


def test_assign_killed_mid_run_resumes_without_duplicates_or_early_retries(throttled, tmp_path):
    emu, kw = throttled
    targets = [user_id(i) for i in range(N)]
    journal = tmp_path / "journal.jsonl"
    # A first run in a child process, killed with SIGKILL once 40 items have settled.
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps([kw, PACKAGE, POLICY, targets, str(journal)])],
                             stdout=subprocess.PIPE, text=True)
    first = []
    try:
        for line in child.stdout:
            first.append(json.loads(line))
            if len(first) == 40:
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL, "the first run was killed, not finished"
    assert len(first) == 40 and all(e["outcome"] == "created" for e in first), first[:3]
    assert journal.exists()

    # The rerun with the same journal.
    client = Client(**kw)
    progress = []
    run = client.bulk_assign(PACKAGE, POLICY, targets, journal=journal, max_concurrency=16, progress=progress.append)
    assert len(run) == N
    events = list(run)
    report = run.report
    assert report.total == report.done == N
    assert report.failed == 0, report.failures
    assert sorted(e["index"] for e in events) == list(range(N))
    assert all(e["target"].lower() == targets[e["index"]].lower() for e in events)
    outcomes = {}
    for e in events:
        outcomes[e["outcome"]] = outcomes.get(e["outcome"], 0) + 1
    # The items the killed run settled are skipped from the journal, without a request.
    skipped = {e["index"] for e in events if e["outcome"] == "skipped"}
    assert {e["index"] for e in first} <= skipped
    assert all(e.get("reason") == "journal" for e in events if e["index"] in {f["index"] for f in first})
    assert report.created > 0 and report.skipped >= 40, outcomes
    assert report.created + report.skipped + report.reconciled == N, outcomes
    assert all(e.get("requestId") for e in events if e["outcome"] == "created")
    assert progress and progress[-1]["done"] <= N

    # Counted by the emulator: every target assigned once, one add request each.
    assignments, requests = per_target(client)
    assert len(assignments) == N and set(assignments) == {t.lower() for t in targets}
    assert all(n == 1 for n in assignments.values()), {k: n for k, n in assignments.items() if n > 1}
    adds = [r for r in requests if r.request_type == "adminAdd"]
    assert len(adds) == N, f"{len(adds)} add requests for {N} targets"
    # Throttling happened, and nothing was sent again before its Retry-After.
    t = throttling(emu)
    assert t["throttled"] >= 3, t
    assert report.throttled > 0
    assert t["earlyRetries"] == 0, t


def test_a_cancelled_run_resumes_from_its_journal(throttled, tmp_path):
    emu, kw = throttled
    client = Client(**kw)
    targets = [user_id(i) for i in range(N)]
    journal = tmp_path / "journal.jsonl"
    run = client.bulk_assign(PACKAGE, POLICY, targets[:60], journal=journal, max_concurrency=8)
    seen = []
    for event in run:
        seen.append(event)
        if len(seen) == 10:
            run.cancel()
    assert 10 <= len(seen) < 60
    report = client.bulk_assign(PACKAGE, POLICY, targets, journal=journal, max_concurrency=8).wait()
    assert report.failed == 0, report.failures
    journaled = [e for e in report.items if e.get("reason") == "journal"]
    assert len(journaled) >= 10
    assert report.created + report.skipped + report.reconciled == N
    assignments, _ = per_target(client)
    assert len(assignments) == N and all(n == 1 for n in assignments.values())
    assert throttling(emu)["earlyRetries"] == 0
