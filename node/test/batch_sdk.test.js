// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// `$batch` as Microsoft's own JavaScript Graph client builds and reads it,
// unmodified: BatchRequestContent (absolute URLs it strips to
// `/v1.0/...`, lower-case content-type, dependsOn) posted to the emulator,
// BatchResponseContent reading the answers, including a throttled item's own
// 429 and Retry-After inside the 200.

const test = require('node:test');
const assert = require('node:assert/strict');
const {
  Client: GraphClient,
  HTTPMessageHandler,
  BatchRequestContent,
  BatchResponseContent,
} = require('@microsoft/microsoft-graph-client');
const { Emulator } = require('..');
const { ids } = require('./helpers');

const EM = '/identityGovernance/entitlementManagement';

class BearerMiddleware {
  constructor(token) {
    this.token = token;
  }
  setNext(next) {
    this.next = next;
  }
  async execute(ctx) {
    const h = ctx.options.headers;
    if (h && typeof h.set === 'function') h.set('Authorization', `Bearer ${this.token}`);
    else ctx.options.headers = { ...(h || {}), Authorization: `Bearer ${this.token}` };
    return this.next.execute(ctx);
  }
}

function sdk(emu) {
  const bearer = new BearerMiddleware(emu.appToken());
  bearer.setNext(new HTTPMessageHandler());
  return GraphClient.initWithMiddleware({ baseUrl: `${emu.baseUrl}/`, defaultVersion: 'v1.0', middleware: bearer });
}

test('the official SDK batch (BatchRequestContent/BatchResponseContent) works against the emulator', async (t) => {
  const emu = await Emulator.start({ deliveryDelayMs: 20 });
  t.after(() => emu.stop());
  const graph = sdk(emu);
  const root = `${emu.baseUrl}/v1.0`;
  // The SDK accepts parallel, serial or same-dependency batches: this one is serial.
  const steps = [
    { id: '1', request: new Request(`${root}${EM}/catalogs/${ids.GENERAL_CATALOG_ID}`, { method: 'GET' }) },
    {
      id: '2',
      dependsOn: ['1'],
      request: new Request(`${root}${EM}/catalogs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ displayName: 'From an SDK batch' }),
      }),
    },
    {
      id: '3',
      request: new Request(`${root}${EM}/catalogs?$filter=displayName eq 'From an SDK batch'`, { method: 'GET' }),
      dependsOn: ['2'],
    },
    { id: '4', request: new Request(`${root}${EM}/catalogs/not-a-catalog`, { method: 'GET' }), dependsOn: ['3'] },
  ];
  const content = await new BatchRequestContent(steps).getContent();
  const answer = await graph.api('/$batch').post(content);
  const batch = new BatchResponseContent(answer);

  const one = batch.getResponseById('1');
  assert.equal(one.status, 200);
  assert.equal((await one.json()).id, ids.GENERAL_CATALOG_ID);
  const created = batch.getResponseById('2');
  assert.equal(created.status, 201);
  const catalog = await created.json();
  assert.equal(catalog.displayName, 'From an SDK batch');
  const found = await batch.getResponseById('3').json();
  assert.deepEqual(found.value.map((c) => c.id), [catalog.id], 'the dependent item ran after the create');
  const missing = batch.getResponseById('4');
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'ResourceNotFound');
});

test('a throttled item in an SDK batch has its own 429 and Retry-After', async (t) => {
  const emu = await Emulator.start({ throttle: 'graph,app=2/1,tenant=1000/1000' });
  t.after(() => emu.stop());
  const graph = sdk(emu);
  const root = `${emu.baseUrl}/v1.0`;
  const steps = [1, 2, 3].map((i) => ({ id: String(i), request: new Request(`${root}${EM}/catalogs`, { method: 'GET' }) }));
  const answer = await graph.api('/$batch').post(await new BatchRequestContent(steps).getContent());
  const batch = new BatchResponseContent(answer);
  assert.equal(batch.getResponseById('1').status, 200);
  assert.equal(batch.getResponseById('2').status, 200);
  const throttled = batch.getResponseById('3');
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get('Retry-After'), '1');
  assert.equal((await throttled.json()).error.code, 'TooManyRequests');
});
