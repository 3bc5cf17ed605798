// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// client.export: every assignment of a seeded emulator to JSONL and CSV, read
// back and compared with a list call.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Emulator, BadRequestError, InvalidArgumentError } = require('..');
const { rejectsWith } = require('./helpers');

const N = 230;
let em;
let client;
let dir;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-test-'));
  const seedFile = path.join(dir, 'seed.json');
  execFileSync('python3', [path.join(__dirname, '..', '..', 'bench', 'make_seed.py'), String(N), seedFile]);
  const seed = JSON.parse(fs.readFileSync(seedFile, 'utf8'));
  em = await Emulator.start({ seed, pageSize: 40 });
  const app = seed.applications[0];
  client = em.client({ clientId: app.clientId, clientSecret: app.clientSecret });
});
after(async () => {
  await em.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function listed(options) {
  const out = [];
  for await (const a of client.listAssignments(options)) out.push(a);
  return out;
}

test('JSONL lines are the listed objects, with progress', async () => {
  const file = path.join(dir, 'a.jsonl');
  const events = [];
  const summary = await client.export('assignments', { path: file, expand: 'target,accessPackage', onProgress: (e) => events.push(e) });
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(summary.count, N);
  assert.equal(summary.bytes, fs.statSync(file).size);
  assert.deepEqual(lines, await listed({ expand: ['target', 'accessPackage'] }));
  const counts = events.map((e) => e.count);
  assert.ok(counts.length > 0 && counts.at(-1) === N, String(counts));
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
});

test('CSV rows carry the documented columns', async () => {
  const file = path.join(dir, 'a.csv');
  const summary = await client.export('assignments', { path: file, format: 'csv', expand: 'target' });
  const text = fs.readFileSync(file, 'utf8');
  const records = text.split('\r\n');
  assert.equal(records.pop(), '');
  const header = records[0].split(',');
  assert.deepEqual(header.slice(0, 3), ['id', 'state', 'status']);
  const want = await listed({ expand: ['target'] });
  assert.equal(summary.count, want.length);
  assert.equal(records.length - 1, N);
  // Display names here hold no comma or quote, so a plain split reads them.
  const rows = records.slice(1).map((r) => r.split(','));
  const col = (name) => header.indexOf(name);
  rows.forEach((r, i) => {
    assert.equal(r[col('id')], want[i].id);
    assert.equal(r[col('state')], want[i].state);
    assert.equal(r[col('target.displayName')], want[i].target.displayName);
  });
});

test('segmented by access package, and errors', async () => {
  const file = path.join(dir, 'seg.jsonl');
  const summary = await client.export('assignments', { path: file, byAccessPackage: true, concurrency: 2 });
  assert.equal(summary.packages, 4);
  const ids = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).id);
  assert.equal(ids.length, N);
  assert.deepEqual(new Set(ids), new Set((await listed()).map((a) => a.id)));
  await rejectsWith(assert, client.export('assignments', { path: file, filter: 'state eq' }), BadRequestError, 'BadRequest');
  await rejectsWith(assert, client.export('groups', { path: file }), InvalidArgumentError, 'InvalidArgument');
});
