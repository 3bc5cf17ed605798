// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// `$filter` expressions built from parts, literals escaped by the Rust core
// (the same builder as Rust, Python and C):
//   client.listCatalogs({ filter: Filter.eq('displayName', userInput).and(Filter.eq('state', 'published')) })

const native = require('../native.js');
const { fromNative, invalidArgument } = require('./errors');
const { describe } = require('./runtime');

const TEXT = Symbol.for('entitlement.filter'); // read by runtime.js

class Filter {
  constructor(text) {
    this[TEXT] = text;
  }

  static compare(prop, op, value) {
    if (typeof prop !== 'string') throw invalidArgument(`property must be a string, got ${describe(prop)}`);
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isSafeInteger(value));
    if (!ok) throw invalidArgument(`a filter value must be a string, safe integer, boolean or null, got ${describe(value)}`);
    if (op === 'startswith' && typeof value !== 'string') {
      throw invalidArgument(`startswith takes a string, got ${describe(value)}`);
    }
    try {
      return new Filter(native.filterCompare(prop, op, value));
    } catch (e) {
      throw fromNative(e);
    }
  }

  // eq, ne, gt, ge, lt, le and startswith are attached below (typed in index.d.ts).

  /** A filter written by hand, passed through unchanged (no escaping). */
  static raw(text) {
    if (typeof text !== 'string') throw invalidArgument(`raw filter must be a string, got ${describe(text)}`);
    return new Filter(text);
  }

  and(other) {
    return new Filter(`(${this}) and (${check(other)})`);
  }
  or(other) {
    return new Filter(`(${this}) or (${check(other)})`);
  }
  not() {
    return new Filter(`not (${this})`);
  }
  toString() {
    return this[TEXT];
  }
  toJSON() {
    return this[TEXT];
  }
}

function check(other) {
  if (!(other instanceof Filter)) throw invalidArgument(`expected a Filter, got ${describe(other)}`);
  return other;
}

// Filter.eq(prop, value), Filter.ne(...), ..., Filter.startswith(prop, text)
for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'startswith']) {
  Filter[op] = (prop, value) => Filter.compare(prop, op, value);
}

module.exports = { Filter };
