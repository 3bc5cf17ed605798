// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The cross-language contract table (tests/contract/cases.json) through the
// public Node surface: Client methods and Emulator. The same cases run in
// Rust, Python and C; a failing case reads `node case <name>: expected ..., got ...`.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client, Emulator, EntitlementError, PageIterator } = require('..');

const LANG = 'node';
const TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'contract', 'cases.json'), 'utf8'));
const DRIFT = new Map(TABLE.known_drift.filter((d) => d.language === LANG).map((d) => [d.case, d.reason]));
const MISSING = Symbol('missing');

function subst(value, env) {
  if (typeof value === 'string') return value.replace(/\$\{(\w+)\}/g, (_, k) => env[k]);
  if (Array.isArray(value)) return value.map((v) => subst(v, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, subst(v, env)]));
  }
  return value;
}

function pointer(doc, ptr) {
  if (ptr === '') return doc;
  for (const raw of ptr.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(doc) && /^\d+$/.test(key) && Number(key) < doc.length) doc = doc[Number(key)];
    else if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && Object.hasOwn(doc, key)) doc = doc[key];
    else return MISSING;
  }
  return doc;
}

function describeError(e) {
  if (e instanceof EntitlementError) {
    const ra = e.retryAfter === null ? '' : `, retryAfter ${e.retryAfter}`;
    return `error ${e.code} (status ${e.status}, code ${e.graphCode}${ra}): ${e.message}`;
  }
  return `JS ${e && e.name}: ${e && e.message}`;
}

const short = (v) => (JSON.stringify(v) ?? 'undefined').slice(0, 200);

/** '' when the outcome matches the expectation, else what was wrong. */
function check(expect, error, result, env) {
  if (expect.error) {
    const want = expect.error;
    if (error === undefined) return `success with ${short(result)}`;
    if (!(error instanceof EntitlementError)) return describeError(error);
    const wrong = [];
    if (error.code !== want.kind) wrong.push('kind');
    if ('status' in want && error.status !== want.status) wrong.push('status');
    if ('code' in want && error.graphCode !== want.code) wrong.push('code');
    if ('retryAfter' in want && (error.retryAfter === null || Math.abs(error.retryAfter - want.retryAfter) > 0.001)) {
      wrong.push('retryAfter');
    }
    return wrong.length ? `${describeError(error)} [wrong ${wrong.join(', ')}]` : '';
  }
  if (error !== undefined) return describeError(error);
  const kind = result === undefined || result === null ? 'none' : Array.isArray(result) ? 'array' : typeof result;
  if (expect.body && kind !== expect.body) return `a ${kind} body: ${short(result)}`;
  if ('items' in expect && (!Array.isArray(result) || result.length !== expect.items)) {
    return `${Array.isArray(result) ? result.length : 'no'} items: ${short(result)}`;
  }
  for (const [ptr, want] of Object.entries(subst(expect.json ?? {}, env))) {
    const got = pointer(result, ptr);
    if (got === MISSING || !util_equal(got, want)) return `${ptr} = ${got === MISSING ? '(missing)' : short(got)}`;
  }
  for (const ptr of expect.present ?? []) if (pointer(result, ptr) === MISSING) return `${ptr} missing`;
  for (const ptr of expect.absent ?? []) if (pointer(result, ptr) !== MISSING) return `${ptr} present`;
  return '';
}

function util_equal(a, b) {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

function expectedText(expect) {
  if (expect.error) return `error ${JSON.stringify(expect.error)}`;
  const { ok: _ok, ...rest } = expect;
  return `success ${JSON.stringify(rest)}`;
}

// ---- building the pieces of a case through the public surface ----

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'entitlement-contract-'));
let busy;

