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
  // Checked by the emulator crate's HostedEmulator (one rule for every language).
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
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
    const f = Object.fromEntries(Object.entries(fault).filter(([, v]) => v !== undefined && v !== null));
    if (typeof f.retryAfter === 'number') f.retryAfter = String(f.retryAfter);
    wrap(() => this.#n.injectFault(f));
  }

  /** The emulator's time (ISO 8601, UTC). */
  now() {
    return wrap(() => this.#n.now());
  }

  /**
   * Moves a manual clock (`Emulator.start({clock: 'manual'})`) forward and fires every
   * timer due on the way, in order. `by`: an ISO 8601 duration (`'P3D'`) or
   * `{days, hours, minutes, seconds}`. Resolves to the new time.
   */
  async advance(by) {
    let text = by;
    if (rt.isPlainObject(by)) {
      const unknown = Object.keys(by).filter((k) => !['days', 'hours', 'minutes', 'seconds'].includes(k));
      if (unknown.length) throw invalidArgument(`advance: unknown key(s) ${unknown.join(', ')} (days, hours, minutes, seconds)`);
      const { days = 0, hours = 0, minutes = 0, seconds = 0 } = by;
      const total = days * 86400 + hours * 3600 + minutes * 60 + seconds;
      if (!Number.isFinite(total) || total < 0) throw invalidArgument('advance: the clock only moves forward by a finite time');
      text = `PT${total.toFixed(3)}S`;
    } else if (typeof by !== 'string') {
      throw invalidArgument(`advance takes an ISO 8601 duration or {days, hours, minutes, seconds}, got ${rt.describe(by)}`);
    }
    try {
      return await this.#n.advance(text);
    } catch (e) {
      throw fromNative(e);
    }
  }

  /** A client with the seeded application's credentials (client credentials grant). */
  client(extra = {}) {
    const { clientId, clientSecret } = this.appCredentials;
    return new Client({ baseUrl: this.baseUrl, authority: this.authority, tenantId: this.tenantId, clientId, clientSecret, ...extra });
  }

  /** A delegated sign-in for a seeded user (id or UPN): the authorization code flow with PKCE, the
   * emulator's authorize endpoint signing the user in at once (no browser). */
  userCredential(user) {
    if (typeof user !== 'string' || !user) throw invalidArgument(`user must be a non-empty string, got ${rt.describe(user)}`);
    const { InteractiveBrowserCredential } = require('./identity');
    return new InteractiveBrowserCredential({ tenantId: this.tenantId, clientId: this.appCredentials.clientId, loginHint: user, browser: 'http' });
  }

  /** A delegated client for a seeded user (authorization code flow, see userCredential), by id or UPN. */
  userClient(user, extra = {}) {
    return new Client({ baseUrl: this.baseUrl, authority: this.authority, credential: this.userCredential(user), ...extra });
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

/** The fixed ids of the built-in tenant (`Emulator.ids.GROUP_ID`, ...), as Python's `testing.ids`. */
Object.defineProperty(Emulator, 'ids', {
  value: Object.freeze(Object.fromEntries(native.NativeEmulator.ids())),
  enumerable: true,
});

module.exports = { Emulator };
