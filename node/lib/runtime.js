// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// What the generated operation methods (lib/operations.js) share: argument
// checks, the call into native code, JSON parsing and paging. Every method
// goes through `call` with its qualified operation name; native code knows
// no operation by hand.

const { DecodeError } = require('./errors');
const { fromNative, invalidArgument } = require('./errors');

// client or beta client -> NativeClient; a WeakMap keeps the handle out of
// util.inspect and JSON.stringify.
const handles = new WeakMap();

function bind(obj, native) {
  handles.set(obj, native);
}

function nativeOf(obj) {
  const n = handles.get(obj);
  if (!n) throw invalidArgument('method called on an object that is not an entitlement Client');
  return n;
}

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? JSON.stringify(v) : `a ${typeof v}`;
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function ids(names, values) {
  for (let i = 0; i < names.length; i++) {
    const v = values[i];
    if (typeof v !== 'string' || v.length === 0) {
      throw invalidArgument(`${names[i]} must be a non-empty string, got ${describe(v)}`);
    }
  }
  return values;
}

function bodyText(body) {
  if (typeof body === 'string') return body; // JSON text: native code parses and checks it
  if (!isPlainObject(body)) throw invalidArgument(`body must be an object or JSON text, got ${describe(body)}`);
  try {
    return JSON.stringify(body);
  } catch (e) {
    throw invalidArgument(`body cannot be serialized as JSON: ${e.message}`);
  }
}

/** Marks `Filter` objects (lib/filter.js) without a circular require. */
const FILTER = Symbol.for('entitlement.filter');

const LIST_OPTIONS = ['filter', 'select', 'expand', 'top', 'orderby', 'count', 'search'];
const GET_OPTIONS = ['select', 'expand'];

function stringList(name, v) {
  // A string is passed as written (it may hold nested options: `scopes($expand=role,scope)`).
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  throw invalidArgument(`${name} must be a string or an array of strings, got ${describe(v)}`);
}

/** Checks and normalises OData options; `allowed` depends on the operation kind. */
function query(options, allowed) {
  if (options === undefined || options === null) return undefined;
  if (!isPlainObject(options)) throw invalidArgument(`options must be an object, got ${describe(options)}`);
  const q = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === null) continue;
    if (!allowed.includes(k)) {
      throw invalidArgument(`unknown option ${JSON.stringify(k)} (allowed: ${allowed.join(', ')})`);
    }
    switch (k) {
      case 'filter':
        // a string, or a Filter built with escaped literals
        if (typeof v === 'object' && typeof v[FILTER] === 'string') {
          q.filter = v[FILTER];
          break;
        }
        if (typeof v !== 'string') throw invalidArgument(`${k} must be a string or a Filter, got ${describe(v)}`);
        q[k] = v;
        break;
      case 'search':
        if (typeof v !== 'string') throw invalidArgument(`${k} must be a string, got ${describe(v)}`);
        q[k] = v;
        break;
      case 'select':
      case 'expand':
      case 'orderby':
        q[k] = stringList(k, v);
        break;
      case 'top':
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
          throw invalidArgument(`top must be a non-negative integer, got ${describe(v)}`);
        }
        q.top = v;
        break;
      case 'count':
        if (typeof v !== 'boolean') throw invalidArgument(`count must be a boolean, got ${describe(v)}`);
        q.count = v;
        break;
    }
  }
  return q;
}

function parse(text) {
  if (text === null || text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DecodeError(`response is not JSON: ${e.message}`);
  }
}

async function send(native, op, args, q, body) {
  let text;
  try {
    text = await native.call(op, args, q, body);
  } catch (e) {
    throw fromNative(e);
  }
  return parse(text);
}

function toPage(obj) {
  if (!isPlainObject(obj) || !Array.isArray(obj.value)) {
    throw new DecodeError('collection response without a "value" array');
  }
  const page = { value: obj.value };
  const next = obj['@odata.nextLink'];
  if (typeof next === 'string') page.nextLink = next;
  const count = obj['@odata.count'];
  if (typeof count === 'number') page.count = count;
  return page;
}

async function nextPage(native, nextLink) {
  if (typeof nextLink !== 'string' || nextLink.length === 0) {
    throw invalidArgument(`nextLink must be a non-empty string, got ${describe(nextLink)}`);
  }
  let text;
  try {
    text = await native.fetchNext(nextLink);
  } catch (e) {
    throw fromNative(e);
  }
  return toPage(parse(text));
}

/**
 * The items of a collection, fetched a page at a time as iteration goes:
 * `for await (const x of it)`, or `for await (const page of it.pages())`.
 */
class PageIterator {
  #native;
  #first;

  constructor(native, first) {
    this.#native = native;
    this.#first = first;
  }

  /** Every page, following `@odata.nextLink`. */
  async *pages() {
    let page = await this.#first();
    yield page;
    while (page.nextLink) {
      page = await nextPage(this.#native, page.nextLink);
      yield page;
    }
  }

  async *[Symbol.asyncIterator]() {
    for await (const page of this.pages()) {
      yield* page.value;
    }
  }

  /** All items in one array (every page is fetched). */
  async toArray() {
    const out = [];
    for await (const page of this.pages()) {
      for (const x of page.value) out.push(x);
    }
    return out;
  }

  /** The first item, or undefined (fetches one page). */
  async first() {
    for await (const page of this.pages()) {
      return page.value[0];
    }
    return undefined;
  }
}

// ---- entry points of the generated methods ----

/** list operation: a PageIterator (argument errors throw at once). */
function list(self, op, names, values, options) {
  const native = nativeOf(self);
  const args = ids(names, values);
  const q = query(options, LIST_OPTIONS);
  return new PageIterator(native, async () => toPage(await send(native, op, args, q, undefined)));
}

/** list operation, first page only: `{value, nextLink, count}`. */
async function page(self, op, names, values, options) {
  const native = nativeOf(self);
  const args = ids(names, values);
  const q = query(options, LIST_OPTIONS);
  return toPage(await send(native, op, args, q, undefined));
}

/** get / function operation. */
async function get(self, op, names, values, options) {
  const native = nativeOf(self);
  return send(native, op, ids(names, values), query(options, GET_OPTIONS), undefined);
}

/** The items of an action that answers a collection (`{value: [...]}`); an empty answer is []. */
function items(obj) {
  return obj === undefined ? [] : toPage(obj).value;
}

/** Any other operation; `hasBody`: 0 no body, 1 required, 2 optional (actions). */
async function invoke(self, op, names, values, hasBody, body) {
  const native = nativeOf(self);
  const args = ids(names, values);
  let text;
  if (hasBody === 2 && (body === undefined || body === null)) {
    text = undefined;
  } else if (hasBody) {
    text = bodyText(body);
  } else if (body !== undefined) {
    throw invalidArgument(`${op} takes no request body`);
  }
  return send(native, op, args, undefined, text);
}

module.exports = { bind, nativeOf, list, page, get, invoke, items, nextPage, PageIterator, isPlainObject, describe };
