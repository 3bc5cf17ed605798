// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The request lifecycle over days on the emulator's manual clock: expiry,
// scheduled start, escalation and automatic denial, a custom extension
// webhook, and the client's lifecycle helpers.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { Emulator, InvalidArgumentError, NotFoundError } = require('..');
const { ids, rejectsWith } = require('./helpers');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A primary approver who never answers (not a directory user).
const ABSENT_APPROVER = '0badc0de-0000-4000-8000-000000000001';
const DAY = 86400000;

async function withEmulator(fn) {
  const em = await Emulator.start({ clock: 'manual', deliveryDelayMs: 10 });
  try {
    await fn(em);
  } finally {
    await em.stop();
  }
}

/** A package granting Member of the marketing group, and its policy. */
async function pkgWithPolicy(admin, extra = {}) {
  try {
    await admin.createResourceRequest({
      requestType: 'adminAdd',
      catalog: { id: ids.GENERAL_CATALOG_ID },
      resource: { originId: ids.MARKETING_GROUP_ID, originSystem: 'AadGroup' },
    });
  } catch {
    // already in the catalog
  }
  const [role] = await admin
    .listCatalogResourceRoles(ids.GENERAL_CATALOG_ID, { filter: `originId eq 'Member_${ids.MARKETING_GROUP_ID}'`, expand: ['resource'] })
    .toArray();
  const pkg = await admin.createAccessPackage({ displayName: `pkg ${Math.random()}`, description: 'over days', catalog: { id: ids.GENERAL_CATALOG_ID } });
  await admin.createAccessPackageResourceRoleScope(pkg.id, {
    role: { id: role.id, originId: role.originId, originSystem: 'AadGroup', resource: { id: role.resource.id } },
    scope: { originId: ids.MARKETING_GROUP_ID, originSystem: 'AadGroup' },
  });
  const policy = await admin.createAssignmentPolicy({
    displayName: 'policy',
    description: 'over days',
    accessPackage: { id: pkg.id },
    allowedTargetScope: 'specificDirectoryUsers',
    specificAllowedTargets: [{ '@odata.type': '#microsoft.graph.singleUser', userId: ids.REQUESTOR1_ID }],
    requestorSettings: { enableTargetsToSelfAddAccess: true, allowCustomAssignmentSchedule: true },
    ...extra,
  });
  return { pkg, policy };
}

function adminAdd(admin, pkg, policy, extra = {}) {
  return admin.createAssignmentRequest({
    requestType: 'adminAdd',
    assignment: { targetId: ids.REQUESTOR1_ID, assignmentPolicyId: policy.id, accessPackageId: pkg.id },
    ...extra,
  });
}

async function inGroup(admin) {
  const members = await admin.listGroupMembers(ids.MARKETING_GROUP_ID).toArray();
  return members.some((u) => u.id === ids.REQUESTOR1_ID);
}

async function until(f) {
  for (let i = 0; i < 500; i++) {
    if (await f()) return;
    await sleep(10);
  }
  throw new Error('condition never held');
}

test('a P3D assignment expires after advance(P3D) and the user leaves the group', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const { pkg, policy } = await pkgWithPolicy(admin, { expiration: { type: 'afterDuration', duration: 'P3D' } });
    const req = await adminAdd(admin, pkg, policy);
    const { request, states } = await admin.followAssignmentRequest(req.id, { timeoutMs: 10000, pollIntervalMs: 10 });
    assert.equal(request.state, 'delivered');
    assert.equal(states.at(-1), 'delivered');
    assert.ok(await inGroup(admin));
    const start = Date.parse((await admin.getAssignment(req.id)).schedule.startDateTime);
    assert.equal(Date.parse(em.now()), start);
    await em.advance({ days: 2 });
    assert.equal((await admin.getAssignment(req.id)).state, 'delivered');
    const now = await em.advance('P1D');
    assert.equal(Date.parse(now) - start, 3 * DAY);
    const a = await admin.getAssignment(req.id);
    assert.equal(a.state, 'expired');
    assert.equal(Date.parse(a.expiredDateTime), start + 3 * DAY);
    assert.ok(!(await inGroup(admin)), 'the user left the group');
  }));

