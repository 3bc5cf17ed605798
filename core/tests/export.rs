// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Export over real loopback HTTP against a seeded emulator: JSONL lines are
//! the listed objects, CSV columns their values, segmentation by access
//! package covers every object once, the job kind reports progress.

use std::collections::BTreeSet;
use std::time::Duration;

use entitlement::bridge::{Call, Job};
use entitlement::export::{export, Destination, ExportOptions, Format, Resource};
use entitlement::{Client, ErrorKind, RetryPolicy};
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed, SeedUser};
use serde_json::{json, Value};

const N: usize = 1_050;
const PACKAGES: usize = 3;

fn user(i: usize) -> String {
    format!("1{i:07x}-0000-4000-8000-{i:012x}")
}
fn package(p: usize) -> String {
    format!("5{p:07x}-0000-4000-8000-{p:012x}")
}
fn policy(p: usize) -> String {
    format!("6{p:07x}-0000-4000-8000-{p:012x}")
}

fn seed() -> Seed {
    let mut seed = Seed::default();
    seed.users.extend((0..N).map(|i| SeedUser {
        id: user(i),
        display_name: format!(
            "User \"{i}\", the {}",
            if i % 2 == 0 { "even" } else { "odd" }
        ),
        user_principal_name: format!("user{i}@contoso.com"),
        password: None,
        roles: vec![],
        mail: None,
    }));
    seed.objects.insert(
        "accessPackages".into(),
        (0..PACKAGES)
            .map(|p| json!({"id": package(p), "displayName": format!("Package {p}"), "catalogId": ids::GENERAL_CATALOG_ID}))
            .collect(),
    );
    seed.objects.insert(
        "assignmentPolicies".into(),
        (0..PACKAGES)
            .map(|p| json!({"id": policy(p), "displayName": "p", "accessPackageId": package(p)}))
            .collect(),
    );
    seed.objects.insert(
        "assignments".into(),
        (0..N)
            .map(|i| {
                json!({"id": format!("2{i:07x}-0000-4000-8000-{i:012x}"), "accessPackageId": package(i % PACKAGES),
                       "assignmentPolicyId": policy(i % PACKAGES), "targetId": user(i),
                       "state": if i % 10 == 0 { "expired" } else { "delivered" }})
            })
            .collect(),
    );
    seed.objects.insert(
        "assignmentRequests".into(),
        (0..250)
            .map(|i| {
                json!({"id": format!("3{i:07x}-0000-4000-8000-{i:012x}"), "requestType": "adminAdd",
                       "accessPackageId": package(i % PACKAGES), "assignmentPolicyId": policy(i % PACKAGES),
                       "targetId": user(i), "justification": format!("line one\nline \"two\", {i}")})
            })
            .collect(),
    );
    seed
}

async fn start() -> (Emulator, Client) {
    let emu = Emulator::start(EmulatorConfig {
        seed: seed(),
        page_size: 100,
        ..Default::default()
    })
    .await
    .expect("starts");
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
        .unwrap();
    (emu, client)
}

/// Every object of a list call, as the pages carry them.
async fn listed(client: &Client, op: &str, query: Value) -> Vec<Value> {
    let call = Call::list(op, Value::Null, query).unwrap();
    let mut out = Vec::new();
    let mut r = call.send(client).await.unwrap();
    loop {
        let page = r.items_json().unwrap();
        out.extend(serde_json::from_slice::<Vec<Value>>(&page.items).unwrap());
        match page.next_link {
            Some(l) => r = call.next_page(client, &l).await.unwrap(),
            None => return out,
        }
    }
}

