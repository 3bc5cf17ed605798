// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const E = require('..');
const native = require('../native.js');
const { OPERATION_METHODS } = require('../lib/operations');
const { ids } = require('./helpers');

let em;
before(async () => {
  em = await E.Emulator.start();
});
after(async () => {
  await em.stop();
});

test('every operation native code knows has a generated method and a declaration', () => {
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const client = new E.Client({ baseUrl: em.baseUrl });
  const names = native.operationNames();
  assert.ok(names.length >= 40, `${names.length} operations`);
  assert.deepEqual(Object.keys(OPERATION_METHODS).sort(), [...names].sort());
  for (const op of names) {
    const method = OPERATION_METHODS[op];
    const [target, name] = method.startsWith('beta.') ? [client.beta, method.slice(5)] : [client, method];
    assert.equal(typeof target[name], 'function', `${op} -> ${method}`);
    assert.ok(dts.includes(`  ${name}(`), `${name} declared in index.d.ts`);
  }
  assert.equal(typeof client.listCatalogsPage, 'function');
  assert.equal(typeof client.beta.listAccessPackageAssignmentsPage, 'function');
});

test('secrets never show in util.inspect or JSON', () => {
  const { clientId, clientSecret } = em.appCredentials;
  const clients = [
    em.client(),
    em.userClient(ids.REQUESTOR1_UPN),
    new E.Client({ baseUrl: em.baseUrl, token: 'tok-SECRET-123' }),
    new E.Client({ baseUrl: em.baseUrl, tenantId: em.tenantId, clientId, clientSecret: 'hunter2-SECRET' }),
    new E.Client({ baseUrl: em.baseUrl, tokenProvider: async () => 'tok-SECRET-456' }),
  ];
  for (const c of clients) {
    const shown = util.inspect(c, { showHidden: true, depth: 10 }) + util.inspect(c.beta, { showHidden: true, depth: 10 })
      + JSON.stringify(c) + String(Object.keys(c));
    for (const s of [clientSecret, 'tok-SECRET', 'hunter2', 'Passw0rd', em.userToken(ids.REQUESTOR1_UPN)]) {
      assert.ok(!shown.includes(s), `inspect shows a secret: ${shown}`);
    }
    assert.ok(shown.includes(em.baseUrl));
  }
  const shownEm = util.inspect(em, { showHidden: true, depth: 10 });
  assert.ok(!shownEm.includes(clientSecret), shownEm);
});

test('tokenProvider is called with the scope and its token is sent', async () => {
  const scopes = [];
  const c = new E.Client({
    baseUrl: em.baseUrl,
    tokenProvider: async (scope) => {
      scopes.push(scope);
      await new Promise((r) => setTimeout(r, 5));
      return em.appToken();
    },
  });
  const [a, b] = await Promise.all([c.getCatalog(ids.GENERAL_CATALOG_ID), c.listCatalogsPage()]);
  assert.equal(a.id, ids.GENERAL_CATALOG_ID);
  assert.ok(b.value.length >= 1);
  assert.ok(scopes.length >= 2);
  assert.ok(scopes.every((s) => s.endsWith('/.default')), String(scopes));
  // A synchronous provider works too.
  const sync = new E.Client({ baseUrl: em.baseUrl, tokenProvider: () => em.appToken() });
  assert.equal((await sync.getCatalog(ids.GENERAL_CATALOG_ID)).displayName, 'General');
});

test('static tokens from the emulator, apiVersion beta, unknown properties kept', async () => {
  const c = new E.Client({ baseUrl: em.baseUrl, token: em.userToken(ids.ADMIN_UPN) });
  const cat = await c.getCatalog(ids.GENERAL_CATALOG_ID, { select: 'id,displayName' });
  assert.equal(cat.displayName, 'General');
  assert.equal(cat.catalogType, undefined);
  // apiVersion 'beta' sends the flat operations to /beta.
  const b = new E.Client({ baseUrl: em.baseUrl, token: em.appToken(), apiVersion: 'beta' });
  const p0 = await c.createAccessPackage({ catalogId: ids.GENERAL_CATALOG_ID, displayName: 'via beta' });
  const viaBeta = await b.getAccessPackage(p0.id);
  assert.match(viaBeta['@odata.context'], /\/beta\/\$metadata/);
  assert.match((await c.getAccessPackage(p0.id))['@odata.context'], /\/v1\.0\/\$metadata/);
  // Properties no model declares survive a round trip through create.
  const pkg = await c.createAccessPackage({ catalogId: ids.GENERAL_CATALOG_ID, displayName: 'extra', description: 'x' });
  assert.equal(typeof pkg.createdDateTime, 'string');
  await c.deleteAccessPackage(pkg.id);
  // Bodies may be JSON text.
  const pkg2 = await c.createAccessPackage(JSON.stringify({ catalogId: ids.GENERAL_CATALOG_ID, displayName: 'as text' }));
  assert.equal(pkg2.displayName, 'as text');
  assert.equal(await c.updateAccessPackage(pkg2.id, { description: 'patched' }), undefined);
  assert.equal((await c.getAccessPackage(pkg2.id)).description, 'patched');
  // Nested expand options pass through as written.
  const nested = await c.getAccessPackage(pkg2.id, { expand: 'resourceRoleScopes($expand=role,scope),catalog' });
  assert.deepEqual(nested.resourceRoleScopes, []);
  assert.equal(nested.catalog.id, ids.GENERAL_CATALOG_ID);
});

test('error classes are exported with their codes', () => {
  for (const code of E.ERROR_CODES) {
    const cls = E[`${code}Error`];
    assert.equal(typeof cls, 'function', code);
    const e = new cls('m', { status: 1 });
    assert.ok(e instanceof E.EntitlementError);
    assert.equal(e.code, code);
    assert.equal(e.name, `${code}Error`);
  }
});

test('the native boundary itself rejects bad input with structured errors', async () => {
  const { fromNative } = require('../lib/errors');
  const n = new native.NativeClient({ baseUrl: em.baseUrl, token: em.appToken() }, undefined);
  const cases = [
    () => n.prepare('no_such_operation', [], undefined, undefined),
    () => n.prepare('get_catalog', [], undefined, undefined),
    () => n.prepare('get_catalog', [1], undefined, undefined),
    () => n.prepare('get_catalog', 'x', undefined, undefined),
    () => n.prepare('create_access_package', [], undefined, '{"displayName": 5}'),
    () => n.prepare('create_access_package', [], undefined, 'nope'),
    () => n.prepare('create_access_package', [], undefined, undefined),
    () => n.prepare('delete_catalog', ['x'], undefined, '{}'),
    () => n.prepare('list_catalogs', [], { top: 'x' }, undefined),
    () => n.prepare('get_catalog', ['x'], { filter: 'a' }, undefined),
    () => n.waitForAssignmentRequest('x', { timeoutMs: -5 }),
    () => n.waitForAssignmentRequest('', undefined),
    () => new native.NativeClient({ baseUrl: 7 }, undefined),
    () => new native.NativeClient({ tenant_id: 't' }, undefined),
  ];
  for (const [i, f] of cases.entries()) {
    let err;
    try {
      await f();
    } catch (e) {
      err = fromNative(e);
    }
    assert.ok(err, `case ${i} did not fail`);
    assert.equal(err.code, 'InvalidArgument', `case ${i}: ${err.message}`);
  }
  const ok = JSON.parse(await n.send(n.prepare('beta.get_access_package', ['nope'])).catch((e) => JSON.stringify({ code: fromNative(e).code })));
  assert.equal(ok.code, 'NotFound');
});