test('a future-dated request is delivered when the clock reaches its start', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const { pkg, policy } = await pkgWithPolicy(admin);
    const start = new Date(Date.parse(em.now()) + DAY).toISOString();
    const req = await adminAdd(admin, pkg, policy, {
      schedule: { startDateTime: start, expiration: { type: 'afterDuration', duration: 'P1D' } },
    });
    assert.equal((await admin.waitForAssignmentRequest(req.id, { timeoutMs: 10000, pollIntervalMs: 10 })).state, 'scheduled');
    assert.ok(!(await inGroup(admin)));
    await em.advance({ hours: 23 });
    assert.equal((await admin.getAssignmentRequest(req.id)).state, 'scheduled');
    await em.advance({ hours: 1 });
    assert.equal((await admin.getAssignmentRequest(req.id)).state, 'delivered');
    assert.ok(await inGroup(admin));
    await em.advance('P1D');
    assert.equal((await admin.getAssignment(req.id)).state, 'expired');
  }));

test('an unanswered approval escalates to the escalation approver, then is denied', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const stage = {
      durationBeforeAutomaticDenial: 'P3D',
      isApproverJustificationRequired: false,
      isEscalationEnabled: true,
      durationBeforeEscalation: 'P1D',
      primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: ABSENT_APPROVER }],
      escalationApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: ids.ADMIN_ID }],
    };
    const { pkg, policy } = await pkgWithPolicy(admin, {
      requestApprovalSettings: { isApprovalRequiredForAdd: true, isApprovalRequiredForUpdate: false, stages: [stage] },
    });
    const user = em.userClient(ids.REQUESTOR1_UPN);
    const approver = em.userClient(ids.ADMIN_UPN);
    const req = await user.createAssignmentRequest({
      requestType: 'userAdd',
      assignment: { targetId: ids.REQUESTOR1_ID, assignmentPolicyId: policy.id, accessPackageId: pkg.id },
    });
    await until(async () => (await admin.getAssignmentRequest(req.id)).state === 'pendingApproval');
    const mine = async () => (await approver.filterAssignmentApprovalsByCurrentUser('approver').toArray()).map((a) => a.id);
    assert.deepEqual(await mine(), []);
    await rejectsWith(assert, approver.approveAssignmentRequest(req.id, 'too early'), NotFoundError, 'NotFound');
    await em.advance('P1D');
    assert.deepEqual(await mine(), [req.id]);
    await em.advance({ days: 2 });
    const r = await admin.getAssignmentRequest(req.id);
    assert.deepEqual([r.state, r.status], ['denied', 'TimedOut']);
    assert.ok(!(await inGroup(admin)));
  }));

