// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The emulator speaks Graph: Microsoft's own JavaScript Graph client,
// unmodified, works against it. (The SDK's authentication handler attaches
// tokens only for https Graph hosts, so for the loopback emulator the token
// goes in through the SDK's documented custom-middleware hook.)

const test = require('node:test');
const assert = require('node:assert/strict');
const { Client: GraphClient, HTTPMessageHandler } = require('@microsoft/microsoft-graph-client');
const { Emulator } = require('..');
const { ids } = require('./helpers');

/** SDK middleware that sets the bearer token, then hands over to the SDK's HTTP handler. */
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

test('the official Microsoft Graph JS client works against the emulator', async (t) => {
  const emu = await Emulator.start({ pageSize: 2, deliveryDelayMs: 20 });
  t.after(() => emu.stop());
  const token = emu.appToken();
  const bearer = new BearerMiddleware(token);
  bearer.setNext(new HTTPMessageHandler());
  const graph = GraphClient.initWithMiddleware({ baseUrl: `${emu.baseUrl}/`, defaultVersion: 'v1.0', middleware: bearer });
  const em = '/identityGovernance/entitlementManagement';
  const api = (path) => graph.api(path);

  const general = await api(`${em}/catalogs`).filter("displayName eq 'General'").get();
  assert.equal(general.value.length, 1);
  assert.equal(general.value[0].id, ids.GENERAL_CATALOG_ID);
  assert.match(general['@odata.context'], /\$metadata#/);

  const pkg = await api(`${em}/accessPackages`)
    .post({ displayName: 'From the SDK', description: 'made by msgraph', catalog: { id: ids.GENERAL_CATALOG_ID } });
  assert.ok(pkg.id);
  const back = await api(`${em}/accessPackages/${pkg.id}`).select(['id', 'displayName']).get();
  assert.equal(back.displayName, 'From the SDK');

  // Beta through the same SDK.
  const beta = await api(`${em}/accessPackages/${pkg.id}`).version('beta').get();
  assert.equal(beta.id, pkg.id);

  // Follow the emulator's nextLinks with the SDK. (Its PageIterator recognises
  // absolute links only on https hosts, so the loopback link is made relative.)
  for (const n of ['a', 'b', 'c']) await api(`${em}/catalogs`).post({ displayName: `sdk ${n}` });
  const first = await api(`${em}/catalogs`).get();
  assert.ok(first['@odata.nextLink'], 'page size 2 must page');
  const seen = first.value.map((c) => c.displayName);
  for (let page = first; page['@odata.nextLink']; ) {
    assert.ok(page['@odata.nextLink'].startsWith(`${emu.baseUrl}/v1.0/`), page['@odata.nextLink']);
    page = await api(page['@odata.nextLink'].slice(`${emu.baseUrl}/v1.0`.length)).get();
    seen.push(...page.value.map((c) => c.displayName));
  }
  assert.deepEqual(seen.sort(), ['General', 'sdk a', 'sdk b', 'sdk c']);

  // Errors come back in the shape the SDK parses into GraphError.
  await assert.rejects(api(`${em}/accessPackages/00000000-0000-0000-0000-000000000000`).get(), (e) => {
    assert.equal(e.statusCode, 404);
    assert.ok(e.code, 'Graph error code');
    assert.ok(e.requestId, 'request-id');
    return true;
  });
  await api(`${em}/accessPackages/${pkg.id}`).delete();
});
