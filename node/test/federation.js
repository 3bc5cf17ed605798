// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Workload identity fixtures shared by credentials.test.js and
// azure_identity.test.js: an external OIDC issuer (a CI system's token
// service, as GitHub Actions' is to Entra) with an RSA key made here, and a
// seed whose app trusts it.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const FED_ISSUER = 'https://token.actions.githubusercontent.com';
const FED_SUBJECT = 'repo:contoso/entitlement:ref:refs/heads/main';
const FED_AUDIENCE = 'api://AzureADTokenExchange';
const APP_CLIENT_ID = '3f6d2b8e-9a41-4c07-b1e5-7d8c9e0f1a2b'; // entitlement_emulator::ids::APP_CLIENT_ID
const USER_ASSIGNED_IDENTITY = '5b0c3f2e-9d4a-4c21-8a77-1f2e3d4c5b6a';
const DEV_PEM = path.join(__dirname, '..', '..', 'emulator', 'src', 'identity', 'dev-app.pem');

/** An issuer; `privateKeyPem` lets a child process sign with the same key. */
function issuer(privateKeyPem) {
  const privateKey = privateKeyPem ? crypto.createPrivateKey(privateKeyPem) : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...crypto.createPublicKey(privateKey).export({ format: 'jwk' }), kid: 'ci-1', use: 'sig', alg: 'RS256' };
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }),
    /** The federated credential an app lists for this issuer. */
    trust: { issuer: FED_ISSUER, subject: FED_SUBJECT, audiences: [FED_AUDIENCE], jwks: { keys: [jwk] } },
    /** A signed federated token (what the token file or callback holds). */
    token({ sub = FED_SUBJECT, aud = FED_AUDIENCE, expiresIn = 600 } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'ci-1' })}.${b64({ iss: FED_ISSUER, sub, aud, iat: now, nbf: now - 5, exp: now + expiresIn })}`;
      return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    },
  };
}

/** The built-in app (secret, development certificate, system-assigned identity) trusting
 * `trust`, a user-assigned managed identity, and the General catalog. */
function federatedSeed(trust, clientSecret) {
  const pem = fs.readFileSync(DEV_PEM, 'utf8');
  const end = '-----END CERTIFICATE-----';
  const cert = pem.slice(0, pem.indexOf(end) + end.length) + '\n';
  const permissions = ['EntitlementManagement.ReadWrite.All'];
  return {
    applications: [
      { clientId: APP_CLIENT_ID, clientSecret, displayName: 'Entitlement emulator app', permissions, certificates: [cert],
        federatedCredentials: [trust], managedIdentity: 'system' },
      { clientId: USER_ASSIGNED_IDENTITY, displayName: 'user-assigned identity', permissions, managedIdentity: 'user' },
    ],
    catalogs: [{ id: 'cec5d6ab-c75d-47c0-9c1c-92e89f66e384', displayName: 'General', description: 'Built-in catalog.',
      catalogType: 'serviceDefault', state: 'published', isExternallyVisible: true }],
  };
}

module.exports = { issuer, federatedSeed, FED_SUBJECT, APP_CLIENT_ID, USER_ASSIGNED_IDENTITY, DEV_PEM };
