// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The proof with Microsoft's own client: unmodified @azure/identity
// credentials (ClientSecretCredential, ClientCertificateCredential with and
// without the chain, ClientAssertionCredential with a callback,
// WorkloadIdentityCredential with a token file), with authorityHost the
// emulator served over HTTPS (`entitlement emulator serve --tls`) and
// instance discovery disabled, passed as `credential` to our Client.
//
// Node reads NODE_EXTRA_CA_CERTS only at start, and our client's TLS
// (rustls with the platform's roots) reads SSL_CERT_FILE when a client is
// made, so the checks run in a child process (this file again, with
// ENT_AZURE_IDENTITY_CHILD set) started with both pointing at the printed
// certificate; the parent starts the emulator and reports the child's result.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const fed = require('./federation');

const ROOT = path.join(__dirname, '..', '..');
const APP_CLIENT_SECRET = 'emulator-app-secret~0123456789'; // entitlement_emulator::ids::APP_CLIENT_SECRET
const TENANT_ID = 'a1b2c3d4-0000-4000-8000-00000000e1a1'; // entitlement_emulator::ids::TENANT_ID
const GENERAL_CATALOG_ID = 'cec5d6ab-c75d-47c0-9c1c-92e89f66e384';

if (process.env.ENT_AZURE_IDENTITY_CHILD) child(JSON.parse(process.env.ENT_AZURE_IDENTITY_CHILD));
else parent();

function binary() {
  const named = process.env.ENTITLEMENT_BIN;
  for (const p of [named, path.join(ROOT, 'target', 'x86_64-unknown-linux-gnu', 'release', 'entitlement'), path.join(ROOT, 'target', 'release', 'entitlement')]) {
    if (p && fs.existsSync(p)) return p;
  }
  throw new Error('the entitlement binary is not built (cargo build --release -p entitlement-cli)');
}

/** Starts `entitlement emulator serve --tls --seed <file>`: { proc, root, cert, tenantId }. */
async function startTlsEmulator(seedFile) {
  const proc = spawn(binary(), ['emulator', 'serve', '--tls', '--seed', seedFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  let url;
  let cert;
  for await (const line of readline.createInterface({ input: proc.stdout })) {
    lines.push(line);
    const m = /Graph emulator listening on (https:\/\/\S+)/.exec(line);
    if (m) url = m[1];
    if (line.startsWith('tls certificate: ')) {
      cert = line.slice('tls certificate: '.length).trim();
      break;
    }
  }
  if (!url || !cert) {
    proc.kill('SIGTERM');
    throw new Error(`the emulator did not print its address and certificate:\n${lines.join('\n')}`);
  }
  proc.stdout.resume(); // keep draining whatever it prints later
  // The generated certificate names localhost.
  return { proc, root: `https://localhost:${url.split(':').at(-1)}`, cert };
}

function parent() {
  test('@azure/identity credentials sign our Client in against the HTTPS emulator', async () => {
    const iss = fed.issuer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ent-azid-'));
    const seedFile = path.join(dir, 'seed.json');
    fs.writeFileSync(seedFile, JSON.stringify(fed.federatedSeed(iss.trust, APP_CLIENT_SECRET)));
    const tokenFile = path.join(dir, 'federated-token');
    fs.writeFileSync(tokenFile, iss.token());
    const emu = await startTlsEmulator(seedFile);
    try {
      const config = { root: emu.root, tokenFile, issuerKey: iss.privateKeyPem };
      // spawnSync would block this process's event loop, not the emulator (another process).
      // Without the runner's NODE_TEST_CONTEXT the child reports in TAP, read below.
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      const r = spawnSync(process.execPath, ['--test-reporter=tap', __filename], {
        env: { ...env, ENT_AZURE_IDENTITY_CHILD: JSON.stringify(config), NODE_EXTRA_CA_CERTS: emu.cert, SSL_CERT_FILE: emu.cert,
          AZURE_TENANT_ID: TENANT_ID, AZURE_CLIENT_ID: fed.APP_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE: tokenFile },
        encoding: 'utf8', timeout: 120000,
      });
      const out = `${r.stdout}\n${r.stderr}`;
      assert.equal(r.status, 0, out);
      for (const name of ['client secret', 'client certificate', 'client assertion callback', 'workload identity file', 'refusal']) {
        assert.match(r.stdout, new RegExp(`^ok \\d+ - ${name}`, 'm'), out);
      }
    } finally {
      emu.proc.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

function child({ root, tokenFile, issuerKey }) {
  const identity = require('@azure/identity');
  const E = require('..');
  const iss = fed.issuer(issuerKey);
  const common = { authorityHost: root, disableInstanceDiscovery: true };

  /** Our Client with `credential`, many concurrent calls: one getToken, as @azure/identity was asked. */
  async function reads(credential) {
    let calls = 0;
    const counted = { getToken: (scopes, o) => { calls += 1; return credential.getToken(scopes, o); } };
    const c = new E.Client({ baseUrl: root, credential: counted });
    const got = await Promise.all(Array.from({ length: 8 }, () => c.getCatalog(GENERAL_CATALOG_ID)));
    assert.ok(got.every((g) => g.displayName === 'General'));
    assert.deepEqual((await c.listCatalogsPage()).value.map((x) => x.displayName), ['General']);
    assert.equal(calls, 1);
    // And passed as it is.
    assert.equal((await new E.Client({ baseUrl: root, credential }).getCatalog(GENERAL_CATALOG_ID)).id, GENERAL_CATALOG_ID);
  }

  test('client secret', async () => {
    await reads(new identity.ClientSecretCredential(TENANT_ID, fed.APP_CLIENT_ID, APP_CLIENT_SECRET, common));
  });
  test('client certificate', async () => {
    for (const sendCertificateChain of [false, true]) {
      await reads(new identity.ClientCertificateCredential(TENANT_ID, fed.APP_CLIENT_ID, { certificatePath: fed.DEV_PEM },
        { ...common, sendCertificateChain }));
    }
  });
  test('client assertion callback', async () => {
    let asked = 0;
    await reads(new identity.ClientAssertionCredential(TENANT_ID, fed.APP_CLIENT_ID, async () => { asked += 1; return iss.token(); }, common));
    assert.ok(asked >= 1);
  });
  test('workload identity file', async () => {
    // tenant, client and file from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE.
    assert.equal(process.env.AZURE_FEDERATED_TOKEN_FILE, tokenFile);
    await reads(new identity.WorkloadIdentityCredential(common));
  });
  test('refusal', async () => {
    const bad = new identity.ClientSecretCredential(TENANT_ID, fed.APP_CLIENT_ID, 'wrong', common);
    await assert.rejects(new E.Client({ baseUrl: root, credential: bad }).getCatalog(GENERAL_CATALOG_ID),
      (e) => e instanceof E.AuthenticationError && /AADSTS7000215/.test(e.message));
    const untrusted = new identity.ClientAssertionCredential(TENANT_ID, fed.APP_CLIENT_ID, async () => iss.token({ sub: 'repo:someone/else' }), common);
    await assert.rejects(new E.Client({ baseUrl: root, credential: untrusted }).getCatalog(GENERAL_CATALOG_ID),
      (e) => e instanceof E.AuthenticationError && /AADSTS700213/.test(e.message));
  });
}