/// RFC 4180 records (quoted fields with doubled quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CR without LF"),
            (false, '\n') => panic!("a record ends with a bare LF"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last record lacks CRLF"
    );
    rows
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("entitlement-export-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

async fn run(
    client: &Client,
    options: &ExportOptions,
    dest: Destination,
) -> entitlement::Result<entitlement::export::ExportSummary> {
    let mut pages = 0;
    let r = export(client, options, dest, &mut |p| {
        pages += 1;
        assert!(p.count as usize <= N);
        true
    })
    .await;
    if let Ok(s) = &r {
        assert!(s.count == 0 || pages > 0, "no progress reported");
    }
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jsonl_lines_are_the_listed_objects_in_order() {
    let (_emu, client) = start().await;
    let path = tmp("assignments.jsonl");
    let opts = ExportOptions::new(Resource::Assignments, Format::Jsonl);
    let summary = run(&client, &opts, Destination::File(path.clone()))
        .await
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(summary.count as usize, N);
    assert_eq!(summary.bytes as usize, text.len());
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        listed(&client, "list_assignments", Value::Null).await
    );

    // Requests with $expand: the justifications' line breaks stay inside one line each.
    let mut opts = ExportOptions::new(Resource::AssignmentRequests, Format::Jsonl);
    opts.expand = Some("requestor,accessPackage".into());
    let summary = run(&client, &opts, Destination::File(path.clone()))
        .await
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(summary.count, 250);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        listed(
            &client,
            "list_assignment_requests",
            json!({"expand": "requestor,accessPackage"})
        )
        .await
    );
    assert!(
        lines[0]["accessPackage"]["displayName"].is_string(),
        "{}",
        lines[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_has_the_documented_columns_and_quotes() {
    let (_emu, client) = start().await;
    let path = tmp("assignments.csv");
    let mut opts = ExportOptions::new(Resource::Assignments, Format::Csv);
    opts.expand = Some("target,accessPackage".into());
    opts.filter = Some("state eq 'delivered'".into());
    let summary = run(&client, &opts, Destination::File(path.clone()))
        .await
        .unwrap();
    let rows = parse_csv(&std::fs::read_to_string(&path).unwrap());
    let header: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    assert_eq!(header, Resource::Assignments.columns());
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let want = listed(
        &client,
        "list_assignments",
        json!({"expand": "target,accessPackage", "filter": "state eq 'delivered'"}),
    )
    .await;
    assert_eq!(summary.count as usize, want.len());
    assert_eq!(want.len(), N - N / 10);
    assert_eq!(rows.len() - 1, want.len());
    for (row, obj) in rows[1..].iter().zip(&want) {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[col("id")], obj["id"].as_str().unwrap());
        assert_eq!(row[col("state")], "delivered");
        assert_eq!(
            row[col("target.displayName")],
            obj["target"]["displayName"].as_str().unwrap()
        );
        assert_eq!(
            row[col("accessPackage.displayName")],
            obj["accessPackage"]["displayName"].as_str().unwrap()
        );
        assert_eq!(
            row[col("schedule.startDateTime")],
            obj["schedule"]["startDateTime"].as_str().unwrap()
        );
        assert_eq!(row[col("expiredDateTime")], "");
    }

    // Request justifications with quotes, a comma and a line break survive.
    let opts = ExportOptions::new(Resource::AssignmentRequests, Format::Csv);
    run(&client, &opts, Destination::File(path.clone()))
        .await
        .unwrap();
    let rows = parse_csv(&std::fs::read_to_string(&path).unwrap());
    let j = Resource::AssignmentRequests
        .columns()
        .iter()
        .position(|c| *c == "justification")
        .unwrap();
    assert_eq!(rows.len(), 251);
    assert_eq!(rows[1][j], "line one\nline \"two\", 0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segmented_by_access_package_covers_every_object_once() {
    let (_emu, client) = start().await;
    let all: BTreeSet<String> = listed(&client, "list_assignments", Value::Null)
        .await
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let path = tmp("segmented.jsonl");
    let mut opts = ExportOptions::new(Resource::Assignments, Format::Jsonl);
    opts.segment_by_access_package = true;
    opts.concurrency = 2;
    let summary = run(&client, &opts, Destination::File(path.clone()))
        .await
        .unwrap();
    assert_eq!(summary.packages, Some(PACKAGES));
    let lines: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(lines.len(), N, "no object twice");
    assert_eq!(lines.into_iter().collect::<BTreeSet<_>>(), all);

    // One file per package, with the caller's filter ANDed.
    let dir = tmp("per-package");
    let _ = std::fs::remove_dir_all(&dir);
    opts.format = Format::Csv;
    opts.filter = Some("state eq 'expired'".into());
    let summary = run(&client, &opts, Destination::PerPackage(dir.clone()))
        .await
        .unwrap();
    assert_eq!(summary.count as usize, N / 10);
    let mut total = 0;
    for p in 0..PACKAGES {
        let rows =
            parse_csv(&std::fs::read_to_string(dir.join(format!("{}.csv", package(p)))).unwrap());
        let want = listed(&client, "list_assignments", json!({"filter": format!("state eq 'expired' and accessPackage/id eq '{}'", package(p))})).await;
        assert_eq!(rows.len() - 1, want.len());
        total += want.len();
    }
    assert_eq!(total, N / 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_errors_end_the_export_with_their_kind() {
    let (_emu, client) = start().await;
    let mut opts = ExportOptions::new(Resource::Assignments, Format::Jsonl);
    opts.filter = Some("state eq".into());
    let err = run(&client, &opts, Destination::File(tmp("bad.jsonl")))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadRequest, "{err}");
    let opts = ExportOptions::new(Resource::Assignments, Format::Jsonl);
    let err = run(&client, &opts, Destination::PerPackage(tmp("x")))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument);
    let err = run(
        &client,
        &opts,
        Destination::File("/nonexistent-dir/x.jsonl".into()),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_job_reports_progress_and_a_summary() {
    let (_emu, client) = start().await;
    let path = tmp("job.csv");
    let job = Job::start(
        &client,
        "export",
        json!({"resource": "assignments", "format": "csv", "path": path.to_str().unwrap()}),
    )
    .unwrap();
    let (mut progress, mut done) = (Vec::new(), None);
    while let Some(ev) = job.next().await {
        let ev = ev.unwrap();
        match ev["type"].as_str() {
            Some("progress") => progress.push(ev),
            Some("done") => done = Some(ev),
            other => panic!("unexpected event {other:?}"),
        }
    }
    let done = done.expect("done");
    assert_eq!(done["count"], N);
    assert!(
        done["bytes"].as_u64().unwrap() > 0 && done["seconds"].as_f64().is_some(),
        "{done}"
    );
    assert!(!progress.is_empty());
    let counts: Vec<u64> = progress
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .collect();
    // Never backwards; the last page may be reported again with the final figures.
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert_eq!(*counts.last().unwrap() as usize, N);
    assert!(
        progress.last().unwrap()["objectsPerSecond"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert_eq!(
        parse_csv(&std::fs::read_to_string(&path).unwrap()).len(),
        N + 1
    );

    // Cancelled after the first progress event: it stops early and says so.
    let job = Job::start(
        &client,
        "export",
        json!({"path": tmp("cancel.jsonl").to_str().unwrap(), "pageSize": 10}),
    )
    .unwrap();
    let first = job.next().await.unwrap().unwrap();
    assert_eq!(first["type"], "progress");
    job.cancel();
    let mut last = first;
    while let Some(ev) = job.next().await {
        last = ev.unwrap();
    }
    assert_eq!(last["type"], "done");
    assert_eq!(last["cancelled"], true);
    assert!((last["count"].as_u64().unwrap() as usize) < N, "{last}");

    let err = Job::start(&client, "export", json!({"format": "xml", "path": "x"}))
        .unwrap()
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument);
}
