// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Scenarios beyond the tutorial, each against a fresh emulator: connected
// organizations with sponsors, incompatible access packages, custom workflow
// extensions, approvals found with filterByCurrentUser.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const {
  Emulator,
  EntitlementError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  InvalidArgumentError,
} = require('..');
const { ids, rejectsWith } = require('./helpers');

const GRAPH = 'https://graph.microsoft.com/v1.0';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withEmulator(fn) {
  const em = await Emulator.start({ deliveryDelayMs: 20 });
  try {
    await fn(em);
  } finally {
    await em.stop();
  }
}

async function catalogWithGroup(admin) {
  const catalog = await admin.createCatalog({ displayName: 'Scenario', description: 'scenario catalog' });
  await admin.createResourceRequest({
    requestType: 'adminAdd',
    catalog: { id: catalog.id },
    resource: { originId: ids.GROUP_ID, originSystem: 'AadGroup' },
  });
  const [role] = await admin
    .listCatalogResourceRoles(catalog.id, {
      filter: "originSystem eq 'AadGroup' and displayName eq 'Member'",
      expand: ['resource'],
    })
    .toArray();
  return { catalog, role };
}

async function packageWithPolicy(admin, catalog, role, name, approvers) {
  const pkg = await admin.createAccessPackage({ displayName: name, description: name, catalog: { id: catalog.id } });
  await admin.createAccessPackageResourceRoleScope(pkg.id, {
    role: { id: role.id, originId: role.originId, originSystem: 'AadGroup', resource: { id: role.resource.id } },
    scope: { originId: ids.GROUP_ID, originSystem: 'AadGroup' },
  });
  const stages = approvers
    ? [
        {
          durationBeforeAutomaticDenial: 'P2D',
          isApproverJustificationRequired: false,
          isEscalationEnabled: false,
          primaryApprovers: approvers.map((userId) => ({ '@odata.type': '#microsoft.graph.singleUser', userId })),
        },
      ]
    : [];
  const policy = await admin.createAssignmentPolicy({
    displayName: `${name} policy`,
    description: 'members may ask',
    allowedTargetScope: 'allMemberUsers',
    expiration: { type: 'afterDuration', duration: 'P30D' },
    requestorSettings: { enableTargetsToSelfAddAccess: true, enableTargetsToSelfRemoveAccess: true },
    requestApprovalSettings: { isApprovalRequiredForAdd: !!approvers, isApprovalRequiredForUpdate: false, stages },
    accessPackage: { id: pkg.id },
  });
  assert.equal(policy.expiration.duration, 'P30D');
  return { pkg, policy };
}

test('connected organization with internal and external sponsors', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const org = await admin.createConnectedOrganization({
      displayName: 'Fabrikam',
      description: 'Partner',
      identitySources: [
        { '@odata.type': '#microsoft.graph.domainIdentitySource', domainName: 'fabrikam.com', displayName: 'fabrikam.com' },
      ],
      state: 'configured',
    });
    assert.equal(org.identitySources[0].domainName, 'fabrikam.com');
    assert.ok(org.createdDateTime);

    await admin.addConnectedOrganizationInternalSponsor(org.id, { '@odata.id': `${GRAPH}/users/${ids.ADMIN_ID}` });
    await admin.addConnectedOrganizationExternalSponsor(org.id, { '@odata.id': `${GRAPH}/users/${ids.REQUESTOR1_ID}` });
    const internal = await admin.listConnectedOrganizationInternalSponsors(org.id).toArray();
    const external = await admin.listConnectedOrganizationExternalSponsors(org.id).toArray();
    assert.deepEqual(internal.map((s) => s.id), [ids.ADMIN_ID]);
    assert.deepEqual(external.map((s) => s.id), [ids.REQUESTOR1_ID]);
    assert.equal(internal[0]['@odata.type'], '#microsoft.graph.user');

    await rejectsWith(
      assert,
      admin.addConnectedOrganizationInternalSponsor(org.id, {
        '@odata.id': `${GRAPH}/users/00000000-0000-4000-8000-000000000000`,
      }),
      NotFoundError,
      'NotFound',
    );
    assert.equal((await admin.listConnectedOrganizationInternalSponsors(org.id).toArray()).length, 1);

    await admin.updateConnectedOrganization(org.id, { displayName: 'Fabrikam Ltd' });
    assert.equal((await admin.getConnectedOrganization(org.id)).displayName, 'Fabrikam Ltd');
    await admin.removeConnectedOrganizationInternalSponsor(org.id, ids.ADMIN_ID);
    assert.deepEqual(await admin.listConnectedOrganizationInternalSponsors(org.id).toArray(), []);
    await admin.deleteConnectedOrganization(org.id);
    const err = await rejectsWith(assert, admin.getConnectedOrganization(org.id), NotFoundError, 'NotFound');
    assert.equal(err.status, 404);
    assert.ok(err.requestId);
  }));

