// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Every documented endpoint (conformance/endpoints.json) is
//! declared in api/operations.toml: a concrete request to it routes to an
//! operation of the same version and method.

use std::path::PathBuf;

use entitlement::api::{ApiVersion, Operation};
use serde_json::Value;

fn endpoints() -> Vec<Value> {
    // ENTITLEMENT_CONFORMANCE names the corpus directory (default: the in-repo conformance/).
    let path = std::env::var_os("ENTITLEMENT_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance"))
        .join("endpoints.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("conformance corpus {} not readable ({e}); ENTITLEMENT_CONFORMANCE names the corpus directory", path.display()));
    serde_json::from_str(&text).expect("endpoints.json is JSON")
}

/// `{id}` → a sample id; `name={x}` inside a function call → `name='x'`.
fn concrete(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut n = 0;
    while let Some(start) = rest.find('{') {
        let end = start + rest[start..].find('}').unwrap();
        out.push_str(&rest[..start]);
        n += 1;
        let in_call = out.ends_with('=') || out.ends_with('(');
        if in_call {
            out.push_str(&format!("'v{n}'"));
        } else {
            out.push_str(&format!("id{n}"));
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_documented_endpoint_is_declared() {
    let mut counts = Vec::new();
    for version in ["v1.0", "beta"] {
        let v = ApiVersion::parse(version).unwrap();
        let mut missing = Vec::new();
        let mut total = 0;
        for e in endpoints().iter().filter(|e| e["version"] == version) {
            total += 1;
            let method = e["method"].as_str().unwrap();
            let path = concrete(e["path"].as_str().unwrap()).replace("//", "/");
            if Operation::route(v, method, &path).is_none() {
                missing.push(format!("{method} {path}"));
            }
        }
        println!("surface {version}: {}/{total} documented endpoints declared", total - missing.len());
        for m in &missing {
            println!("  missing: {m}");
        }
        counts.push((version, total, missing));
    }
    for (version, total, missing) in counts {
        assert!(missing.is_empty(), "{version}: {} of {total} endpoints undeclared: {missing:#?}", missing.len());
    }
}

#[test]
fn operation_names_are_unique_and_paths_well_formed() {
    let ops = entitlement::api::OPERATIONS;
    for (i, a) in ops.iter().enumerate() {
        for b in &ops[i + 1..] {
            assert!(!(a.version == b.version && a.name == b.name), "duplicate {}", a.name);
        }
        assert!(a.path.starts_with('/'), "{}", a.name);
        assert_eq!(a.params.len(), a.path.matches('{').count(), "{}", a.name);
    }
}
