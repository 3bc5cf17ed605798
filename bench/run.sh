#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Paging benchmark: N assignments shaped like Graph's (bench/make_seed.py:
# ~3 KB each with $expand=target,accessPackage,assignmentPolicy), paged with
# that query from one emulator process by
#   (a) a raw reqwest + serde_json::Value baseline  (core/examples/page_bench.rs)
#   (b) the Rust core client, typed stream          (same binary, same run)
#   (c) the Python sync Client                      (python/bench/page_assignments.py)
#   (d) the Node Client, for await                  (node/bench/page_assignments.js)
# each reading id, target display name, package display name and state per
# object. Prints CPU and wall per object in-process (best of --rounds), whole
# processes end to end (start, import, client, page all N, exit), import +
# client construction over a bare interpreter, and a summary against targets.
# Targets not met are reported, never a failure; a measurement that cannot
# run (binding not built, emulator error, wrong count) fails the script.
#   bash bench/run.sh [--n 2000] [--rounds R] [--proc-runs K]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu
N=2000 ROUNDS= PROC_RUNS=
while [ $# -gt 0 ]; do case $1 in
  --n) N=$2; shift 2;;
  --rounds) ROUNDS=$2; shift 2;;
  --proc-runs) PROC_RUNS=$2; shift 2;;
  *) echo "unknown option $1" >&2; exit 2;;
esac; done
if [ "$N" -le 5000 ]; then ROUNDS=${ROUNDS:-5} PROC_RUNS=${PROC_RUNS:-3}; else ROUNDS=${ROUNDS:-3} PROC_RUNS=${PROC_RUNS:-1}; fi
BIN=target/$CARGO_BUILD_TARGET/release
PY=python3; [ -x .venv/bin/python ] && PY=.venv/bin/python
if ! $PY -c 'import entitlement._native' 2>/dev/null; then
  echo "bench: the Python binding is not installed in $PY (python3 -m venv .venv; . .venv/bin/activate; pip install 'maturin>=1.9.4,<2'; (cd python && maturin develop --release))" >&2; exit 1