test('an incompatible access package blocks a request, and nothing is written', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const requestor = em.userClient(ids.REQUESTOR1_UPN);
    const { catalog, role } = await catalogWithGroup(admin);
    const sales = await packageWithPolicy(admin, catalog, role, 'Sales');
    const audit = await packageWithPolicy(admin, catalog, role, 'Audit');

    const req = await requestor.createAssignmentRequest({
      requestType: 'userAdd',
      assignment: { accessPackageId: sales.pkg.id, assignmentPolicyId: sales.policy.id },
    });
    assert.equal((await admin.waitForAssignmentRequest(req.id, { timeoutMs: 20000, pollIntervalMs: 20 })).state, 'delivered');

    await admin.addIncompatibleAccessPackage(audit.pkg.id, {
      '@odata.id': `${GRAPH}/identityGovernance/entitlementManagement/accessPackages/${sales.pkg.id}`,
    });
    assert.deepEqual((await admin.listIncompatibleAccessPackages(audit.pkg.id).toArray()).map((p) => p.id), [sales.pkg.id]);
    assert.deepEqual((await admin.listAccessPackagesIncompatibleWith(sales.pkg.id).toArray()).map((p) => p.id), [audit.pkg.id]);

    const before = (await admin.listAssignmentRequests().toArray()).length;
    let caught;
    try {
      await requestor.createAssignmentRequest({
        requestType: 'userAdd',
        assignment: { accessPackageId: audit.pkg.id, assignmentPolicyId: audit.policy.id },
      });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof EntitlementError, `expected a typed error, got ${caught}`);
    assert.ok(caught instanceof PermissionDeniedError, caught.name);
    assert.equal(caught.code, 'PermissionDenied');
    assert.equal(caught.status, 403);
    assert.equal(caught.graphCode, 'IncompatibleAccess');
    assert.ok(caught.requestId);
    assert.equal((await admin.listAssignmentRequests().toArray()).length, before);

    await admin.removeIncompatibleAccessPackage(audit.pkg.id, sales.pkg.id);
    const ok = await requestor.createAssignmentRequest({
      requestType: 'userAdd',
      assignment: { accessPackageId: audit.pkg.id, assignmentPolicyId: audit.policy.id },
    });
    assert.equal((await admin.waitForAssignmentRequest(ok.id, { timeoutMs: 20000, pollIntervalMs: 20 })).state, 'delivered');
  }));

