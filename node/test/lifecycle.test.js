// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// v1.0 request lifecycle with a slow service: waiting times out, cancel is final.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const E = require('..');
const { ids, rejectsWith } = require('./helpers');

let em;
let admin;
let pkg;
let policy;
before(async () => {
  em = await E.Emulator.start({ deliveryDelayMs: 60000 });
  admin = em.client();
  pkg = await admin.createAccessPackage({ catalogId: ids.GENERAL_CATALOG_ID, displayName: 'slow' });
  policy = await admin.createAssignmentPolicy({
    accessPackage: { id: pkg.id },
    displayName: 'Requestor1 may ask',
    allowedTargetScope: 'specificDirectoryUsers',
    specificAllowedTargets: [{ '@odata.type': '#microsoft.graph.singleUser', userId: ids.REQUESTOR1_ID }],
    requestorSettings: { enableTargetsToSelfAddAccess: true },
  });
});
after(async () => {
  await em.stop();
});

test('waiting on a request that does not finish in time: Timeout', async () => {
  const req = await em.userClient(ids.REQUESTOR1_UPN).createAssignmentRequest({
    requestType: 'userAdd',
    assignment: { targetId: ids.REQUESTOR1_ID, assignmentPolicyId: policy.id, accessPackageId: pkg.id },
  });
  assert.equal(typeof req.id, 'string');
  const t0 = Date.now();
  const err = await rejectsWith(assert, admin.waitForAssignmentRequest(req.id, { timeoutMs: 300, pollIntervalMs: 50 }), E.TimeoutError, 'Timeout');
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(err.status, null);

  // cancel (an action without body), after which the request is final.
  assert.equal(await admin.cancelAssignmentRequest(req.id), undefined);
  const done = await admin.waitForAssignmentRequest(req.id, { timeoutMs: 5000, pollIntervalMs: 20 });
  assert.equal(done.state, 'canceled');
  const listed = await admin.listAssignmentRequests({ filter: `id eq '${req.id}'` }).toArray();
  assert.equal(listed.length, 1);
});
