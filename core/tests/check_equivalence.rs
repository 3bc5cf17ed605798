// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The response check (`Decoder::check_one` / `check_page`, which Node and C
//! run on every body they hand on as JSON text) must accept and reject
//! exactly the documents the typed decode (`Decoder::one` / `page`, Python's
//! and Rust's path) accepts and rejects. Run both over the conformance
//! corpus, the models fuzz corpus, every leaf of those documents replaced
//! by wrong values, and hand-made documents aimed at the check's shortcuts
//! (polymorphic families, repeated keys, nesting near serde_json's limit,
//! numbers and escapes that `IgnoredAny` would let through).

use std::path::PathBuf;

use entitlement::models::support::careful;
use entitlement::models::{decoder, Decoder};
use entitlement::ApiVersion;
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn type_names(version: ApiVersion) -> Vec<String> {
    let file = match version {
        ApiVersion::V1 => "api/types/v1.0.json",
        ApiVersion::Beta => "api/types/beta.json",
    };
    let doc: Value = serde_json::from_slice(&std::fs::read(root().join(file)).unwrap()).unwrap();
    doc["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .filter(|n| decoder(version, n).is_some())
        .map(str::to_string)
        .collect()
}

/// Compares both ways of one decoder on one body; returns whether it was accepted.
#[track_caller]
fn same(dec: &Decoder, what: &str, body: &[u8]) -> (bool, bool) {
    let one = (dec.one)(body);
    let check_one = (dec.check_one)(body);
    assert_eq!(
        one.is_ok(),
        check_one.is_ok(),
        "{what}: decode {:?} vs check {:?} on {}",
        one.as_ref().err(),
        check_one.as_ref().err(),
        String::from_utf8_lossy(&body[..body.len().min(600)])
    );
    let page = (dec.page)(body);
    let check_page = (dec.check_page)(body);
    assert_eq!(
        page.is_ok(),
        check_page.is_ok(),
        "{what} (page): decode {:?} vs check {:?} on {}",
        page.as_ref().err(),
        check_page.as_ref().err(),
        String::from_utf8_lossy(&body[..body.len().min(600)])
    );
    // The speculative single pass (see `speculate`) must decide as the
    // careful way does, and decode to the same models.
    let slow = |f: &dyn Fn() -> Result<Option<Value>, String>| careful(f);
    let fast_one = one.as_ref().map(|m| Some(m.to_json())).map_err(|e| e.to_string());
    let slow_one = slow(&|| (dec.one)(body).map(|m| Some(m.to_json())).map_err(|e| e.to_string()));
    assert_eq!(fast_one, slow_one, "{what}: speculative vs careful decode");
    let page_json = |p: &entitlement::models::DynPage| {
        Some(Value::Array(p.items.iter().map(|x| x.to_json()).collect()))
    };
    let fast_page = page.as_ref().map(page_json).map_err(|e| e.to_string());
    let slow_page = slow(&|| (dec.page)(body).as_ref().map(page_json).map_err(|e| e.to_string()));
    assert_eq!(fast_page, slow_page, "{what} (page): speculative vs careful decode");
    let slow_checks = slow(&|| {
        Ok(Some(json!([(dec.check_one)(body).map_err(|e| e.to_string()), (dec.check_page)(body).map_err(|e| e.to_string())])))
    });
    let fast_checks = Some(json!([
        check_one.map_err(|e| e.to_string()),
        check_page.map_err(|e| e.to_string())
    ]));
    assert_eq!(Ok(fast_checks), slow_checks, "{what}: speculative vs careful check");
    (one.is_ok(), page.is_ok())
}

fn examples() -> Vec<Value> {
    serde_json::from_slice(&std::fs::read(root().join("conformance/examples.json")).unwrap())
        .unwrap()
}

/// `microsoft.graph.x` / `Collection(microsoft.graph.x)` -> `x`.
fn short(t: &str) -> &str {
    let t = t
        .strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(t);
    t.strip_prefix("microsoft.graph.").unwrap_or(t)
}

fn version_of(e: &Value) -> ApiVersion {
    if e["version"] == "beta" {
        ApiVersion::Beta
    } else {
        ApiVersion::V1
    }
}

#[test]
fn conformance_bodies_against_every_type() {
    let (mut docs, mut accepted) = (0, 0);
    for e in examples() {
        let version = version_of(&e);
        for key in ["response_body_raw", "request_body_raw"] {
            let Some(text) = e[key].as_str() else {
                continue;
            };
            docs += 1;
            for t in type_names(version) {
                let (one, page) = same(
                    decoder(version, &t).unwrap(),
                    &format!("{} as {t}", e["id"]),
                    text.as_bytes(),
                );
                accepted += one as usize + page as usize;
            }
        }
    }
    assert!(
        docs > 150 && accepted > 1000,
        "{docs} documents, {accepted} accepted"
    );
}

#[test]
fn fuzz_corpus_against_its_type_and_every_other() {
    let dir = root().join("fuzz/corpus/models");
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(f.unwrap().path()).unwrap();
        let Some((_, rest)) = data.split_first() else {
            continue;
        };
        let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
            continue;
        };
        let body = &rest[nl + 1..];
        for version in [ApiVersion::V1, ApiVersion::Beta] {
            for t in type_names(version) {
                same(
                    decoder(version, &t).unwrap(),
                    &format!("fuzz input as {t}"),
                    body,
                );
            }
        }
        n += 1;
    }
    assert!(n >= 100, "{n} corpus inputs in {}", dir.display());
}