fi
if ! ls node/*.node >/dev/null 2>&1; then
  echo "bench: the Node addon is not built (cd node && npm install && npm run build)" >&2; exit 1
fi
cargo build -q --release -p entitlement-cli
cargo build -q --release -p entitlement --example page_bench
tmp=$(mktemp -d)
python3 bench/make_seed.py "$N" "$tmp/seed.json"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/entitlement" emulator serve --port "$PORT" --seed "$tmp/seed.json" >"$tmp/emulator.log" 2>&1 &
EMU=$!
trap 'kill $EMU 2>/dev/null; rm -rf "$tmp"' EXIT
BASE=http://127.0.0.1:$PORT
for _ in $(seq 300); do grep -q "listening" "$tmp/emulator.log" && break; kill -0 $EMU 2>/dev/null || break; sleep 0.1; done
grep -q "listening" "$tmp/emulator.log" || { echo "bench: the emulator did not start:" >&2; cat "$tmp/emulator.log" >&2; exit 1; }
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
echo "objects_seeded=$N" >"$out"
# What the emulator renders for the query: the first page's items, re-serialized compactly.
python3 - "$BASE/v1.0/identityGovernance/entitlementManagement/assignments?\$expand=target,accessPackage,assignmentPolicy" "$TOKEN" <<'PY' | tee -a "$out"
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
page = json.load(opener.open(urllib.request.Request(sys.argv[1], headers={"Authorization": f"Bearer {sys.argv[2]}"})))
items = page["value"]
sizes = [len(json.dumps(x, separators=(",", ":"))) for x in items]
for x in items:
    for nav in ("target", "accessPackage", "assignmentPolicy"):
        assert isinstance(x.get(nav), dict), f"emulator did not expand {nav}: {json.dumps(x)[:300]}"
    for part in ("requestorSettings", "requestApprovalSettings", "expiration"):
        assert part in x["assignmentPolicy"], f"expanded policy lacks {part}"
print(f"item_bytes={sum(sizes) / len(sizes):.0f}")
print(f"item_bytes_min={min(sizes)}")
print(f"item_bytes_max={max(sizes)}")
print(f"page_size={len(items)}")
PY
echo "== in-process loops (one warm-up pass, best of $ROUNDS)"
"$BIN/examples/page_bench" --base-url "$BASE" --token "$TOKEN" --rounds "$ROUNDS" | tee -a "$out"
$PY python/bench/page_assignments.py --base-url "$BASE" --token "$TOKEN" --n "$N" --rounds "$ROUNDS" | tee -a "$out"
node node/bench/page_assignments.js --base-url "$BASE" --token "$TOKEN" --n "$N" --rounds "$ROUNDS" | tee -a "$out"
echo "== whole processes: start, import, build the client, page all $N, exit (median of $PROC_RUNS)"
A=(--base-url "$BASE" --token "$TOKEN")
python3 bench/proc_time.py --label raw_proc --runs "$PROC_RUNS" --expect "$N" -- "$BIN/examples/page_bench" "${A[@]}" --once raw | tee -a "$out"
python3 bench/proc_time.py --label core_typed_proc --runs "$PROC_RUNS" --expect "$N" -- "$BIN/examples/page_bench" "${A[@]}" --once typed | tee -a "$out"
python3 bench/proc_time.py --label python_proc --runs "$PROC_RUNS" --expect "$N" -- $PY python/bench/page_assignments.py "${A[@]}" --once | tee -a "$out"
python3 bench/proc_time.py --label node_proc --runs "$PROC_RUNS" --expect "$N" -- node node/bench/page_assignments.js "${A[@]}" --once | tee -a "$out"
echo "== import + client construction over a bare interpreter (median of 15)"
python3 bench/proc_time.py --label python_import_and_construct --runs 15 --minus "$PY -c pass" -- \
  $PY -c "import entitlement; entitlement.Client(base_url='$BASE', token='x')" | tee -a "$out"
python3 bench/proc_time.py --label node_import_and_construct --runs 15 --minus "node -e 0" -- \
  node -e "const { Client } = require('$PWD/node'); new Client({ baseUrl: '$BASE', token: 'x' })" | tee -a "$out"
python3 - "$out" <<'PY'
import re, sys
fig = {k: float(v) for k, v in re.findall(r"^(\w+)=(-?[0-9.]+)$", open(sys.argv[1]).read(), re.M)}
need = ["objects", "item_bytes", "raw_cpu_us_per_object", "raw_wall_us_per_object", "core_typed_cpu_us_per_object",
        "core_typed_wall_us_per_object", "python_cpu_us_per_object", "python_wall_us_per_object",
        "node_cpu_us_per_object", "node_wall_us_per_object", "python_import_and_construct_ms", "node_import_and_construct_ms"]
need += [f"{p}_proc_{m}_ms" for p in ("raw", "core_typed", "python", "node") for m in ("wall", "cpu")]
missing = [k for k in need if k not in fig]
if missing:
    sys.exit(f"bench: measurements missing: {', '.join(missing)}")
n = int(fig["objects"])
for lang in ("python", "node"):
    if int(fig[f"{lang}_objects"]) != n:
        sys.exit(f"bench: {lang} paged {fig[lang + '_objects']:.0f} objects, the baseline {n}")
raw = fig["raw_cpu_us_per_object"]
print(f"\nPaging {n} assignments with $expand=target,accessPackage,assignmentPolicy "
      f"(rendered item {fig['item_bytes']:.0f} B on average, {fig['item_bytes_min']:.0f}-{fig['item_bytes_max']:.0f} B; "
      f"{fig['page_size']:.0f} per page), one emulator process")
print(f"{'in-process loop':26} {'CPU us/obj':>10} {'wall us/obj':>11} {'wall/CPU':>8} {'CPU vs base':>11}  target")
rows = [("baseline reqwest + Value", "raw", None), ("Rust core, typed stream", "core_typed", 0.7),
        ("Python Client", "python", 0.9), ("Node Client", "node", 0.8)]
for label, key, target in rows:
    cpu, wall = fig[f"{key}_cpu_us_per_object"], fig[f"{key}_wall_us_per_object"]
    r = cpu / raw
    verdict = "(baseline)" if target is None else f"<= {target}x: {'met' if r <= target else 'NOT met'}"
    print(f"  {label:24} {cpu:10.2f} {wall:11.2f} {wall / cpu:8.2f} {r:10.2f}x  {verdict}")
print("  wall/CPU < 1 means the next page was fetched while the caller iterated; "
      + ", ".join(f"{label.split(',')[0].split(' ')[0]}: {'overlapped' if fig[f'{key}_wall_us_per_object'] < fig[f'{key}_cpu_us_per_object'] else 'not overlapped'}"
                  for label, key, _ in rows))
print(f"{'whole process (start..exit)':26} {'wall ms':>10} {'CPU ms':>11} {'CPU us/obj':>11} {'CPU vs base':>11}")
base_proc = fig["raw_proc_cpu_ms"]
for label, key, _ in rows:
    w, c = fig[f"{key}_proc_wall_ms"], fig[f"{key}_proc_cpu_ms"]
    print(f"  {label:24} {w:10.1f} {c:11.1f} {c * 1e3 / n:11.2f} {c / base_proc:10.2f}x")
v = fig["python_import_and_construct_ms"]
print(f"import + client over a bare interpreter (median of 15, wall):")
print(f"  Python {v:6.1f} ms over `python -c pass` ({fig['python_import_and_construct_bare_ms']:.1f} ms); "
      f"CPU {fig['python_import_and_construct_cpu_ms']:.1f} ms; target <= 15 ms: {'met' if v <= 15 else 'NOT met'}")
print(f"  Node   {fig['node_import_and_construct_ms']:6.1f} ms over `node -e 0` ({fig['node_import_and_construct_bare_ms']:.1f} ms); "
      f"CPU {fig['node_import_and_construct_cpu_ms']:.1f} ms (no target)")
PY
