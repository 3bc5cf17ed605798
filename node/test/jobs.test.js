// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The job channel every long-running method is built on (core's bridge::Job),
// through its test kind "echo".

const test = require('node:test');
const assert = require('node:assert/strict');
const { Client, Job, InvalidArgumentError } = require('..');

const client = () => new Client({ baseUrl: 'http://127.0.0.1:9', token: 't' });

test('events then the summary', async () => {
  const job = client()._startJob('echo', { count: 300 });
  assert.ok(job instanceof Job);
  const events = [];
  for await (const e of job) events.push(e);
  assert.deepEqual(events.slice(0, -1).map((e) => e.index), [...Array(300).keys()]);
  assert.deepEqual(events.at(-1), { type: 'done', count: 300 });
  assert.deepEqual(job.summary, events.at(-1));
});

test('wait reports progress and resolves to the summary', async () => {
  const seen = [];
  const summary = await client()._startJob('echo', { count: 4 }).wait((e) => seen.push(e));
  assert.equal(seen.length, 4);
  assert.equal(summary.count, 4);
});

test('a failed job rejects with the typed error', async () => {
  const job = client()._startJob('echo', { count: 1, fail: true });
  assert.equal((await job.next()).index, 0);
  await assert.rejects(job.next(), (e) => e instanceof InvalidArgumentError && /asked to fail/.test(e.message));
  assert.equal(await job.next(), null);
});

test('an unknown kind rejects', async () => {
  await assert.rejects(client()._startJob('nope').wait(), (e) => e instanceof InvalidArgumentError && /unknown job kind/.test(e.message));
});

test('breaking out of for-await cancels the job', async () => {
  const job = client()._startJob('echo', { count: 1000000 });
  let n = 0;
  for await (const e of job) {
    if (++n === 3) break;
    assert.equal(e.type, 'item');
  }
  // Cancelled: the rest drains quickly and ends with a partial summary.
  const rest = [];
  for (let e = await job.next(); e !== null; e = await job.next()) rest.push(e);
  assert.ok(rest.length < 1000, `${rest.length} events after cancel`);
});
