#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Writes an emulator seed with N delivered assignments (and their package,
policy and target users) for the paging benchmark."""
import json
import sys
import uuid

n = int(sys.argv[1])
out = sys.argv[2]
catalog = "cec5d6ab-c75d-47c0-9c1c-92e89f66e384"
pkg = "11111111-2222-4333-8444-555555555555"
policy = "66666666-7777-4888-9999-aaaaaaaaaaaa"
users, assignments = [], []
for i in range(n):
    uid = str(uuid.UUID(int=0x10000000_0000_4000_8000_000000000000 + i))
    users.append({"id": uid, "displayName": f"Bench User {i}", "userPrincipalName": f"bench{i}@contoso.com"})
    assignments.append({
        "id": str(uuid.UUID(int=0x20000000_0000_4000_8000_000000000000 + i)),
        "state": "delivered", "status": "Delivered",
        "accessPackageId": pkg, "assignmentPolicyId": policy, "targetId": uid,
        "schedule": {"startDateTime": "2024-03-26T17:36:45.411Z", "expiration": {"type": "afterDuration", "duration": "P30D"}},
        "expiredDateTime": None,
    })
seed = {
    "objects": {
        "accessPackages": [{"id": pkg, "displayName": "Bench package", "description": "Paging benchmark", "catalogId": catalog, "isHidden": False}],
        "assignmentPolicies": [{"id": policy, "displayName": "Bench policy", "description": "Admins assign", "accessPackageId": pkg,
                                "allowedTargetScope": "notSpecified", "expiration": {"type": "afterDuration", "duration": "P30D"}}],
        "assignments": assignments,
    },
    "users": users,
    "applications": [{"clientId": "b3e0c0de-0000-4000-8000-00000000beef", "clientSecret": "bench-secret",
                      "displayName": "Benchmark", "permissions": ["EntitlementManagement.ReadWrite.All"]}],
}
with open(out, "w") as f:
    json.dump(seed, f)
