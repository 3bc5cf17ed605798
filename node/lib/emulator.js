// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The local emulator of the service, in this process (its own thread and
// runtime), plus helpers that make clients pointed at it.

const util = require('node:util');
const native = require('../native.js');
const { Client } = require('./client');
const { fromNative, invalidArgument } = require('./errors');
const rt = require('./runtime');

const PRIVATE = Symbol('Emulator');

function options(o) {
  if (o === undefined || o === null) return {};
  if (!rt.isPlainObject(o)) throw invalidArgument(`options must be an object, got ${rt.describe(o)}`);
  const out = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    if (k === 'dbPath' || k === 'seedPath') {
      if (typeof v !== 'string') throw invalidArgument(`${k} must be a string, got ${rt.describe(v)}`);
    } else if (k === 'port' || k === 'pageSize') {
      if (!Number.isInteger(v) || v < 0 || v > 65535 * 1000) throw invalidArgument(`${k} must be an integer, got ${rt.describe(v)}`);
    } else if (k === 'deliveryDelayMs') {
      if (typeof v !== 'number' || !(v >= 0)) throw invalidArgument(`deliveryDelayMs must be a non-negative number`);
    } else {
      throw invalidArgument(`unknown emulator option ${JSON.stringify(k)}`);
    }
    out[k] = v;
  }
  return out;
}

function wrap(f) {
  try {
    return f();
  } catch (e) {
    throw fromNative(e);
  }
}

class Emulator {
  #n;

  constructor(token, handle) {
    if (token !== PRIVATE) throw new TypeError('use Emulator.start()');
    this.#n = handle;
  }

  /** Starts a seeded emulator on 127.0.0.1 (an ephemeral port unless `port` is given). */
  static async start(opts) {
    const o = options(opts);
    return new Emulator(PRIVATE, wrap(() => native.NativeEmulator.start(o)));
  }

  /** Graph root: clients append `/v1.0` or `/beta`. */
  get baseUrl() {
    return this.#n.baseUrl;
  }

  /** Token endpoint root: `{authority}/{tenantId}/oauth2/v2.0/token`. */
  get authority() {
    return this.#n.authority;
  }

  get tenantId() {
    return this.#n.tenantId;
  }

  /** `{clientId, clientSecret}` of the seeded application. */
  get appCredentials() {
    return this.#n.appCredentials;
  }

  /** A delegated token for a seeded user (id or UPN). */
  userToken(user) {
    if (typeof user !== 'string' || !user) throw invalidArgument(`user must be a non-empty string, got ${rt.describe(user)}`);
    return wrap(() => this.#n.userToken(user));
  }

  /** An application token for the seeded application. */
  appToken() {
    return wrap(() => this.#n.appToken());
  }

  /** Answers the next `count` (default 1) matching requests with `status` instead. */
  injectFault(fault) {
    if (!rt.isPlainObject(fault)) throw invalidArgument(`fault must be an object, got ${rt.describe(fault)}`);
    const { status, retryAfter, count, pathContains } = fault;
    if (!Number.isInteger(status)) throw invalidArgument(`status must be an integer, got ${rt.describe(status)}`);
    if (count !== undefined && (!Number.isInteger(count) || count < 0)) throw invalidArgument('count must be a non-negative integer');
    if (pathContains !== undefined && typeof pathContains !== 'string') throw invalidArgument('pathContains must be a string');
    if (retryAfter !== undefined && typeof retryAfter !== 'string' && typeof retryAfter !== 'number') {
      throw invalidArgument('retryAfter must be seconds (number) or a Retry-After header value');
    }
    const f = { status, count, pathContains, retryAfter: retryAfter === undefined ? undefined : String(retryAfter) };
    wrap(() => this.#n.injectFault(f));
  }

  /** A client with the seeded application's credentials (client credentials grant). */
  client(extra = {}) {
    const { clientId, clientSecret } = this.appCredentials;
    return new Client({ baseUrl: this.baseUrl, authority: this.authority, tenantId: this.tenantId, clientId, clientSecret, ...extra });
  }

  /** A delegated client for a seeded user (password grant), by id or UPN. */
  userClient(user, extra = {}) {
    if (typeof user !== 'string' || !user) throw invalidArgument(`user must be a non-empty string, got ${rt.describe(user)}`);
    return new Client({
      baseUrl: this.baseUrl,
      authority: this.authority,
      tenantId: this.tenantId,
      clientId: this.appCredentials.clientId,
      username: user,
      password: this.#n.userPassword,
      ...extra,
    });
  }

  /** Stops the server; later calls are no-ops. */
  async stop() {
    try {
      await this.#n.stop();
    } catch (e) {
      throw fromNative(e);
    }
  }

  async [Symbol.asyncDispose]() {
    await this.stop();
  }

  [util.inspect.custom]() {
    return `Emulator { baseUrl: ${JSON.stringify(this.baseUrl)} }`;
  }
}

module.exports = { Emulator };
