# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
"""The request lifecycle over days, on the emulator's manual clock: expiry,
scheduled start, escalation and automatic denial, a custom extension
webhook, and the client's lifecycle helpers."""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from entitlement import InvalidArgumentError, NotFoundError
from entitlement.testing import Emulator, ids

# A primary approver who never answers (not a directory user).
ABSENT_APPROVER = "0badc0de-0000-4000-8000-000000000001"


@pytest.fixture
def emu():
    with Emulator(clock="manual", delivery_delay=0.01) as e:
        yield e


def package(admin, policy_extra=None):
    """A package granting Member of the marketing group, and its policy."""
    try:
        admin.create_resource_request({"requestType": "adminAdd", "catalog": {"id": ids.GENERAL_CATALOG_ID},
                                       "resource": {"originId": ids.MARKETING_GROUP_ID, "originSystem": "AadGroup"}})
    except Exception:  # already in the catalog
        pass
    role = next(iter(admin.list_catalog_resource_roles(
        ids.GENERAL_CATALOG_ID, filter=f"originId eq 'Member_{ids.MARKETING_GROUP_ID}'", expand="resource")))
    pkg = admin.create_access_package({"displayName": f"pkg {time.time_ns()}", "description": "over days",
                                       "catalog": {"id": ids.GENERAL_CATALOG_ID}})
    admin.create_access_package_resource_role_scope(pkg.id, {
        "role": {"id": role.id, "originId": role.origin_id, "originSystem": "AadGroup",
                 "resource": {"id": role.resource.id}},
        "scope": {"originId": ids.MARKETING_GROUP_ID, "originSystem": "AadGroup"},
    })
    body = {"displayName": "policy", "description": "over days", "accessPackage": {"id": pkg.id},
            "allowedTargetScope": "specificDirectoryUsers",
            "specificAllowedTargets": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids.REQUESTOR1_ID}],
            "requestorSettings": {"enableTargetsToSelfAddAccess": True, "allowCustomAssignmentSchedule": True}}
    body.update(policy_extra or {})
    return pkg, admin.create_assignment_policy(body)


def admin_add(admin, pkg, policy, **extra):
    body = {"requestType": "adminAdd", "assignment": {"targetId": ids.REQUESTOR1_ID, "assignmentPolicyId": policy.id,
                                                      "accessPackageId": pkg.id}}
    body.update(extra)
    return admin.create_assignment_request(body)


def in_group(admin):
    return any(u.id == ids.REQUESTOR1_ID for u in admin.list_group_members(ids.MARKETING_GROUP_ID))


def test_a_p3d_assignment_expires_after_advance_and_the_user_leaves_the_group(emu):
    admin = emu.client()
    pkg, policy = package(admin, {"expiration": {"type": "afterDuration", "duration": "P3D"}})
    req = admin_add(admin, pkg, policy)
    followed = admin.follow_assignment_request(req.id, timeout=10, poll_interval=0.01)
    assert followed.request.state == "delivered"
    assert followed.states[-1] == "delivered" and len(followed.states) == len(set(followed.states))
    assert in_group(admin)
    a = admin.get_assignment(req.id).to_dict()
    start = dt.datetime.fromisoformat(a["schedule"]["startDateTime"].replace("Z", "+00:00"))
    assert emu.now() == start
    emu.advance(days=2, hours=23)
    assert admin.get_assignment(req.id).state == "delivered" and in_group(admin)
    now = emu.advance("PT1H")
    assert now - start == dt.timedelta(days=3)
    assert admin.get_assignment(req.id).state == "expired"
    assert not in_group(admin)
    assert [r.request_type for r in admin.list_assignment_requests() if r.request_type == "systemRemove"]


