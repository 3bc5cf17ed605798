#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Paging benchmark: CPU time per object for N expanded assignments through the
# Rust core (typed), Python and Node, beside a raw reqwest + serde_json::Value
# baseline measured in the same run against the same emulator process.
#   bash bench/run.sh [--n 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu
N=2000
while [ $# -gt 0 ]; do case $1 in --n) N=$2; shift 2;; *) echo "unknown option $1" >&2; exit 2;; esac; done
BIN=target/$CARGO_BUILD_TARGET/release
cargo build -q --release -p entitlement-cli
cargo build -q --release -p entitlement --example page_bench
tmp=$(mktemp -d)
python3 bench/make_seed.py "$N" "$tmp/seed.json"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/entitlement" emulator serve --port "$PORT" --seed "$tmp/seed.json" >"$tmp/emulator.log" 2>&1 &
EMU=$!
trap 'kill $EMU 2>/dev/null; rm -rf "$tmp"' EXIT
BASE=http://127.0.0.1:$PORT
for _ in $(seq 100); do grep -q "listening" "$tmp/emulator.log" && break; sleep 0.1; done
TENANT=$(sed -n 's/.*tenant id: *//p' "$tmp/emulator.log")
TOKEN=$(python3 - "$BASE/$TENANT/oauth2/v2.0/token" <<'PY'
import json, sys, urllib.parse, urllib.request
data = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": "b3e0c0de-0000-4000-8000-00000000beef",
                               "client_secret": "bench-secret", "scope": "https://graph.microsoft.com/.default"}).encode()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(json.load(opener.open(sys.argv[1], data))["access_token"])
PY
)
out=$tmp/figures.txt
"$BIN/examples/page_bench" --base-url "$BASE" --token "$TOKEN" | tee -a "$out"
PY=python3; [ -x .venv/bin/python ] && PY=.venv/bin/python
if [ -f python/bench/page_assignments.py ] && $PY -c 'import entitlement._native' 2>/dev/null; then
  $PY python/bench/page_assignments.py --base-url "$BASE" --token "$TOKEN" --n "$N" | tee -a "$out"
else echo "python: binding not installed, skipped"; fi
if [ -f node/bench/page_assignments.js ] && ls node/*.node >/dev/null 2>&1; then
  node node/bench/page_assignments.js --base-url "$BASE" --token "$TOKEN" --n "$N" | tee -a "$out"
else echo "node: binding not built, skipped"; fi
python3 - "$out" <<'PY'
import re, sys
fig = dict(re.findall(r"^(\w+)=([0-9.]+)$", open(sys.argv[1]).read(), re.M))
raw = float(fig["raw_cpu_us_per_object"])
print(f"\nPaging {fig.get('objects')} expanded assignments, CPU per object (baseline raw reqwest + serde_json::Value = {raw:.2f} us):")
for key, label, target in [("core_typed_cpu_us_per_object", "Rust core, typed", 0.75),
                           ("python_cpu_us_per_object", "Python", 1.0),
                           ("node_cpu_us_per_object", "Node", 1.5)]:
    if key in fig:
        v = float(fig[key]); r = v / raw
        print(f"  {label:18} {v:8.2f} us  {r:5.2f}x baseline  (target <= {target}x: {'met' if r <= target else 'NOT met'})")
if "import_and_construct_ms" in fig:
    v = float(fig["import_and_construct_ms"])
    print(f"  Python import + client construction: {v:.1f} ms (target <= 20 ms: {'met' if v <= 20 else 'NOT met'})")
PY
