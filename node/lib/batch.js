// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// `client.batch([...])`: many operations in few `$batch` round trips. The work
// (chunks of 20, per-item retry after each item's own Retry-After, no create
// sent twice) is core's "batch" job; this file turns the JS request list into
// its options and its events into per-item results with typed errors.

const errors = require('./errors');
const rt = require('./runtime');

const KEYS = new Set(['operation', 'args', 'query', 'body', 'id', 'dependsOn']);

function item(r, i) {
  if (Array.isArray(r)) {
    // ['getCatalog', id, ...] : the operation and its path arguments.
    const [operation, ...args] = r;
    return { operation, args };
  }
  if (!rt.isPlainObject(r)) {
    throw errors.invalidArgument(`batch request ${i} must be an object or [operation, ...args], got ${rt.describe(r)}`);
  }
  for (const k of Object.keys(r)) {
    if (!KEYS.has(k)) throw errors.invalidArgument(`batch request ${i}: unknown key ${JSON.stringify(k)} (${[...KEYS].join(', ')})`);
  }
  const out = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

/** An error event's `{kind, message, ...}` as the matching EntitlementError subclass. */
function itemError(e) {
  const cls = errors[`${e.kind}Error`] || errors.InternalError;
  return new cls(e.message, {
    status: e.status,
    graphCode: e.code,
    requestId: e.requestId,
    clientRequestId: e.clientRequestId,
    retryAfter: e.retryAfterMs == null ? null : e.retryAfterMs / 1000,
    outcomeUnknown: e.outcomeUnknown,
  });
}

/** Runs the "batch" job through `client._startJob`; resolves to one result per request, in order. */
async function runBatch(client, requests, options) {
  if (!Array.isArray(requests)) throw errors.invalidArgument(`requests must be an array, got ${rt.describe(requests)}`);
  if (options !== undefined && options !== null && !rt.isPlainObject(options)) {
    throw errors.invalidArgument(`options must be an object, got ${rt.describe(options)}`);
  }
  const opts = { requests: requests.map(item) };
  if (options?.apiVersion) opts.apiVersion = options.apiVersion;
  const results = new Array(requests.length);
  let summary = null;
  for await (const ev of client._startJob('batch', opts)) {
    if (ev.type === 'item') {
      const r = { id: ev.id, status: ev.status ?? null, ok: !ev.error, attempts: ev.attempts };
      if (ev.error) r.error = itemError(ev.error);
      else r.value = ev.body ?? null;
      results[ev.index] = r;
    } else if (ev.type === 'done') {
      summary = { succeeded: ev.succeeded, failed: ev.failed, retried: ev.retried };
    }
  }
  Object.defineProperty(results, 'summary', { value: summary, enumerable: false });
  return results;
}

module.exports = { runBatch };
