// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const E = require('..');
const { ids, rejectsWith } = require('./helpers');

const { Emulator, Client } = E;
let em;
let admin;
before(async () => {
  em = await Emulator.start({ deliveryDelayMs: 20 });
  admin = em.client();
});
after(async () => {
  await em.stop();
});

test('unknown id: NotFound with status and request ids', async () => {
  const err = await rejectsWith(assert, admin.getCatalog('00000000-0000-0000-0000-00000000dead'), E.NotFoundError, 'NotFound');
  assert.ok(err instanceof E.EntitlementError);
  assert.ok(err instanceof Error);
  assert.equal(err.status, 404);
  assert.equal(err.graphCode, 'ResourceNotFound');
  assert.match(err.requestId, /^[0-9a-f-]{36}$/);
  assert.match(err.clientRequestId, /^[0-9a-f-]{36}$/);
  assert.equal(typeof err.date, 'string');
  assert.equal(err.retryAfter, null);
  assert.ok(err.message.length > 0);
  assert.equal(err.name, 'NotFoundError');
  // beta too
  await rejectsWith(assert, admin.beta.getAccessPackage('nope'), E.NotFoundError, 'NotFound');
});

test('malformed $filter: BadRequest', async () => {
  const err = await rejectsWith(assert, admin.listCatalogsPage({ filter: "displayName eq 'General" }), E.BadRequestError, 'BadRequest');
  assert.equal(err.status, 400);
  assert.ok(err.graphCode);
  // The iterator rejects on first use.
  const it = admin.listCatalogs({ filter: 'displayName eq' });
  await rejectsWith(assert, it.toArray(), E.BadRequestError, 'BadRequest');
});

test('missing or invalid token: Authentication', async () => {
  const none = new Client({ baseUrl: em.baseUrl });
  const err = await rejectsWith(assert, none.listCatalogsPage(), E.AuthenticationError, 'Authentication');
  assert.equal(err.status, 401);
  const bad = new Client({ baseUrl: em.baseUrl, token: 'not-a-token' });
  await rejectsWith(assert, bad.getCatalog(ids.GENERAL_CATALOG_ID), E.AuthenticationError, 'Authentication');
  const wrongSecret = em.client({ clientSecret: 'wrong' });
  const e3 = await rejectsWith(assert, wrongSecret.getCatalog(ids.GENERAL_CATALOG_ID), E.AuthenticationError, 'Authentication');
  assert.ok(e3.graphCode, 'token endpoint error code kept');
  const failing = new Client({ baseUrl: em.baseUrl, tokenProvider: async () => { throw new Error('vault locked'); } });
  const e4 = await rejectsWith(assert, failing.getCatalog(ids.GENERAL_CATALOG_ID), E.AuthenticationError, 'Authentication');
  assert.match(e4.message, /vault locked/);
  const empty = new Client({ baseUrl: em.baseUrl, tokenProvider: () => 42 });
  await rejectsWith(assert, empty.getCatalog(ids.GENERAL_CATALOG_ID), E.AuthenticationError, 'Authentication');
});

