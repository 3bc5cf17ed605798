#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
#
# The npm package as a user gets it:
#  1. `npm pack` ships the addon, LICENSE, the ESM entry and the testing entry;
#  2. the tarball installs into an empty project, where require() and ESM
#     import give every export (and `entitlement/testing`'s ids);
#  3. `tsc --strict` (TypeScript 5 from node/node_modules, and 7 when
#     TS7=1, cached in target/) compiles tests/packaging/node_typed.ts without
#     @types/node and the output runs against the emulator;
#  4. `npm install path/to/node` without a built addon builds it with cargo
#     (the install script), and without cargo fails saying so;
#  5. none of this rewrites node/package-lock.json.
# Needs a built addon (`npm run build` in node/, as the node suite does).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
export npm_config_audit=false npm_config_fund=false npm_config_loglevel=error npm_config_update_notifier=false
tmp=$(mktemp -d)
addon=$(cd node && node -p "require('./package.json').napi.binaryName").linux-x64-gnu.node
restore() { [[ -f "$tmp/$addon" && ! -f "node/$addon" ]] && mv "$tmp/$addon" "node/$addon"; rm -rf "$tmp"; }
trap restore EXIT
lock_before=$(git hash-object node/package-lock.json)
[[ -f "node/$addon" ]] || (cd node && npm run build)
step() { echo "--- $*"; }

step "npm pack"
(cd node && npm pack --pack-destination "$tmp" >/dev/null)
tgz=$(ls "$tmp"/entitlement-*.tgz)
listing=$(tar tzf "$tgz")
for f in "package/$addon" package/LICENSE package/index.mjs package/index.d.ts package/testing.js package/testing.mjs \
    package/testing.d.ts package/scripts/install.js; do
    grep -qx "$f" <<<"$listing" || { echo "missing from the tarball: $f" >&2; exit 1; }
done
echo "tarball $(basename "$tgz"): $(stat -c %s "$tgz") bytes, $(wc -l <<<"$listing") files"

step "install the tarball into an empty project"
mkdir "$tmp/app" && cd "$tmp/app"
printf '{"name":"app","version":"1.0.0","private":true,"type":"module"}\n' >package.json
npm install "$tgz" >/dev/null
cat >check.cjs <<'JS'
const assert = require('assert');
const cjs = require('entitlement');
const testing = require('entitlement/testing');
(async () => {
  const esm = await import('entitlement');
  const names = Object.keys(cjs).sort();
  assert.deepStrictEqual(Object.keys(esm).filter((n) => n !== 'default').sort(), names, 'ESM names = CommonJS names');
  for (const n of names) assert.strictEqual(esm[n], cjs[n], n);
  const esmTesting = await import('entitlement/testing');
  assert.strictEqual(esmTesting.ids, testing.ids);
  assert.strictEqual(esmTesting.Emulator, cjs.Emulator);
  assert.match(testing.ids.GENERAL_CATALOG_ID, /^[0-9a-f-]{36}$/);
  console.log(`require + import: ${names.length} exports, testing ids: ${Object.keys(testing.ids).length}`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
node check.cjs
# A static named import, the form cjs-module-lexer could not see.
node --input-type=module -e "import { NotFoundError, EntitlementError, Client } from 'entitlement'; import { ids, Emulator } from 'entitlement/testing';
if (!(new NotFoundError('x') instanceof EntitlementError) || typeof Client !== 'function' || !ids.TENANT_ID || !Emulator.start) process.exit(1);"

step "tsc --strict (TypeScript 5)"
cp "$ROOT/tests/packaging/node_typed.ts" .
cat >tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "target": "es2022", "lib": ["es2022"], "module": "nodenext",
    "moduleResolution": "nodenext", "types": [], "skipLibCheck": false, "outDir": "out" },
  "files": ["node_typed.ts"] }
JSON
"$ROOT/node/node_modules/.bin/tsc" --version
"$ROOT/node/node_modules/.bin/tsc" -p .
# Where lib esnext declares Symbol.asyncDispose too, the package's declaration merges with it.
"$ROOT/node/node_modules/.bin/tsc" -p . --lib esnext --noEmit
node -e "import('./out/node_typed.js').then(async (m) => { const seen = await m.main(); console.log(seen.join(' | ')); if (!seen.includes('NotFound 404')) process.exit(1); })"
if [[ "${TS7:-0}" == 1 ]]; then
    step "tsc --strict (TypeScript 7)"
    ts7="$ROOT/target/packaging-ts7"
    [[ -x "$ts7/node_modules/.bin/tsc" ]] || npm install --prefix "$ts7" typescript@7 >/dev/null
    "$ts7/node_modules/.bin/tsc" --version
    rm -rf out && "$ts7/node_modules/.bin/tsc" -p . && "$ts7/node_modules/.bin/tsc" -p . --lib esnext --noEmit
fi
cd "$ROOT"

step "npm install path/to/node without a built addon: the install script builds it"
mv "node/$addon" "$tmp/$addon"
out=$(cd "$tmp/app" && CARGO=/nonexistent/cargo npm install "$ROOT/node" 2>&1) && { echo "install without cargo succeeded" >&2; exit 1; }
grep -q "cargo was not found" <<<"$out" || { echo "$out" >&2; exit 1; }
! grep -qi "package-lock" <<<"$out" || { echo "$out" >&2; exit 1; }
echo "without cargo: $(grep -m1 'cargo was not found' <<<"$out")"
(cd "$tmp/app" && npm install "$ROOT/node" >/dev/null)
test -f "node/$addon"
(cd "$tmp/app" && node -e "const { ids } = require('entitlement/testing'); require('entitlement').Emulator.start().then(async (e) => {
  const c = await e.client().getCatalog(ids.GENERAL_CATALOG_ID); await e.stop(); if (c.id !== ids.GENERAL_CATALOG_ID) process.exit(1); })")
rm -f "$tmp/$addon"

step "node/package-lock.json unchanged"
test "$(git hash-object node/package-lock.json)" = "$lock_before"
echo "node packaging: ok"
