// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// client.bulkAssign through a throttled emulator, with a resume: a run in a
// child process is killed with SIGKILL mid-way, a second run with the same
// journal finishes the job. The emulator counts what happened: every target
// assigned exactly once, 429s sent, and no request retried before its
// Retry-After.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const readline = require('node:readline');
const { spawn } = require('node:child_process');
const { Emulator, Client } = require('..');

const N = 120;
const TENANT = 'c0c0c0c0-0000-4000-8000-000000000000';
const APP_ID = 'c0c0c0c0-0000-4000-8000-0000000000a1';
const APP_SECRET = 'bulk-test-secret';
const CATALOG = 'c0c0c0c0-0000-4000-8000-0000000000c1';
const PACKAGE = 'c0c0c0c0-0000-4000-8000-0000000000d1';
const POLICY = 'c0c0c0c0-0000-4000-8000-0000000000e1';
// 10 writes of burst and 40/s after: 120 creates and their reads meet many
// 429s within a few seconds. Fractional Retry-After keeps the waits short.
const PROFILE = 'graph,app=10/40,tenant=100000/100000,read=1,write=1,retry-after=fractional';

const userId = (i) => `c1000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

function seed() {
  return {
    tenantId: TENANT,
    users: Array.from({ length: N }, (_, i) => ({ id: userId(i), displayName: `Bulk User ${i}`, userPrincipalName: `bulk.user${i}@contoso.com` })),
    applications: [{ clientId: APP_ID, clientSecret: APP_SECRET, displayName: 'Bulk test', permissions: ['EntitlementManagement.ReadWrite.All'] }],
    catalogs: [{ id: CATALOG, displayName: 'Bulk', description: 'bulk', catalogType: 'userManaged', state: 'published', isExternallyVisible: true }],
    objects: {
      accessPackages: [{ id: PACKAGE, catalogId: CATALOG, displayName: 'Bulk', description: 'bulk', isHidden: false }],
      assignmentPolicies: [{
        id: POLICY, accessPackageId: PACKAGE, displayName: 'Admin assigned', description: 'direct',
        allowedTargetScope: 'notSpecified', specificAllowedTargets: [],
        requestorSettings: { enableTargetsToSelfAddAccess: false },
        requestApprovalSettings: { isApprovalRequiredForAdd: false, isApprovalRequiredForUpdate: false, stages: [] },
        expiration: { type: 'noExpiration' },
      }],
    },
  };
}

let em;
let dir;
let options;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulk-test-'));
  em = await Emulator.start({ seed: seed(), deliveryDelay: 0.01, throttle: PROFILE });
  options = { baseUrl: em.baseUrl, authority: em.authority, tenantId: TENANT, clientId: APP_ID, clientSecret: APP_SECRET };
});
after(async () => {
  await em.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function throttling() {
  return new Promise((resolve, reject) => {
    http.get(`${em.baseUrl}/_emulator/throttling`, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve(JSON.parse(text)));
    }).on('error', reject);
  });
}

// The child: the same bulkAssign, printing each settled item as a JSON line.
const CHILD = `
const { Client } = require(${JSON.stringify(path.join(__dirname, '..'))});
const [options, pkg, policy, targets, journal] = JSON.parse(process.argv[1]);
(async () => {
  for await (const e of new Client(options).bulkAssign(pkg, policy, targets, { journal, maxConcurrency: 16 })) {
    process.stdout.write(JSON.stringify(e) + '\\n');
  }
})();
`;

/** Assignments per target and the add requests, read once every request is delivered. */
async function perTarget(client) {
  const filter = `accessPackage/id eq '${PACKAGE}'`;
  let requests = [];
  for (let i = 0; i < 400; i++) {
    requests = [];
    for await (const r of client.listAssignmentRequests({ filter })) requests.push(r);
    if (requests.every((r) => r.state !== 'submitted' && r.state !== 'delivering')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const assignments = new Map();
  for await (const a of client.listAssignments({ filter, expand: ['target'] })) {
    const key = a.target.objectId.toLowerCase();
    assignments.set(key, (assignments.get(key) || 0) + 1);
  }
  return { assignments, requests };
}

test('bulkAssign killed with SIGKILL mid-run resumes from its journal: no duplicates, no early retries', async () => {
  const targets = Array.from({ length: N }, (_, i) => userId(i));
  const journal = path.join(dir, 'journal.jsonl');
  const child = spawn(process.execPath, ['-e', CHILD, JSON.stringify([options, PACKAGE, POLICY, targets, journal])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const first = [];
  for await (const line of readline.createInterface({ input: child.stdout })) {
    first.push(JSON.parse(line));
    if (first.length === 40) {
      child.kill('SIGKILL');
      break;
    }
  }
  const { signal } = await exited;
  assert.equal(signal, 'SIGKILL', 'the first run was killed, not finished');
  assert.equal(first.length, 40);
  assert.ok(first.every((e) => e.outcome === 'created'), JSON.stringify(first.slice(0, 3)));
  assert.ok(fs.existsSync(journal));

  // The rerun with the same journal, as an async iterator with progress events.
  const client = new Client(options);
  const run = client.bulkAssign(PACKAGE, POLICY, targets, { journal, maxConcurrency: 16 });
  assert.equal(run.total, N);
  const progress = [];
  run.on('progress', (e) => progress.push(e));
  const events = [];
  for await (const e of run) events.push(e);
  const report = run.report;
  assert.equal(report.total, N);
  assert.equal(report.failed, 0, JSON.stringify(report.failures));
  assert.deepEqual(events.map((e) => e.index).sort((a, b) => a - b), targets.map((_, i) => i));
  assert.ok(events.every((e) => e.target.toLowerCase() === targets[e.index].toLowerCase()));
  const firstIdx = new Set(first.map((e) => e.index));
  for (const e of events.filter((x) => firstIdx.has(x.index))) {
    assert.equal(e.outcome, 'skipped', JSON.stringify(e));
    assert.equal(e.reason, 'journal', JSON.stringify(e));
  }
  assert.ok(report.created > 0 && report.skipped >= 40, JSON.stringify(report));
  assert.equal(report.created + report.skipped + report.reconciled, N);
  assert.ok(events.filter((e) => e.outcome === 'created').every((e) => e.requestId));
  assert.ok(progress.length > 0);

  // Counted by the emulator: every target assigned once, one add request each.
  const { assignments, requests } = await perTarget(client);
  assert.equal(assignments.size, N);
  assert.deepEqual([...assignments.keys()].sort(), targets.map((t) => t.toLowerCase()).sort());
  assert.ok([...assignments.values()].every((n) => n === 1), 'a target was assigned twice');
  assert.equal(requests.filter((r) => r.requestType === 'adminAdd').length, N);
  // Throttling happened, and nothing was sent again before its Retry-After.
  const t = await throttling();
  assert.ok(t.throttled >= 3, JSON.stringify(t));
  assert.ok(report.throttled > 0);
  assert.equal(t.earlyRetries, 0, JSON.stringify(t));
});
