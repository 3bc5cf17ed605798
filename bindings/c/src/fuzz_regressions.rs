// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Replays the `c_abi` fuzz target's seed corpus and every crash it found
//! (fuzz/corpus/c_abi, fuzz/regressions/c_abi) through the same harness,
//! without instrumentation, on every `cargo test` (a unit test: the crate's
//! library name is core's, so an integration test could not name both).

// The harness calls the exports as `capi::...`.
use crate as capi;

#[path = "../../../fuzz/src/c_abi.rs"]
mod c_abi;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

#[test]
fn c_abi_corpus_and_regressions_replay() {
    let [corpus, regressions] = replay::dirs("c_abi");
    let n = replay::replay_dir(&corpus, c_abi::run);
    assert!(
        n >= 20,
        "the c_abi seed corpus is there ({n} files in {})",
        corpus.display()
    );
    let r = replay::replay_dir(&regressions, c_abi::run);
    println!("replay c_abi: {n} corpus inputs, {r} regressions");
}
