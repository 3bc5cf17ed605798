// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Bulk operations against the emulator over loopback, with Graph's
//! throttling on: AIMD behind the shared `Retry-After` gate (the emulator
//! counts a request sent before its `Retry-After` as an early retry),
//! duplicates skipped, unknown outcomes reconciled, a journal resumed.

use std::collections::HashMap;
use std::time::Duration;

use entitlement::bridge::Job;
use entitlement::bulk::{self, BulkOptions, Event, Item, Outcome, Precheck, Subject, Summary};
use entitlement::{Client, Filter, RetryPolicy};
use entitlement_emulator::{
    ids, BucketProfile, Emulator, EmulatorConfig, RandomFaults, Seed, SeedUser, ThrottleConfig,
};
use serde_json::{json, Value};
use tokio::sync::mpsc;

const PACKAGE: &str = "b0b0b0b0-0000-4000-8000-000000000001";
const POLICY: &str = "b0b0b0b0-0000-4000-8000-000000000002";

fn user_id(i: usize) -> String {
    format!("b1000000-0000-4000-8000-{i:012x}")
}

/// The built-in tenant plus `users` users, one access package and a policy
/// any admin may assign under.
async fn emulator(users: usize, throttle: ThrottleConfig) -> Emulator {
    let mut seed = Seed::default();
    for i in 0..users {
        seed.users.push(SeedUser {
            id: user_id(i),
            display_name: format!("Bulk User {i}"),
            user_principal_name: format!("bulk.user{i}@contoso.com"),
            password: None,
            roles: vec![],
            mail: Some(format!("bulk.user{i}@contoso.com")),
        });
    }
    seed.objects.insert(
        "accessPackages".into(),
        vec![json!({"id": PACKAGE, "catalogId": ids::GENERAL_CATALOG_ID, "displayName": "Bulk", "description": "bulk", "isHidden": false})],
    );
    seed.objects.insert(
        "assignmentPolicies".into(),
        vec![json!({
            "id": POLICY, "accessPackageId": PACKAGE, "displayName": "Admin assigned", "description": "direct",
            "allowedTargetScope": "notSpecified", "specificAllowedTargets": [],
            "requestorSettings": {"enableTargetsToSelfAddAccess": false},
            "requestApprovalSettings": {"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []},
            "expiration": {"type": "noExpiration"}
        })],
    );
    Emulator::start(EmulatorConfig {
        seed,
        delivery_delay: Duration::from_millis(20),
        throttle,
        ..Default::default()
    })
    .await
    .expect("emulator starts")
}

fn admin(emu: &Emulator) -> Client {
    let (id, secret) = emu.app_credentials();
    Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .client_secret(emu.tenant_id(), &id, secret)
        .retry(RetryPolicy {
            base_delay: Duration::from_millis(10),
            ..Default::default()
        })
        .build()
        .unwrap()
}

fn throttled(profile: &str) -> ThrottleConfig {
    ThrottleConfig {
        buckets: Some(BucketProfile::parse(profile).unwrap()),
        ..Default::default()
    }
}

fn assign_items(range: std::ops::Range<usize>) -> Vec<Item> {
    range
        .map(|i| Item::Assign {
            target: Subject::ObjectId(user_id(i)),
            access_package_id: PACKAGE.into(),
            policy_id: POLICY.into(),
        })
        .collect()
}

async fn run(
    client: &Client,
    items: Vec<Item>,
    options: BulkOptions,
) -> (Summary, Vec<bulk::ItemReport>, usize) {
    let (tx, mut rx) = mpsc::channel(64);
    let c = client.clone();
    let engine = tokio::spawn(async move { bulk::run(&c, items, options, tx).await });
    let mut reports = Vec::new();
    let mut progress = 0;
    while let Some(ev) = rx.recv().await {
        match ev {
            Event::Item(r) => reports.push(r),
            Event::Progress(_) => progress += 1,
        }
    }
    let summary = engine.await.unwrap().expect("the run itself succeeds");
    (summary, reports, progress)
}

async fn throttling_report(emu: &Emulator) -> Value {
    let url = format!("{}/_emulator/throttling", emu.base_url());
    let text = reqwest::get(url).await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Assignments per target in the package, read back once every request has
/// been delivered (a duplicate request would be a second assignment).
async fn requests_per_target(client: &Client) -> HashMap<String, usize> {
    let f = Filter::eq("accessPackage/id", PACKAGE).unwrap();
    for _ in 0..400 {
        let open = client
            .list_assignment_requests()
            .filter_by(f.clone())
            .all()
            .await
            .unwrap();
        if open.iter().all(|r| {
            !matches!(
                serde_json::to_value(r).unwrap()["state"].as_str(),
                Some("submitted" | "delivering")
            )
        }) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let mut per = HashMap::new();
    for a in client
        .list_assignments()
        .filter_by(f)
        .expand(["target"])
        .all()
        .await
        .unwrap()
    {
        let v = serde_json::to_value(&a).unwrap();
        *per.entry(
            v["target"]["objectId"]
                .as_str()
                .unwrap_or("?")
                .to_lowercase(),
        )
        .or_default() += 1;
    }
    per
}

/// The emulator counts a retry of a throttled request (the same
/// client-request-id, or the same method, URL and body) that arrives before
/// the `Retry-After` that request was given; requests of other items already
/// in flight are counted apart (`duringRetryAfter`). None may be early.
fn assert_no_early(report: &Value) {
    assert_eq!(
        report["earlyRetries"], 0,
        "requests retried before Retry-After: {report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_at_a_time_nothing_is_sent_before_retry_after() {
    let emu = emulator(
        20,
        throttled("graph,app=5/10,tenant=10000/10000,read=1,write=1"),
    )
    .await;
    let client = admin(&emu);
    let options = BulkOptions {
        max_concurrency: 1,
        initial_concurrency: 1,
        precheck: Precheck::None,
        ..Default::default()
    };
    let (summary, _, _) = run(&client, assign_items(0..20), options).await;
    assert_eq!(summary.created, 20, "{summary:?}");
    let report = throttling_report(&emu).await;
    assert!(report["throttled"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(report["earlyRetries"], 0, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_workers_under_heavy_throttling_never_retry_early() {
    // 10 tokens of burst and 40/s after, for 150 creates and their reads at
    // up to 16 in flight: most windows see many requests of other items.
    let emu = emulator(
        150,
        throttled("graph,app=10/40,tenant=10000/10000,read=1,write=1,retry-after=fractional"),
    )
    .await;
    let client = admin(&emu);
    let options = BulkOptions {
        max_concurrency: 16,
        initial_concurrency: 16,
        precheck: Precheck::Target,
        ..Default::default()
    };
    let (summary, reports, _) = run(&client, assign_items(0..150), options).await;
    let failed: Vec<_> = reports.iter().filter(|r| r.error.is_some()).collect();
    assert_eq!((summary.created, summary.failed), (150, 0), "{summary:?} {failed:?}");
    let report = throttling_report(&emu).await;
    assert!(report["throttled"].as_u64().unwrap() >= 16, "{report}");
    assert_no_early(&report);
    let per = requests_per_target(&client).await;
    assert_eq!(per.len(), 150);
    assert!(per.values().all(|n| *n == 1), "duplicates: {per:?}");
}

fn temp_journal(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ent-bulk-{}-{name}-{}",
        std::process::id(),
        fastrand::u32(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("journal.jsonl")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assigns_under_throttling_without_duplicates_or_early_retries() {
    // 30 tokens of burst, 60/s after: 80 writes plus the pre-check's reads
    // must meet the bucket's 429s (integer Retry-After, 1 s).
    let emu = emulator(
        80,
        throttled("graph,app=30/60,tenant=10000/10000,read=1,write=1"),
    )
    .await;
    let client = admin(&emu);
    // Five targets already have access: they must be skipped, not sent again.
    for i in 0..5 {
        client
            .create_assignment_request(
                &serde_json::from_value(json!({"requestType": "adminAdd", "assignment": {
                "accessPackageId": PACKAGE, "assignmentPolicyId": POLICY, "targetId": user_id(i)}}))
                .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    let mut items = assign_items(0..80);
    items.push(items[10].clone()); // the same target twice in the input
    let options = BulkOptions {
        max_concurrency: 8,
        precheck: Precheck::Package,
        ..Default::default()
    };
    let (summary, reports, progress) = run(&client, items, options).await;
    assert_eq!(summary.total, 81);
    assert_eq!(summary.done, 81);
    assert_eq!(summary.created, 75, "{summary:?}");
    assert_eq!(summary.skipped, 6, "{summary:?}");
    assert_eq!(
        summary.failed,
        0,
        "{:?}",
        reports
            .iter()
            .filter(|r| r.outcome == Outcome::Failed)
            .collect::<Vec<_>>()
    );
    assert!(
        summary.throttled > 0,
        "the bucket should have throttled: {summary:?}"
    );
    assert!(progress > 0);
    let exists: Vec<_> = reports
        .iter()
        .filter(|r| r.reason == Some("exists"))
        .map(|r| r.index)
        .collect();
    assert_eq!(exists.len(), 5, "{exists:?}");
    assert!(reports
        .iter()
        .any(|r| r.index == 80 && r.reason == Some("duplicate")));
    assert!(reports
        .iter()
        .filter(|r| r.outcome == Outcome::Created)
        .all(|r| r.request_id.is_some()));
    let report = throttling_report(&emu).await;
    assert!(report["throttled"].as_u64().unwrap() > 0, "{report}");
    assert_no_early(&report);
    let per = requests_per_target(&client).await;
    assert_eq!(per.len(), 80, "every target has a request");
    assert!(per.values().all(|n| *n == 1), "duplicates: {per:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_outcomes_are_read_back_before_anything_is_sent_again() {
    // A third of all requests fail with 429, 503 (Retry-After 1) or 504 (no
    // Retry-After: a create's outcome is unknown).
    let emu = emulator(
        24,
        ThrottleConfig {
            faults: Some(RandomFaults {
                rate: 0.3,
                seed: 11,
            }),
            ..Default::default()
        },
    )
    .await;
    let client = admin(&emu);
    let options = BulkOptions {
        max_concurrency: 6,
        precheck: Precheck::None,
        ..Default::default()
    };
    let (summary, reports, _) = run(&client, assign_items(0..24), options).await;
    assert_eq!(
        summary.failed,
        0,
        "{:?}",
        reports
            .iter()
            .filter(|r| r.error.is_some())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        summary.created + summary.reconciled + summary.skipped,
        24,
        "{summary:?}"
    );
    let per = requests_per_target(&client).await;
    assert_eq!(per.len(), 24);
    assert!(per.values().all(|n| *n == 1), "duplicates: {per:?}");
    let report = throttling_report(&emu).await;
    assert!(report["faults"].as_u64().unwrap() > 0, "{report}");
    assert_no_early(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_resumes_without_requests_for_settled_items_and_reconciles_the_in_flight() {
    let emu = emulator(30, ThrottleConfig::default()).await;
    let client = admin(&emu);
    let journal = temp_journal("resume");
    // A first run over 0..10 settles them in the journal.
    let options = BulkOptions {
        journal: Some(journal.clone()),
        precheck: Precheck::Target,
        ..Default::default()
    };
    let (first, _, _) = run(&client, assign_items(0..10), options.clone()).await;
    assert_eq!(first.created, 10);
    // A crash: items 10..13 were sent (10 and 11 reached the service, 12 did
    // not) and nothing more was written.
    for i in 10..12 {
        client
            .create_assignment_request(&serde_json::from_value(json!({"requestType": "adminAdd", "assignment": {
                "accessPackageId": PACKAGE, "assignmentPolicyId": POLICY, "target": {"objectId": user_id(i)}}}))
            .unwrap())
            .send()
            .await
            .unwrap();
    }
    let mut text = std::fs::read_to_string(&journal).unwrap();
    for i in 10..13 {
        text.push_str(&format!(
            "{{\"key\":\"assign|{PACKAGE}|id:{}\",\"state\":\"sent\"}}\n",
            user_id(i)
        ));
    }
    text.push_str("{\"key\":\"assign|torn"); // killed mid-write
    std::fs::write(&journal, text).unwrap();
    let (second, reports, _) = run(&client, assign_items(0..30), options).await;
    assert_eq!(second.failed, 0, "{second:?}");
    let by_index: HashMap<usize, &bulk::ItemReport> =
        reports.iter().map(|r| (r.index, r)).collect();
    for i in 0..10 {
        assert_eq!(
            by_index[&i].reason,
            Some("journal"),
            "item {i}: {:?}",
            by_index[&i]
        );
    }
    assert_eq!(
        by_index[&10].outcome,
        Outcome::Reconciled,
        "{:?}",
        by_index[&10]
    );
    assert_eq!(
        by_index[&11].outcome,
        Outcome::Reconciled,
        "{:?}",
        by_index[&11]
    );
    assert_eq!(
        by_index[&12].outcome,
        Outcome::Created,
        "sent but never applied: read back, then sent"
    );
    assert_eq!(second.created, 18, "{second:?}");
    // Settled items cost no request: one read per reconciled or created
    // item's per-target check, one create per created item, and for an
    // in-flight item not yet delivered (the read finds no assignment), the
    // service's refusal of the create and a second read.
    assert!(
        (38..=42).contains(&(second.requests as usize)),
        "{second:?}"
    );
    let per = requests_per_target(&client).await;
    assert_eq!(per.len(), 30);
    assert!(per.values().all(|n| *n == 1), "duplicates: {per:?}");
    // A third run has nothing left to do and sends nothing.
    let (third, _, _) = run(
        &client,
        assign_items(0..30),
        BulkOptions {
            journal: Some(journal.clone()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!((third.skipped, third.requests), (30, 0), "{third:?}");
    std::fs::remove_dir_all(journal.parent().unwrap()).unwrap();
}

/// Pulls every event of a job.
async fn job_events(client: &Client, kind: &str, options: Value) -> Vec<Value> {
    let job = Job::start(client, kind, options).unwrap();
    let mut out = Vec::new();
    while let Some(ev) = job.next().await {
        out.push(ev.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_job_kinds_assign_then_remove_a_package() {
    let emu = emulator(
        12,
        throttled("graph,app=10/40,tenant=10000/10000,read=1,write=1,retry-after=fractional"),
    )
    .await;
    let client = admin(&emu);
    let targets: Vec<Value> = (0..12)
        .map(|i| {
            if i % 2 == 0 {
                json!(user_id(i))
            } else {
                json!({"objectId": user_id(i)})
            }
        })
        .collect();
    let events = job_events(&client, "bulkAssign", json!({"accessPackageId": PACKAGE, "policyId": POLICY, "targets": targets, "maxConcurrency": 4})).await;
    let done = events.last().unwrap();
    assert_eq!(done["type"], "done");
    assert_eq!(done["created"], 12, "{done}");
    let items: Vec<&Value> = events.iter().filter(|e| e["type"] == "item").collect();
    assert_eq!(items.len(), 12);
    assert!(
        items.iter().all(|e| e["outcome"] == "created"
            && e["requestId"].is_string()
            && e["target"].is_string()),
        "{items:?}"
    );
    assert!(events
        .iter()
        .any(|e| e["type"] == "progress" && e["concurrency"].is_u64()));
    // Wait for delivery, then remove everything the package holds.
    let delivered = || async {
        let f = Filter::eq("accessPackage/id", PACKAGE)
            .unwrap()
            .and(Filter::eq("state", "delivered").unwrap());
        client
            .list_assignments()
            .filter_by(f)
            .all()
            .await
            .unwrap()
            .len()
    };
    for _ in 0..200 {
        if delivered().await == 12 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(delivered().await, 12);
    let events = job_events(&client, "bulkRemove", json!({"accessPackageId": PACKAGE})).await;
    let done = events.last().unwrap();
    assert_eq!(
        (done["created"].as_u64(), done["failed"].as_u64()),
        (Some(12), Some(0)),
        "{done}"
    );
    for _ in 0..200 {
        if delivered().await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // Removing them again: each is already gone or going, so skipped.
    let ids: Vec<Value> = events
        .iter()
        .filter(|e| e["type"] == "item")
        .map(|e| e["target"].clone())
        .collect();
    let again = job_events(&client, "bulkRemove", json!({"assignmentIds": ids})).await;
    let done = again.last().unwrap();
    assert_eq!(
        (done["skipped"].as_u64(), done["failed"].as_u64()),
        (Some(12), Some(0)),
        "{again:?}"
    );
    assert_no_early(&throttling_report(&emu).await);
    // Bad options fail the job before any request.
    let job = Job::start(
        &client,
        "bulkAssign",
        json!({"accessPackageId": PACKAGE, "policyId": POLICY, "targets": [], "bogus": 1}),
    )
    .unwrap();
    let err = job.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), entitlement::ErrorKind::InvalidArgument);
    assert!(err.message.contains("bogus"), "{}", err.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_run_mixes_assignments_and_plain_operations() {
    let emu = emulator(3, ThrottleConfig::default()).await;
    let client = admin(&emu);
    let ops = json!([
        {"op": "assign", "target": {"objectId": user_id(0)}, "accessPackageId": PACKAGE, "policyId": POLICY},
        {"op": "assign", "target": "bulk.user1@contoso.com", "accessPackageId": PACKAGE, "policyId": POLICY},
        {"operation": "get_access_package", "args": [PACKAGE]},
        {"operation": "get_access_package", "args": ["00000000-0000-4000-8000-000000000000"]},
    ]);
    let events = job_events(&client, "bulkRun", json!({"operations": ops})).await;
    let done = events.last().unwrap();
    assert_eq!(
        (done["created"].as_u64(), done["failed"].as_u64()),
        (Some(3), Some(1)),
        "{events:?}"
    );
    let failed = events.iter().find(|e| e["outcome"] == "failed").unwrap();
    assert_eq!(failed["index"], 3);
    assert_eq!(failed["error"]["kind"], "NotFound", "{failed}");
}
