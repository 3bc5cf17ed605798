// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The throttling model over real loopback HTTP: token buckets with Graph's
//! 429 body and `Retry-After`, the count of early retries, object quotas,
//! seeded random faults, and core's client riding through throttling.

mod common;

use std::time::{Duration, Instant};

use common::*;
use entitlement_emulator::{ids, BucketProfile, Emulator, EmulatorConfig, Quotas, RandomFaults, RetryAfterStyle, ThrottleConfig};
use serde_json::{json, Value};

/// Only the app bucket matters: capacity `cap`, refilled at `rate`/s; the tenant bucket is ample.
fn buckets(cap: f64, rate: f64, style: RetryAfterStyle) -> ThrottleConfig {
    ThrottleConfig {
        buckets: Some(BucketProfile {
            app_capacity: cap,
            app_refill_per_sec: rate,
            tenant_capacity: 10_000.0,
            tenant_refill_per_sec: 10_000.0,
            retry_after: style,
            ..BucketProfile::graph()
        }),
        ..Default::default()
    }
}

async fn start_with(throttle: ThrottleConfig) -> Emulator {
    Emulator::start(EmulatorConfig { throttle, ..config() }).await.expect("emulator starts")
}

async fn report(c: &reqwest::Client, emu: &Emulator) -> Value {
    let r = call(c, "GET", &format!("{}/_emulator/throttling", emu.base_url()), None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

fn retry_after(r: &Resp) -> String {
    r.headers.get("retry-after").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

#[tokio::test]
async fn off_by_default_nothing_is_throttled() {
    let emu = start().await;
    let c = http();
    let (t, url) = (emu.app_token(), format!("{}/v1.0{EM}/catalogs", emu.base_url()));
    for _ in 0..50 {
        assert_eq!(call(&c, "GET", &url, Some(&t), None).await.status, 200);
    }
    let rep = report(&c, &emu).await;
    assert_eq!(rep["throttled"], 0);
    assert_eq!(rep["enabled"]["buckets"], false);
    emu.shutdown().await;
}

#[tokio::test]
async fn bucket_throttles_with_graphs_body_and_a_waiting_client_is_served() {
    let emu = start_with(buckets(5.0, 2.0, RetryAfterStyle::Integer)).await;
    let c = http();
    let (t, url) = (emu.app_token(), format!("{}/v1.0{EM}/catalogs", emu.base_url()));
    for i in 0..5 {
        let r = call(&c, "GET", &url, Some(&t), None).await;
        assert_eq!(r.status, 200, "request {i} is within the burst: {}", r.body);
    }
    let r = call(&c, "GET", &url, Some(&t), None).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "TooManyRequests");
    let inner = &r.body["error"]["innerError"];
    for k in ["date", "request-id", "client-request-id"] {
        assert!(inner[k].as_str().is_some_and(|s| !s.is_empty()), "innerError.{k}: {}", r.body);
    }
    // One token at 2/s: 0.5 s, rounded up to whole seconds.
    assert_eq!(retry_after(&r), "1");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let r = call(&c, "GET", &url, Some(&t), None).await;
    assert_eq!(r.status, 200, "served after Retry-After: {}", r.body);
    let rep = report(&c, &emu).await;
    assert_eq!(rep["throttled"], 1, "{rep}");
    assert_eq!(rep["earlyRetries"], 0, "{rep}");
    let (id, _) = emu.app_credentials();
    assert_eq!(rep["apps"][&id]["requests"], 7, "{rep}");
    emu.shutdown().await;
}

#[tokio::test]
async fn sustained_rate_is_the_refill_rate() {
    // 10 tokens/s, burst 1: in 1.5 s of hammering about 15 requests pass.
    let emu = start_with(buckets(1.0, 10.0, RetryAfterStyle::Fractional)).await;
    let c = http();
    let (t, url) = (emu.app_token(), format!("{}/v1.0{EM}/catalogs", emu.base_url()));
    let start = Instant::now();
    let mut ok = 0;
    while start.elapsed() < Duration::from_millis(1500) {
        let r = call(&c, "GET", &url, Some(&t), None).await;
        match r.status {
            200 => ok += 1,
            429 => {
                // Fractional mode: the wait to the next token, in ms.
                let ra: f64 = retry_after(&r).parse().expect("a number");
                assert!(ra > 0.0 && ra <= 0.1 + 1e-9, "Retry-After {ra}");
                tokio::time::sleep(Duration::from_secs_f64(ra)).await;
            }
            s => panic!("status {s}: {}", r.body),
        }
    }
    assert!((13..=18).contains(&ok), "{ok} requests passed in 1.5 s at 10/s");
    assert_eq!(report(&c, &emu).await["earlyRetries"], 0);
    emu.shutdown().await;
}

#[tokio::test]
async fn writes_cost_more_and_a_fixed_retry_after_is_sent_as_configured() {
    // Capacity 4: four GETs, but only two writes (cost 2).
    let emu = start_with(buckets(4.0, 0.001, RetryAfterStyle::Fixed(120))).await;
    let c = http();
    let t = emu.app_token();
    let url = format!("{}/v1.0{EM}/accessPackages", emu.base_url());
    let body = || Some(json!({"catalogId": ids::GENERAL_CATALOG_ID, "displayName": "p"}));
    assert_eq!(call(&c, "POST", &url, Some(&t), body()).await.status, 201);
    assert_eq!(call(&c, "POST", &url, Some(&t), body()).await.status, 201);
    let r = call(&c, "POST", &url, Some(&t), body()).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(retry_after(&r), "120");
    emu.shutdown().await;
}

#[tokio::test]
async fn an_early_retry_is_counted_per_app() {
    let emu = start_with(buckets(1.0, 1.0, RetryAfterStyle::Integer)).await;
    let c = http();
    let (t, url) = (emu.app_token(), format!("{}/v1.0{EM}/catalogs", emu.base_url()));
    assert_eq!(call(&c, "GET", &url, Some(&t), None).await.status, 200);
    let r = call(&c, "GET", &url, Some(&t), None).await;
    assert_eq!(r.status, 429);
    assert_eq!(retry_after(&r), "1");
    // Straight back, ignoring Retry-After: still throttled, and counted.
    let r = call(&c, "GET", &url, Some(&t), None).await;
    assert_eq!(r.status, 429);
    let rep = report(&c, &emu).await;
    let (id, _) = emu.app_credentials();
    assert_eq!(rep["earlyRetries"], 1, "{rep}");
    assert_eq!(rep["apps"][&id]["earlyRetries"], 1, "{rep}");
    assert_eq!(rep["throttled"], 2, "{rep}");
    // Another caller (a delegated token) has its own bucket and no early retries.
    let user = emu.user_token(ids::ADMIN_UPN).unwrap();
    assert_eq!(call(&c, "GET", &url, Some(&user), None).await.status, 200);
    let rep = report(&c, &emu).await;
    assert_eq!(rep["apps"][format!("user:{}", ids::ADMIN_ID)]["earlyRetries"], 0, "{rep}");
    // DELETE resets the counts.
    assert_eq!(
        call(&c, "DELETE", &format!("{}/_emulator/throttling", emu.base_url()), None, None).await.status,
        204
    );
    assert_eq!(report(&c, &emu).await["earlyRetries"], 0);
    emu.shutdown().await;
}

#[tokio::test]
async fn the_tenant_bucket_is_shared_by_every_app() {
    let throttle = ThrottleConfig {
        buckets: Some(BucketProfile {
            app_capacity: 100.0,
            app_refill_per_sec: 100.0,
            tenant_capacity: 3.0,
            tenant_refill_per_sec: 0.5,
            ..BucketProfile::graph()
        }),
        ..Default::default()
    };
    let emu = start_with(throttle).await;
    let c = http();
    let url = format!("{}/v1.0{EM}/catalogs", emu.base_url());
    let (app, user) = (emu.app_token(), emu.user_token(ids::ADMIN_UPN).unwrap());
    for t in [&app, &user, &app] {
        assert_eq!(call(&c, "GET", &url, Some(t), None).await.status, 200);
    }
    let r = call(&c, "GET", &url, Some(&user), None).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body["error"]["message"].as_str().unwrap_or("").contains("tenant"), "{}", r.body);
    assert_eq!(retry_after(&r), "2");
    emu.shutdown().await;
}

#[tokio::test]
async fn quotas_answer_quota_exceeded() {
    let throttle = ThrottleConfig {
        quotas: Some(Quotas {
            access_packages: 0,
            assignments: 0,
            requests: 1_000,
        }),
        ..Default::default()
    };
    let emu = start_with(throttle).await;
    let c = http();
    let t = emu.app_token();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let r = call(
        &c,
        "POST",
        &format!("{v1}/accessPackages"),
        Some(&t),
        Some(json!({"catalogId": ids::GENERAL_CATALOG_ID, "displayName": "p"})),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "QuotaExceeded");
    assert!(r.body["error"]["message"].as_str().unwrap_or("").contains("access packages"), "{}", r.body);
    assert!(r.body["error"]["innerError"]["request-id"].is_string());
    let r = call(
        &c,
        "POST",
        &format!("{v1}/assignmentRequests"),
        Some(&t),
        Some(json!({"requestType": "adminAdd"})),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "QuotaExceeded");
    assert!(r.body["error"]["message"].as_str().unwrap_or("").contains("assignments"), "{}", r.body);
    // Reads and other creates are not limited.
    assert_eq!(call(&c, "GET", &format!("{v1}/accessPackages"), Some(&t), None).await.status, 200);
    assert_eq!(report(&c, &emu).await["quotaErrors"], 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_quota_admits_up_to_its_limit() {
    let emu = start().await;
    let c = http();
    let t = emu.app_token();
    let url = format!("{}/v1.0{EM}/accessPackages?$count=true&$top=1", emu.base_url());
    let have = call(&c, "GET", &url, Some(&t), None).await.body["@odata.count"].as_u64().expect("a count") as usize;
    emu.shutdown().await;
    let emu = start_with(ThrottleConfig {
        quotas: Some(Quotas {
            access_packages: have + 1,
            ..Quotas::graph()
        }),
        ..Default::default()
    })
    .await;
    let t = emu.app_token();
    let post = format!("{}/v1.0{EM}/accessPackages", emu.base_url());
    let body = || Some(json!({"catalogId": ids::GENERAL_CATALOG_ID, "displayName": "p"}));
    assert_eq!(call(&c, "POST", &post, Some(&t), body()).await.status, 201);
    assert_eq!(call(&c, "POST", &post, Some(&t), body()).await.status, 400);
    emu.shutdown().await;
}

async fn fault_run(seed: u64) -> Vec<(u16, String)> {
    let emu = start_with(ThrottleConfig {
        faults: Some(RandomFaults { rate: 0.3, seed }),
        ..Default::default()
    })
    .await;
    let c = http();
    let (t, url) = (emu.app_token(), format!("{}/v1.0{EM}/catalogs", emu.base_url()));
    let mut out = Vec::new();
    for _ in 0..60 {
        let r = call(&c, "GET", &url, Some(&t), None).await;
        if r.status != 200 {
            assert!(matches!(r.status, 429 | 503 | 504), "{}", r.status);
            let code = r.body["error"]["code"].as_str().unwrap_or("").to_string();
            assert_eq!(
                code,
                match r.status {
                    429 => "TooManyRequests",
                    503 => "ServiceUnavailable",
                    _ => "GatewayTimeout",
                }
            );
            assert_eq!(r.headers.contains_key("retry-after"), r.status != 504);
        }
        out.push((r.status, retry_after(&r)));
    }
    let rep = report(&c, &emu).await;
    assert_eq!(rep["faults"].as_u64(), Some(out.iter().filter(|(s, _)| *s != 200).count() as u64));
    emu.shutdown().await;
    out
}

#[tokio::test]
async fn random_faults_are_reproducible_with_a_seed() {
    let a = fault_run(42).await;
    let b = fault_run(42).await;
    assert_eq!(a, b, "same seed, same faults");
    let faults = a.iter().filter(|(s, _)| *s != 200).count();
    assert!((6..=30).contains(&faults), "{faults} faults in 60 at rate 0.3");
    let kinds: std::collections::HashSet<u16> = a.iter().map(|(s, _)| *s).collect();
    assert!(kinds.len() >= 3, "several kinds: {kinds:?}");
    assert_ne!(a, fault_run(7).await, "another seed, other faults");
}

#[tokio::test]
async fn core_client_rides_through_throttling_without_early_retries() {
    use entitlement::{Client, RetryPolicy};
    let emu = start_with(buckets(3.0, 2.0, RetryAfterStyle::Integer)).await;
    let (id, secret) = emu.app_credentials();
    let client = Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .client_secret(emu.tenant_id(), &id, secret)
        .retry(RetryPolicy {
            base_delay: Duration::from_millis(10),
            ..Default::default()
        })
        .build()
        .expect("client");
    for i in 0..8 {
        let page = client.list_catalogs().send().await.unwrap_or_else(|e| panic!("call {i}: {e}"));
        assert!(!page.value.is_empty());
    }
    let c = http();
    let rep = report(&c, &emu).await;
    assert!(rep["throttled"].as_u64().unwrap_or(0) >= 1, "the client was throttled: {rep}");
    assert_eq!(rep["earlyRetries"], 0, "the client honoured Retry-After: {rep}");
    assert_eq!(rep["apps"][&id]["requests"].as_u64(), Some(8 + rep["throttled"].as_u64().unwrap_or(0)), "{rep}");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_new_request_inside_a_throttle_window_is_not_an_early_retry() {
    let emu = start_with(buckets(1.0, 0.5, RetryAfterStyle::Integer)).await;
    let c = http();
    let t = emu.app_token();
    let url = |q: &str| format!("{}/v1.0{EM}/catalogs{q}", emu.base_url());
    assert_eq!(call(&c, "GET", &url(""), Some(&t), None).await.status, 200);
    let r = call(&c, "GET", &url("?$top=1"), Some(&t), None).await;
    assert_eq!(r.status, 429);
    // Other requests (another query, another body) while that Retry-After
    // runs are new requests, not retries: counted apart.
    assert_eq!(call(&c, "GET", &url("?$top=2"), Some(&t), None).await.status, 429);
    let post = |name: &str| json!({"displayName": name, "description": "d", "isExternallyVisible": false});
    assert_eq!(call(&c, "POST", &url(""), Some(&t), Some(post("one"))).await.status, 429);
    let rep = report(&c, &emu).await;
    assert_eq!(rep["earlyRetries"], 0, "{rep}");
    assert_eq!(rep["duringRetryAfter"], 2, "{rep}");
    // The same POST again at once is its retry, and early.
    assert_eq!(call(&c, "POST", &url(""), Some(&t), Some(post("one"))).await.status, 429);
    // A request sent with the client-request-id of a throttled one is its
    // retry whatever it carries (a client may re-render the URL).
    let crid = "0f0f0f0f-1111-4222-8333-444444444444";
    let with_id = |q: &str| {
        let c = c.clone();
        let (u, t) = (url(q), t.clone());
        async move {
            c.get(u).bearer_auth(t).header("client-request-id", crid).send().await.expect("sent").status().as_u16()
        }
    };
    assert_eq!(with_id("?$top=3").await, 429);
    assert_eq!(with_id("?$top=4").await, 429);
    let rep = report(&c, &emu).await;
    assert_eq!(rep["earlyRetries"], 2, "{rep}");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_batch_item_resent_before_its_retry_after_is_an_early_retry() {
    // One token: the batch's first item is served, the second throttled.
    let emu = start_with(buckets(1.0, 0.5, RetryAfterStyle::Integer)).await;
    let c = http();
    let t = emu.app_token();
    let batch = json!({"requests": [
        {"id": "1", "method": "GET", "url": format!("{EM}/catalogs?$top=1")},
        {"id": "2", "method": "GET", "url": format!("{EM}/catalogs?$top=2")},
    ]});
    let url = format!("{}/v1.0/$batch", emu.base_url());
    let r = call(&c, "POST", &url, Some(&t), Some(batch.clone())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let statuses = |b: &Value| b["responses"].as_array().unwrap().iter().map(|x| x["status"].as_u64().unwrap()).collect::<Vec<_>>();
    assert_eq!(statuses(&r.body), vec![200, 429], "{}", r.body);
    let rep = report(&c, &emu).await;
    assert_eq!(rep["earlyRetries"], 0, "the batch's own items are not retries of each other: {rep}");
    // A naive client sends the whole batch again at once: item 1 is new
    // (it was served), item 2 is an early retry of its own 429.
    let r = call(&c, "POST", &url, Some(&t), Some(batch.clone())).await;
    assert_eq!(statuses(&r.body), vec![429, 429], "{}", r.body);
    let rep = report(&c, &emu).await;
    assert_eq!(rep["earlyRetries"], 1, "{rep}");
    assert_eq!(rep["duringRetryAfter"], 1, "{rep}");
    // Waiting out the Retry-After (2 s at 0.5 tokens/s), a retry is not early.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let single = json!({"requests": [{"id": "2", "method": "GET", "url": format!("{EM}/catalogs?$top=2")}]});
    let r = call(&c, "POST", &url, Some(&t), Some(single)).await;
    assert_eq!(statuses(&r.body), vec![200], "{}", r.body);
    assert_eq!(report(&c, &emu).await["earlyRetries"], 1);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_client_with_sixteen_calls_in_flight_sends_no_early_retry() {
    use entitlement::{Client, RetryPolicy};
    // Heavy throttling: 4 tokens of burst, 8/s after, against 16 callers.
    let emu = start_with(buckets(4.0, 8.0, RetryAfterStyle::Fractional)).await;
    let (id, secret) = emu.app_credentials();
    let client = Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .client_secret(emu.tenant_id(), &id, secret)
        .retry(RetryPolicy { max_attempts: 50, base_delay: Duration::from_millis(10), ..Default::default() })
        .build()
        .expect("client");
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..16u32 {
        let client = client.clone();
        tasks.spawn(async move {
            for i in 0..3u32 {
                // Every call asks for something else (identical requests
                // cannot be told apart from retries; see RequestKey).
                client.list_catalogs().top(1 + w * 3 + i).send().await.unwrap_or_else(|e| panic!("worker {w} call {i}: {e}"));
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("worker");
    }
    let rep = report(&http(), &emu).await;
    assert!(rep["throttled"].as_u64().unwrap_or(0) >= 16, "heavily throttled: {rep}");
    assert!(rep["duringRetryAfter"].as_u64().unwrap_or(0) > 0, "others' requests arrived inside a window: {rep}");
    assert_eq!(rep["earlyRetries"], 0, "{rep}");
    emu.shutdown().await;
}
