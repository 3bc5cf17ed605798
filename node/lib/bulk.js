// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Bulk operations (client.bulkAssign, bulkRemove, bulkRun): core's bulk
// engine run as a job (bulkAssign, bulkRemove, bulkRun). A BulkRun is an
// async iterator of one event per settled item ({type: 'item', index, target,
// outcome, requestId?, reason?, error?}) and an EventEmitter ('item',
// 'progress', 'done'); `await run.done()` drains it and resolves to the report.

const { EventEmitter } = require('node:events');
const { Job } = require('./jobs');

class BulkRun extends EventEmitter {
  #job;
  #items = [];
  #finished = false;

  constructor(job, total) {
    super();
    this.#job = job;
    /** Number of items, when known before the run (undefined for bulkRemove by package). */
    this.total = total;
    /** The report, once the run has ended. */
    this.report = undefined;
  }

  async #pull() {
    for (;;) {
      let event;
      try {
        event = await this.#job.next(); // a typed error when the job fails
      } catch (e) {
        this.#finished = true;
        throw e;
      }
      if (event === null) {
        this.#finished = true;
        return null;
      }
      if (event.type === 'item') {
        this.#items.push(event);
        this.emit('item', event);
        return event;
      }
      if (event.type === 'progress') {
        this.emit('progress', event);
      } else if (event.type === 'done') {
        const { type, ...counts } = event;
        this.report = { ...counts, items: this.#items, failures: this.#items.filter((i) => i.outcome === 'failed') };
        this.emit('done', this.report);
      }
    }
  }

  [Symbol.asyncIterator]() {
    return {
      next: async () => {
        const event = this.#finished ? null : await this.#pull();
        return event === null ? { done: true, value: undefined } : { done: false, value: event };
      },
      return: async () => {
        if (!this.#finished) this.cancel();
        return { done: true, value: undefined };
      },
    };
  }

  /** Runs to the end; resolves to the report ({created, skipped, reconciled, failed, ..., items, failures}). */
  async done() {
    while (!this.#finished) await this.#pull();
    return this.report;
  }

  /** Stops sending; items in flight are left for a journal rerun to reconcile. */
  cancel() {
    this.#job.cancel();
  }
}

function common(o) {
  const out = {};
  for (const k of ['journal', 'maxConcurrency', 'initialConcurrency', 'precheck', 'maxAttempts']) {
    if (o[k] !== undefined && o[k] !== null) out[k] = o[k];
  }
  return out;
}

function start(handle, kind, options, total) {
  // Promise.resolve first: a bad argument rejects the first next(), as for every job.
  return new BulkRun(new Job(Promise.resolve().then(() => handle.job(kind, options))), total);
}

function bulkAssign(handle, accessPackageId, policyId, targets, options = {}) {
  const list = Array.from(targets);
  return start(handle, 'bulkAssign', { accessPackageId, policyId, targets: list, ...common(options) }, list.length);
}

function bulkRemove(handle, options = {}) {
  const o = common(options);
  if (options.assignmentIds !== undefined) {
    const ids = Array.from(options.assignmentIds);
    return start(handle, 'bulkRemove', { ...o, assignmentIds: ids }, ids.length);
  }
  if (options.filter !== undefined) o.filter = options.filter;
  return start(handle, 'bulkRemove', { ...o, accessPackageId: options.accessPackageId }, undefined);
}

function bulkRun(handle, operations, options = {}) {
  const list = Array.from(operations);
  return start(handle, 'bulkRun', { operations: list, ...common(options) }, list.length);
}

module.exports = { BulkRun, bulkAssign, bulkRemove, bulkRun };
