// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The Client: credentials and connection settings, plus the generated
// operation methods (lib/operations.js) and the waiting helpers.

const util = require('node:util');
const native = require('../native.js');
const { Operations, BetaOperations } = require('./operations');
const { fromNative, invalidArgument } = require('./errors');
const rt = require('./runtime');

const STRING_OPTIONS = [
  'baseUrl', 'cloud', 'apiVersion', 'authority', 'scope', 'token', 'tenantId', 'clientId', 'clientSecret',
  'username', 'password',
];

function nativeOptions(options) {
  if (!rt.isPlainObject(options)) throw invalidArgument(`options must be an object, got ${rt.describe(options)}`);
  const out = {};
  let provider;
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === null) continue;
    if (STRING_OPTIONS.includes(k)) {
      if (typeof v !== 'string') throw invalidArgument(`${k} must be a string, got ${rt.describe(v)}`);
      out[k] = v;
    } else if (k === 'timeoutMs') {
      if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
        throw invalidArgument(`timeoutMs must be a non-negative number, got ${rt.describe(v)}`);
      }
      out.timeoutMs = v;
    } else if (k === 'maxRetries') {
      if (!Number.isInteger(v) || v < 0 || v > 100) {
        throw invalidArgument(`maxRetries must be an integer from 0 to 100, got ${rt.describe(v)}`);
      }
      out.maxRetries = v;
    } else if (k === 'tokenProvider') {
      if (typeof v !== 'function') throw invalidArgument(`tokenProvider must be a function, got ${rt.describe(v)}`);
      provider = v;
    } else {
      throw invalidArgument(`unknown client option ${JSON.stringify(k)}`);
    }
  }
  return { out, provider };
}

// Always a Promise of a non-empty string, so native code never sees a bad value.
function wrapProvider(provider) {
  return async (scope) => {
    const token = await provider(scope);
    if (typeof token !== 'string' || token.length === 0) {
      throw new TypeError(`tokenProvider must resolve to a non-empty string, got ${rt.describe(token)}`);
    }
    return token;
  };
}

function waitArgs(id, options) {
  if (typeof id !== 'string' || id.length === 0) {
    throw invalidArgument(`id must be a non-empty string, got ${rt.describe(id)}`);
  }
  if (options === undefined || options === null) return [undefined, undefined];
  if (!rt.isPlainObject(options)) throw invalidArgument(`options must be an object, got ${rt.describe(options)}`);
  const out = [];
  for (const k of ['timeoutMs', 'pollIntervalMs']) {
    const v = options[k];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))) {
      throw invalidArgument(`${k} must be a non-negative number, got ${rt.describe(v)}`);
    }
    out.push(v ?? undefined);
  }
  for (const k of Object.keys(options)) {
    if (k !== 'timeoutMs' && k !== 'pollIntervalMs') throw invalidArgument(`unknown option ${JSON.stringify(k)}`);
  }
  return out;
}

async function waitFor(self, id, options, beta) {
  const n = rt.nativeOf(self);
  const [timeoutMs, pollIntervalMs] = waitArgs(id, options);
  let text;
  try {
    text = await n.waitForAssignmentRequest(id, beta, timeoutMs, pollIntervalMs);
  } catch (e) {
    throw fromNative(e);
  }
  return JSON.parse(text);
}

/** The beta operations (`client.beta`). */
class BetaClient extends BetaOperations {
  constructor(handle) {
    super();
    rt.bind(this, handle);
  }

  /** Polls a beta assignment request until its requestState is final. */
  waitForAssignmentRequest(id, options) {
    return waitFor(this, id, options, true);
  }

  waitForAccessPackageAssignmentRequest(id, options) {
    return waitFor(this, id, options, true);
  }

  [util.inspect.custom]() {
    return 'BetaClient {}';
  }
}

/** A connection to Microsoft Graph (or the emulator). */
class Client extends Operations {
  #handle;

  constructor(options = {}) {
    super();
    const { out, provider } = nativeOptions(options ?? {});
    try {
      this.#handle = new native.NativeClient(out, provider ? wrapProvider(provider) : undefined);
    } catch (e) {
      throw fromNative(e);
    }
    rt.bind(this, this.#handle);
    Object.defineProperty(this, 'beta', { value: new BetaClient(this.#handle), enumerable: false });
  }

  /** Graph root URL (without version). */
  get baseUrl() {
    return this.#handle.baseUrl;
  }

  /** Polls a v1.0 assignment request until it is delivered, failed, denied or canceled. */
  waitForAssignmentRequest(id, options) {
    return waitFor(this, id, options, false);
  }

  /** Fetches the page an `@odata.nextLink` points at. */
  nextPage(nextLink) {
    return rt.nextPage(this.#handle, nextLink);
  }

  [util.inspect.custom]() {
    return `Client { baseUrl: ${JSON.stringify(this.baseUrl)} }`;
  }

  toJSON() {
    return { baseUrl: this.baseUrl };
  }
}

module.exports = { Client, BetaClient };
