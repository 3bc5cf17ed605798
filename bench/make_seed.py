#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""Writes an emulator seed (`entitlement emulator serve --seed FILE`) with N
delivered assignments shaped like Graph's, for the paging benchmark.

    python3 bench/make_seed.py N OUT.json

The assignments are spread over four access packages, each with one v1.0
assignment policy modelled on the documented examples
(conformance/examples.json: entitlementmanagement-post-assignmentpolicies #2,
#3 and #4, accesspackageassignmentpolicy-update,
accesspackageassignmentpolicy-get #2): specific allowed targets, an
expiration, full requestor settings, an approval stage with primary /
fallback / escalation approvers, review settings with a quarterly schedule, a
multiple-choice question and a custom extension stage setting; the four
policies carry different subsets of those parts, as a tenant's do.  With
`$expand=target,accessPackage,assignmentPolicy` the emulator renders an
assignment at about 3.2 KB of JSON on average (2.1 to 4.0 KB; bench/run.sh
prints the measured average).
"""
import json
import sys

BENCH_APP_ID = "b3e0c0de-0000-4000-8000-00000000beef"
BENCH_APP_SECRET = "bench-secret"
CATALOG = "cec5d6ab-c75d-47c0-9c1c-92e89f66e384"
PACKAGES = 4  # assignments are spread round-robin over this many packages/policies
CREATED = "2024-03-26T17:36:45.411Z"


def sid(kind, i):
    """Deterministic v4-looking ids: kind selects the first hex digit."""
    return f"{kind:x}{i:07x}-0000-4000-8000-{i:012x}"


def typed(kind, **kw):
    """An object with its `@odata.type` (approvers, targets, questions)."""
    return {"@odata.type": f"#microsoft.graph.{kind}", **kw}


def stage(days, primary, fallback, escalation=()):
    return {
        "durationBeforeAutomaticDenial": f"P{days}D",
        "isApproverJustificationRequired": True,
        "isEscalationEnabled": bool(escalation),
        "durationBeforeEscalation": "PT12H" if escalation else "PT0S",
        "primaryApprovers": primary,
        "fallbackPrimaryApprovers": fallback,
        "escalationApprovers": list(escalation),
        "fallbackEscalationApprovers": [],
    }


def policy(i, package_id, owners_group, sponsor):
    """Policy i: 0 has every part; 1 no questions or extension; 2 no review;
    3 is a plain self-service policy without approval (like the "All Users"
    example), so the packages' policies vary as a tenant's do."""
    owners = typed("groupMembers", groupId=owners_group, description="Resource owners")
    lead = typed("singleUser", userId=sponsor)
    p = {
        "id": sid(0x6, i),
        "displayName": f"Sales department requests ({i})",
        "description": "Sales users request access; their manager approves.",
        "accessPackageId": package_id,
        "createdDateTime": CREATED,
        "modifiedDateTime": CREATED,
        "allowedTargetScope": "specificDirectoryUsers",
        "specificAllowedTargets": [typed("attributeRuleMembers", description="Sales department",
                                            membershipRule="(user.department -eq \"Sales\")")],
        "automaticRequestSettings": None,
        "expiration": {"type": "afterDuration", "duration": "P365D", "endDateTime": None},
        "requestorSettings": {
            "enableTargetsToSelfAddAccess": True,
            "enableTargetsToSelfUpdateAccess": True,
            "enableTargetsToSelfRemoveAccess": True,
            "allowCustomAssignmentSchedule": False,
            "enableOnBehalfRequestorsToAddAccess": False,
            "enableOnBehalfRequestorsToUpdateAccess": False,
            "enableOnBehalfRequestorsToRemoveAccess": False,
            "onBehalfRequestors": [],
        },
        "requestApprovalSettings": {
            "isApprovalRequiredForAdd": True,
            "isApprovalRequiredForUpdate": False,
            "stages": [stage(14, [typed("requestorManager", managerLevel=1)], [lead], [owners])],
        },
        "reviewSettings": {
            "isEnabled": True,
            "expirationBehavior": "keepAccess",
            "isRecommendationEnabled": True,
            "isReviewerJustificationRequired": True,
            "isSelfReview": False,
            "schedule": {
                "startDateTime": "2024-07-02T06:59:59.998Z",
                "expiration": {"duration": "P14D", "type": "afterDuration", "endDateTime": None},
                "recurrence": {
                    "pattern": {"type": "absoluteMonthly", "interval": 3, "month": 0, "dayOfMonth": 0, "daysOfWeek": []},
                    "range": {"type": "noEnd", "numberOfOccurrences": 0},
                },
            },
            "primaryReviewers": [owners],
            "fallbackReviewers": [lead],
        },
        "questions": [
            typed("accessPackageMultipleChoiceQuestion", id=sid(0x7, i), sequence=1, isRequired=True,
                  isAnswerEditable=True, text="What country are you working from?", isMultipleSelectionAllowed=False,
                  choices=[{"actualValue": c, "text": t} for c, t in [("KE", "Kenya"), ("US", "United States"), ("JP", "Japan")]]),
        ],
        "customExtensionStageSettings": [
            {"id": sid(0x9, i), "stage": "assignmentRequestCreated",
             "customExtension": {"id": "219f57b6-7983-45a1-be01-2c228b7a43f8"}},
        ],
    }
    kind = i % 4
    if kind in (1, 3):
        del p["questions"], p["customExtensionStageSettings"]
    if kind in (2, 3):
        del p["reviewSettings"]
    if kind == 3:
        p["allowedTargetScope"], p["specificAllowedTargets"] = "allMemberUsers", []
        p["requestApprovalSettings"] = {"isApprovalRequiredForAdd": False, "isApprovalRequiredForUpdate": False, "stages": []}
    return p


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    group = sid(0x3, 0)
    sponsor = sid(0x1, 0)
    users = [{"id": sponsor, "displayName": "Sales Operations Lead", "userPrincipalName": "salesops@contoso.com",
              "mail": "salesops@contoso.com"}]
    packages, policies = [], []
    for p in range(PACKAGES):
        pkg = sid(0x5, p)
        packages.append({
            "id": pkg, "catalogId": CATALOG, "isHidden": False,
            "displayName": f"Sales and marketing tools {p}",
            "description": "CRM, marketing automation and the shared sales collateral site, for the sales department.",
            "createdDateTime": CREATED, "modifiedDateTime": CREATED,
        })
        policies.append(policy(p, pkg, group, sponsor))
    assignments = []
    for i in range(n):
        user = sid(0x1, i + 1)
        users.append({"id": user, "displayName": f"Bench User {i}", "userPrincipalName": f"bench.user{i}@contoso.com",
                      "mail": f"bench.user{i}@contoso.com"})
        p = i % PACKAGES
        assignments.append({
            "id": sid(0x2, i),
            "state": "delivered", "status": "Delivered",
            "accessPackageId": packages[p]["id"], "assignmentPolicyId": policies[p]["id"], "targetId": user,
            "schedule": {"startDateTime": CREATED, "recurrence": None,
                         "expiration": {"type": "afterDuration", "duration": "P365D", "endDateTime": None}},
            "expiredDateTime": None,
        })
    seed = {
        "users": users,
        "groups": [{"id": group, "displayName": "Marketing resources", "description": "Owners of the sales resources",
                    "members": [sponsor]}],
        "applications": [{"clientId": BENCH_APP_ID, "clientSecret": BENCH_APP_SECRET, "displayName": "Benchmark",
                          "permissions": ["EntitlementManagement.ReadWrite.All"]}],
        "catalogs": [{"id": CATALOG, "displayName": "Sales", "description": "Sales department resources",
                      "catalogType": "userManaged", "state": "published", "isExternallyVisible": True}],
        "objects": {"accessPackages": packages, "assignmentPolicies": policies, "assignments": assignments},
    }
    with open(out, "w") as f:
        json.dump(seed, f)


if __name__ == "__main__":
    main()
