// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The Graph tutorial "Manage access to resources using the entitlement
// management APIs", through the Node package against the in-process emulator.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Emulator, ConflictError, BadRequestError } = require('..');
const { ids } = require('./helpers');

let em;
before(async () => {
  em = await Emulator.start({ deliveryDelayMs: 20 });
});
after(async () => {
  await em.stop();
});

test('tutorial: package a group, request it as Requestor1, clean up', async () => {
  const admin = em.client();
  const requestor = em.userClient(ids.REQUESTOR1_UPN);
  const group = ids.GROUP_ID;

  // 1.1 the General catalog, by $filter
  const catalogs = await admin.listCatalogs({ filter: "(displayName eq 'General')" }).toArray();
  assert.equal(catalogs.length, 1);
  const catalog = catalogs[0];
  assert.equal(catalog.id, ids.GENERAL_CATALOG_ID);
  assert.equal(catalog.catalogType, 'serviceDefault');
  assert.equal(catalog.isExternallyVisible, true);

  // 1.2 add the group to the catalog (v1.0 resource request, adminAdd)
  const rr = await admin.createResourceRequest({
    catalogId: catalog.id,
    requestType: 'adminAdd',
    justification: '',
    accessPackageResource: { resourceType: 'AadGroup', originId: group, originSystem: 'AadGroup' },
  });
  assert.equal(rr.requestType, 'adminAdd');
  assert.equal(rr.state, 'delivered');
  // Unknown (beta-era) properties come through as the service sent them.
  assert.equal(rr.requestState, 'Delivered');

  // 1.3 the group as a catalog resource
  const resources = await admin.listCatalogResources(catalog.id, { filter: `originId eq '${group}'` }).toArray();
  assert.equal(resources.length, 1);
  const resource = resources[0];
  assert.equal(resource.displayName, 'Marketing resources');
  assert.notEqual(resource.id, group);

  // 1.4 its Member role, with the resource expanded
  const roles = await admin
    .listCatalogResourceRoles(catalog.id, {
      filter: `(originSystem eq 'AadGroup' and displayName eq 'Member' and resource/id eq '${resource.id}')`,
      expand: ['resource'],
    })
    .toArray();
  assert.equal(roles.length, 1);
  const role = roles[0];
  assert.equal(role.originId, `Member_${group}`);
  assert.equal(role.resource.id, resource.id);

  // 1.5 the access package
  const pkg = await admin.createAccessPackage({
    catalogId: catalog.id,
    displayName: 'Marketing Campaign',
    description: 'Access to resources for the campaign',
  });
  assert.equal(pkg.displayName, 'Marketing Campaign');
  assert.equal(typeof pkg.id, 'string');
  const fetched = await admin.getAccessPackage(pkg.id, { expand: 'catalog' });
  assert.equal(fetched.catalog.id, catalog.id);

  // 1.6 the role scope
  const scope = await admin.createAccessPackageResourceRoleScope(pkg.id, {
    role: {
      originId: role.originId,
      displayName: 'Member',
      originSystem: 'AadGroup',
      resource: { id: resource.id, resourceType: 'Security Group', originId: group, originSystem: 'AadGroup' },
    },
    scope: { originId: group, originSystem: 'AadGroup' },
  });
  assert.ok(scope.id.startsWith(role.id), scope.id);

  // 1.7 a beta policy allowing Requestor1
  const policy = await admin.beta.createAccessPackageAssignmentPolicy({
    accessPackageId: pkg.id,
    displayName: 'Specific users',
    description: 'Specific users can request assignment',
    accessReviewSettings: null,
    durationInDays: 30,
    requestorSettings: {
      scopeType: 'SpecificDirectorySubjects',
      acceptRequests: true,
      allowedRequestors: [
        { '@odata.type': '#microsoft.graph.singleUser', isBackup: false, id: ids.REQUESTOR1_ID, description: 'Requestor1' },
      ],
    },
    requestApprovalSettings: {
      isApprovalRequired: false,
      isApprovalRequiredForExtension: false,
      isRequestorJustificationRequired: false,
      approvalMode: 'NoApproval',
      approvalStages: [],
    },
  });
  assert.equal(policy.durationInDays, 30);
  assert.equal(policy.requestorSettings.allowedRequestors[0].id, ids.REQUESTOR1_ID);
  // The same policy through v1.0, in the new shape.
  const v1policy = await admin.getAssignmentPolicy(policy.id);
  assert.equal(v1policy.allowedTargetScope, 'specificDirectoryUsers');

  // 2 Requestor1 asks for it (delegated: authorization code flow with PKCE)
  const request = await requestor.beta.createAccessPackageAssignmentRequest({
    requestType: 'UserAdd',
    accessPackageAssignment: { targetId: ids.REQUESTOR1_ID, assignmentPolicyId: policy.id, accessPackageId: pkg.id },
  });
  assert.equal(request.requestType, 'UserAdd');
  assert.equal(request.requestState, 'Submitted');

  // 3.1 delivered
  const done = await admin.beta.waitForAssignmentRequest(request.id, { timeoutMs: 20000, pollIntervalMs: 25 });
  assert.equal(done.requestState, 'Delivered');
  const v1done = await admin.waitForAssignmentRequest(request.id, { timeoutMs: 20000, pollIntervalMs: 25 });
  assert.equal(v1done.state, 'delivered');

  // 3.2 assignments by policy, target expanded
  const assignments = await admin.beta
    .listAccessPackageAssignments({
      filter: `accessPackageAssignmentPolicy/Id eq '${policy.id}'`,
      expand: ['target'],
    })
    .toArray();
  assert.equal(assignments.length, 1);
  const assignment = assignments[0];
  assert.equal(assignment.targetId, ids.REQUESTOR1_ID);
  assert.equal(assignment.target.objectId, ids.REQUESTOR1_ID);
  assert.equal(assignment.assignmentState, 'Delivered');

  // 3.3 Requestor1 is a member of the group
  const members = await admin.listGroupMembers(group).toArray();
  assert.deepEqual(members.map((m) => m.id), [ids.REQUESTOR1_ID]);
  assert.equal(members[0]['@odata.type'], '#microsoft.graph.user');
  assert.equal(members[0].displayName, 'Requestor1');

  // The package cannot go while it has assignments.
  const blocked = await admin.beta.deleteAccessPackage(pkg.id).then(
    () => null,
    (e) => e,
  );
  assert.ok(blocked instanceof BadRequestError || blocked instanceof ConflictError, String(blocked));

  // 4 clean up: AdminRemove, wait, delete policy, delete package
  const removal = await admin.beta.createAccessPackageAssignmentRequest({
    requestType: 'AdminRemove',
    accessPackageAssignment: { id: assignment.id },
  });
  assert.equal(removal.requestType, 'AdminRemove');
  const removed = await admin.beta.waitForAssignmentRequest(removal.id, { timeoutMs: 20000, pollIntervalMs: 25 });
  assert.ok(['Delivered', 'delivered'].includes(removed.requestState), removed.requestState);
  const after = await admin.listGroupMembers(group).toArray();
  assert.deepEqual(after, []);
  assert.equal(await admin.beta.deleteAccessPackageAssignmentPolicy(policy.id), undefined);
  assert.equal(await admin.beta.deleteAccessPackage(pkg.id), undefined);
  await assert.rejects(admin.getAccessPackage(pkg.id), { code: 'NotFound', status: 404 });
});
