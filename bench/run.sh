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
# object. Prints CPU and wall per object in-process (best of --rounds), the
# same loops against a replay server (page_bench --serve-replay: the pages
# served from memory, so wall time shows the read-ahead, which the
# emulator's rendering hides), whole
# processes end to end (start, import, client, page all N, exit) at N and
# again at --proc-n (default 100,000, the size of the issue's own
# measurement: at N=2000 interpreter start dominates; ~25 s more than at
# 20,000), then the CPU per object beyond start-up between the two, import +
# client construction over a bare interpreter, and a summary against targets.
# Targets not met are reported, never a failure; a measurement that cannot
# run (binding not built, emulator error, wrong count) fails the script.
# The emulator's own CPU per object served is printed too: wall per object
# includes it. The emulator reads a page from its indexes (keyset
# `$skiptoken`) and renders only that page's objects, so its cost per object
# does not grow with N and a full pass costs it O(N) (--page-size K passes
# `emulator serve --page-size K`, default 100 as the emulator's).
# Last, bench/scale.py measures the emulator itself at --scale-n assignments
# (default 30,000; the issue's targets are set for 300,000, the service's
# quota: `python3 bench/scale.py --n 300000`): startup, RSS, a page, a deep
# page, $expand, $filter by target / package / state, $count. Then bench/export.py
# exports --scale-n assignments to JSONL and CSV (Rust CLI, Python client):
# peak RSS and objects/s.
#   bash bench/run.sh [--n 2000] [--rounds R] [--proc-runs K] [--proc-n 100000] [--page-size 100] [--scale-n 30000] [--bulk-n 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_BUILD_TARGET=x86_64-unknown-linux-gnu
N=2000 ROUNDS= PROC_RUNS= PROC_N=100000 PAGE_SIZE=100 SCALE_N=30000 BULK_N=2000
while [ $# -gt 0 ]; do case $1 in
  --n) N=$2; shift 2;;
  --rounds) ROUNDS=$2; shift 2;;
  --proc-runs) PROC_RUNS=$2; shift 2;;
  --proc-n) PROC_N=$2; shift 2;;
  --page-size) PAGE_SIZE=$2; shift 2;;
  --scale-n) SCALE_N=$2; shift 2;;
  --bulk-n) BULK_N=$2; shift 2;;
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
# With entitlement-c (its build script's cbindgen adds syn features): the
# feature set of the workspace build, whose artifacts these then reuse.
cargo build -q --release -p entitlement-cli -p entitlement-c
cargo build -q --release -p entitlement -p entitlement-c --example page_bench
t0=$SECONDS
tmp=$(mktemp -d)
EMUS=()
trap 'kill "${EMUS[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT
# start_emulator N NAME: an emulator process seeded with N assignments; sets EMU, BASE, TOKEN.
start_emulator() {
  python3 bench/make_seed.py "$1" "$tmp/$2.json"
  local port log=$tmp/$2.log
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$BIN/entitlement" emulator serve --port "$port" --page-size "$PAGE_SIZE" --seed "$tmp/$2.json" >"$log" 2>&1 &
  EMU=$!
  EMUS+=("$EMU")
  BASE=http://127.0.0.1:$port
  for _ in $(seq 1200); do grep -q "listening" "$log" && break; kill -0 $EMU 2>/dev/null || break; sleep 0.1; done
  grep -q "listening" "$log" || { echo "bench: the emulator did not start:" >&2; cat "$log" >&2; exit 1; }
  local tenant
  tenant=$(sed -n 's/.*tenant id: *//p' "$log")
  TOKEN=$(python3 - "$BASE/$tenant/oauth2/v2.0/token" <<'PY'
import json, sys, urllib.parse, urllib.request
data = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": "b3e0c0de-0000-4000-8000-00000000beef",
                               "client_secret": "bench-secret", "scope": "https://graph.microsoft.com/.default"}).encode()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(json.load(opener.open(sys.argv[1], data))["access_token"])
