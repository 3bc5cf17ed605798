// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Replays the `models` fuzz target's seed corpus and every crash it ever
//! found (fuzz/corpus/models, fuzz/regressions/models) through the same
//! harness function, without instrumentation, on every `cargo test`.

#[path = "../../fuzz/src/models.rs"]
mod models;
#[path = "../../fuzz/src/replay.rs"]
mod replay;

#[test]
fn models_corpus_and_regressions_replay() {
    let [corpus, regressions] = replay::dirs("models");
    let n = replay::replay_dir(&corpus, models::run);
    assert!(
        n >= 100,
        "the models seed corpus is there ({n} files in {})",
        corpus.display()
    );
    let r = replay::replay_dir(&regressions, models::run);
    println!("replay models: {n} corpus inputs, {r} regressions");
}

/// The harness can fail: a model that loses an undeclared property on
/// the way through is reported (guards against a harness that checks nothing).
#[test]
fn models_harness_checks_something() {
    assert!(models::type_names(entitlement::ApiVersion::V1)
        .iter()
        .any(|t| t == "accessPackage"));
    assert!(models::type_names(entitlement::ApiVersion::Beta).len() > 20);
    // A good input passes; a body that is not a model is simply refused.
    models::run(b"\x04accessPackage\n{\"id\":\"x\",\"unknownThing\":[1,{\"a\":null}],\"@odata.type\":\"#microsoft.graph.accessPackage\"}");
    models::run(b"\x06accessPackage\n{\"value\":[{\"id\":\"x\",\"extra\":true}],\"@odata.nextLink\":\"n\",\"@odata.count\":1}");
    models::run(b"\x00accessPackage\nnot json");
    models::run(b"\x00noSuchType\n{}");
}
