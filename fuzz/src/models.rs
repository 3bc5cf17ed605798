// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Fuzz target `models`: arbitrary bytes decoded as core's Graph models,
//! through the decoders the bindings use (`models::decoder`, the bridge's
//! `Response`). Whatever decodes must round-trip: decode → encode → decode
//! gives the same JSON, and properties the model does not declare (including
//! `@odata.type`) come back exactly as sent.
//!
//! Input: one selector byte (bit 0: beta, bit 1: a page, bit 2: also run the
//! bridge's `Response` checks), the Graph type name, `\n`, then the body.
//! The type name is text so checked-in corpus files survive changes to the
//! model list.
//!
//! This file is shared: the fuzz crate compiles it as `entitlement_fuzz::models`
//! and `core/tests/fuzz_regressions.rs` includes it by path, so the corpus is
//! replayed without instrumentation by every `cargo test`.

use std::sync::OnceLock;

use entitlement::api::{ApiVersion, OpKind, Operation, OPERATIONS};
use entitlement::bridge::{Output, Response};
use entitlement::models::{decoder, DynModel};
use entitlement::RawResponse;
use serde_json::{Map, Value};

/// Graph type names with a decoder, per version (from `api/types/*.json`).
pub fn type_names(version: ApiVersion) -> &'static [String] {
    static V1: OnceLock<Vec<String>> = OnceLock::new();
    static BETA: OnceLock<Vec<String>> = OnceLock::new();
    let (cell, text) = match version {
        ApiVersion::V1 => (&V1, include_str!("../../api/types/v1.0.json")),
        ApiVersion::Beta => (&BETA, include_str!("../../api/types/beta.json")),
    };
    cell.get_or_init(|| {
        let doc: Value = serde_json::from_str(text).expect("api/types is JSON");
        let mut names: Vec<String> = doc["types"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str())
            .filter(|n| decoder(version, n).is_some())
            .map(str::to_string)
            .collect();
        names.sort();
        names
    })
}

/// Runs one input; panics (a fuzzer crash) on a broken invariant.
pub fn run(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
        return;
    };
    let (name, body) = (&rest[..nl], &rest[nl + 1..]);
    let Ok(name) = std::str::from_utf8(name) else {
        return;
    };
    let version = if sel & 1 == 0 {
        ApiVersion::V1
    } else {
        ApiVersion::Beta
    };
    let Some(dec) = decoder(version, name) else {
        return;
    };
    if sel & 2 == 0 {
        if let Ok(m) = (dec.one)(body) {
            check_model(version, name, body, m.as_ref());
        }
    } else if let Ok(page) = (dec.page)(body) {
        let items: Vec<Value> = page.items.iter().map(|m| m.to_json()).collect();
        // A page re-encoded from its items decodes to the same items.
        let mut env = Map::new();
        env.insert("value".into(), Value::Array(items.clone()));
        if let Some(n) = &page.next_link {
            env.insert("@odata.nextLink".into(), Value::String(n.clone()));
        }
        if let Some(c) = page.count {
            env.insert("@odata.count".into(), c.into());
        }
        let again = serde_json::to_vec(&Value::Object(env)).expect("a page encodes");
        let page2 = (dec.page)(&again)
            .unwrap_or_else(|e| panic!("{name}: re-encoded page does not decode: {e}"));
        let items2: Vec<Value> = page2.items.iter().map(|m| m.to_json()).collect();
        assert_eq!(items, items2, "{name}: page items changed in a round trip");
        assert_eq!(page.next_link, page2.next_link);
        assert_eq!(page.count, page2.count);
        // Each item as a model of its own (the first few: the page check above covers the rest).
        for m in page.items.iter().take(4) {
            let one = serde_json::to_vec(&m.to_json()).expect("an item encodes");
            check_model(version, name, &one, m.as_ref());
        }
    }
    if sel & 4 != 0 {
        bridge(version, name, body);
    }
}

/// decode → encode → decode is stable, and undeclared properties survive.
fn check_model(version: ApiVersion, name: &str, body: &[u8], m: &dyn DynModel) {
    let dec = decoder(version, name).expect("decoder");
    let j1 = m.to_json();
    let bytes = serde_json::to_vec(&j1).expect("a model encodes");
    let m2 = (dec.one)(&bytes)
        .unwrap_or_else(|e| panic!("{name}: re-encoded model does not decode: {e}\n{j1}"));
    let j2 = m2.to_json();
    assert_eq!(j1, j2, "{name}: model changed in a round trip");
    let m3 = (dec.from_value)(j1.clone())
        .unwrap_or_else(|e| panic!("{name}: from_value refused its own JSON: {e}"));
    assert_eq!(
        j1,
        m3.to_json(),
        "{name}: from_value differs from the byte decoder"
    );
    // Every property the model does not declare, and `@odata.type` (a
    // subtype writes its own only when the input had none), comes back exactly as sent.
    // `value` parses the same body generically; duplicate keys keep the last, as the models do.
    let Ok(Value::Object(orig)) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    let declared: Vec<&str> = m.fields().iter().map(|f| f.json).collect();
    let out = j1
        .as_object()
        .unwrap_or_else(|| panic!("{name}: a model encodes as an object"));
    for (k, v) in &orig {
        if k == "@odata.type" || !declared.contains(&k.as_str()) {
            let got = out.get(k);
            assert_eq!(
                got,
                Some(v),
                "{name}: undeclared property {k:?} was not kept"
            );
        }
    }
}

/// The bridge's response path (what Python, Node and C receive) for an
/// operation answering `name`: no panic, and a typed success means the JSON
/// paths succeed too.
fn bridge(version: ApiVersion, name: &str, body: &[u8]) {
    for op in OPERATIONS
        .iter()
        .filter(|op| op.version == version && op.response == Some(name))
        .take(1)
    {
        let resp = |status| {
            Response::new(
                op,
                RawResponse {
                    status,
                    body: bytes::Bytes::copy_from_slice(body),
                    request_id: Some("req".into()),
                    client_request_id: "client-req".into(),
                },
            )
        };
        let typed = resp(200).typed();
        let json = resp(200).json();
        assert_eq!(
            typed.is_ok(),
            json.is_ok(),
            "{}: typed and JSON paths disagree",
            op.name
        );
        if is_page(op) {
            let items = resp(200).items_json();
            if let (Ok(Output::Page(p)), Ok(items)) = (&typed, &items) {
                let v: Value =
                    serde_json::from_slice(&items.items).expect("items are a slice of valid JSON");
                assert_eq!(
                    v.as_array().map(Vec::len),
                    Some(p.items.len()),
                    "{}: item counts differ",
                    op.name
                );
                assert_eq!(items.next_link, p.next_link);
            }
        }
        if let Err(e) = &typed {
            assert_eq!(e.status, Some(200), "decode errors carry the status");
        }
    }
}

fn is_page(op: &Operation) -> bool {
    op.kind == OpKind::List || op.collection
}
