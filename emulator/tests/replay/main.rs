// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Replays every documented example, v1.0 and beta (conformance/examples.json),
//! against the emulator over real HTTP. Each example gets a fresh emulator
//! with a fixture tenant built through the API itself; the ids in the
//! example's path, query and body are rewritten to those fixtures by what
//! they name. An example passes when the status is the documented one and
//! the response has every documented key with the same JSON type.

#[path = "../common/mod.rs"]
mod common;
mod fixtures;
mod rewrite;
mod shape;

use std::path::PathBuf;

use common::*;
use entitlement::api::{ApiVersion, OpKind, Operation};
use serde_json::{json, Value};

use fixtures::{build, emulator, Api, EXPENSES_SP_ID, FIXTURE_PROBLEMS};
use rewrite::{caller, fixture_for_param, rewrite_body, rewrite_query};
use shape::{docs_error, drop_undefined, shape_matches};

fn corpus() -> Vec<Value> {
    // ENTITLEMENT_CONFORMANCE names the corpus directory (default: the in-repo conformance/).
    let path = std::env::var_os("ENTITLEMENT_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance"))
        .join("examples.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("conformance corpus {} not readable ({e}); ENTITLEMENT_CONFORMANCE names the corpus directory", path.display()));
    serde_json::from_str(&text).expect("examples.json is JSON")
}

/// What one replay found: `Err` is an exception; notes explain a pass.
type Outcome = (Result<(), String>, Vec<String>);

async fn replay_one(ex: &Value) -> Outcome {
    let mut notes = Vec::new();
    let result = replay_inner(ex, &mut notes).await;
    (result, notes)
}

