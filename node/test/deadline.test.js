// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// One deadline per call (`deadlineMs`): a Retry-After that would end past it
// fails the call at once, carrying `retryAfter`; a create that got a 504 is
// not sent again, and its error says the outcome is unknown.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const E = require('..');
const { ids, rejectsWith } = require('./helpers');

let em;
before(async () => {
  em = await E.Emulator.start();
});
after(async () => {
  await em.stop();
});

const since = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

test('a Retry-After past the deadline fails at once with retryAfter', async () => {
  const admin = em.client({ deadlineMs: 2000 });
  await admin.getCatalog(ids.GENERAL_CATALOG_ID); // token fetched, connection warm
  em.injectFault({ status: 429, retryAfter: 100000, count: 1, pathContains: '/catalogs/' });
  const t0 = process.hrtime.bigint();
  const err = await rejectsWith(assert, admin.getCatalog(ids.GENERAL_CATALOG_ID), E.ThrottledError, 'Throttled');
  const ms = since(t0);
  assert.ok(ms < 2000, `took ${ms} ms`);
  assert.equal(err.status, 429);
  assert.equal(err.retryAfter, 100000);
  assert.match(err.message, /deadline/);
});

test('the deadline bounds the retries', async () => {
  const admin = em.client({ deadlineMs: 1500 });
  await admin.getCatalog(ids.GENERAL_CATALOG_ID);
  // Each answer asks for one second: the second wait would end past 1.5 s.
  em.injectFault({ status: 503, retryAfter: 1, count: 2, pathContains: '/catalogs/' });
  const t0 = process.hrtime.bigint();
  const err = await rejectsWith(assert, admin.getCatalog(ids.GENERAL_CATALOG_ID), E.ServiceError, 'Service');
  const ms = since(t0);
  assert.ok(ms >= 950 && ms < 1500, `took ${ms} ms`);
  assert.equal(err.retryAfter, 1);
});

test('a create is not sent again after a 504', async () => {
  const admin = em.client({ deadlineMs: 10000 });
  // Two 504s: a create that were sent again would get the second one and then succeed.
  em.injectFault({ status: 504, count: 2, pathContains: '/entitlementManagement/catalogs' });
  const err = await rejectsWith(
    assert,
    admin.createCatalog({ displayName: 'Deadline 504', description: 'node' }),
    E.ServiceError,
    'Service',
  );
  assert.equal(err.status, 504);
  assert.match(err.message, /outcome unknown/);
  assert.equal(err.outcomeUnknown, true);
  // A read is retried through the other 504.
  const all = await admin.listCatalogs().toArray();
  assert.ok(!all.some((c) => c.displayName === 'Deadline 504'));
});

test('deadlineMs is checked at construction', () => {
  for (const bad of [-1, 0, 'soon']) {
    assert.throws(() => new E.Client({ baseUrl: 'http://127.0.0.1:9', token: 't', deadlineMs: bad }), (e) => {
      assert.equal(e.code, 'InvalidArgument');
      assert.match(e.message, /deadline/);
      return true;
    });
  }
  assert.ok(new E.Client({ baseUrl: 'http://127.0.0.1:9', token: 't', deadlineMs: 500, timeoutMs: 200 }));
});
