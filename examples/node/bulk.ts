// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

// Assign a list of users to an access package with the bulk API (a journal
// makes a rerun resume where the last one stopped), then export the
// package's assignments to JSONL.
//
//   node out/bulk.js [OUT_DIR]     # against an in-process emulator seeded with 50 users
//   AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… ENTITLEMENT_ACCESS_PACKAGE_ID=… \
//   ENTITLEMENT_POLICY_ID=… ENTITLEMENT_TARGETS=users.txt node out/bulk.js [OUT_DIR]   # a real tenant

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Emulator, EntitlementError, Filter } from 'entitlement';

const USERS = 50;
const TENANT = 'b0b0b0b0-0000-4000-8000-000000000000';
const APP_ID = 'b0b0b0b0-0000-4000-8000-0000000000a1';
const APP_SECRET = 'bulk-example-secret';
const CATALOG = 'b0b0b0b0-0000-4000-8000-0000000000c1';
const PACKAGE = 'b0b0b0b0-0000-4000-8000-0000000000d1';
const POLICY = 'b0b0b0b0-0000-4000-8000-0000000000e1';

interface Job {
  client: Client;
  packageId: string;
  policyId: string;
  targets: string[];
}

const userId = (i: number): string => `b1000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/** A tenant with USERS users, one access package with an admin-assigned policy,
 * and user 0 already assigned (the run skips them). */
function seed(): object {
  return {
    tenantId: TENANT,
    users: Array.from({ length: USERS }, (_, i) => ({
      id: userId(i),
      displayName: `Bulk User ${i}`,
      userPrincipalName: `bulk.user${i}@contoso.com`,
    })),
    applications: [
      { clientId: APP_ID, clientSecret: APP_SECRET, displayName: 'Bulk example', permissions: ['EntitlementManagement.ReadWrite.All'] },
    ],
    catalogs: [
      { id: CATALOG, displayName: 'Bulk', description: 'Bulk example', catalogType: 'userManaged', state: 'published', isExternallyVisible: true },
    ],
    objects: {
      accessPackages: [{ id: PACKAGE, catalogId: CATALOG, displayName: 'Onboarding', description: "Everyone's first day", isHidden: false }],
      assignmentPolicies: [{
        id: POLICY, accessPackageId: PACKAGE, displayName: 'Admin assigned', description: 'direct',
        allowedTargetScope: 'notSpecified', specificAllowedTargets: [],
        requestorSettings: { enableTargetsToSelfAddAccess: false },
        requestApprovalSettings: { isApprovalRequiredForAdd: false, isApprovalRequiredForUpdate: false, stages: [] },
        expiration: { type: 'noExpiration' },
      }],
      assignments: [{
        id: 'b2000000-0000-4000-8000-000000000000', state: 'delivered', status: 'Delivered',
        accessPackageId: PACKAGE, assignmentPolicyId: POLICY, targetId: userId(0),
        schedule: { startDateTime: '2026-01-05T09:00:00Z', expiration: { type: 'noExpiration' } },
      }],
    },
  };
}

/** The tenant and job named by the environment, or undefined to use the emulator. */
function realTenant(): Job | undefined {
  const env = process.env;
  if (!env.AZURE_CLIENT_ID) return undefined;
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} is not set`);
    return v;
  };
  const client = new Client({
    baseUrl: env.ENTITLEMENT_ENDPOINT ?? 'https://graph.microsoft.com',
    authority: env.ENTITLEMENT_AUTHORITY,
    tenantId: need('AZURE_TENANT_ID'),
    clientId: need('AZURE_CLIENT_ID'),
    clientSecret: need('AZURE_CLIENT_SECRET'),
  });
  const targets = readFileSync(need('ENTITLEMENT_TARGETS'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  return { client, packageId: need('ENTITLEMENT_ACCESS_PACKAGE_ID'), policyId: need('ENTITLEMENT_POLICY_ID'), targets };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Assignments appear as their requests are delivered: wait for that before exporting. */
async function waitUntilSettled(client: Client, packageId: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const requests = await client.listAssignmentRequests({ filter: Filter.eq('accessPackage/id', packageId) }).toArray();
    const pending = requests.filter((r) => r.state === 'submitted' || r.state === 'delivering').length;
    if (pending === 0) return;
    console.log(`  ${pending} requests still being delivered`);
    await sleep(500);
  }
  throw new Error('requests still pending after the wait');
}

async function assignAndExport({ client, packageId, policyId, targets }: Job, outDir: string): Promise<number> {
  const journal = join(outDir, 'assign-journal.jsonl');
  // Read first: a wrong id or credential fails here, before any bulk work.
  const pkg = await client.getAccessPackage(packageId);
  console.log(`assigning ${targets.length} users to '${pkg.displayName}' (${packageId}), journal ${journal}`);
  const run = client.bulkAssign(packageId, policyId, targets, { journal, maxConcurrency: 8 });
  run.on('progress', (p) => {
    console.log(`  [${p.done}/${p.total}] created ${p.created}, skipped ${p.skipped}, failed ${p.failed}, concurrency ${p.concurrency}`);
  });
  for await (const item of run) {
    if (item.outcome === 'failed') console.log(`  failed: ${item.target}: ${item.error?.kind}: ${item.error?.message}`);
  }
  const report = await run.done();
  console.log(
    `bulk assign: ${report.created} created, ${report.skipped} skipped, ${report.reconciled} reconciled, ` +
      `${report.failed} failed in ${(report.elapsedMs / 1000).toFixed(1)} s ` +
      `(${report.requests} requests, ${report.throttled} throttled)`,
  );

  await waitUntilSettled(client, packageId);
  const out = join(outDir, 'assignments.jsonl');
  const summary = await client.export('assignments', {
    path: out,
    format: 'jsonl',
    expand: 'target',
    filter: Filter.eq('accessPackage/id', packageId).toString(),
  });
  const states: Record<string, number> = {};
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    if (!line) continue;
    const { state } = JSON.parse(line) as { state: string };
    states[state] = (states[state] ?? 0) + 1;
  }
  console.log(`exported ${summary.count} assignments (${summary.bytes} bytes) to ${out}: ${JSON.stringify(states)}`);
  return report.failed > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const outDir = process.argv[2] ?? '.';
  mkdirSync(outDir, { recursive: true });
  try {
    const job = realTenant();
    if (job) return await assignAndExport(job, outDir);
    // A new emulator knows nothing of an earlier run: start without its journal.
    rmSync(join(outDir, 'assign-journal.jsonl'), { force: true });
    const emu = await Emulator.start({ seed: seed(), deliveryDelayMs: 50 });
    try {
      console.log('emulator at', emu.baseUrl);
      const targets = Array.from({ length: USERS }, (_, i) => userId(i));
      return await assignAndExport({ client: emu.client(), packageId: PACKAGE, policyId: POLICY, targets }, outDir);
    } finally {
      await emu.stop();
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
}

process.exitCode = await main();
