// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Every documented response body (../shared/conformance/examples.json)
//! decodes into its typed model and encodes back to the same JSON.

use std::path::PathBuf;

use entitlement::api::ApiVersion;
use entitlement::models::decoder;
use serde_json::Value;

fn corpus() -> Vec<Value> {
    let path = std::env::var_os("ENTITLEMENT_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/examples.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("conformance corpus {} not readable ({e}); set ENTITLEMENT_CONFORMANCE", path.display()));
    serde_json::from_str(&text).expect("examples.json is JSON")
}

fn type_of(annotation: &str) -> (String, bool) {
    let collection = annotation.starts_with("Collection(");
    let inner = annotation.trim_start_matches("Collection(").trim_end_matches(')');
    (inner.rsplit('.').next().unwrap_or(inner).to_string(), collection)
}

/// Decodes and re-encodes one object; returns the first difference.
fn round_trip(version: ApiVersion, type_name: &str, value: &Value) -> Result<(), String> {
    let d = decoder(version, type_name).ok_or_else(|| format!("type {type_name} not modelled"))?;
    let model = (d.from_value)(value.clone()).map_err(|e| format!("decode: {e}"))?;
    let back = model.to_json();
    if &back == value {
        Ok(())
    } else {
        Err(format!("round trip changed the body:\n  docs: {value}\n  ours: {back}"))
    }
}

#[test]
fn documented_responses_round_trip_through_typed_models() {
    let mut report = Vec::new();
    for version in ["v1.0", "beta"] {
        let v = ApiVersion::parse(version).unwrap();
        let (mut ok, mut total, mut exceptions) = (0, 0, Vec::new());
        for ex in corpus().iter().filter(|e| e["version"] == version) {
            let Some(body) = ex.get("response_body").filter(|b| b.is_object()) else { continue };
            let Some(annotation) = ex["response_odata_type"].as_str() else { continue };
            total += 1;
            let (type_name, collection) = type_of(annotation);
            let items: Vec<&Value> = match body.get("value") {
                Some(Value::Array(items)) if collection || body.get("@odata.context").is_some() => items.iter().collect(),
                _ => vec![body],
            };
            let strip = |v: &Value| -> Value {
                // Response-envelope annotations belong to the page, not the model.
                let mut v = v.clone();
                if let Value::Object(m) = &mut v {
                    m.remove("@odata.context");
                    m.remove("@microsoft.graph.tips");
                }
                v
            };
            let result = items.iter().try_for_each(|item| round_trip(v, &type_name, &strip(item)));
            match result {
                Ok(()) => ok += 1,
                Err(e) => exceptions.push(format!("{} ({type_name}): {e}", ex["id"].as_str().unwrap_or("?"))),
            }
        }
        report.push((version, ok, total, exceptions));
    }
    for (version, ok, total, exceptions) in &report {
        println!("model conformance {version}: {ok}/{total} documented response bodies round-trip");
        for e in exceptions {
            println!("  exception: {e}");
        }
    }
    // Floors at what the models reach today (exceptions: one docs error in
    // v1.0, "null" written as a string; beta types the corpus does not
    // describe yet). A drop is a regression; raise them as models improve.
    assert!(report[0].1 >= 75, "v1.0 conformance dropped below 75");
    assert!(report[1].1 >= 86, "beta conformance dropped below 86");
}
