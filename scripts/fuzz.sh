#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Coverage-guided fuzzing of the decoders, the emulator's query options and
# routing, the emulator in process, and the C ABI (targets in fuzz/).
#
#   bash scripts/fuzz.sh                         # every target, 60 s each
#   bash scripts/fuzz.sh --seconds 20 query      # one target for 20 s
#   bash scripts/fuzz.sh --runs 10000000 models  # a number of executions
#   bash scripts/fuzz.sh --runs 10000000 --seconds 3600 server  # whichever first
#   bash scripts/fuzz.sh --asan c_abi            # with AddressSanitizer
#   bash scripts/fuzz.sh --build-only            # just build the targets
#   bash scripts/fuzz.sh --quick --seconds 10    # smoke run (the test command's):
#                     opt-level 1, no debug info, built in target/fuzz-quick
#                     (about half the build time; fewer exec/s)
#
# Prints per target: executions, exec/s, corpus size, crashes; exits
# nonzero on any crash. Crashing inputs are written to
# fuzz/regressions/<target>/ (replayed by `cargo test` from then on: check
# them in with the fix). New corpus entries go to target/fuzz-corpus/<target>
# (scratch); fuzz/corpus/<target> stays the small checked-in seed set, read
# only (update it with --merge, which adds a set-cover minimized corpus).
#
# Recipe (stable Rust, no cargo-fuzz needed): libfuzzer-sys compiles
# libFuzzer with the system C++ compiler, and the targets are built with
# plain `cargo build` and the SanitizerCoverage flags cargo-fuzz passes:
#   RUSTFLAGS='-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4
#     -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
#     -Cllvm-args=-sanitizer-coverage-pc-table
#     -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing
#     -Cdebug-assertions -Coverflow-checks'
#   cargo build --release --manifest-path fuzz/Cargo.toml --features fuzz --target <host>
# An explicit --target keeps the flags off build scripts and proc macros.
# --asan adds `-Zsanitizer=address`, which stable rustc accepts with
# RUSTC_BOOTSTRAP=1 (about 2x slower). `cargo fuzz run <target>` works too
# where cargo-fuzz is installed (fuzz/Cargo.toml has the cargo-fuzz layout).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ALL=(models query router server c_abi)
seconds=""; runs=""; asan=0; build_only=0; merge=0; quick=0; targets=()
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --asan) asan=1; shift ;;
    --build-only) build_only=1; shift ;;
    --merge) merge=1; shift ;;
    --quick) quick=1; shift ;;
    -h|--help) sed -n '3,22p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=("${ALL[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || { echo "unknown target $t (${ALL[*]})" >&2; exit 2; }
done

HOST=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_BUILD_TARGET=$HOST
export CARGO_TERM_COLOR=never
FLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
TARGET_DIR=$ROOT/target/fuzz
if ((quick)); then
  export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0
  TARGET_DIR=$ROOT/target/fuzz-quick
fi
if ((asan)); then
  FLAGS="$FLAGS -Zsanitizer=address"
  export RUSTC_BOOTSTRAP=1
  TARGET_DIR=$ROOT/target/fuzz-asan
fi

t0=$SECONDS
bins=(); for t in "${targets[@]}"; do bins+=(--bin "$t"); done
RUSTFLAGS=$FLAGS cargo build --release --manifest-path fuzz/Cargo.toml --features fuzz \
  --target-dir "$TARGET_DIR" "${bins[@]}"
echo "build: $((SECONDS - t0)) s"
((build_only)) && exit 0

# Input size bound (bytes): above the largest seed (the documented response
# bodies are under 2.5 KB), and it keeps the emulator's recursive parsers to
# nesting a depth limit refuses before the stack runs out.
MAX_LEN=4096

crashed=0
summary=()
for t in "${targets[@]}"; do
  corpus=$ROOT/target/fuzz-corpus/$t
  seeds=$ROOT/fuzz/corpus/$t
  crashes=$ROOT/fuzz/regressions/$t
  mkdir -p "$corpus" "$crashes" "$seeds"
  log=$ROOT/target/fuzz-$t.log
  limit=()   # --runs and --seconds together: whichever comes first
  [[ -n $runs ]] && limit+=(-runs="$runs")
  [[ -n $seconds || -z $runs ]] && limit+=(-max_total_time="${seconds:-60}")
  before=$(find "$crashes" -type f | wc -l)
  set +e
  # The stack of a tokio worker (2 MiB), where the server runs this code.
  (ulimit -s 2048; exec "$TARGET_DIR/$HOST/release/$t" "$corpus" "$seeds" "${limit[@]}" \
    -max_len=$MAX_LEN -print_final_stats=1 \
    -artifact_prefix="$crashes/" -rss_limit_mb=4096 -timeout=20) >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(find "$corpus" -type f | wc -l)
  after=$(find "$crashes" -type f | wc -l)
  new=$((after - before))
  if ((rc != 0 && new == 0)); then new=1; fi   # a crash without an artifact (e.g. OOM) still counts
  if ((new > 0)); then
    crashed=1
    echo "---- $t: crash (exit $rc), log $log:"; grep -E "panicked|ERROR|SUMMARY|Test unit written" "$log" | head -20
  fi
  if ((merge)); then
    tmp=$(mktemp -d)
    "$TARGET_DIR/$HOST/release/$t" -set_cover_merge=1 -max_len=$MAX_LEN "$tmp" "$seeds" "$corpus" >/dev/null 2>&1
    cp "$tmp"/* "$seeds"/ 2>/dev/null || true; rm -rf "$tmp"   # the seeds stay
  fi
  line=$(printf '%-7s executions %12s  exec/s %8s  corpus %6s  crashes %s' "$t" "${execs:-?}" "${rate:-?}" "$size" "$new")
  echo "$line"; summary+=("$line")
done
echo
echo "fuzz summary ($( ((asan)) && echo asan || echo no sanitizer)):"
printf '  %s\n' "${summary[@]}"
exit "$crashed"