def test_a_future_dated_request_is_delivered_when_the_clock_reaches_its_start(emu):
    admin = emu.client()
    pkg, policy = package(admin)
    start = emu.now() + dt.timedelta(days=1)
    iso = start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    req = admin_add(admin, pkg, policy, schedule={"startDateTime": iso,
                                                  "expiration": {"type": "afterDuration", "duration": "P2D"}})
    assert admin.wait_for_assignment_request(req.id, timeout=10, poll_interval=0.01).state == "scheduled"
    assert not in_group(admin)
    emu.advance(dt.timedelta(days=1))
    assert admin.get_assignment_request(req.id).state == "delivered"
    assert in_group(admin)
    emu.advance("P2D")
    assert admin.get_assignment(req.id).state == "expired" and not in_group(admin)


def test_an_unanswered_approval_escalates_then_is_denied(emu):
    admin = emu.client()
    stage = {"durationBeforeAutomaticDenial": "P3D", "isApproverJustificationRequired": True,
             "isEscalationEnabled": True, "durationBeforeEscalation": "P1D",
             "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ABSENT_APPROVER}],
             "escalationApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids.ADMIN_ID}]}
    pkg, policy = package(admin, {"requestApprovalSettings": {"isApprovalRequiredForAdd": True,
                                                              "isApprovalRequiredForUpdate": False, "stages": [stage]}})
    user = emu.user_client(ids.REQUESTOR1_UPN)
    approver = emu.user_client(ids.ADMIN_UPN)
    req = user.create_assignment_request({"requestType": "userAdd", "justification": "quarter close",
                                          "assignment": {"accessPackageId": pkg.id, "assignmentPolicyId": policy.id,
                                                         "targetId": ids.REQUESTOR1_ID}})
    deadline = time.monotonic() + 10
    while admin.get_assignment_request(req.id).state != "pendingApproval":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert list(approver.filter_assignment_approvals_by_current_user("approver")) == []
    with pytest.raises(NotFoundError):
        approver.approve_assignment_request(req.id, "too early")
    emu.advance("P1D")
    assert [a.id for a in approver.filter_assignment_approvals_by_current_user("approver")] == [req.id]
    emu.advance(days=2)
    r = admin.get_assignment_request(req.id)
    assert (r.state, r.status) == ("denied", "TimedOut")
    assert not in_group(admin)


def test_escalation_approver_decides_with_the_helper(emu):
    admin = emu.client()
    stage = {"durationBeforeAutomaticDenial": "P3D", "isApproverJustificationRequired": True,
             "isEscalationEnabled": True, "durationBeforeEscalation": "PT4H",
             "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ABSENT_APPROVER}],
             "escalationApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": ids.ADMIN_ID}]}
    pkg, policy = package(admin, {"requestApprovalSettings": {"isApprovalRequiredForAdd": True,
                                                              "isApprovalRequiredForUpdate": False, "stages": [stage]}})
    user = emu.user_client(ids.REQUESTOR1_UPN)
    req = user.create_assignment_request({"requestType": "userAdd", "justification": "audit",
                                          "assignment": {"accessPackageId": pkg.id, "assignmentPolicyId": policy.id,
                                                         "targetId": ids.REQUESTOR1_ID}})
    deadline = time.monotonic() + 10
    while admin.get_assignment_request(req.id).state != "pendingApproval":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    emu.advance(hours=4)
    approver = emu.user_client(ids.ADMIN_UPN)
    approver.approve_assignment_request(req.id, "covering for the owner")
    followed = admin.follow_assignment_request(req.id, timeout=10, poll_interval=0.01)
    assert followed.request.state == "delivered"
    stages = approver.get_assignment_approval(req.id).to_dict()["stages"]
    assert stages[0]["reviewResult"] == "Approve" and stages[0]["justification"] == "covering for the owner"
    # Extending the assignment moves its end.
    ext = admin.extend_assignment(req.id, "P10D")
    assert admin.wait_for_assignment_request(ext.id, timeout=10, poll_interval=0.01).state == "delivered"
    end = admin.get_assignment(req.id).to_dict()["schedule"]["expiration"]
    assert end["type"] == "afterDateTime" and end["endDateTime"]