test('custom workflow extensions: created, listed, replaced, deleted', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const catalog = await admin.createCatalog({ displayName: 'Extensions', description: 'x' });
    const body = {
      '@odata.type': '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension',
      displayName: 'SoD check',
      description: 'Calls the separation-of-duties logic app',
      endpointConfiguration: {
        '@odata.type': '#microsoft.graph.logicAppTriggerEndpointConfiguration',
        subscriptionId: '38ab2ccc-3747-4567-b36b-9478f5602f0d',
        resourceGroupName: 'governance',
        logicAppWorkflowName: 'sod-check',
      },
      authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' },
    };
    const ext = await admin.createCatalogCustomWorkflowExtension(catalog.id, body);
    assert.equal(ext['@odata.type'], '#microsoft.graph.accessPackageAssignmentRequestWorkflowExtension');
    const second = await admin.createCatalogCustomWorkflowExtension(catalog.id, {
      ...body,
      '@odata.type': '#microsoft.graph.accessPackageAssignmentWorkflowExtension',
      displayName: 'Notify',
    });
    const listed = (await admin.listCatalogCustomWorkflowExtensions(catalog.id).toArray()).map((x) => x.displayName).sort();
    assert.deepEqual(listed, ['Notify', 'SoD check']);
    const replaced = await admin.replaceCatalogCustomWorkflowExtension(catalog.id, ext.id, { ...body, displayName: 'SoD v2' });
    assert.equal(replaced.displayName, 'SoD v2');
    await admin.deleteCatalogCustomWorkflowExtension(catalog.id, ext.id);
    assert.deepEqual((await admin.listCatalogCustomWorkflowExtensions(catalog.id).toArray()).map((x) => x.id), [second.id]);
    await rejectsWith(assert, admin.getCatalogCustomWorkflowExtension(catalog.id, ext.id), NotFoundError, 'NotFound');
    const { displayName, ...noName } = body;
    assert.ok(displayName);
    await rejectsWith(assert, admin.createCatalogCustomWorkflowExtension(catalog.id, noName), BadRequestError, 'BadRequest');
  }));

test('an approver lists pending approvals with filterByCurrentUser and approves', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const requestor = em.userClient(ids.REQUESTOR1_UPN);
    const approver = em.userClient(ids.ADMIN_UPN);
    const { catalog, role } = await catalogWithGroup(admin);
    const { pkg, policy } = await packageWithPolicy(admin, catalog, role, 'Finance', [ids.ADMIN_ID]);

    const req = await requestor.createAssignmentRequest({
      requestType: 'userAdd',
      justification: 'quarter close',
      assignment: { accessPackageId: pkg.id, assignmentPolicyId: policy.id },
    });
    let approvals = [];
    for (let i = 0; i < 200 && approvals.length === 0; i++) {
      approvals = await approver.filterAssignmentApprovalsByCurrentUser('approver').toArray();
      if (approvals.length === 0) await sleep(20);
    }
    assert.deepEqual(approvals.map((a) => a.id), [req.id]);
    assert.equal((await admin.getAssignmentRequest(req.id)).state, 'pendingApproval');
    assert.deepEqual(await requestor.filterAssignmentApprovalsByCurrentUser('approver').toArray(), []);
    await rejectsWith(assert, approver.filterAssignmentApprovalsByCurrentUser('nobody').toArray(), BadRequestError, 'BadRequest');

    const stages = await approver.listAssignmentApprovalStages(req.id).toArray();
    assert.equal(stages.length, 1);
    assert.equal(stages[0].reviewResult, 'NotReviewed');
    await rejectsWith(
      assert,
      requestor.updateAssignmentApprovalStage(req.id, stages[0].id, { reviewResult: 'Approve', justification: 'self' }),
      PermissionDeniedError,
      'PermissionDenied',
    );
    await approver.updateAssignmentApprovalStage(req.id, stages[0].id, { reviewResult: 'Approve', justification: 'ok' });
    const done = await admin.waitForAssignmentRequest(req.id, { timeoutMs: 20000, pollIntervalMs: 20 });
    assert.equal(done.state, 'delivered');
    const members = await admin.listGroupMembers(ids.GROUP_ID).toArray();
    assert.ok(members.some((m) => m.id === ids.REQUESTOR1_ID));
    assert.deepEqual(await approver.filterAssignmentApprovalsByCurrentUser('approver').toArray(), []);
    const mine = await requestor.filterAssignmentsByCurrentUser('target', { expand: ['accessPackage'] }).toArray();
    assert.deepEqual(mine.map((a) => a.accessPackage.id), [pkg.id]);
  }));

