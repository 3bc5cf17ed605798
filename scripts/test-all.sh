#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every test in every language, from a fresh clone. Installs what it needs
# (apt: valgrind, mono-mcs; pip: maturin, pytest into .venv; npm: @napi-rs/cli).
#   bash scripts/test-all.sh            # everything
#   SKIP=node,powershell bash scripts/test-all.sh
# (suites: generated-files rust-build rust c-header tutorial python node c powershell
#  examples python-packaging node-packaging c-packaging fuzz-smoke bench)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu
export CARGO_TERM_COLOR=never
SKIP=${SKIP:-}
passed=0; failed=0; failures=()

suite() { # name, command...
  local name=$1; shift
  if [[ ",$SKIP," == *",$name,"* ]]; then echo "== $name: skipped"; return; fi
  echo; echo "================ $name"
  local t0=$SECONDS
  if "$@"; then passed=$((passed+1)); echo "== $name: ok ($((SECONDS-t0)) s)"
  else failed=$((failed+1)); failures+=("$name"); echo "== $name: FAILED ($((SECONDS-t0)) s)"; fi
}

need_apt() { # packages...
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    echo "installing ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null
  fi
}

generated_current() { python3 codegen/generate.py --check; }

rust_build() { cargo build --release --workspace --all-targets --exclude entitlement-python --exclude entitlement-node; }

# Rustdoc with warnings denied: broken intra-doc links, and (through
# `#![warn(missing_docs)]` in core and the emulator) any public item without
# a doc comment.
docs_check() { RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --exclude entitlement-python --exclude entitlement-node; }

rust_tests() { cargo test --release --workspace --exclude entitlement-python --exclude entitlement-node -- --nocapture 2>&1 | tee target/rust-tests.log | grep -E "^(test result|model conformance|replay |surface|  exception|  note|  docs|running|error|failures:|---- )|panicked" ; test "${PIPESTATUS[0]}" -eq 0; }

# include/entitlement.h is written only by scripts/gen-header.sh; this fails when it differs from cbindgen's output.
header_current() { bash scripts/gen-header.sh --check; }

tutorial() { ./target/$CARGO_BUILD_TARGET/release/entitlement tutorial; }

python_tests() {
  [ -d .venv ] || python3 -m venv .venv
  # shellcheck disable=SC1091
  . .venv/bin/activate
  pip install -q 'maturin>=1.9.4,<2' 'pytest>=8' &&
  # The sign-in proof (python/tests/test_azure_identity.py) uses Microsoft's own client, sync and
  # azure.identity.aio (which needs aiohttp); it skips, saying so, without them.
  { pip install -q azure-identity aiohttp || echo "azure-identity could not be installed: test_azure_identity.py will skip"; } &&
  # The official Graph SDK runs the tutorial against the emulator (python/tests/test_msgraph_sdk.py).
  { pip install -q msgraph-sdk || echo "msgraph-sdk could not be installed: test_msgraph_sdk.py will skip"; } &&
  (cd python && maturin develop --release -q) &&
  pytest -q python/tests
  local rc=$?; deactivate; return $rc
}

# npm install brings the devDependencies, @azure/identity among them (test/azure_identity.test.js).
node_tests() { (cd node && npm install --no-audit --no-fund --loglevel=error && npm test); }  # pretest builds the release addon

c_tests() { need_apt valgrind && bash tests/c/run.sh release; }

powershell_tests() { need_apt mono-mcs && bash powershell/tests/run.sh release; }

# A short run of each fuzz target (instrumented build in target/fuzz); the
# corpus and every saved crash are also replayed by the rust suite.
# examples/ (tutorial + bulk job in Rust, Python, Node, C; PowerShell checked
# statically): after the python and node suites, whose .venv and addon it uses.
examples() { bash scripts/examples.sh; }

fuzz_smoke() { bash scripts/fuzz.sh --quick --seconds "${FUZZ_SECONDS:-10}"; }

bench() { bash bench/run.sh --n "${BENCH_N:-2000}"; }

# Packaging (tests/packaging/): the wheel (manylinux tag, license, installs and
# imports), mypy --strict over README's snippets and a typed quickstart; npm pack
# + install into an empty project (require, import, tsc --strict, build on
# install); the C install layout with pkg-config and the SONAME.
python_packaging() {
  [ -d .venv ] || python3 -m venv .venv
  .venv/bin/pip install -q 'maturin>=1.9.4,<2' mypy &&
  PATH="$ROOT/.venv/bin:$PATH" bash tests/packaging/python_types.sh &&
  PATH="$ROOT/.venv/bin:$PATH" bash tests/packaging/python_wheel.sh
}
node_packaging() { (cd node && npm install --no-audit --no-fund --loglevel=error) && TS7="${TS7:-1}" bash tests/packaging/node.sh; }
c_packaging() { need_apt pkg-config && bash tests/packaging/c.sh; }

suite generated-files generated_current
suite rust-build rust_build
suite docs docs_check
suite rust rust_tests
suite c-header header_current
suite tutorial tutorial
suite python python_tests
suite node node_tests
suite c c_tests
suite powershell powershell_tests
suite examples examples
suite python-packaging python_packaging
suite node-packaging node_packaging
suite c-packaging c_packaging
suite fuzz-smoke fuzz_smoke
suite bench bench

echo
echo "suites: ${failures[*]:-none failed}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