/// Every leaf (and every object and array) of `v` replaced by each of
/// `bad`, one at a time.
fn mutations(v: &Value, bad: &[Value], out: &mut Vec<Value>) {
    fn walk(root: &Value, path: &mut Vec<PathStep>, bad: &[Value], out: &mut Vec<Value>) {
        let here = at(root, path).clone();
        if !path.is_empty() {
            for b in bad {
                let mut m = root.clone();
                *at_mut(&mut m, path) = b.clone();
                out.push(m);
            }
        }
        match &here {
            Value::Object(map) => {
                for k in map.keys() {
                    path.push(PathStep::Key(k.clone()));
                    walk(root, path, bad, out);
                    path.pop();
                }
            }
            Value::Array(a) => {
                for i in 0..a.len() {
                    path.push(PathStep::Index(i));
                    walk(root, path, bad, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    walk(v, &mut Vec::new(), bad, out);
}

#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a Value, path: &[PathStep]) -> &'a Value {
    path.iter().fold(v, |v, s| match s {
        PathStep::Key(k) => &v[k.as_str()],
        PathStep::Index(i) => &v[*i],
    })
}

fn at_mut<'a>(v: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Index(i) => &mut v[*i],
    })
}

#[test]
fn every_leaf_of_documented_responses_made_wrong() {
    let bad = [
        json!(5),
        json!(-1.5),
        json!("x"),
        json!(true),
        json!(null),
        json!([]),
        json!({}),
        json!("2024-13-45T99:00:00Z"),
        json!("P1X"),
        json!(["x", 1]),
        json!([{"@odata.type": "#microsoft.graph.singleUser", "userId": 5}]),
        json!({"@odata.type": "#microsoft.graph.groupMembers", "groupId": []}),
    ];
    let (mut docs, mut rejected) = (0, 0);
    for e in examples() {
        let (Some(t), Some(body)) = (e["response_odata_type"].as_str(), e.get("response_body"))
        else {
            continue;
        };
        let version = version_of(&e);
        let Some(dec) = decoder(version, short(t)) else {
            continue;
        };
        let mut ms = Vec::new();
        mutations(body, &bad, &mut ms);
        for m in ms {
            let text = serde_json::to_vec(&m).unwrap();
            let (one, page) = same(dec, &format!("{} mutated", e["id"]), &text);
            rejected += (!one) as usize + (!page) as usize;
            docs += 1;
        }
    }
    assert!(
        docs > 5000 && rejected > 1000,
        "{docs} mutated documents, {rejected} rejections"
    );
}

/// Text the check reads differently from a `Value`, aimed at its shortcuts.
#[test]
fn hand_made_documents() {
    let v1 = |t: &str| decoder(ApiVersion::V1, t).unwrap();
    let policy = v1("accessPackageAssignmentPolicy");
    let stage = |approvers: &str| {
        format!(
            r#"{{"id":"p","requestApprovalSettings":{{"stages":[{{"durationBeforeAutomaticDenial":"P2D","primaryApprovers":[{approvers}]}}]}}}}"#
        )
    };
    let cases: Vec<(String, bool)> = vec![
        // Families: the subtype picked by @odata.type wherever it comes, any case.
        (
            stage(r##"{"@odata.type":"#microsoft.graph.singleUser","userId":"u"}"##),
            true,
        ),
        (
            stage(r##"{"userId":"u","@odata.type":"#microsoft.graph.singleUser"}"##),
            true,
        ),
        (
            stage(r##"{"userId":5,"@odata.type":"#microsoft.graph.singleUser"}"##),
            false,
        ),
        (
            stage(r##"{"userId":5,"@odata.type":"#microsoft.graph.groupMembers"}"##),
            true,
        ),
        (
            stage(r##"{"userId":5,"@odata.type":"#microsoft.graph.SINGLEUSER"}"##),
            false,
        ),
        // The namespace prefix is matched as written: an unknown subtype, kept as the base.
        (
            stage(r##"{"userId":5,"@odata.type":"#MICROSOFT.GRAPH.SINGLEUSER"}"##),
            true,
        ),
        (stage(r##"{"userId":5,"@odata.type":7}"##), true),
        (stage(r##"{"groupId":5}"##), true),
        (stage("5"), false),
        (stage("null"), false),
        (stage("[]"), false),
        // Repeated keys: a Value keeps the last, so only the last counts.
        (
            stage(r##"{"@odata.type":"#microsoft.graph.singleUser","userId":5,"userId":"u"}"##),
            true,
        ),
        (
            stage(r##"{"@odata.type":"#microsoft.graph.singleUser","userId":"u","userId":5}"##),
            false,
        ),
        (
            stage(
                r##"{"@odata.type":"#microsoft.graph.singleUser","userId":5,"@odata.type":"#microsoft.graph.groupMembers"}"##,
            ),
            true,
        ),
        (
            stage(
                r##"{"@odata.type":"#microsoft.graph.groupMembers","userId":5,"@odata.type":"#microsoft.graph.singleUser"}"##,
            ),
            false,
        ),
        // Repeated keys of a model: each value is decoded.
        (
            r#"{"id":"p","displayName":5,"displayName":"x"}"#.into(),
            false,
        ),
        // serde_json's raw-value marker as a first key.
        (
            stage(r#"{"$serde_json::private::RawValue":"{\"userId\":\"u\"}"}"#),
            true,
        ),
        (
            stage(r#"{"$serde_json::private::RawValue":"{\"userId\""}"#),
            false,
        ),
        (
            stage(r#"{"$serde_json::private::RawValue":"{}","x":1}"#),
            false,
        ),
        (
            r#"{"id":"p","x":{"$serde_json::private::RawValue":"[1e400]"}}"#.into(),
            false,
        ),
        (
            r#"{"id":"p","x":{"$serde_json::private::RawValue":"[1]"}}"#.into(),
            true,
        ),
        // Unknown properties: numbers and escapes in full (IgnoredAny would pass these).
        (r#"{"id":"p","x":1e400}"#.into(), false),
        (r#"{"id":"p","x":[{"y":"\ud800"}]}"#.into(), false),
        (r#"{"id":"p","x":"\ud83d\ude00"}"#.into(), true),
        (stage(r#"{"x":1e400}"#), false),
        (stage(r#"{"x":"\udc00"}"#), false),
        (r#"{"id":"p","x":"bad \u00zz"}"#.into(), false),
        (r#"{"id":"p","x":18446744073709551616}"#.into(), true),
        // Scalars.
        (
            r#"{"id":"p","createdDateTime":"2024-03-26T17:36:45Z"}"#.into(),
            true,
        ),
        (r#"{"id":"p","createdDateTime":"2024-03-26"}"#.into(), false),
        (r#"{"id":"p","createdDateTime":5}"#.into(), false),
        (
            r#"{"id":"p","allowedTargetScope":"somethingNew"}"#.into(),
            true,
        ),
        (r#"{"id":"p","allowedTargetScope":5}"#.into(), false),
        (
            r#"{"id":"p","expiration":{"duration":"P1Y2M3DT4H"}}"#.into(),
            true,
        ),
        (
            r#"{"id":"p","expiration":{"duration":"1 day"}}"#.into(),
            false,
        ),
        (r#"{"id":"p","expiration":{"duration":null}}"#.into(), true),
        (r#"{"id":"p","id":null}"#.into(), true),
        (r#"{"id":"p"} x"#.into(), false),
        (r#"{"id":"p""#.into(), false),
        ("[\"p\"]".into(), false),
        ("".into(), false),
    ];
    for (doc, want) in &cases {
        let (one, _) = same(policy, doc, doc.as_bytes());
        assert_eq!(one, *want, "{doc}");
    }
    // Pages: the envelope's own rules (value required, extra members ignored).
    let asg = v1("accessPackageAssignment");
    for (doc, want) in [
        (r#"{"value":[]}"#, true),
        (
            r#"{"value":[{"id":"a"}],"@odata.nextLink":"n","@odata.count":1,"x":[1e400]}"#,
            true,
        ),
        (r#"{"value":[{"id":5}]}"#, false),
        (r#"{"@odata.nextLink":"n"}"#, false),
        (r#"{"value":[],"value":[]}"#, false),
        (r#"{"value":{}}"#, false),
        (r#"[[{"id":"a"}],"n",3]"#, true),
    ] {
        let (_, page) = same(asg, doc, doc.as_bytes());
        assert_eq!(page, want, "{doc}");
    }
}

/// serde_json refuses the 128th nested container; the check must agree
/// wherever that container is, also inside a family whose object the check
/// re-reads on its own.
#[test]
fn nesting_at_serde_json_limit() {
    let policy = decoder(ApiVersion::V1, "accessPackageAssignmentPolicy").unwrap();
    let asg = decoder(ApiVersion::V1, "accessPackageAssignment").unwrap();
    let mut outcomes = [0, 0];
    for depth in 100..135 {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let docs = [
            format!(r#"{{"id":"p","x":{deep}}}"#),
            format!(
                r##"{{"id":"p","requestApprovalSettings":{{"stages":[{{"primaryApprovers":[{{"@odata.type":"#microsoft.graph.singleUser","x":{deep}}}]}}]}}}}"##
            ),
            format!(
                r##"{{"id":"p","specificAllowedTargets":[{{"x":{deep},"@odata.type":"#microsoft.graph.groupMembers"}}]}}"##
            ),
        ];
        for doc in &docs {
            let (one, _) = same(policy, &format!("depth {depth}"), doc.as_bytes());
            outcomes[one as usize] += 1;
        }
        let page = format!(
            r#"{{"value":[{{"id":"a","assignmentPolicy":{}}}]}}"#,
            docs[1]
        );
        same(asg, &format!("page, depth {depth}"), page.as_bytes());
    }
    assert!(
        outcomes[0] > 10 && outcomes[1] > 10,
        "both sides of the limit were reached: {outcomes:?}"
    );
}
