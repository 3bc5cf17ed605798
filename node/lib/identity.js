// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Sign-in kinds, named as in @azure/identity. The built-in ones map onto
// core's credential (fetched, cached and refreshed in Rust); any
// @azure/identity TokenCredential ({ getToken(scopes) } resolving to
// { token, expiresOnTimestamp }) is adapted by hostCredential below.

class BuiltinCredential {
  constructor(config) {
    Object.defineProperty(this, '_config', { value: Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined && v !== null)) });
  }
}

class ClientSecretCredential extends BuiltinCredential {
  constructor(tenantId, clientId, clientSecret) { super({ kind: 'clientSecret', tenantId, clientId, clientSecret }); }
}
class ClientCertificateCredential extends BuiltinCredential {
  // certificate: a path, or { certificatePath } / { certificate: PEM text }, as @azure/identity takes it.
  constructor(tenantId, clientId, certificate, options = {}) {
    const c = typeof certificate === 'string' ? { certificatePath: certificate } : (certificate ?? {});
    super({ kind: 'clientCertificate', tenantId, clientId, certificatePath: c.certificatePath,
      certificatePem: c.certificate, certificatePassword: c.certificatePassword,
      sendCertificateChain: Boolean(options.sendCertificateChain) });
  }
}
class WorkloadIdentityCredential extends BuiltinCredential {
  constructor(options = {}) { super({ kind: 'clientAssertion', tenantId: options.tenantId, clientId: options.clientId, tokenFile: options.tokenFilePath }); }
}
class ManagedIdentityCredential extends BuiltinCredential {
  constructor(options = {}) {
    const o = typeof options === 'string' ? { clientId: options } : options;
    super({ kind: 'managedIdentity', clientId: o.clientId, endpoint: o.endpoint, identityHeader: o.identityHeader });
  }
}
class AzureCliCredential extends BuiltinCredential {
  constructor(options = {}) { super({ kind: 'azureCli', tenantId: options.tenantId }); }
}
class DeviceCodeCredential extends BuiltinCredential {
  constructor(options = {}) { super({ kind: 'deviceCode', tenantId: options.tenantId ?? 'organizations', clientId: options.clientId }); }
}
// The authorization code flow with PKCE through a loopback redirect listener;
// browser 'system' | 'print' | 'http' (no browser: the emulator signs loginHint in at once).
class InteractiveBrowserCredential extends BuiltinCredential {
  constructor(options = {}) {
    super({ kind: 'interactiveBrowser', tenantId: options.tenantId, clientId: options.clientId, loginHint: options.loginHint,
      redirectPort: options.redirectPort, browser: options.browser });
  }
}
class EnvironmentCredential extends BuiltinCredential {
  constructor() { super({ kind: 'environment' }); }
}
class DefaultAzureCredential extends BuiltinCredential {
  constructor() { super({ kind: 'default' }); }
}

// A host TokenCredential as the native token callback: getToken([scope])
// once per scope until five minutes (or half the lifetime) before
// expiresOnTimestamp; concurrent calls share the one pending getToken.
function hostCredential(cred) {
  const cache = new Map();
  return (scope) => {
    const now = Date.now();
    const hit = cache.get(scope);
    if (hit && (hit.pending || now < hit.refreshAt)) return hit.pending ?? Promise.resolve(hit.token);
    const pending = (async () => {
      const t = await cred.getToken([scope]);
      if (!t || typeof t.token !== 'string' || t.token.length === 0) {
        throw new TypeError('credential.getToken must resolve to { token, expiresOnTimestamp }');
      }
      const exp = Number(t.expiresOnTimestamp);
      const life = Number.isFinite(exp) ? exp - Date.now() : 0;
      const refreshAt = Date.now() + life - Math.min(5 * 60 * 1000, life / 2);
      cache.set(scope, { token: t.token, refreshAt: life > 60000 ? refreshAt : 0 });
      return t.token;
    })();
    cache.set(scope, { ...(hit ?? {}), pending });
    pending.catch(() => cache.delete(scope)).finally(() => {
      const cur = cache.get(scope);
      if (cur && cur.pending === pending) delete cur.pending;
    });
    return pending;
  };
}

module.exports = {
  BuiltinCredential, ClientSecretCredential, ClientCertificateCredential, WorkloadIdentityCredential,
  ManagedIdentityCredential, AzureCliCredential, DeviceCodeCredential, InteractiveBrowserCredential, EnvironmentCredential,
  DefaultAzureCredential, hostCredential,
};
