// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors
'use strict';

// The `install` script: makes sure `require('entitlement')` finds a native
// addon once `npm install` returns.
//
//  1. A prebuilt addon that loads (`entitlement.<platform>.node` in the
//     package, as `npm pack` ships it after `npm run build`, or the
//     per-platform package `entitlement-<platform>` that `napi prepublish`
//     lists in optionalDependencies): nothing to do.
//  2. Otherwise, with the Rust sources beside the package (a git checkout,
//     `npm install path/to/node`): `cargo build --release` of bindings/node,
//     the result copied to `entitlement.<platform>.node`.
//  3. Otherwise, or without cargo: fail with what to do, rather than an
//     install that "succeeds" and a require() that does not.
//
// `npm install` inside this directory (development) skips 2: `npm run build`.
// ENTITLEMENT_SKIP_BUILD=1 skips 2 everywhere.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const binaryName = require('../package.json').napi.binaryName;

function loadError() {
  try {
    require('../native.js');
    return null;
  } catch (err) {
    return err;
  }
}

/** As native.js decides it. */
function isMusl() {
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null;
    return !!(report && report.header && !report.header.glibcVersionRuntime);
  }
}

/** The napi-rs platform name (`linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`, ...). */
function platform() {
  const { platform: os, arch } = process;
  if (os === 'linux') {
    const abi = isMusl() ? 'musl' : 'gnu';
    return arch === 'arm' ? `linux-arm-${abi}eabihf` : `linux-${arch}-${abi}`;
  }
  if (os === 'win32') return `win32-${arch}-msvc`;
  return `${os}-${arch}`;
}

function fail(lines) {
  console.error(['', ...lines.map((l) => `entitlement: ${l}`), ''].join('\n'));
  process.exit(1);
}

function main() {
  const first = loadError();
  if (!first) return;
  const here = platform();
  const manifest = path.join(root, '..', 'bindings', 'node', 'Cargo.toml');
  if (process.env.INIT_CWD && path.resolve(process.env.INIT_CWD) === path.resolve(root)) {
    console.error('entitlement: development install, no addon built yet: run `npm run build`');
    return;
  }
  if (process.env.ENTITLEMENT_SKIP_BUILD) return;
  if (!fs.existsSync(manifest)) {
    fail([
      `no prebuilt native addon for ${here} in this package (${first.message.split('\n')[0]}),`,
      `and the Rust sources are not beside it to build one.`,
      `Install the package from a git checkout (npm install path/to/entitlement/node) with Rust installed,`,
      `or use a release that publishes ${binaryName}-${here}.`,
    ]);
  }
  const cargo = process.env.CARGO || 'cargo';
  const version = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    fail([
      `no prebuilt native addon for ${here}, so it must be built from source,`,
      `but Rust's cargo was not found (${version.error ? version.error.code : `exit ${version.status}`}).`,
      `Install Rust (https://rustup.rs, or your system's rustc + cargo packages), then run \`npm rebuild entitlement\`.`,
      `(Set CARGO to use a cargo that is not on PATH.)`,
    ]);
  }
  console.error(`entitlement: building the native addon for ${here} with ${version.stdout.trim()} (a few minutes the first time)`);
  const build = spawnSync(
    cargo,
    ['build', '--release', '--manifest-path', manifest, '--message-format=json-render-diagnostics'],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 },
  );
  if (build.error || build.status !== 0) {
    fail([`cargo build of ${manifest} failed (see above).`]);
  }
  let built = null;
  for (const line of build.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason === 'compiler-artifact' && msg.target && msg.target.kind.includes('cdylib')) {
      built = msg.filenames.find((f) => /\.(so|dylib|dll)$/.test(f)) || built;
    }
  }
  if (!built) fail(['cargo build succeeded but reported no cdylib for bindings/node.']);
  const dest = path.join(root, `${binaryName}.${here}.node`);
  fs.copyFileSync(built, dest);
  const after = loadError();
  if (after) fail([`the addon built at ${dest} does not load: ${after.message}`]);
  console.error(`entitlement: built ${path.basename(dest)}`);
}

main();
