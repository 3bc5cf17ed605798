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

test('built-in kinds: certificate (by path, with the chain, inline PEM), managed identity, client secret', async () => {
  const em = await E.Emulator.start();
  try {
    const { clientId, clientSecret: secret } = em.appCredentials;
    const kinds = [
      new E.identity.ClientCertificateCredential(em.tenantId, clientId, DEV_PEM),
      new E.identity.ClientCertificateCredential(em.tenantId, clientId, { certificatePath: DEV_PEM }, { sendCertificateChain: true }),
      new E.identity.ClientCertificateCredential(em.tenantId, clientId, { certificate: require('node:fs').readFileSync(DEV_PEM, 'utf8') }),
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

const fs = require('node:fs');
const os = require('node:os');
const fed = require('./federation');

/** Runs `body` with process.env changed by `vars` (undefined deletes), restoring it after. */
async function withEnv(vars, body) {
  const saved = { ...process.env };
  try {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return await body();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const NO_AZURE_ENV = Object.fromEntries(['AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'IMDS_ENDPOINT',
  'MSI_ENDPOINT', 'MSI_SECRET'].map((k) => [k, undefined]));

async function reads(em, credential, extra = {}) {
  const c = new E.Client({ baseUrl: em.baseUrl, credential, ...extra });
  const got = await Promise.all(Array.from({ length: 4 }, () => c.getCatalog(ids.GENERAL_CATALOG_ID)));
  assert.ok(got.every((g) => g.id === ids.GENERAL_CATALOG_ID));
}

test('workload identity: the token file by options, by AZURE_* variables and in the default chain; refusals as Entra words them', async () => {
  const iss = fed.issuer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ent-wi-'));
  const em = await E.Emulator.start({ seed: fed.federatedSeed(iss.trust, 'unused-secret') });
  try {
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, iss.token());
    const cred = new E.identity.WorkloadIdentityCredential({ tenantId: em.tenantId, clientId: fed.APP_CLIENT_ID, tokenFilePath: tokenFile });
    await reads(em, cred, { authority: em.authority });
    await withEnv({ ...NO_AZURE_ENV, AZURE_AUTHORITY_HOST: em.authority, AZURE_TENANT_ID: em.tenantId, AZURE_CLIENT_ID: fed.APP_CLIENT_ID,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile }, async () => {
      await reads(em, new E.identity.WorkloadIdentityCredential());
      await reads(em, new E.identity.DefaultAzureCredential());
      // The file is read again on each fetch (a new client: a new fetch).
      const cases = [
        [iss.token({ sub: 'repo:contoso/other:ref:refs/heads/main' }), /AADSTS700213/],
        [iss.token({ aud: 'api://SomethingElse' }), /AADSTS700212/],
        [iss.token({ expiresIn: -600 }), /AADSTS700024/],
        [fed.issuer().token(), /AADSTS700027/],
      ];
      for (const [token, code] of cases) {
        fs.writeFileSync(tokenFile, token);
        const c = new E.Client({ baseUrl: em.baseUrl, credential: new E.identity.WorkloadIdentityCredential() });
        await assert.rejects(c.getCatalog(ids.GENERAL_CATALOG_ID), (e) => e instanceof E.AuthenticationError && code.test(e.message), String(code));
      }
      delete process.env.AZURE_FEDERATED_TOKEN_FILE;
      assert.throws(() => new E.Client({ baseUrl: em.baseUrl, credential: new E.identity.WorkloadIdentityCredential() }),
        (e) => e.code === 'InvalidArgument' && /AZURE_FEDERATED_TOKEN_FILE/.test(e.message));
    });
  } finally {
    await em.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('managed identity: user-assigned by client id over IMDS and App Service; an unknown one is refused', async () => {
  const em = await E.Emulator.start({ seed: fed.federatedSeed(fed.issuer().trust, 'unused-secret') });
  try {
    const imds = `${em.baseUrl}/metadata/identity/oauth2/token`;
    const appService = { endpoint: `${em.baseUrl}/msi/token`, identityHeader: 'entitlement-emulator-identity-header' };
    for (const credential of [
      new E.identity.ManagedIdentityCredential({ clientId: fed.USER_ASSIGNED_IDENTITY, endpoint: imds }),
      new E.identity.ManagedIdentityCredential({ clientId: fed.USER_ASSIGNED_IDENTITY, ...appService }),
      new E.identity.ManagedIdentityCredential({ endpoint: imds }),
    ]) await reads(em, credential);
    for (const credential of [
      new E.identity.ManagedIdentityCredential({ clientId: 'not-an-identity', endpoint: imds }),
      new E.identity.ManagedIdentityCredential({ clientId: 'not-an-identity', ...appService }),
    ]) {
      await assert.rejects(new E.Client({ baseUrl: em.baseUrl, credential }).getCatalog(ids.GENERAL_CATALOG_ID),
        (e) => e instanceof E.AuthenticationError && /Identity not found/.test(e.message));
    }
  } finally {
    await em.stop();
  }
});

test('Azure CLI: az account get-access-token (a fake az on PATH); a signed-out az says so', async () => {
  const em = await E.Emulator.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ent-az-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const argsFile = path.join(dir, 'args');
    const az = path.join(bin, 'az');
    const out = { accessToken: em.appToken(), expiresOn: '2099-01-01 00:00:00.000000', expires_on: Math.floor(Date.now() / 1000) + 3000,
      subscription: 's', tenant: em.tenantId, tokenType: 'Bearer' };
    fs.writeFileSync(az, `#!/bin/sh\necho "$@" >> '${argsFile}'\ncat <<'JSON'\n${JSON.stringify(out)}\nJSON\n`, { mode: 0o755 });
    await withEnv({ ...NO_AZURE_ENV, PATH: `${bin}${path.delimiter}${process.env.PATH}` }, async () => {
      await reads(em, new E.identity.AzureCliCredential());
      let args = fs.readFileSync(argsFile, 'utf8').trim().split('\n');
      assert.equal(args.length, 1, 'four concurrent calls, one az run');
      assert.match(args[0], /account get-access-token --output json --resource https:\/\/graph\.microsoft\.com/);
      await reads(em, new E.identity.AzureCliCredential({ tenantId: em.tenantId }));
      args = fs.readFileSync(argsFile, 'utf8').trim().split('\n');
      assert.match(args.at(-1), new RegExp(`--tenant ${em.tenantId}`));
      fs.writeFileSync(az, "#!/bin/sh\necho 'ERROR: Please run az login to setup account.' >&2\nexit 1\n", { mode: 0o755 });
      await assert.rejects(new E.Client({ baseUrl: em.baseUrl, credential: new E.identity.AzureCliCredential() }).getCatalog(ids.GENERAL_CATALOG_ID),
        (e) => e instanceof E.AuthenticationError && /az login/.test(e.message));
    });
  } finally {
    await em.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
