// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// The Graph tutorial "Manage access to resources using the entitlement
// management APIs": package a group, let a user request it, check the
// assignment, clean up.
//
//   node out/tutorial.js      # against the in-process emulator
//   AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… \
//   ENTITLEMENT_GROUP_ID=… ENTITLEMENT_REQUESTOR_ID=… node out/tutorial.js   # a real tenant

import { BadRequestError, Client, Emulator, EntitlementError, Filter, identity } from 'entitlement';

interface Tenant {
  admin: Client;
  requestor: Client;
  groupId: string;
  requestorId: string;
}

/** The tenant named by the environment, or undefined to use the emulator. */
function realTenant(): Tenant | undefined {
  const env = process.env;
  if (!env.AZURE_CLIENT_ID) return undefined;
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} is not set`);
    return v;
  };
  const baseUrl = env.ENTITLEMENT_ENDPOINT ?? 'https://graph.microsoft.com';
  const authority = env.ENTITLEMENT_AUTHORITY; // default: the cloud's sign-in endpoint
  const tenantId = need('AZURE_TENANT_ID');
  const clientId = need('AZURE_CLIENT_ID');
  const admin = new Client({ baseUrl, authority, tenantId, clientId, clientSecret: need('AZURE_CLIENT_SECRET') });
  // The requestor signs in themselves: the device code instructions are printed.
  const publicApp = env.ENTITLEMENT_REQUESTOR_CLIENT_ID ?? clientId;
  const requestor = new Client({ baseUrl, authority, credential: new identity.DeviceCodeCredential({ tenantId, clientId: publicApp }) });
  return { admin, requestor, groupId: need('ENTITLEMENT_GROUP_ID'), requestorId: need('ENTITLEMENT_REQUESTOR_ID') };
}

function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`the service returned no ${what}`);
  return value;
}

const step = (title: string): void => console.log(`\n== ${title}`);

async function tutorial({ admin, requestor, groupId, requestorId }: Tenant): Promise<void> {
  step('1.1 Get the identifier for the General catalog');
  const catalog = await admin.listCatalogs({ filter: Filter.eq('displayName', 'General') }).first();
  const catalogId = need(need(catalog, 'General catalog').id, 'catalog id');
  console.log('catalog:', catalogId);

  step('1.2 Add the group to the catalog');
  try {
    const added = await admin.createResourceRequest({
      requestType: 'adminAdd',
      catalog: { id: catalogId },
      resource: { originId: groupId, originSystem: 'AadGroup' },
    });
    console.log('resource request:', added.id, added.state);
  } catch (err) {
    // A rerun: the cleanup leaves the group in the catalog.
    if (!(err instanceof BadRequestError && err.graphCode === 'ResourceAlreadyOnboarded')) throw err;
    console.log('the group is already in the catalog');
  }

  step('1.3 Get the catalog resource');
  const resource = need(
    await admin.listCatalogResources(catalogId, { filter: Filter.eq('originId', groupId) }).first(),
    'catalog resource for the group',
  );
  const resourceId = need(resource.id, 'resource id');
  console.log('resource:', resourceId, resource.displayName);

  step('1.4 Get the Member role of the resource');
  const memberRole = Filter.eq('originSystem', 'AadGroup')
    .and(Filter.eq('displayName', 'Member'))
    .and(Filter.eq('resource/id', resourceId));
  const role = need(
    await admin.listCatalogResourceRoles(catalogId, { filter: memberRole, expand: ['resource'] }).first(),
    'Member role',
  );
  const roleOriginId = need(role.originId, 'role originId');
  console.log('Member role:', roleOriginId);

  step('1.5 Create the access package');
  const pkg = await admin.createAccessPackage({
    catalog: { id: catalogId },
    displayName: 'Marketing Campaign',
    description: 'Access to resources for the campaign',
  });
  const packageId = need(pkg.id, 'access package id');
  console.log('access package:', packageId, pkg.displayName);

  step('1.6 Add the Member role to the access package');
  const scope = await admin.createAccessPackageResourceRoleScope(packageId, {
    role: {
      originId: roleOriginId,
      displayName: 'Member',
      originSystem: 'AadGroup',
      resource: { id: resourceId, originId: groupId, originSystem: 'AadGroup' },
    },
    scope: { originId: groupId, originSystem: 'AadGroup' },
  });
  console.log('role scope:', scope.id);

  step('1.7 Create an assignment policy (beta)');
  const policy = await admin.beta.createAccessPackageAssignmentPolicy({
    accessPackageId: packageId,
    displayName: 'Specific users',
    description: 'Specific users can request assignment',
    durationInDays: 30,
    requestorSettings: {
      scopeType: 'SpecificDirectorySubjects',
      acceptRequests: true,
      allowedRequestors: [
        { '@odata.type': '#microsoft.graph.singleUser', isBackup: false, id: requestorId, description: 'Requestor1' },
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
  const policyId = need(policy.id, 'policy id');
  console.log('policy:', policyId, `(${policy.durationInDays} days)`);

  step('2 Request access, signed in as the requestor');
  const request = await requestor.beta.createAccessPackageAssignmentRequest({
    requestType: 'UserAdd',
    accessPackageAssignment: { targetId: requestorId, assignmentPolicyId: policyId, accessPackageId: packageId },
  });
  const requestId = need(request.id, 'request id');
  console.log('request:', requestId, request.requestState);

  step('3.1 Wait until the request is delivered');
  const done = await admin.beta.waitForAccessPackageAssignmentRequest(requestId, { timeoutMs: 120_000, pollIntervalMs: 500 });
  console.log('request state:', done.requestState, done.requestStatus);
  if (done.requestState !== 'Delivered') throw new Error(`the request ended ${done.requestState}`);

  step('3.2 Get the access package assignment');
  const assignments = await admin.beta
    .listAccessPackageAssignments({ filter: Filter.eq('accessPackageAssignmentPolicy/Id', policyId), expand: ['target'] })
    .toArray();
  for (const a of assignments) {
    console.log('assignment:', a.id, a.assignmentState, 'for', a.target?.displayName ?? a.targetId);
  }
  const assignmentId = need(assignments[0]?.id, 'assignment');

  step('3.3 Get the members of the group');
  for await (const member of admin.listGroupMembers(groupId)) {
    console.log('member:', member.id, member.displayName);
  }

  step('4 Clean up');
  const removal = await admin.beta.createAccessPackageAssignmentRequest({
    requestType: 'AdminRemove',
    accessPackageAssignment: { id: assignmentId },
  });
  const removed = await admin.beta.waitForAccessPackageAssignmentRequest(need(removal.id, 'removal id'), {
    timeoutMs: 120_000,
    pollIntervalMs: 500,
  });
  console.log('assignment removal:', removed.requestState);
  await admin.beta.deleteAccessPackageAssignmentPolicy(policyId);
  console.log('deleted policy', policyId);
  await admin.beta.deleteAccessPackage(packageId);
  console.log('deleted access package', packageId);
}

async function main(): Promise<number> {
  try {
    const tenant = realTenant();
    if (tenant) {
      await tutorial(tenant);
    } else {
      const emu = await Emulator.start({ deliveryDelayMs: 200 });
      try {
        console.log('emulator at', emu.baseUrl);
        const { ids } = Emulator;
        await tutorial({
          admin: emu.client(),
          requestor: emu.userClient(ids.REQUESTOR1_UPN),
          groupId: ids.GROUP_ID,
          requestorId: ids.REQUESTOR1_ID,
        });
      } finally {
        await emu.stop();
      }
    }
  } catch (err) {
    if (err instanceof EntitlementError) {
      const status = err.status ? ` (HTTP ${err.status}, request-id ${err.requestId})` : '';
      console.error(`error: ${err.code}${status}: ${err.message}`);
    } else {
      console.error('error:', err instanceof Error ? err.message : err);
    }
    return 1;
  }
  console.log('\ntutorial complete');
  return 0;
}

process.exitCode = await main();