test('wrong argument types and bad JSON: InvalidArgument, never a crash', async () => {
  const cases = [
    () => admin.getCatalog(42),
    () => admin.getCatalog(''),
    () => admin.getCatalog(undefined),
    () => admin.getCatalog({ id: 'x' }),
    () => admin.getCatalog(ids.GENERAL_CATALOG_ID, { top: 3 }),
    () => admin.getCatalog(ids.GENERAL_CATALOG_ID, 'select'),
    () => admin.createAccessPackage(42),
    () => admin.createAccessPackage(null),
    () => admin.createAccessPackage([1, 2]),
    () => admin.createAccessPackage(),
    () => admin.createAccessPackage('{"displayName": '),
    () => admin.createAccessPackage('[1,2]'),
    () => admin.createAccessPackage({ displayName: 42 }),
    () => admin.createAccessPackage({ isHidden: 'yes' }),
    () => admin.createAccessPackage({ big: 1n }),
    () => admin.beta.createAccessPackageAssignmentRequest({ requestType: 7 }),
    () => admin.updateCatalog(ids.GENERAL_CATALOG_ID, 'not json'),
    () => admin.listCatalogsPage({ top: -1 }),
    () => admin.listCatalogsPage({ top: 1.5 }),
    () => admin.listCatalogsPage({ filter: 3 }),
    () => admin.listCatalogsPage({ $filter: "displayName eq 'General'" }),
    () => admin.listCatalogsPage({ select: [1] }),
    () => admin.listCatalogsPage({ count: 'yes' }),
    () => admin.listCatalogsPage('filter'),
    () => admin.waitForAssignmentRequest(5),
    () => admin.waitForAssignmentRequest('x', { timeoutMs: -1 }),
    () => admin.nextPage(3),
    () => admin.nextPage('https://evil.example/v1.0/x', 'listCatalogs'),
    () => E.Client.prototype.getCatalog.call({}, 'x'),
  ];
  for (const [i, f] of cases.entries()) {
    let err;
    try {
      await f();
    } catch (e) {
      err = e;
    }
    assert.ok(err, `case ${i} did not fail: ${f}`);
    if (String(f).includes('evil.example')) {
      assert.equal(err.code, 'Decode', `case ${i}: ${err.message}`);
      continue;
    }
    assert.ok(err instanceof E.InvalidArgumentError, `case ${i} (${f}): ${err.name} ${err.message}`);
    assert.equal(err.code, 'InvalidArgument');
    assert.equal(err.status, null);
  }
  // Iterators check their arguments at once.
  assert.throws(() => admin.listCatalogs({ top: 'ten' }), E.InvalidArgumentError);
  assert.throws(() => admin.listCatalogResources(7), E.InvalidArgumentError);
  // Constructors throw.
  assert.throws(() => new Client({ baseUrl: 5 }), E.InvalidArgumentError);
  assert.throws(() => new Client({ baseUrl: 'ftp://x' }), E.InvalidArgumentError);
  assert.throws(() => new Client({ baseUrl: 'not a url' }), E.InvalidArgumentError);
  assert.throws(() => new Client({ cloud: 'mars' }), E.InvalidArgumentError);
  assert.throws(() => new Client({ tokenProvider: 'abc' }), E.InvalidArgumentError);
  assert.throws(() => new Client({ token: 't', clientSecret: 's', tenantId: 't', clientId: 'c' }), E.InvalidArgumentError);
  assert.throws(() => new Client({ clientSecret: 's' }), E.InvalidArgumentError);
  assert.throws(() => new Client({ tokn: 't' }), E.InvalidArgumentError);
  assert.throws(() => new Client('x'), E.InvalidArgumentError);
  assert.throws(() => em.injectFault({ status: 'x' }), E.InvalidArgumentError);
  // The client still works afterwards.
  assert.equal((await admin.getCatalog(ids.GENERAL_CATALOG_ID)).displayName, 'General');
});

test('Requestor1 creating a package: PermissionDenied', async () => {
  const requestor = em.userClient(ids.REQUESTOR1_ID);
  const err = await rejectsWith(
    assert,
    requestor.createAccessPackage({ catalogId: ids.GENERAL_CATALOG_ID, displayName: 'Not mine' }),
    E.PermissionDeniedError,
    'PermissionDenied',
  );
  assert.equal(err.status, 403);
  assert.ok(err.requestId);
});

test('unknown user: NotFound from the emulator helpers', () => {
  assert.throws(() => em.userToken('nobody@contoso.com'), E.NotFoundError);
});

test('waiting for an unknown request: NotFound', async () => {
  await rejectsWith(assert, admin.waitForAssignmentRequest('missing', { timeoutMs: 100, pollIntervalMs: 10 }), E.NotFoundError, 'NotFound');
  await rejectsWith(assert, admin.beta.waitForAssignmentRequest('missing', { timeoutMs: 100, pollIntervalMs: 10 }), E.NotFoundError, 'NotFound');
});

test('network failure: Network', async () => {
  const dead = new Client({ baseUrl: 'http://127.0.0.1:9', token: 't', maxRetries: 0 });
  const err = await rejectsWith(assert, dead.getCatalog('x'), E.NetworkError, 'Network');
  assert.ok(err.clientRequestId);
});
