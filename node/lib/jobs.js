// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// Long-running work (a $batch, a bulk operation, an export) as a stream of
// events: the JS face of core's bridge::Job. Each event is an object with a
// `type` ('progress', 'item', ...); the last is `{type: 'done', ...}` with the
// job's summary, kept as `job.summary`. A failed job rejects with its error.

const { fromNative } = require('./errors');

class Job {
  #started;
  #native = null;
  #finished = false;

  /** @param {Promise<object>} started the native job, once it runs */
  constructor(started) {
    this.summary = null;
    this.#started = started.then(
      (n) => (this.#native = n),
      (e) => {
        throw fromNative(e);
      },
    );
    // A job nobody reads still must not crash the process with an unhandled rejection.
    this.#started.catch(() => {});
  }

  /** The next event, or null after the last. */
  async next() {
    if (this.#finished) return null;
    const n = await this.#started;
    let text;
    try {
      text = await n.next();
    } catch (e) {
      this.#finished = true;
      throw fromNative(e);
    }
    if (text === null) {
      this.#finished = true;
      return null;
    }
    const event = JSON.parse(text);
    if (event.type === 'done') this.summary = event;
    return event;
  }

  async *[Symbol.asyncIterator]() {
    try {
      for (let e = await this.next(); e !== null; e = await this.next()) yield e;
    } finally {
      if (!this.#finished) this.cancel();
    }
  }

  /** Runs the job to its end; `progress` receives every event but the last. Resolves to the summary. */
  async wait(progress) {
    for (let e = await this.next(); e !== null; e = await this.next()) {
      if (progress && e.type !== 'done') progress(e);
    }
    return this.summary;
  }

  /** Stops the job; the events then end with the summary so far. */
  cancel() {
    if (this.#native) this.#native.cancel();
    else this.#started.then((n) => n.cancel(), () => {});
  }
}

module.exports = { Job };
