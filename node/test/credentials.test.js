// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Sign-in with an @azure/identity-shaped TokenCredential (duck-typed:
// getToken(scopes) resolving to { token, expiresOnTimestamp }) and the
// built-in kinds of E.identity, against the emulator over loopback HTTP.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const E = require('..');
const { ids } = require('./helpers');

const SCOPE = 'https://graph.microsoft.com/.default';
const DEV_PEM = path.join(__dirname, '..', '..', 'emulator', 'src', 'identity', 'dev-app.pem');

test('a TokenCredential is asked once, with the scope, for many concurrent calls', async () => {
  const em = await E.Emulator.start();
  try {
    const seen = [];
    const cred = {
      async getToken(scopes) {
        seen.push(scopes);
        await new Promise((r) => setTimeout(r, 20));
        return { token: em.appToken(), expiresOnTimestamp: Date.now() + 3600 * 1000 };
      },
    };
    const c = new E.Client({ baseUrl: em.baseUrl, credential: cred });
    const got = await Promise.all(Array.from({ length: 20 }, () => c.getCatalog(ids.GENERAL_CATALOG_ID)));
    assert.ok(got.every((g) => g.id === ids.GENERAL_CATALOG_ID));
    await c.getCatalog(ids.GENERAL_CATALOG_ID);
    assert.deepEqual(seen, [[SCOPE]]);
    assert.throws(() => new E.Client({ baseUrl: em.baseUrl, credential: {} }), E.InvalidArgumentError);
  } finally {
    await em.stop();
  }
});

test('built-in kinds: certificate, managed identity, client secret', async () => {
  const em = await E.Emulator.start();
  try {
    const { clientId, clientSecret: secret } = em.appCredentials;
    const kinds = [
      new E.identity.ClientCertificateCredential(em.tenantId, clientId, DEV_PEM),
      new E.identity.ManagedIdentityCredential({ endpoint: `${em.baseUrl}/metadata/identity/oauth2/token` }),
      new E.identity.ClientSecretCredential(em.tenantId, clientId, secret),
    ];
    for (const credential of kinds) {
      const c = new E.Client({ baseUrl: em.baseUrl, authority: em.authority, credential });
      assert.equal((await c.getCatalog(ids.GENERAL_CATALOG_ID)).id, ids.GENERAL_CATALOG_ID);
    }
    const bad = new E.Client({ baseUrl: em.baseUrl, authority: em.authority,
      credential: new E.identity.ClientSecretCredential(em.tenantId, clientId, 'wrong') });
    await assert.rejects(bad.getCatalog(ids.GENERAL_CATALOG_ID), (e) => e instanceof E.AuthenticationError && /AADSTS7000215/.test(e.message));
  } finally {
    await em.stop();
  }
});