test('a wrong argument type is refused before sending', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    // list operations check their arguments when called (before any iteration)
    assert.throws(() => admin.filterAssignmentApprovalsByCurrentUser(42), InvalidArgumentError);
    await rejectsWith(assert, admin.createConnectedOrganization({ displayName: 5 }), InvalidArgumentError, 'InvalidArgument');
  }));

test('Filter escapes user input in $filter', () =>
  withEmulator(async (em) => {
    const { Filter } = require('..');
    const admin = em.client();
    await admin.createCatalog({ displayName: "O'Brien's catalog", description: 'quote' });
    await admin.createCatalog({ displayName: 'Other', description: 'x' });
    const hostile = "x' or displayName ne 'y";
    const f = Filter.eq('displayName', hostile);
    assert.equal(String(f), "displayName eq 'x'' or displayName ne ''y'");
    assert.deepEqual(await admin.listCatalogs({ filter: f }).toArray(), []);
    const found = await admin.listCatalogs({ filter: Filter.eq('displayName', "O'Brien's catalog") }).toArray();
    assert.deepEqual(found.map((c) => c.displayName), ["O'Brien's catalog"]);
    const both = Filter.startswith('displayName', "O'B").or(Filter.eq('displayName', 'Other'));
    assert.deepEqual((await admin.listCatalogs({ filter: both }).toArray()).map((c) => c.displayName).sort(), ["O'Brien's catalog", 'Other']);
    assert.equal(String(Filter.eq('isExternallyVisible', true).not()), 'not (isExternallyVisible eq true)');
    assert.equal(String(Filter.eq('resource/id', null)), 'resource/id eq null');
    assert.throws(() => Filter.eq('display name', 'x'), InvalidArgumentError);
    assert.throws(() => Filter.eq('displayName', 1.5), InvalidArgumentError);
    assert.throws(() => Filter.eq('displayName', {}), InvalidArgumentError);
    assert.throws(() => Filter.startswith('displayName', 3), InvalidArgumentError);
    assert.throws(() => Filter.eq('a', 'b').and('c'), InvalidArgumentError);
  }));

// ---- bad input on the new surface: each failure is typed, and nothing is written ----

const PARTNER_SOURCE = {
  '@odata.type': '#microsoft.graph.domainIdentitySource',
  domainName: 'partner.example',
  displayName: 'partner.example',
};
const orgNames = async (admin) => (await admin.listConnectedOrganizations().toArray()).map((o) => o.displayName).sort();

test('an unknown property in a create body is a typed 400, and nothing is written', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const before = await orgNames(admin);
    const err = await rejectsWith(
      assert,
      admin.createConnectedOrganization({ displayName: 'x', identitySources: [PARTNER_SOURCE], nope: 1 }),
      BadRequestError,
      'BadRequest',
    );
    assert.equal(err.status, 400);
    assert.ok(err.graphCode, 'the Graph error code is carried');
    assert.ok(err.requestId);
    assert.deepEqual(await orgNames(admin), before);
  }));

test('a wrong enum value is a typed 400', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const before = await orgNames(admin);
    const err = await rejectsWith(
      assert,
      admin.createConnectedOrganization({ displayName: 'x', identitySources: [PARTNER_SOURCE], state: 'sideways' }),
      BadRequestError,
      'BadRequest',
    );
    assert.equal(err.status, 400);
    assert.ok(err.graphCode);
    assert.deepEqual(await orgNames(admin), before);
    const org = await admin.createConnectedOrganization({ displayName: 'Enum', identitySources: [PARTNER_SOURCE], state: 'proposed' });
    await rejectsWith(assert, admin.updateConnectedOrganization(org.id, { state: 'sideways' }), BadRequestError, 'BadRequest');
    assert.equal((await admin.getConnectedOrganization(org.id)).state, 'proposed');
  }));