PY
)
}
# whole_processes N SUFFIX RUNS: the four whole-process rows against the emulator at $BASE.
whole_processes() {
  local n=$1 sfx=$2 runs=$3 A=(--base-url "$BASE" --token "$TOKEN")
  python3 bench/proc_time.py --label raw_proc$sfx --runs "$runs" --expect "$n" -- "$BIN/examples/page_bench" "${A[@]}" --once raw | tee -a "$out"
  python3 bench/proc_time.py --label core_typed_proc$sfx --runs "$runs" --expect "$n" -- "$BIN/examples/page_bench" "${A[@]}" --once typed | tee -a "$out"
  python3 bench/proc_time.py --label python_proc$sfx --runs "$runs" --expect "$n" -- $PY python/bench/page_assignments.py "${A[@]}" --once | tee -a "$out"
  python3 bench/proc_time.py --label node_proc$sfx --runs "$runs" --expect "$n" -- node node/bench/page_assignments.js "${A[@]}" --once | tee -a "$out"
}
start_emulator "$N" seed
out=$tmp/figures.txt
echo "objects_seeded=$N" >"$out"
echo "proc_n_objects=$PROC_N" >>"$out"
# Python as installed packages run: with bytecode caches (pip compiles them; an
# editable install under PYTHONDONTWRITEBYTECODE=1 has none and compiles the
# generated operations on every start), kept in $tmp, not in the tree.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX=$tmp/pycache
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
emu_cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f\n", ($14 + $15) * 1e6 / hz}' "/proc/$EMU/stat"; }
echo "== in-process loops (one warm-up pass, best of $ROUNDS)"
e0=$(emu_cpu_us)
"$BIN/examples/page_bench" --base-url "$BASE" --token "$TOKEN" --rounds "$ROUNDS" | tee -a "$out"
# page_bench paged every object 2 * (ROUNDS + 1) times (raw and typed, warm-up included).
echo "emulator_cpu_us_per_object=$(( ($(emu_cpu_us) - e0) / (2 * (ROUNDS + 1) * N) ))" | tee -a "$out"
$PY python/bench/page_assignments.py --base-url "$BASE" --token "$TOKEN" --n "$N" --rounds "$ROUNDS" | tee -a "$out"
node node/bench/page_assignments.js --base-url "$BASE" --token "$TOKEN" --n "$N" --rounds "$ROUNDS" | tee -a "$out"
# The Rust loops again after the bindings' (the machine's load drifts): the best of both runs counts.
"$BIN/examples/page_bench" --base-url "$BASE" --token "$TOKEN" --rounds "$ROUNDS" | sed 's/^/again_/' | tee -a "$out"
echo "== in-process loops against a replay server: the same pages served from memory (next to no server time)"
"$BIN/examples/page_bench" --base-url "$BASE" --token "$TOKEN" --serve-replay >"$tmp/replay.log" 2>&1 &
REPLAY=$!
EMUS+=("$REPLAY")
for _ in $(seq 600); do grep -q '^replay_url=' "$tmp/replay.log" && break; kill -0 $REPLAY 2>/dev/null || break; sleep 0.1; done
RBASE=$(sed -n 's/^replay_url=//p' "$tmp/replay.log")
[ -n "$RBASE" ] || { echo "bench: the replay server did not start:" >&2; cat "$tmp/replay.log" >&2; exit 1; }
"$BIN/examples/page_bench" --base-url "$RBASE" --token "$TOKEN" --rounds "$ROUNDS" | sed 's/^/replay_/' | tee -a "$out"
$PY python/bench/page_assignments.py --base-url "$RBASE" --token "$TOKEN" --n "$N" --rounds "$ROUNDS" | sed 's/^/replay_/' | tee -a "$out"
node node/bench/page_assignments.js --base-url "$RBASE" --token "$TOKEN" --n "$N" --rounds "$ROUNDS" | sed 's/^/replay_/' | tee -a "$out"
kill "$REPLAY" 2>/dev/null || true
echo "== whole processes: start, import, build the client, page all $N, exit (median of $PROC_RUNS)"
whole_processes "$N" "" "$PROC_RUNS"
echo "== import + client construction over a bare interpreter (median of 15)"
python3 bench/proc_time.py --label python_import_and_construct --runs 15 --minus "$PY -c pass" -- \
  $PY -c "import entitlement; entitlement.Client(base_url='$BASE', token='x')" | tee -a "$out"