class _Hook(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        type(self).received.append(json.loads(body))
        self.send_response(202)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_custom_extension_webhook_gets_the_callout_and_the_request_proceeds_after_resume(emu):
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        admin = emu.client()
        ext = admin.create_catalog_custom_workflow_extension(ids.GENERAL_CATALOG_ID, {
            "@odata.type": "#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension",
            "displayName": "ticketing", "description": "webhook",
            "endpointConfiguration": {"@odata.type": "#microsoft.graph.httpRequestEndpoint",
                                      "targetUrl": f"http://127.0.0.1:{server.server_port}/hook"},
            "authenticationConfiguration": {"@odata.type": "#microsoft.graph.azureAdPopTokenAuthentication"},
            "callbackConfiguration": {"@odata.type": "#microsoft.graph.customExtensionCallbackConfiguration",
                                      "timeoutDuration": "P1D"},
        })
        pkg, policy = package(admin, {"customExtensionStageSettings": [
            {"stage": "assignmentRequestCreated", "customExtension": {"id": ext.id}}]})
        req = admin_add(admin, pkg, policy)
        deadline = time.monotonic() + 10
        while not _Hook.received:
            assert time.monotonic() < deadline, "no callout"
            time.sleep(0.01)
        payload = _Hook.received[0]
        assert payload["type"] == "microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated"
        data = payload["data"]
        assert data["@odata.type"] == "#microsoft.graph.accessPackageAssignmentRequestCalloutData"
        assert data["stage"] == "assignmentRequestCreated"
        assert data["accessPackageAssignmentRequestId"] == req.id
        assert data["callbackUriPath"].endswith(f"/assignmentRequests/{req.id}/resume")
        emu.advance(hours=6)
        assert admin.get_assignment_request(req.id).state == "submitted"
        admin.resume_assignment_request(req.id, {
            "source": "Contoso.Ticketing",
            "type": "microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated",
            "data": {"@odata.type": "microsoft.graph.accessPackageAssignmentRequestCallbackData",
                     "stage": "assignmentRequestCreated",
                     "customExtensionStageInstanceId": data["customExtensionStageInstanceId"],
                     "customExtensionStageInstanceDetail": "ticket approved"}})
        followed = admin.follow_assignment_request(req.id, timeout=10, poll_interval=0.01)
        assert followed.request.state == "delivered"
        assert in_group(admin)
    finally:
        server.shutdown()


def test_a_real_clock_does_not_advance_and_bad_steps_are_refused():
    with Emulator() as real:
        with pytest.raises(InvalidArgumentError):
            real.advance(days=1)
    with Emulator(clock="manual") as e:
        with pytest.raises(InvalidArgumentError):
            e.advance("three days")
        with pytest.raises(InvalidArgumentError):
            e.advance(dt.timedelta(days=-1))
        with pytest.raises(InvalidArgumentError):
            e.advance("P1D", days=1)
        t0 = e.now()
        assert e.advance(days=3) - t0 == dt.timedelta(days=3)


def test_the_async_client_follows_and_extends(emu):
    import asyncio

    admin = emu.client()
    pkg, policy = package(admin, {"expiration": {"type": "afterDuration", "duration": "P1D"}})

    async def main():
        client = emu.async_client()
        req = await client.create_assignment_request({
            "requestType": "adminAdd",
            "assignment": {"targetId": ids.REQUESTOR1_ID, "assignmentPolicyId": policy.id, "accessPackageId": pkg.id}})
        done = await client.follow_assignment_request(req.id, timeout=10, poll_interval=0.01)
        assert done.request.state == "delivered" and done.states[-1] == "delivered"
        ext = await client.extend_assignment(req.id, {"type": "afterDuration", "duration": "P5D"})
        assert (await client.follow_assignment_request(ext.id, timeout=10, poll_interval=0.01)).request.state \
            == "delivered"
        return req.id

    rid = asyncio.run(main())
    emu.advance(days=4)
    assert admin.get_assignment(rid).state == "delivered"
    emu.advance(days=1)
    assert admin.get_assignment(rid).state == "expired"