async fn replay_inner(ex: &Value, notes: &mut Vec<String>) -> Result<(), String> {
    let method = ex["method"].as_str().unwrap_or("GET");
    let raw_path = ex["path"].as_str().unwrap_or("").replace("//", "/");
    let raw_path = raw_path.trim_end_matches('/').to_string();
    let version = ApiVersion::parse(ex["version"].as_str().unwrap_or("v1.0")).unwrap_or(ApiVersion::V1);
    let v = version.as_str();
    let (op, doc_args) = Operation::route(version, method, &raw_path).ok_or_else(|| format!("{method} {raw_path} is not declared"))?;
    let emu = emulator().await;
    let api = Api { c: http(), base: emu.base_url(), admin: emu.app_token(), emu: &emu };
    let fx = build(&api).await;
    // path: each documented argument replaced by its fixture, in order
    let mut path = String::new();
    let mut rest = raw_path.as_str();
    for (param, doc) in op.params.iter().zip(&doc_args) {
        let Some(name) = fixture_for_param(ex, op, param) else { continue };
        let value = fx.get(name);
        let encoded: String = doc.clone();
        if let Some(i) = rest.find(&encoded) {
            path.push_str(&rest[..i]);
            path.push_str(&value);
            rest = &rest[i + encoded.len()..];
        }
    }
    path.push_str(rest);
    let query = ex["query"].as_str().filter(|q| !q.is_empty()).map(|q| rewrite_query(q, &fx));
    let mut body = ex["request_body"].clone();
    if !body.is_null() {
        rewrite_body(&mut body, &fx, "", op);
        // removing a resource from a catalog: the application of the fixture
        // catalog, which no access package uses (the group is in use)
        if op.name == "create_access_package_resource_request" && body["requestType"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("AdminRemove")) {
            body["catalogId"] = json!(fx.get("catalog"));
            body["accessPackageResource"]["id"] = json!(fx.get("appResource"));
        }
        // an application role scope names the application's role and scope
        if body["role"]["originSystem"] == "AadApplication" {
            body["role"]["id"] = json!(fx.get("appRole"));
            body["role"]["originId"] = json!(fx.get("appRoleOrigin"));
            body["role"]["resource"]["id"] = json!(fx.get("appResource"));
            body["role"]["resource"]["originId"] = json!(EXPENSES_SP_ID);
            body["scope"]["id"] = json!(fx.get("appScope"));
            body["scope"]["originId"] = json!(EXPENSES_SP_ID);
        }
    }
    let token = match caller(op, &body) {
        "admin" => api.admin.clone(),
        who => api.user_token(&fx.get(who)),
    };
    let url = match &query {
        Some(q) => format!("{}/{v}{path}?{}", api.base, q.replace(' ', "%20").replace('\'', "%27")),
        None => format!("{}/{v}{path}", api.base),
    };
    let body = (!body.is_null()).then_some(body);
    let r = call(&api.c, method, &url, Some(&token), body).await;
    let want = ex["response_status"].as_u64().unwrap_or(0) as u16;
    let result = if r.status != want {
        let why = match r.body.get("error") {
            Some(e) => format!("{}: {}", e["code"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or("")),
            None => r.body.to_string().chars().take(160).collect(),
        };
        Err(format!("{method} {path}: status {} (documented {want}): {why}", r.status))
    } else {
        match ex.get("response_body").filter(|b| b.is_object()) {
            Some(doc) => {
                let mut doc = doc.clone();
                if let Some(t) = op.response.filter(|_| version == ApiVersion::V1) {
                    let dropped = drop_undefined(&mut doc, t);
                    if !dropped.is_empty() {
                        notes.push(format!("docs show keys the v1.0 {t} does not define (not required): {}", dropped.join(", ")));
                    }
                }
                // Some pages wrap a single entity in "value" (a docs error): the
                // entity inside is what the service returns.
                if doc.get("value").is_some_and(Value::is_object) && op.kind != OpKind::List && !op.collection {
                    notes.push("docs wrap the entity in \"value\"; compared the entity".into());
                    doc = doc["value"].take();
                }
                shape_matches(&doc, &r.body, "").map_err(|e| format!("{method} {path}: {e}"))
            }
            None => Ok(()),
        }
    };
    emu.shutdown().await;
    if let Ok(mut seen) = FIXTURE_PROBLEMS.lock() {
        for p in fx.problems {
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
    }
    result
}


#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_v1_examples_replay_against_the_emulator() {
    use futures_util::stream::{self, StreamExt};
    let examples: Vec<Value> = corpus();
    let only = std::env::var("REPLAY_ONLY").ok();
    let selected: Vec<&Value> =
        examples.iter().filter(|ex| only.as_deref().is_none_or(|o| ex["id"].as_str().unwrap_or("").contains(o))).collect();
    // Independent emulators: a few at a time.
    let outcomes: Vec<(String, Outcome)> = stream::iter(selected)
        .map(|ex| async move { (ex["id"].as_str().unwrap_or("?").to_string(), replay_one(ex).await) })
        .buffered(4)
        .collect()
        .await;
    let mut counts = std::collections::BTreeMap::new();
    for version in ["v1.0", "beta"] {
        let total = examples.iter().filter(|e| e["version"] == version).count();
        let (mut ok, mut exceptions, mut all_notes) = (0, Vec::new(), Vec::new());
        for (id, (result, notes)) in outcomes.iter().filter(|(id, _)| id.starts_with(&format!("{version}/"))) {
            match result {
                Ok(()) => {
                    ok += 1;
                    all_notes.extend(notes.iter().map(|n| format!("{id}: {n}")));
                }
                Err(e) => exceptions.push(match docs_error(id) {
                    Some(reason) => format!("{id}: {reason}"),
                    None => format!("{id}: {e}"),
                }),
            }
        }
        println!("replay {version}: {ok}/{total} documented examples answered with the documented status and shape");
        for e in &exceptions {
            println!("  exception: {e}");
        }
        for n in &all_notes {
            println!("  note: {n}");
        }
        counts.insert(version, ok);
    }
    let ok = counts["v1.0"];
    for p in FIXTURE_PROBLEMS.lock().map(|v| v.clone()).unwrap_or_default() {
        println!("  fixture problem: {p}");
    }
    // Floors at today's counts (every exception above is a docs error): a
    // drop is a regression in the emulator.
    if only.is_none() {
        assert!(ok >= 103, "replay dropped to {ok}/106");
        let beta = counts["beta"];
        assert!(beta >= 117, "beta replay dropped to {beta}/123");
        assert!(FIXTURE_PROBLEMS.lock().map(|v| v.is_empty()).unwrap_or(false), "fixtures could not be built");
    }
}