# The same without any bytecode cache (informational: this checkout under PYTHONDONTWRITEBYTECODE=1, the environment default here).
PYTHONDONTWRITEBYTECODE=1 env -u PYTHONPYCACHEPREFIX python3 bench/proc_time.py --label python_import_and_construct_nocache \
  --runs 5 --minus "$PY -c pass" -- $PY -c "import entitlement; entitlement.Client(base_url='$BASE', token='x')" | tee -a "$out"
python3 bench/proc_time.py --label node_import_and_construct --runs 15 --minus "node -e 0" -- \
  node -e "const { Client } = require('$PWD/node'); new Client({ baseUrl: '$BASE', token: 'x' })" | tee -a "$out"
echo "== whole processes again at N=$PROC_N (seeded once, one run each)"
kill "$EMU" 2>/dev/null; wait "$EMU" 2>/dev/null || true
start_emulator "$PROC_N" seed_large
whole_processes "$PROC_N" _large 1
echo "== measured in $((SECONDS - t0)) s (builds excluded)"
python3 - "$out" <<'PY'
import re, sys
fig = {k: float(v) for k, v in re.findall(r"^(\w+)=(-?[0-9.]+)$", open(sys.argv[1]).read(), re.M)}
need = ["objects", "item_bytes", "emulator_cpu_us_per_object", "raw_cpu_us_per_object", "raw_wall_us_per_object", "core_typed_cpu_us_per_object",
        "core_typed_wall_us_per_object", "python_cpu_us_per_object", "python_wall_us_per_object",
        "node_cpu_us_per_object", "node_wall_us_per_object", "python_import_and_construct_ms", "python_import_and_construct_nocache_ms", "node_import_and_construct_ms"]
need += [f"{p}_proc{s}_{m}_ms" for p in ("raw", "core_typed", "python", "node") for m in ("wall", "cpu") for s in ("", "_large")]
need += [f"replay_{p}_{m}_us_per_object" for p in ("raw", "core_typed", "python", "node") for m in ("wall", "cpu")]
missing = [k for k in need if k not in fig]
if missing:
    sys.exit(f"bench: measurements missing: {', '.join(missing)}")
n = int(fig["objects"])
for k in [f"{p}_{m}_us_per_object" for p in ("raw", "core_typed") for m in ("cpu", "wall")]:
    fig[k] = min(fig[k], fig.get("again_" + k, fig[k]))
for lang in ("python", "node"):
    if int(fig[f"{lang}_objects"]) != n:
        sys.exit(f"bench: {lang} paged {fig[lang + '_objects']:.0f} objects, the baseline {n}")
raw = fig["raw_cpu_us_per_object"]
print(f"\nPaging {n} assignments with $expand=target,accessPackage,assignmentPolicy "
      f"(rendered item {fig['item_bytes']:.0f} B on average, {fig['item_bytes_min']:.0f}-{fig['item_bytes_max']:.0f} B; "
      f"{fig['page_size']:.0f} per page), one emulator process")
print(f"{'in-process loop':26} {'CPU us/obj':>10} {'wall us/obj':>11} {'wall/CPU':>8} {'overlap':>7} {'CPU vs base':>11}  target")
rows = [("baseline reqwest + Value", "raw", None), ("Rust core, typed stream", "core_typed", 0.7),
        ("Python Client", "python", 0.9), ("Node Client", "node", 0.8)]
for label, key, target in rows:
    cpu, wall = fig[f"{key}_cpu_us_per_object"], fig[f"{key}_wall_us_per_object"]
    r = cpu / raw
    verdict = "(baseline)" if target is None else f"<= {target}x: {'met' if r <= target else 'NOT met'}"
    overlap = "yes" if wall < cpu else "no"
    print(f"  {label:24} {cpu:10.2f} {wall:11.2f} {wall / cpu:8.2f} {overlap:>7} {r:10.2f}x  {verdict}")
