// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The Client: credentials and connection settings, plus the generated
// operation methods (lib/operations.js) and the waiting helpers.

const util = require('node:util');
const native = require('../native.js');
const { Operations, BetaOperations } = require('./operations');
const { fromNative, invalidArgument, NotFoundError } = require('./errors');
const rt = require('./runtime');
const identity = require('./identity');
const bulk = require('./bulk');
const { runBatch } = require('./batch');
const { Job } = require('./jobs');

// Options are checked by core's ClientConfig (errors name the option); only
// the token provider is taken out here, since it crosses as a function.
function nativeOptions(options) {
  if (!rt.isPlainObject(options)) throw invalidArgument(`options must be an object, got ${rt.describe(options)}`);
  const out = {};
  let provider;
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === null) continue;
    if (k === 'tokenProvider') {
      if (typeof v !== 'function') throw invalidArgument(`tokenProvider must be a function, got ${rt.describe(v)}`);
      if (provider) throw invalidArgument('give credential or tokenProvider, not both');
      provider = v;
    } else if (k === 'credential' && v instanceof identity.BuiltinCredential) {
      out.credential = { ...v._config };
    } else if (k === 'credential') {
      if (typeof v?.getToken !== 'function') {
        throw invalidArgument(`credential must have getToken(scopes) (an @azure/identity TokenCredential), got ${rt.describe(v)}`);
      }
      if (provider) throw invalidArgument('give credential or tokenProvider, not both');
      provider = identity.hostCredential(v);
    } else {
      out[k] = v;
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

async function waitFor(self, id, options, beta) {
  const n = rt.nativeOf(self);
  if (options !== undefined && options !== null && !rt.isPlainObject(options)) {
    throw invalidArgument(`options must be an object, got ${rt.describe(options)}`);
  }
  const o = { ...(options ?? {}), apiVersion: beta ? 'beta' : 'v1.0' };
  let text;
  try {
    text = await n.waitForAssignmentRequest(id, o);
  } catch (e) {
    throw fromNative(e);
  }
  return JSON.parse(text);
}

/** The stage of a request's approval that waits for the signed-in user. */
async function myStage(client, id) {
  const approval = await client.getAssignmentApproval(id);
  const stage = (approval.stages ?? []).find(
    (s) => s.assignedToMe === true && s.status === 'InProgress' && (s.reviewResult ?? 'NotReviewed') === 'NotReviewed',
  );
  if (!stage) {
    throw new NotFoundError(`no approval stage of request ${id} is waiting for the signed-in user`);
  }
  return stage.id;
}

async function review(client, id, approve, justification) {
  if (typeof justification !== 'string') throw invalidArgument(`justification must be a string, got ${rt.describe(justification)}`);
  const stage = await myStage(client, id);
  await client.updateAssignmentApprovalStage(id, stage, { reviewResult: approve ? 'Approve' : 'Deny', justification });
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

  /** A Job of core's `kind` (the batch, bulk and export methods are built on it). */
  _startJob(kind, options) {
    return new Job(Promise.resolve().then(() => this.#handle.job(kind, options ?? null)));
  }

  /** The same, resolving to `{request, states}`: the states the request was seen in, in order. */
  followAssignmentRequest(id, options) {
    if (options !== undefined && options !== null && !rt.isPlainObject(options)) {
      return Promise.reject(invalidArgument(`options must be an object, got ${rt.describe(options)}`));
    }
    return waitFor(this, id, { ...(options ?? {}), states: true }, false);
  }

  /** Approves the signed-in approver's stage of a request (a delegated client). */
  approveAssignmentRequest(id, justification = '') {
    return review(this, id, true, justification);
  }

  /** Denies the signed-in approver's stage of a request. */
  denyAssignmentRequest(id, justification = '') {
    return review(this, id, false, justification);
  }

  /**
   * Requests a new end for an assignment: `expiration` is an ISO 8601 duration counted
   * from its start (`'P30D'`) or an expiration pattern (`{type: 'afterDateTime', endDateTime}`).
   * An adminUpdate request, or userUpdate with `{asUser: true}`; resolves to the request.
   */
  extendAssignment(assignmentId, expiration, { asUser = false } = {}) {
    if (typeof assignmentId !== 'string' || !assignmentId) {
      return Promise.reject(invalidArgument(`assignmentId must be a non-empty string, got ${rt.describe(assignmentId)}`));
    }
    const exp = typeof expiration === 'string' ? { type: 'afterDuration', duration: expiration } : expiration;
    return this.createAssignmentRequest({
      requestType: asUser ? 'userUpdate' : 'adminUpdate',
      assignment: { id: assignmentId },
      schedule: { expiration: exp },
    });
  }

  /**
   * Exports every assignment (`'assignments'`) or assignment request (`'requests'`) to
   * `options.path`, page by page in flat memory: `format` `'jsonl'` (each object as the
   * service sent it) or `'csv'` (fixed columns, nested objects dotted, RFC 4180); `filter`,
   * `expand`; `byAccessPackage` (each package's objects, `concurrency` at a time) into one
   * file or, with `perPackageFiles`, one file per package in the folder `path`.
   * `onProgress(event)` gets `{count, bytes, seconds, objectsPerSecond, ...}` per page.
   * Resolves to `{count, bytes, seconds[, packages]}`.
   */
  async export(resource = 'assignments', options = {}) {
    if (!rt.isPlainObject(options)) throw invalidArgument(`options must be an object, got ${rt.describe(options)}`);
    const { onProgress, byAccessPackage, ...rest } = options;
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw invalidArgument(`onProgress must be a function, got ${rt.describe(onProgress)}`);
    }
    const names = { assignments: 'assignments', requests: 'assignmentRequests', assignmentRequests: 'assignmentRequests' };
    const jobOptions = { ...rest, resource: names[resource] ?? resource, segmentByAccessPackage: byAccessPackage };
    for (const k of Object.keys(jobOptions)) if (jobOptions[k] === undefined) delete jobOptions[k];
    const job = this._startJob('export', jobOptions);
    let summary;
    try {
      summary = await job.wait(onProgress);
    } catch (e) {
      job.cancel();
      throw e;
    }
    if (!summary) throw new Error('the export job ended without a summary');
    const out = { ...summary };
    delete out.type;
    return out;
  }

  /**
   * Assigns `targets` (object ids, emails, `{objectId}`/`{email}`) to an access package under a
   * policy with adminAdd requests; existing assignments are skipped, a `journal` file makes a
   * rerun continue a crashed run. Returns a BulkRun (async iterator of item events; EventEmitter).
   */
  bulkAssign(accessPackageId, policyId, targets, options) {
    return bulk.bulkAssign(this.#handle, accessPackageId, policyId, targets, options);
  }

  /** Removes assignments: `{assignmentIds}` or `{accessPackageId, filter?}`. Returns a BulkRun. */
  bulkRemove(options) {
    return bulk.bulkRemove(this.#handle, options);
  }

  /** Runs `[{op: 'assign'|'remove', ...} | {operation, args, query, body}]`. Returns a BulkRun. */
  bulkRun(operations, options) {
    return bulk.bulkRun(this.#handle, operations, options);
  }

  /**
   * Sends many operations in `$batch` round trips (20 per request; each item
   * retried after its own Retry-After). `requests`: `{operation, args, query, body,
   * id, dependsOn}` or `[operation, ...args]`; resolves to `[{id, status, ok, value |
   * error, attempts}]` in the same order (a failed item is a result, not a rejection).
   */
  batch(requests, options) {
    return runBatch(this, requests, options);
  }

  /** Fetches the page an `@odata.nextLink` points at. */
  nextPage(nextLink, operation) {
    return rt.nextPage(this.#handle, nextLink, operation);
  }

  [util.inspect.custom]() {
    return `Client { baseUrl: ${JSON.stringify(this.baseUrl)} }`;
  }

  toJSON() {
    return { baseUrl: this.baseUrl };
  }
}

module.exports = { Client, BetaClient };