test('an id of the wrong kind is NotFound', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const catalog = await admin.createCatalog({ displayName: 'Kinds', description: 'x' });
    const err = await rejectsWith(assert, admin.getAccessPackage(catalog.id), NotFoundError, 'NotFound');
    assert.equal(err.status, 404);
    assert.ok(err.graphCode);
    await rejectsWith(assert, admin.getConnectedOrganization(catalog.id), NotFoundError, 'NotFound');
    await rejectsWith(assert, admin.getCatalogCustomWorkflowExtension(catalog.id, catalog.id), NotFoundError, 'NotFound');
  }));

test('a missing required property is a typed 400', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const catalog = await admin.createCatalog({ displayName: 'Required', description: 'x' });
    const err = await rejectsWith(
      assert,
      admin.createCatalogCustomWorkflowExtension(catalog.id, {
        '@odata.type': '#microsoft.graph.accessPackageAssignmentWorkflowExtension',
        endpointConfiguration: {
          '@odata.type': '#microsoft.graph.logicAppTriggerEndpointConfiguration',
          subscriptionId: '38ab2ccc-3747-4567-b36b-9478f5602f0d',
          resourceGroupName: 'rg',
          logicAppWorkflowName: 'wf',
        },
        authenticationConfiguration: { '@odata.type': '#microsoft.graph.azureAdPopTokenAuthentication' },
      }),
      BadRequestError,
      'BadRequest',
    );
    assert.equal(err.status, 400);
    assert.ok(err.graphCode);
    assert.deepEqual(await admin.listCatalogCustomWorkflowExtensions(catalog.id).toArray(), []);
  }));

test('wrong argument types on the new surface are refused before sending', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const before = await orgNames(admin);
    const err = await rejectsWith(assert, admin.getAccessPackage(42), InvalidArgumentError, 'InvalidArgument');
    assert.equal(err.status, null, 'nothing was sent');
    await rejectsWith(
      assert,
      admin.addConnectedOrganizationInternalSponsor(7, { '@odata.id': `${GRAPH}/users/${ids.ADMIN_ID}` }),
      InvalidArgumentError,
      'InvalidArgument',
    );
    assert.throws(() => admin.listConnectedOrganizationInternalSponsors({ id: 'x' }), InvalidArgumentError);
    await rejectsWith(assert, admin.getApplicablePolicyRequirements(null), InvalidArgumentError, 'InvalidArgument');
    await rejectsWith(
      assert,
      admin.createConnectedOrganization({ displayName: 'x', identitySources: 'not an array' }),
      InvalidArgumentError,
      'InvalidArgument',
    );
    await rejectsWith(assert, admin.createConnectedOrganization(['not', 'an', 'object']), InvalidArgumentError, 'InvalidArgument');
    assert.deepEqual(await orgNames(admin), before);
  }));

test('getApplicablePolicyRequirements answers an array of requirements', () =>
  withEmulator(async (em) => {
    const admin = em.client();
    const requestor = em.userClient(ids.REQUESTOR1_UPN);
    const { catalog, role } = await catalogWithGroup(admin);
    const { pkg, policy } = await packageWithPolicy(admin, catalog, role, 'Reqs', [ids.ADMIN_ID]);
    const reqs = await requestor.getApplicablePolicyRequirements(pkg.id);
    assert.ok(Array.isArray(reqs));
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0].policyId, policy.id);
    assert.equal(reqs[0].policyDisplayName, 'Reqs policy');
    assert.equal(reqs[0].isApprovalRequiredForAdd, true);
    // an administrator asks on behalf of a subject; Graph documents the action
    // for signed-in users only, so an app token gets 403
    const onBehalf = await em.userClient(ids.ADMIN_UPN).getApplicablePolicyRequirements(pkg.id, { subject: { objectId: ids.REQUESTOR1_ID } });
    assert.deepEqual(onBehalf.map((r) => r.policyId), [policy.id]);
    await rejectsWith(assert, admin.getApplicablePolicyRequirements(pkg.id), PermissionDeniedError, 'PermissionDenied');
    await rejectsWith(assert, requestor.getApplicablePolicyRequirements(catalog.id), NotFoundError, 'NotFound');
  }));
