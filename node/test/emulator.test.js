// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const E = require('..');
const { ids } = require('./helpers');

test('dbPath keeps state across restarts', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entitlement-node-'));
  const dbPath = path.join(dir, 'state.db');
  try {
    let em = await E.Emulator.start({ dbPath });
    const pkg = await em.client().createAccessPackage({ catalogId: ids.GENERAL_CATALOG_ID, displayName: 'kept' });
    await em.stop();
    await em.stop(); // idempotent
    assert.throws(() => em.appToken(), E.InvalidArgumentError);
    em = await E.Emulator.start({ dbPath });
    assert.equal((await em.client().getAccessPackage(pkg.id)).displayName, 'kept');
    await em.stop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a port in use, a bad seed or bad options: InvalidArgument', async () => {
  const em = await E.Emulator.start();
  try {
    const port = Number(new URL(em.baseUrl).port);
    await assert.rejects(E.Emulator.start({ port }), E.InvalidArgumentError);
    await assert.rejects(E.Emulator.start({ seedPath: '/nonexistent/seed.json' }), E.InvalidArgumentError);
    await assert.rejects(E.Emulator.start({ pageSize: 0 }), E.InvalidArgumentError);
    await assert.rejects(E.Emulator.start({ pageSize: 'big' }), E.InvalidArgumentError);
    await assert.rejects(E.Emulator.start({ page_size: 2 }), E.InvalidArgumentError);
    assert.throws(() => em.injectFault({ status: 99 }), E.InvalidArgumentError);
    assert.throws(() => em.userClient(5), E.InvalidArgumentError);
  } finally {
    await em.stop();
  }
});

test('tokens and credentials the emulator hands out work', async () => {
  const em = await E.Emulator.start();
  try {
    assert.equal(em.tenantId.length, 36);
    assert.equal(em.authority, em.baseUrl);
    const { clientId, clientSecret } = em.appCredentials;
    const byCreds = new E.Client({ baseUrl: em.baseUrl, authority: em.authority, tenantId: em.tenantId, clientId, clientSecret });
    const byToken = new E.Client({ baseUrl: em.baseUrl, token: em.appToken() });
    const asUser = new E.Client({ baseUrl: em.baseUrl, token: em.userToken(ids.ADMIN_UPN) });
    for (const c of [byCreds, byToken, asUser, em.userClient(ids.ADMIN_ID)]) {
      assert.equal((await c.getCatalog(ids.GENERAL_CATALOG_ID)).displayName, 'General');
    }
    // The one test of the password grant (MFA blocks it; the other tests sign users in by the
    // authorization code flow): the right password signs in, a wrong one is AADSTS50126.
    const pw = { baseUrl: em.baseUrl, authority: em.authority, tenantId: em.tenantId, clientId, username: ids.REQUESTOR1_UPN };
    const right = new E.Client({ ...pw, password: E.Emulator.ids.USER_PASSWORD });
    assert.ok(Array.isArray((await right.filterAssignmentsByCurrentUserPage('target')).value));
    const wrong = new E.Client({ ...pw, password: 'nope' });
    await assert.rejects(wrong.getCatalog(ids.GENERAL_CATALOG_ID), (e) => e.code === 'Authentication' && /AADSTS50126/.test(e.message));
  } finally {
    await em.stop();
  }
});
