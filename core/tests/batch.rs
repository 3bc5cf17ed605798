// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `$batch` end to end over loopback: core's [`Batch`] against the
//! emulator's `/$batch` (typed results, `dependsOn` and 424, per-item 429
//! with its own `Retry-After` under the emulator's throttling, chunks of 20,
//! a create never sent twice), the `"batch"` job, and hostile envelopes that
//! must be 400s, not crashes.

mod common;

use std::time::{Duration, Instant};

use common::*;
use entitlement::batch::{Batch, BatchItem};
use entitlement::bridge::{Call, Job, RawBody};
use entitlement::models::v1;
use entitlement::ErrorKind;
use entitlement_emulator::{
    ids, BucketProfile, Emulator, EmulatorConfig, Fault, RetryAfterStyle, ThrottleConfig,
};
use serde_json::{json, Value};

const EM: &str = "/identityGovernance/entitlementManagement";

fn call(op: &str, args: Value) -> Call {
    Call::new(op, args, Value::Null, RawBody::None).expect("call")
}

async fn throttled(cap: f64, rate: f64) -> Emulator {
    let throttle = ThrottleConfig {
        buckets: Some(BucketProfile {
            app_capacity: cap,
            app_refill_per_sec: rate,
            tenant_capacity: 10_000.0,
            tenant_refill_per_sec: 10_000.0,
            retry_after: RetryAfterStyle::Integer,
            ..BucketProfile::graph()
        }),
        ..Default::default()
    };
    Emulator::start(EmulatorConfig {
        throttle,
        delivery_delay: Duration::from_millis(20),
        ..Default::default()
    })
    .await
    .expect("emulator starts")
}

