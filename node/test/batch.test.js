// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// client.batch([...]) against the emulator: results in request order with
// typed errors, dependsOn and 424, and a throttled item retried after its own
// Retry-After (never before it: the emulator counts early retries).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Emulator, NotFoundError, InvalidArgumentError } = require('..');
const { ids } = require('./helpers');

async function withEmulator(options, fn) {
  const em = await Emulator.start({ deliveryDelayMs: 10, ...options });
  try {
    await fn(em, em.client());
  } finally {
    await em.stop();
  }
}

test('batch: results in order, typed errors, dependsOn', async () => {
  await withEmulator({}, async (em, client) => {
    const results = await client.batch([
      ['getCatalog', ids.GENERAL_CATALOG_ID],
      { operation: 'listCatalogs', query: { top: 1 } },
      { operation: 'createCatalog', body: { displayName: 'From a Node batch' }, id: 'new' },
      { operation: 'getCatalog', args: ['no-such-catalog'], id: 'missing' },
      { operation: 'createCatalog', body: { displayName: 'Never' }, dependsOn: ['missing'] },
    ]);
    assert.equal(results.length, 5);
    assert.equal(results[0].value.id, ids.GENERAL_CATALOG_ID);
    assert.equal(results[1].value.value.length, 1);
    assert.equal(results[2].id, 'new');
    assert.equal(results[2].status, 201);
    assert.equal(results[2].value.displayName, 'From a Node batch');
    assert.equal(results[3].ok, false);
    assert.ok(results[3].error instanceof NotFoundError);
    assert.equal(results[3].error.status, 404);
    assert.equal(results[4].status, 424);
    assert.equal(results[4].error.graphCode, 'FailedDependency');
    assert.deepEqual(results.summary, { succeeded: 3, failed: 2, retried: 0 });
    const never = await client.listCatalogsPage({ filter: "displayName eq 'Never'" });
    assert.equal(never.value.length, 0);
    await assert.rejects(client.batch([{ operation: 'noSuchOperation' }]), InvalidArgumentError);
    await assert.rejects(client.batch('nope'), InvalidArgumentError);
  });
});

test('batch: a throttled item is retried after its own Retry-After', async () => {
  await withEmulator({ throttle: 'graph,app=3/1,tenant=1000/1000' }, async (em, client) => {
    const started = Date.now();
    const results = await client.batch(Array.from({ length: 6 }, () => ['getCatalog', ids.GENERAL_CATALOG_ID]));
    const took = Date.now() - started;
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    assert.ok(results.summary.retried >= 3, `retried ${results.summary.retried}`);
    assert.ok(results.some((r) => r.attempts > 1));
    assert.ok(took >= 1000, `finished in ${took} ms, before the items' Retry-After of 1 s`);
  });
});