function emulatorOptions(opts = {}) {
  const out = {};
  for (const [k, v] of Object.entries(opts)) {
    if (k === 'seed') {
      // Node takes a seed file.
      const file = path.join(tmp, `seed-${Math.random().toString(36).slice(2)}.json`);
      fs.writeFileSync(file, JSON.stringify(v));
      out.seedPath = file;
    } else if (k === 'dbPath' || k === 'pageSize') {
      out[k] = v;
    } else if (k === 'port') {
      out.port = v === 'in_use' ? Number(new URL(busy.baseUrl).port) : v;
    } else {
      throw new Error(`unknown emulator option ${k} in cases.json`);
    }
  }
  return out;
}

function makeClient(emu, spec = {}) {
  const extra = {};
  if ('maxRetries' in spec) extra.maxRetries = spec.maxRetries;
  if ('timeoutMs' in spec) extra.timeoutMs = spec.timeoutMs;
  const baseUrl = spec.baseUrl ?? emu.baseUrl;
  const { clientId, clientSecret } = emu.appCredentials;
  const app = { baseUrl, authority: emu.authority, tenantId: emu.tenantId, clientId };
  switch (spec.credential ?? 'app') {
    case 'app':
      return new Client({ ...app, clientSecret, ...extra });
    case 'bad_secret':
      return new Client({ ...app, clientSecret: `${clientSecret}-wrong`, ...extra });
    case 'user_signin':
      return emu.userClient(spec.user, { baseUrl, ...extra });
    case 'user_token':
      return new Client({ baseUrl, token: emu.userToken(spec.user), ...extra });
    case 'token':
      return new Client({ baseUrl, token: spec.token, ...extra });
    case 'none':
      return new Client({ baseUrl, ...extra });
    default:
      throw new Error(`unknown credential ${spec.credential} in cases.json`);
  }
}

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Calls the method a case names and returns its result as plain JSON (lists read to the end). */
async function invoke(client, call, env) {
  let target = client;
  let name = call.op;
  if (name.startsWith('beta.')) {
    target = client.beta;
    name = name.slice('beta.'.length);
  }
  const args = [...subst(call.args ?? [], env)];
  if ('body' in call) args.push(subst(call.body, env));
  else if ('bodyText' in call) args.push(call.bodyText);
  if ('query' in call) args.push(subst(call.query, env));
  let value = target[camel(name)](...args);
  if (value instanceof PageIterator) value = await value.toArray();
  else value = await value;
  return value;
}

async function runCase(c) {
  const env = {};
  if (c.start) {
    try {
      const emu = await Emulator.start(emulatorOptions(c.start));
      await emu.stop();
      return { env };
    } catch (error) {
      return { error, env };
    }
  }
  const emu = await Emulator.start(emulatorOptions(c.emulator));
  try {
    const admin = emu.client();
    for (const step of c.setup ?? []) {
      const result = await invoke(admin, step, env);
      for (const [k, ptr] of Object.entries(step.save ?? {})) env[k] = pointer(result, ptr);
    }
    try {
      const client = makeClient(emu, c.client);
      if (c.fault) emu.injectFault(c.fault);
      return { result: await invoke(client, c.call, env), env };
    } catch (error) {
      return { error, env };
    }
  } finally {
    await emu.stop();
  }
}

before(async () => {
  busy = await Emulator.start();
});
after(async () => {
  await busy.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

for (const c of TABLE.cases) {
  const skip = c.skip?.[LANG];
  test(`contract: ${c.name}`, { skip: skip || false }, async (t) => {
    const { error, result, env } = await runCase(c);
    const wrong = check(c.expect, error, result, env);
    if (wrong && DRIFT.has(c.name)) {
      t.todo(`known drift: ${DRIFT.get(c.name)}`);
      return;
    }
    if (!wrong && DRIFT.has(c.name)) t.diagnostic(`${LANG} case ${c.name}: passes; remove its known_drift mark`);
    if (wrong) console.error(`${LANG} case ${c.name}: expected ${expectedText(c.expect)}, got ${wrong}`);
    assert.equal(wrong, '', `${LANG} case ${c.name}: expected ${expectedText(c.expect)}, got ${wrong}`);
  });
}