emu = fig["emulator_cpu_us_per_object"]
print(f"  overlap: wall below CPU, i.e. the next page was fetched while the caller iterated (see the replay rows). The emulator spent "
      f"{emu:.0f} us CPU per object served\n  (it reads each page from its indexes and renders only that page's objects, so this does not grow with N), which every wall figure includes.")
print("in-process loop, replay server (the same pages from memory, next to no server time):")
for label, key, target in rows:
    cpu, wall = fig[f"replay_{key}_cpu_us_per_object"], fig[f"replay_{key}_wall_us_per_object"]
    overlap = "yes" if wall < cpu else "no"
    print(f"  {label:24} {cpu:10.2f} {wall:11.2f} {wall / cpu:8.2f} {overlap:>7}")
big = int(fig["proc_n_objects"])
print(f"{'whole process (start..exit)':26} {'N':>7} {'wall ms':>10} {'CPU ms':>11} {'CPU us/obj':>11} {'CPU vs base':>11}  target")
for sfx, count in (("", n), ("_large", big)):
    base_proc = fig[f"raw_proc{sfx}_cpu_ms"]
    for label, key, target in rows:
        w, c = fig[f"{key}_proc{sfx}_wall_ms"], fig[f"{key}_proc{sfx}_cpu_ms"]
        verdict = "" if target is None or not sfx else f"<= {target}x: {'met' if c / base_proc <= target else 'NOT met'}"
        print(f"  {label:24} {count:7d} {w:10.1f} {c:11.1f} {c * 1e3 / count:11.2f} {c / base_proc:10.2f}x  {verdict}")
# Per object beyond start-up: (CPU at PROC_N - CPU at N) / (PROC_N - N), which
# a longer run (the issue measured 100,000) approaches; start-up is the rest.
print(f"whole process, per object beyond start-up (CPU between N={n} and N={big}) and start-up CPU:")
base_marg = (fig["raw_proc_large_cpu_ms"] - fig["raw_proc_cpu_ms"]) / (big - n)
for label, key, target in rows:
    marg = (fig[f"{key}_proc_large_cpu_ms"] - fig[f"{key}_proc_cpu_ms"]) / (big - n)
    start = fig[f"{key}_proc_cpu_ms"] - marg * n
    print(f"  {label:24} {marg * 1e3:8.2f} us/obj {marg / base_marg:6.2f}x   start-up {start:6.1f} ms")
v = fig["python_import_and_construct_ms"]
print("import + client over a bare interpreter (median of 15, wall):")
print(f"  Python {v:6.1f} ms over `python -c pass` ({fig['python_import_and_construct_bare_ms']:.1f} ms); "
      f"CPU {fig['python_import_and_construct_cpu_ms']:.1f} ms; target <= 15 ms: {'met' if v <= 15 else 'NOT met'}")
print(f"         {fig['python_import_and_construct_nocache_ms']:6.1f} ms without bytecode caches (PYTHONDONTWRITEBYTECODE=1, editable install; no target)")
print(f"  Node   {fig['node_import_and_construct_ms']:6.1f} ms over `node -e 0` ({fig['node_import_and_construct_bare_ms']:.1f} ms); "
      f"CPU {fig['node_import_and_construct_cpu_ms']:.1f} ms (no target)")
PY
echo "== bulk assignment through the throttled emulator: N=$BULK_N (bench/bulk.py)"
python3 bench/bulk.py --n "$BULK_N"
echo "bulk: the issue's figure is N=10000 admin assignment requests (about 7 minutes with the default profile):"
echo "      python3 bench/bulk.py --n 10000     (or: bash bench/run.sh --bulk-n 10000)"
echo "== the emulator at scale: $SCALE_N assignments (bench/scale.py)"
python3 bench/scale.py --n "$SCALE_N" --bin "$BIN/entitlement" --repeat 5
echo "== export at scale: $SCALE_N assignments (bench/export.py; the targets are set for 300,000)"
python3 bench/export.py --n "$SCALE_N" --bin "$BIN/entitlement" --python "$PY"
