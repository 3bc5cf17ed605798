// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Replays the `query`, `router` and `server` fuzz targets' seed corpora and
//! every crash they found (fuzz/corpus/<target>, fuzz/regressions/<target>)
//! through the same harness functions, without instrumentation, on every
//! `cargo test`.

#[path = "../../fuzz/src/query.rs"]
mod query;
#[path = "../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../fuzz/src/router.rs"]
mod router;

/// The stack of a tokio worker thread, where the server runs these parsers.
const WORKER_STACK: usize = 2 << 20;

/// Runs `f` on a thread with a tokio worker's stack, so an input that would
/// overflow a server thread fails here too.
fn on_worker_stack(f: impl FnOnce() + Send + 'static) {
    let t = std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(f)
        .expect("a thread");
    if let Err(e) = t.join() {
        std::panic::resume_unwind(e);
    }
}

fn replay(target: &'static str, f: fn(&[u8]), min: usize) {
    on_worker_stack(move || {
        let [corpus, regressions] = replay::dirs(target);
        let n = replay::replay_dir(&corpus, f);
        assert!(
            n >= min,
            "the {target} seed corpus is there ({n} files in {})",
            corpus.display()
        );
        let r = replay::replay_dir(&regressions, f);
        println!("replay {target}: {n} corpus inputs, {r} regressions");
    });
}

#[test]
fn query_corpus_and_regressions_replay() {
    replay("query", query::run, 20);
}

#[test]
fn router_corpus_and_regressions_replay() {
    replay("router", router::run_router, 100);
}

#[test]
fn server_corpus_and_regressions_replay() {
    // Each file against a fresh emulator, so a replay does not depend on order.
    replay(
        "server",
        |d| {
            router::reset_server();
            router::run_server(d)
        },
        100,
    );
}

/// The happy paths run through the harnesses (a broken invariant panics).
#[test]
fn harnesses_run_the_documented_paths() {
    query::run(b"\x00displayName eq 'Marketing Campaign' and not (isHidden eq true)");
    query::run(b"\x01$filter=startswith(displayName,'M')&$top=1000&$expand=catalog");
    router::run_router(b"\x00/identityGovernance/entitlementManagement/accessPackages?$top=1\n");
    router::run_server(b"\x00/identityGovernance/entitlementManagement/accessPackages?$top=1\n");
    router::run_server(b"\x60/identityGovernance/entitlementManagement/accessPackages\n");
}
