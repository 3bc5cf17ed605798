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

const DEV_PFX = path.join(path.dirname(DEV_PEM), 'dev-app.pfx');

test('PKCS#12 certificate with its password; a wrong password says so', async () => {
  const em = await E.Emulator.start();
  try {
    const { clientId } = em.appCredentials;
    const cred = new E.identity.ClientCertificateCredential(em.tenantId, clientId, { certificatePath: DEV_PFX, certificatePassword: 'emulator' });
    const c = new E.Client({ baseUrl: em.baseUrl, authority: em.authority, credential: cred });
    assert.equal((await c.getCatalog(ids.GENERAL_CATALOG_ID)).id, ids.GENERAL_CATALOG_ID);
    assert.throws(() => new E.Client({ baseUrl: em.baseUrl, authority: em.authority,
      credential: new E.identity.ClientCertificateCredential(em.tenantId, clientId, { certificatePath: DEV_PFX, certificatePassword: 'nope' }) }),
    (e) => e.code === 'InvalidArgument' && /wrong password/.test(e.message));
  } finally {
    await em.stop();
  }
});

test('interactive sign-in (authorization code + PKCE): a delegated user, refused admin operations', async () => {
  const em = await E.Emulator.start();
  try {
    const cred = em.userCredential(ids.REQUESTOR1_UPN);
    assert.ok(cred instanceof E.identity.InteractiveBrowserCredential);
    const c = new E.Client({ baseUrl: em.baseUrl, authority: em.authority, credential: cred });
    const mine = await c.filterAssignmentsByCurrentUserPage('target');
    assert.ok(Array.isArray(mine.value));
    await assert.rejects(c.listAssignmentRequestsPage(), (e) => e.code === 'PermissionDenied');
    const nobody = new E.Client({ baseUrl: em.baseUrl, authority: em.authority,
      credential: new E.identity.InteractiveBrowserCredential({ tenantId: em.tenantId, clientId: em.appCredentials.clientId, loginHint: 'nobody@contoso.com', browser: 'http' }) });
    await assert.rejects(nobody.getCatalog(ids.GENERAL_CATALOG_ID), (e) => e.code === 'Authentication' && /AADSTS50034/.test(e.message));
  } finally {
    await em.stop();
  }
});

test('device code: polls until the person approves, then signs the user in', async () => {
  const em = await E.Emulator.start();
  try {
    const cred = new E.identity.DeviceCodeCredential({ tenantId: em.tenantId, clientId: em.appCredentials.clientId });
    const c = new E.Client({ baseUrl: em.baseUrl, authority: em.authority, credential: cred });
    const call = c.filterAssignmentsByCurrentUserPage('target');
    // The person at the verification page approves the newest pending code.
    let approved = false;
    for (let i = 0; i < 100 && !approved; i++) {
      const r = await fetch(`${em.baseUrl}/_emulator/devicecode/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: ids.REQUESTOR1_UPN }) });
      approved = r.status === 200;
      if (!approved) await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(approved, 'a device code was pending');
    assert.ok(Array.isArray((await call).value));
  } finally {
    await em.stop();
  }
});

test('environment and default chain (certificate from the environment), managed identity over App Service', async () => {
  const em = await E.Emulator.start();
  const saved = { ...process.env };
  try {
    for (const k of ['AZURE_CLIENT_SECRET', 'AZURE_FEDERATED_TOKEN_FILE', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER']) delete process.env[k];
    Object.assign(process.env, { AZURE_AUTHORITY_HOST: em.authority, AZURE_TENANT_ID: em.tenantId, AZURE_CLIENT_ID: em.appCredentials.clientId,
      AZURE_CLIENT_CERTIFICATE_PATH: DEV_PFX, AZURE_CLIENT_CERTIFICATE_PASSWORD: 'emulator' });
    for (const credential of [new E.identity.EnvironmentCredential(), new E.identity.DefaultAzureCredential()]) {
      const c = new E.Client({ baseUrl: em.baseUrl, credential });
      assert.equal((await c.getCatalog(ids.GENERAL_CATALOG_ID)).id, ids.GENERAL_CATALOG_ID);
    }
    const app = new E.Client({ baseUrl: em.baseUrl,
      credential: new E.identity.ManagedIdentityCredential({ endpoint: `${em.baseUrl}/msi/token`, identityHeader: 'entitlement-emulator-identity-header' }) });
    assert.equal((await app.getCatalog(ids.GENERAL_CATALOG_ID)).id, ids.GENERAL_CATALOG_ID);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    await em.stop();
  }
});
