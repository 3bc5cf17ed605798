// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

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

test('429 with Retry-After is retried after the time asked', async () => {
  const admin = em.client();
  await admin.getCatalog(ids.GENERAL_CATALOG_ID); // token fetched, connection warm
  em.injectFault({ status: 429, retryAfter: 1, count: 2, pathContains: '/catalogs/' });
  const t0 = process.hrtime.bigint();
  const c = await admin.getCatalog(ids.GENERAL_CATALOG_ID);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(c.displayName, 'General');
  assert.ok(ms >= 1900, `two Retry-After: 1 waits took only ${ms} ms`);
  assert.ok(ms < 6000, `took ${ms} ms`);
});

test('503 retried; when retries run out the error carries retryAfter', async () => {
  const admin = em.client({ maxRetries: 1 });
  await admin.getCatalog(ids.GENERAL_CATALOG_ID);
  em.injectFault({ status: 503, retryAfter: '1', count: 1, pathContains: '/catalogs/' });
  assert.equal((await admin.getCatalog(ids.GENERAL_CATALOG_ID)).id, ids.GENERAL_CATALOG_ID);

  em.injectFault({ status: 429, retryAfter: '1', count: 2, pathContains: '/accessPackages' });
  const err = await rejectsWith(assert, admin.listAccessPackagesPage(), E.ThrottledError, 'Throttled');
  assert.equal(err.status, 429);
  assert.equal(err.retryAfter, 1);
  assert.ok(err.requestId);

  const noRetry = em.client({ maxRetries: 0 });
  em.injectFault({ status: 500, count: 1, pathContains: '/catalogs/' });
  await rejectsWith(assert, noRetry.getCatalog(ids.GENERAL_CATALOG_ID), E.ServiceError, 'Service');
});