test('a custom extension webhook gets the documented callout and the request proceeds after resume', () =>
  withEmulator(async (em) => {
    const received = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(202).end();
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      const admin = em.client();
      const ext = await admin.createCatalogCustomWorkflowExtension(ids.GENERAL_CATALOG_ID, {
        '@odata.type': '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension',
        displayName: 'ticketing',
        description: 'webhook',
        endpointConfiguration: { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl: `http://127.0.0.1:${server.address().port}/hook` },
        authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' },
        callbackConfiguration: { '@odata.type': '#microsoft.graph.customExtensionCallbackConfiguration', timeoutDuration: 'P1D' },
      });
      const { pkg, policy } = await pkgWithPolicy(admin, {
        customExtensionStageSettings: [{ stage: 'assignmentRequestCreated', customExtension: { id: ext.id } }],
      });
      const req = await adminAdd(admin, pkg, policy);
      await until(() => received.length > 0);
      const { type, data } = received[0];
      assert.equal(type, 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated');
      assert.equal(data['@odata.type'], '#microsoft.graph.accessPackageAssignmentRequestCalloutData');
      assert.equal(data.stage, 'assignmentRequestCreated');
      assert.equal(data.accessPackageAssignmentRequestId, req.id);
      assert.equal(data.callbackUriPath, `/identityGovernance/entitlementManagement/assignmentRequests/${req.id}/resume`);
      await em.advance({ hours: 6 });
      assert.equal((await admin.getAssignmentRequest(req.id)).state, 'submitted');
      await admin.resumeAssignmentRequest(req.id, {
        source: 'Contoso.Ticketing',
        type: 'microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated',
        data: {
          '@odata.type': 'microsoft.graph.accessPackageAssignmentRequestCallbackData',
          stage: 'assignmentRequestCreated',
          customExtensionStageInstanceId: data.customExtensionStageInstanceId,
          customExtensionStageInstanceDetail: 'ticket approved',
        },
      });
      const { request } = await admin.followAssignmentRequest(req.id, { timeoutMs: 10000, pollIntervalMs: 10 });
      assert.equal(request.state, 'delivered');
      assert.ok(await inGroup(admin));
    } finally {
      server.close();
    }
  }));

test('advance refuses a real clock and bad steps', async () => {
  const real = await Emulator.start();
  try {
    await rejectsWith(assert, real.advance('P1D'), InvalidArgumentError, 'InvalidArgument');
  } finally {
    await real.stop();
  }
  await withEmulator(async (em) => {
    await rejectsWith(assert, em.advance('three days'), InvalidArgumentError, 'InvalidArgument');
    await rejectsWith(assert, em.advance({ weeks: 1 }), InvalidArgumentError, 'InvalidArgument');
    await rejectsWith(assert, em.advance(5), InvalidArgumentError, 'InvalidArgument');
    const t0 = Date.parse(em.now());
    assert.equal(Date.parse(await em.advance({ days: 1, hours: 2 })) - t0, DAY + 7200000);
  });
});

test('the escalation approver approves with the helper, and the assignment is extended', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const stage = {
      durationBeforeAutomaticDenial: 'P3D',
      isApproverJustificationRequired: true,
      isEscalationEnabled: true,
      durationBeforeEscalation: 'PT4H',
      primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: ABSENT_APPROVER }],
      escalationApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: ids.ADMIN_ID }],
    };
    const { pkg, policy } = await pkgWithPolicy(admin, {
      expiration: { type: 'afterDuration', duration: 'P1D' },
      requestApprovalSettings: { isApprovalRequiredForAdd: true, isApprovalRequiredForUpdate: false, stages: [stage] },
    });
    const req = await em.userClient(ids.REQUESTOR1_UPN).createAssignmentRequest({
      requestType: 'userAdd',
      assignment: { targetId: ids.REQUESTOR1_ID, assignmentPolicyId: policy.id, accessPackageId: pkg.id },
    });
    await until(async () => (await admin.getAssignmentRequest(req.id)).state === 'pendingApproval');
    await em.advance({ hours: 4 });
    const approver = em.userClient(ids.ADMIN_UPN);
    await approver.approveAssignmentRequest(req.id, 'covering for the owner');
    const { request } = await admin.followAssignmentRequest(req.id, { timeoutMs: 10000, pollIntervalMs: 10 });
    assert.equal(request.state, 'delivered');
    const approval = await approver.getAssignmentApproval(req.id);
    assert.equal(approval.stages[0].reviewResult, 'Approve');
    assert.equal(approval.stages[0].justification, 'covering for the owner');
    const ext = await admin.extendAssignment(req.id, 'P5D');
    assert.equal((await admin.followAssignmentRequest(ext.id, { timeoutMs: 10000, pollIntervalMs: 10 })).request.state, 'delivered');
    await em.advance({ days: 4 });
    assert.equal((await admin.getAssignment(req.id)).state, 'delivered');
    await em.advance({ days: 1 });
    assert.equal((await admin.getAssignment(req.id)).state, 'expired');
  }));
