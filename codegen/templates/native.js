// {{BANNER}}
// SPDX-License-Identifier: MIT
'use strict';

// Loads the compiled addon (bindings/node, built by `npm run build`, which runs
// `napi build --no-js` so this file is not replaced) and exports it as is: the
// exports are whatever the addon defines (native.d.ts, written by napi, types
// them), so nothing here lists them.
//
// Looked for, in order: NAPI_RS_NATIVE_LIBRARY_PATH; `./{{BINARY}}.<platform>.node`
// next to this file (what `napi build --platform` writes); the per-platform
// package `{{BINARY}}-<platform>`.

const { readFileSync } = require('fs');

function isMusl() {
  if (process.platform !== 'linux') return false;
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null;
    return !!(report && report.header && !report.header.glibcVersionRuntime);
  }
}

/** The napi-rs platform names this machine can load, best first. */
function platforms() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const abi = isMusl() ? 'musl' : 'gnu';
    if (arch === 'arm') return [`linux-arm-${abi}eabihf`];
    return [`linux-${arch}-${abi}`];
  }
  if (platform === 'darwin') return [`darwin-${arch}`, 'darwin-universal'];
  if (platform === 'win32') return [`win32-${arch}-msvc`];
  if (platform === 'android' && arch === 'arm') return ['android-arm-eabi'];
  return [`${platform}-${arch}`];
}

function load() {
  const errors = [];
  const candidates = [];
  if (process.env.NAPI_RS_NATIVE_LIBRARY_PATH) {
    candidates.push(process.env.NAPI_RS_NATIVE_LIBRARY_PATH);
  } else {
    for (const p of platforms()) candidates.push(`./{{BINARY}}.${p}.node`, `{{BINARY}}-${p}`);
  }
  for (const id of candidates) {
    try {
      return require(id);
    } catch (err) {
      errors.push(err);
    }
  }
  const err = new Error(
    `entitlement: no native addon for ${process.platform}-${process.arch} ` +
      `(tried ${candidates.join(', ')}); build it with \`npm run build\``,
  );
  err.cause = errors;
  throw err;
}

const nativeBinding = load();

module.exports = nativeBinding;
