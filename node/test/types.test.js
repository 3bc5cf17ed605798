// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The generated index.d.ts compiles, and describes the package as used.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

test('index.d.ts type-checks with a usage example', { skip: !fs.existsSync(tsc) && 'typescript not installed' }, () => {
  const r = spawnSync(process.execPath, [
    tsc, '--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,esnext.disposable', '--module', 'commonjs',
    path.join(__dirname, 'types', 'usage.ts'), path.join(root, 'index.d.ts'),
  ], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('a type error in usage is caught (the check can fail)', { skip: !fs.existsSync(tsc) && 'typescript not installed' }, () => {
  const bad = path.join(require('node:os').tmpdir(), `entitlement-bad-${process.pid}.ts`);
  fs.writeFileSync(bad, `import { Client } from ${JSON.stringify(path.join(root, 'index'))};\n`
    + 'const c = new Client();\nc.getCatalog(42);\n');
  try {
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', bad], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /TS2345/);
  } finally {
    fs.unlinkSync(bad);
  }
});
