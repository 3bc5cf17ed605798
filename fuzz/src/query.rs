// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Fuzz target `query`: the emulator's OData query options — the whole
//! query string (`odata::query::parse`), `$expand` alone, and `$filter`
//! parsed and evaluated against Graph-shaped objects. Errors are fine (they
//! become Graph 400s); panics, stack exhaustion and broken logic are not:
//! `not (f)` must match exactly what `f` does not.
//!
//! Input: one mode byte, then the text (invalid UTF-8 is replaced, as a
//! server decoding a query would).
//!
//! Shared with `emulator/tests/fuzz_regressions.rs`, which includes this
//! file by path.

use std::sync::OnceLock;

use entitlement_emulator::odata::{filter, query};
use serde_json::{json, Value};

/// Objects shaped like what the emulator filters: an access package with a
/// nested catalog and collections, an assignment request, and a few edge
/// values (empty object, non-ASCII text, large and fractional numbers).
pub fn samples() -> &'static [Value] {
    static S: OnceLock<Vec<Value>> = OnceLock::new();
    S.get_or_init(|| {
        vec![
            json!({
                "id": "4a1e21c5-8a76-4578-acb1-641160e076e8",
                "displayName": "Marketing Campaign",
                "description": "Access to the marketing campaign, ÄÖÜ and ß",
                "isHidden": false,
                "createdDateTime": "2026-01-16T19:01:52.267Z",
                "catalog": {"id": "cec5d6ab-c75d-47c0-9c1c-92e89f66e384", "displayName": "General", "state": "published"},
                "resourceRoleScopes": [{"id": "x", "role": {"displayName": "Member", "originSystem": "AadGroup"}}],
                "count": 3,
                "ratio": 0.5,
                "nothing": null
            }),
            json!({
                "id": "007d1c7e-7fa8-4e33-b678-5e437acdcddc",
                "requestType": "userAdd",
                "state": "delivered",
                "status": "Delivered",
                "requestor": {"objectId": "5c0f3a7e-2d1b-4c8a-9e6f-0a1b2c3d4e5f", "email": "admin@contoso.com"},
                "accessPackage": {"id": "4a1e21c5-8a76-4578-acb1-641160e076e8"},
                "schedule": {"startDateTime": "2026-01-16T19:01:52Z", "expiration": {"type": "afterDuration", "duration": "P365D"}},
                "big": 9007199254740993u64,
                "neg": -12345678901i64
            }),
            json!({}),
            json!({"İ": "ǅ", "ﬀ": "ß", "\u{0}": "\u{0}", "a": {"b": {"c": {"d": [1, 2, 3]}}}, "e": 1e300}),
        ]
    })
}

/// Runs one input; panics (a fuzzer crash) on a broken invariant.
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match mode % 3 {
        0 => check_filter(&text),
        1 => {
            if let Ok(q) = query::parse(Some(&text)) {
                assert!(q.top.is_none_or(|t| t <= 999), "$top is capped");
                if let Some(f) = &q.filter {
                    evaluate(f);
                }
            }
        }
        _ => {
            let _ = query::parse_expand(&text);
        }
    }
}

fn evaluate(f: &filter::Expr) -> Vec<bool> {
    let mut roots = Vec::new();
    filter::roots(f, &mut roots);
    let mut paths = Vec::new();
    filter::paths(f, &mut paths);
    for obj in samples() {
        for p in &paths {
            let _ = filter::lookup(obj, p);
        }
    }
    samples()
        .iter()
        .map(|obj| filter::matches(f, obj))
        .collect()
}

fn check_filter(text: &str) {
    let Ok(f) = filter::parse(text) else { return };
    let yes = evaluate(&f);
    // Negation: parsed and evaluated, it is the complement.
    match filter::parse(&format!("not ({text})")) {
        Ok(n) => {
            let no = evaluate(&n);
            for (i, (a, b)) in yes.iter().zip(&no).enumerate() {
                assert_ne!(a, b, "sample {i}: {text:?} and its negation agree");
            }
        }
        Err(e) => assert!(
            e.contains("too deeply"),
            "{text:?} parses but not ({text}) does not: {e}"
        ),
    }
}