#[tokio::test]
async fn typed_items_come_back_in_order() {
    let emu = emulator(50).await;
    let client = admin(&emu);
    let mut batch = Batch::new();
    let list = batch.add(client.list_catalogs().top(5)).unwrap();
    let one = batch
        .add(client.get_catalog(ids::GENERAL_CATALOG_ID))
        .unwrap();
    let body = v1::AccessPackageCatalog {
        display_name: Some("Batched".into()),
        ..Default::default()
    };
    let created = batch.add(client.create_catalog(&body)).unwrap();
    let missing = batch
        .add(client.get_catalog("00000000-0000-0000-0000-000000000000"))
        .unwrap();
    let results = client.batch(batch).await.unwrap();
    assert_eq!(results.items.len(), 4);
    assert_eq!(
        results
            .items
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>(),
        ["1", "2", "3", "4"]
    );
    assert!(!results.get(list).unwrap().value.is_empty());
    assert_eq!(
        results.get(one).unwrap().id.as_deref(),
        Some(ids::GENERAL_CATALOG_ID)
    );
    let c = results.get(created).unwrap();
    assert_eq!(c.display_name.as_deref(), Some("Batched"));
    assert_eq!(results.items[2].result.as_ref().unwrap().raw().status, 201);
    let err = results.get(missing).unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
    assert_eq!(err.status, Some(404));
    assert!(err.code.is_some() && err.request_id.is_some(), "{err:?}");
    assert_eq!(
        (results.succeeded(), results.failed(), results.retried()),
        (3, 1, 0)
    );
    // The create happened once.
    let all = client
        .list_catalogs()
        .filter("displayName eq 'Batched'")
        .send()
        .await
        .unwrap();
    assert_eq!(all.value.len(), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn depends_on_orders_items_and_a_failed_dependency_is_424() {
    let emu = emulator(50).await;
    let client = admin(&emu);
    let create = |name: &str| {
        let body = serde_json::to_vec(&json!({"displayName": name})).unwrap();
        Call::new(
            "create_catalog",
            Value::Null,
            Value::Null,
            RawBody::Text(&body),
        )
        .unwrap()
    };
    let mut batch = Batch::new();
    batch.push(BatchItem::new(call("get_catalog", json!(["no-such-catalog"]))).id("bad"));
    batch.push(
        BatchItem::new(create("Never"))
            .id("after-bad")
            .depends_on(["bad"]),
    );
    batch.push(BatchItem::new(create("First")).id("first"));
    batch.push(
        BatchItem::new(call("list_catalogs", Value::Null))
            .id("list")
            .depends_on(["first"]),
    );
    let results = batch.send(&client).await.unwrap();
    let err = results.items[1].result.as_ref().unwrap_err();
    assert_eq!(err.status, Some(424), "{err:?}");
    assert_eq!(err.code.as_deref(), Some("FailedDependency"));
    // The list ran after the create: it sees the new catalog.
    let page = results.items[3].result.as_ref().unwrap().raw().body.clone();
    let page: Value = serde_json::from_slice(&page).unwrap();
    assert!(
        page["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["displayName"] == "First"),
        "{page}"
    );
    let never = client
        .list_catalogs()
        .filter("displayName eq 'Never'")
        .send()
        .await
        .unwrap();
    assert!(
        never.value.is_empty(),
        "an item whose dependency failed must not run"
    );
    // A dependsOn naming no earlier item is refused before sending.
    let mut bad = Batch::new();
    bad.push(BatchItem::new(call("list_catalogs", Value::Null)).depends_on(["later"]));
    bad.push(BatchItem::new(call("list_catalogs", Value::Null)).id("later"));
    assert_eq!(
        bad.send(&client).await.unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_throttled_item_is_retried_after_its_own_retry_after() {
    // Three requests of burst, one more per 2 s... rate 1/s: Retry-After "1".
    let emu = throttled(3.0, 1.0).await;
    let client = admin(&emu);
    // The raw service: 6 GETs in one batch, 3 pass, 3 get their own 429.
    let http = reqwest::Client::new();
    let requests: Vec<Value> = (1..=6)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": format!("{EM}/catalogs")}))
        .collect();
    let r = http
        .post(format!("{}/v1.0/$batch", emu.base_url()))
        .bearer_auth(emu.app_token())
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&json!({"requests": requests})).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "a throttled batch is still 200");
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    let statuses: Vec<u64> = body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429], "{body}");
    let item = &body["responses"][3];
    assert_eq!(item["headers"]["Retry-After"], "1", "{item}");
    assert_eq!(item["body"]["error"]["code"], "TooManyRequests");
    tokio::time::sleep(Duration::from_secs(4)).await;

    // Core: 5 reads, burst 3; the rest wait for their Retry-After.
    let mut batch = Batch::new();
    for _ in 0..5 {
        batch.push(call("get_catalog", json!([ids::GENERAL_CATALOG_ID])));
    }
    let start = Instant::now();
    let results = batch.send(&client).await.unwrap();
    let took = start.elapsed();
    assert_eq!(results.succeeded(), 5, "{:?}", results.items);
    assert!(results.retried() >= 2, "retried {}", results.retried());
    assert!(
        took >= Duration::from_secs(1),
        "retried before Retry-After: {took:?}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn retry_after_past_the_deadline_fails_the_item_at_once() {
    let emu = throttled(1.0, 0.01).await; // Retry-After ~100 s
    let (id, secret) = emu.app_credentials();
    let client = entitlement::Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .client_secret(emu.tenant_id(), &id, secret)
        .deadline(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    let mut batch = Batch::new();
    batch.push(call("list_catalogs", Value::Null));
    batch.push(call("list_catalogs", Value::Null));
    let start = Instant::now();
    let results = batch.send(&client).await.unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(results.items[0].result.is_ok());
    let err = results.items[1].result.as_ref().unwrap_err();
    assert_eq!(err.kind, ErrorKind::Throttled, "{err}");
    assert!(
        err.retry_after
            .is_some_and(|d| d >= Duration::from_secs(50)),
        "{err:?}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn more_than_twenty_items_go_in_several_envelopes() {
    let emu = emulator(50).await;
    let client = admin(&emu);
    let mut batch = Batch::new();
    for i in 0..45 {
        let c = if i % 2 == 0 {
            call("get_catalog", json!([ids::GENERAL_CATALOG_ID]))
        } else {
            call("list_catalogs", Value::Null)
        };
        batch.push(BatchItem::new(c).id(format!("item-{i}")));
    }
    let results = batch.send(&client).await.unwrap();
    assert_eq!(results.items.len(), 45);
    assert_eq!(results.succeeded(), 45);
    for (i, item) in results.items.iter().enumerate() {
        assert_eq!(item.id, format!("item-{i}"));
        assert_eq!(item.attempts, 1);
        let op = item.result.as_ref().unwrap().operation().name;
        assert_eq!(
            op,
            if i % 2 == 0 {
                "get_catalog"
            } else {
                "list_catalogs"
            }
        );
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn a_lost_envelope_resends_reads_but_never_a_create() {
    let emu = emulator(50).await;
    let client = admin(&emu);
    // The envelope's answer is a 504: the service may have run it.
    emu.inject_fault(Fault {
        status: 504,
        retry_after: None,
        count: 1,
        path_contains: Some("$batch".into()),
    });
    let body = serde_json::to_vec(&json!({"displayName": "Once"})).unwrap();
    let mut batch = Batch::new();
    batch.push(
        Call::new(
            "create_catalog",
            Value::Null,
            Value::Null,
            RawBody::Text(&body),
        )
        .unwrap(),
    );
    batch.push(call("get_catalog", json!([ids::GENERAL_CATALOG_ID])));
    let results = batch.send(&client).await.unwrap();
    let err = results.items[0].result.as_ref().unwrap_err();
    assert!(err.outcome_unknown, "{err:?}");
    assert_eq!(results.items[0].attempts, 1);
    assert!(results.items[1].result.is_ok());
    assert_eq!(results.items[1].attempts, 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn the_batch_job_reports_every_item_and_a_summary() {
    let emu = emulator(50).await;
    let client = admin(&emu);
    let options = json!({"requests": [
        {"operation": "get_catalog", "args": [ids::GENERAL_CATALOG_ID], "id": "a"},
        {"operation": "listCatalogs", "query": {"top": 2}},
        {"operation": "get_catalog", "args": ["nope"]},
        {"operation": "create_catalog", "body": {"displayName": "Job"}, "dependsOn": ["a"]},
    ]});
    let job = Job::start(&client, "batch", options).unwrap();
    let mut events = Vec::new();
    while let Some(ev) = job.next().await {
        events.push(ev.unwrap());
    }
    assert_eq!(events.len(), 5, "{events:?}");
    assert_eq!(events[0]["id"], "a");
    assert_eq!(events[0]["body"]["id"], ids::GENERAL_CATALOG_ID);
    assert_eq!(events[1]["status"], 200);
    assert_eq!(events[2]["error"]["kind"], "NotFound");
    assert_eq!(events[2]["status"], 404);
    assert_eq!(events[3]["status"], 201);
    assert_eq!(events[3]["body"]["displayName"], "Job");
    assert_eq!(
        events[4],
        json!({"type": "done", "succeeded": 3, "failed": 1, "retried": 0})
    );
    // A bad item fails the job before anything is sent.
    let job = Job::start(
        &client,
        "batch",
        json!({"requests": [{"operation": "nope"}]}),
    )
    .unwrap();
    let err = job.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument);
    emu.shutdown().await;
}

/// Posts `body` (raw bytes) to `/v1.0/$batch`.
async fn post(emu: &Emulator, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/v1.0/$batch", emu.base_url()))
        .bearer_auth(emu.app_token())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the emulator answers");
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_slice(&r.bytes().await.unwrap_or_default()).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn hostile_envelopes_are_400s_and_the_emulator_keeps_answering() {
    let emu = emulator(50).await;
    let get = |id: &str| json!({"id": id, "method": "GET", "url": format!("{EM}/catalogs")});
    let too_many: Vec<Value> = (0..21).map(|i| get(&i.to_string())).collect();
    let deep = "[".repeat(100_000);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("21 requests", serde_json::to_vec(&json!({"requests": too_many})).unwrap()),
        ("duplicate ids", serde_json::to_vec(&json!({"requests": [get("1"), get("1")]})).unwrap()),
        ("unknown dependsOn", serde_json::to_vec(&json!({"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}]})).unwrap()),
        (
            "cycle",
            serde_json::to_vec(&json!({"requests": [
                {"id": "1", "method": "GET", "url": format!("{EM}/catalogs"), "dependsOn": ["2"]},
                {"id": "2", "method": "GET", "url": format!("{EM}/catalogs"), "dependsOn": ["1"]},
            ]}))
            .unwrap(),
        ),
        ("self dependency", serde_json::to_vec(&json!({"requests": [{"id": "1", "method": "GET", "url": "/x", "dependsOn": ["1"]}]})).unwrap()),
        ("nested $batch", serde_json::to_vec(&json!({"requests": [{"id": "1", "method": "POST", "url": "/$batch", "body": {"requests": []}, "headers": {"Content-Type": "application/json"}}]})).unwrap()),
        ("other host", serde_json::to_vec(&json!({"requests": [{"id": "1", "method": "GET", "url": "https://evil.example/v1.0/me"}]})).unwrap()),
        ("dot segments", serde_json::to_vec(&json!({"requests": [{"id": "1", "method": "GET", "url": "/../beta/x"}]})).unwrap()),
        ("bad method", serde_json::to_vec(&json!({"requests": [{"id": "1", "method": "TRACE", "url": "/x"}]})).unwrap()),
        ("no id", serde_json::to_vec(&json!({"requests": [{"method": "GET", "url": "/x"}]})).unwrap()),
        ("number id", serde_json::to_vec(&json!({"requests": [{"id": 1, "method": "GET", "url": "/x"}]})).unwrap()),
        ("bad header", serde_json::to_vec(&json!({"requests": [{"id": "1", "method": "GET", "url": "/x", "headers": {"a b": "c"}}]})).unwrap()),
        ("body without content type", serde_json::to_vec(&json!({"requests": [{"id": "1", "method": "POST", "url": "/x", "body": {}}]})).unwrap()),
        ("requests not a list", br#"{"requests": {"id": "1"}}"#.to_vec()),
        ("garbage", b"\x00\xff not json".to_vec()),
        ("deep nesting", deep.into_bytes()),
        ("empty", Vec::new()),
    ];
    for (name, body) in cases {
        let (status, body) = post(&emu, body).await;
        assert_eq!(status, 400, "{name}: {body}");
        assert_eq!(body["error"]["code"], "BadRequest", "{name}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{name}"
        );
    }
    let (status, _) = post(&emu, vec![b' '; 5 * 1024 * 1024]).await;
    assert_eq!(status, 413);
    // No token: 401 for the whole batch.
    let r = reqwest::Client::new()
        .post(format!("{}/v1.0/$batch", emu.base_url()))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // GET is not a batch.
    let r = reqwest::Client::new()
        .get(format!("{}/beta/$batch", emu.base_url()))
        .bearer_auth(emu.app_token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);

    // Still answering, with every URL form a client sends.
    let root = emu.base_url();
    let ok = json!({"requests": [
        {"id": "a", "method": "GET", "url": format!("{EM}/catalogs?$top=1")},
        {"id": "b", "method": "get", "url": format!("{}/catalogs?$top=1", EM.trim_start_matches('/'))},
        {"id": "c", "method": "GET", "url": format!("/v1.0{EM}/catalogs/{}", ids::GENERAL_CATALOG_ID)},
        {"id": "d", "method": "GET", "url": format!("{root}/v1.0{EM}/catalogs/{}", ids::GENERAL_CATALOG_ID)},
        {"id": "e", "method": "GET", "url": "/nothing/here"},
    ]});
    let (status, body) = post(&emu, serde_json::to_vec(&ok).unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let r = body["responses"].as_array().unwrap();
    assert_eq!(r.len(), 5);
    for (i, x) in r.iter().take(4).enumerate() {
        assert_eq!(x["status"], 200, "item {i}: {x}");
    }
    assert_eq!(r[0]["body"]["value"].as_array().unwrap().len(), 1);
    assert_eq!(r[4]["status"], 400);
    assert_eq!(r[4]["body"]["error"]["code"], "BadRequest");
    // An empty batch is an empty answer.
    let (status, body) = post(&emu, br#"{"requests": []}"#.to_vec()).await;
    assert_eq!((status, body), (200, json!({"responses": []})));
    emu.shutdown().await;
}

#[tokio::test]
async fn beta_batches_carry_beta_operations() {
    let emu = emulator(50).await;
    let client = admin(&emu);
    let mut batch = Batch::new();
    batch.push(call("beta.list_access_packages", Value::Null));
    batch.push(call("list_catalogs", Value::Null));
    let results = batch.send(&client).await.unwrap();
    assert_eq!(results.succeeded(), 2, "{:?}", results.items);
    assert_eq!(
        results.items[0]
            .result
            .as_ref()
            .unwrap()
            .operation()
            .version,
        entitlement::ApiVersion::Beta
    );
    emu.shutdown().await;
}
