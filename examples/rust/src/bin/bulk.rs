// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Assign a list of users to an access package with the bulk engine (a
//! journal makes a rerun resume where the last one stopped), then export the
//! package's assignments to JSONL.
//!
//! ```sh
//! cargo run --release -p entitlement-examples --bin bulk -- [OUT_DIR]   # an emulator seeded with 50 users
//! AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… ENTITLEMENT_ACCESS_PACKAGE_ID=… \
//! ENTITLEMENT_POLICY_ID=… ENTITLEMENT_TARGETS=users.txt cargo run --release -p entitlement-examples --bin bulk
//! ```

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use entitlement::bulk::{self, BulkOptions, Event, Item, Outcome, Subject, Summary};
use entitlement::export::{export, Destination, ExportOptions, Format, Progress, Resource};
use entitlement::models::v1::AccessPackageRequestState;
use entitlement::{Client, Filter};
use entitlement_emulator::{Emulator, EmulatorConfig, Seed};
use serde_json::{json, Value};
use tokio::sync::mpsc;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const USERS: usize = 50;
const TENANT: &str = "b0b0b0b0-0000-4000-8000-000000000000";
const APP_ID: &str = "b0b0b0b0-0000-4000-8000-0000000000a1";
const APP_SECRET: &str = "bulk-example-secret";
const CATALOG: &str = "b0b0b0b0-0000-4000-8000-0000000000c1";
const PACKAGE: &str = "b0b0b0b0-0000-4000-8000-0000000000d1";
const POLICY: &str = "b0b0b0b0-0000-4000-8000-0000000000e1";

struct Job {
    client: Client,
    package_id: String,
    policy_id: String,
    targets: Vec<String>,
}

fn user_id(i: usize) -> String {
    format!("b1000000-0000-4000-8000-{i:012x}")
}

/// A tenant with `USERS` users, one access package with an admin-assigned
/// policy, and user 0 already assigned (the run skips them).
fn seed() -> Result<Seed> {
    let users: Vec<Value> = (0..USERS)
        .map(|i| {
            json!({"id": user_id(i), "displayName": format!("Bulk User {i}"),
                        "userPrincipalName": format!("bulk.user{i}@contoso.com")})
        })
        .collect();
    Ok(serde_json::from_value(json!({
        "tenantId": TENANT,
        "users": users,
        "applications": [{"clientId": APP_ID, "clientSecret": APP_SECRET, "displayName": "Bulk example",
                          "permissions": ["EntitlementManagement.ReadWrite.All"]}],
        "catalogs": [{"id": CATALOG, "displayName": "Bulk", "description": "Bulk example", "catalogType": "userManaged",
                      "state": "published", "isExternallyVisible": true}],
        "objects": {
            "accessPackages": [{"id": PACKAGE, "catalogId": CATALOG, "displayName": "Onboarding",
                                "description": "Everyone's first day", "isHidden": false}],
            "assignmentPolicies": [{
                "id": POLICY, "accessPackageId": PACKAGE, "displayName": "Admin assigned", "description": "direct",
                "allowedTargetScope": "notSpecified", "specificAllowedTargets": [],
                "requestorSettings": {"enableTargetsToSelfAddAccess": false},
                "requestApprovalSettings": {"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false,
                                            "stages": []},
                "expiration": {"type": "noExpiration"}}],
            "assignments": [{
                "id": "b2000000-0000-4000-8000-000000000000", "state": "delivered", "status": "Delivered",
                "accessPackageId": PACKAGE, "assignmentPolicyId": POLICY, "targetId": user_id(0),
                "schedule": {"startDateTime": "2026-01-05T09:00:00Z", "expiration": {"type": "noExpiration"}}}],
        },
    }))?)
}

/// The tenant and job named by the environment, or `None` to use the emulator.
fn real_tenant() -> Result<Option<Job>> {
    let Ok(client_id) = std::env::var("AZURE_CLIENT_ID") else {
        return Ok(None);
    };
    let env = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let client = Client::builder()
        .base_url(
            env("ENTITLEMENT_ENDPOINT").unwrap_or_else(|_| "https://graph.microsoft.com".into()),
        )
        // Before client_secret, which takes the authority set so far.
        .authority(
            env("ENTITLEMENT_AUTHORITY")
                .unwrap_or_else(|_| "https://login.microsoftonline.com".into()),
        )
        .client_secret(
            &env("AZURE_TENANT_ID")?,
            &client_id,
            env("AZURE_CLIENT_SECRET")?,
        )
        .build()?;
    let targets = std::fs::read_to_string(env("ENTITLEMENT_TARGETS")?)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    Ok(Some(Job {
        client,
        package_id: env("ENTITLEMENT_ACCESS_PACKAGE_ID")?,
        policy_id: env("ENTITLEMENT_POLICY_ID")?,
        targets,
    }))
}

/// Assignments appear as their requests are delivered: wait for that before exporting.
async fn wait_until_settled(client: &Client, package_id: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let requests = client
            .list_assignment_requests()
            .filter_by(Filter::eq("accessPackage/id", package_id)?)
            .all()
            .await?;
        let pending = requests
            .iter()
            .filter(|r| {
                matches!(
                    r.state,
                    Some(
                        AccessPackageRequestState::Submitted
                            | AccessPackageRequestState::Delivering
                    )
                )
            })
            .count();
        if pending == 0 {
            return Ok(());
        }
        println!("  {pending} requests still being delivered");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err("requests still pending after the wait".into())
}

async fn assign_and_export(job: Job, out_dir: &Path) -> Result<Summary> {
    let journal = out_dir.join("assign-journal.jsonl");
    // Read first: a wrong id or credential fails here, before any bulk work.
    let package = job
        .client
        .get_access_package(&job.package_id)
        .send()
        .await?;
    println!(
        "assigning {} users to '{}' ({}), journal {}",
        job.targets.len(),
        package.display_name.unwrap_or_default(),
        job.package_id,
        journal.display()
    );
    let items: Vec<Item> = job
        .targets
        .iter()
        .map(|t| Item::Assign {
            target: Subject::ObjectId(t.clone()),
            access_package_id: job.package_id.clone(),
            policy_id: job.policy_id.clone(),
        })
        .collect();
    let options = BulkOptions {
        journal: Some(journal),
        max_concurrency: 8,
        ..Default::default()
    };
    let (events, mut settled) = mpsc::channel(256);
    let client = job.client.clone();
    let engine = tokio::spawn(async move { bulk::run(&client, items, options, events).await });
    while let Some(event) = settled.recv().await {
        match event {
            Event::Progress(p) => println!(
                "  [{}/{}] created {}, skipped {}, failed {}, concurrency {}",
                p.done, p.total, p.created, p.skipped, p.failed, p.concurrency
            ),
            Event::Item(item) if item.outcome == Outcome::Failed => {
                let why = item.error.map(|e| e.to_string()).unwrap_or_default();
                println!("  failed: {}: {why}", item.target);
            }
            Event::Item(_) => {}
        }
    }
    let report = engine.await??;
    println!(
        "bulk assign: {} created, {} skipped, {} reconciled, {} failed in {:.1} s ({} requests, {} throttled)",
        report.created,
        report.skipped,
        report.reconciled,
        report.failed,
        report.elapsed.as_secs_f64(),
        report.requests,
        report.throttled
    );

    wait_until_settled(&job.client, &job.package_id).await?;
    let out = out_dir.join("assignments.jsonl");
    let mut options = ExportOptions::new(Resource::Assignments, Format::Jsonl);
    options.filter = Some(Filter::eq("accessPackage/id", job.package_id.as_str())?.to_string());
    options.expand = Some("target".into());
    let summary = export(
        &job.client,
        &options,
        Destination::File(out.clone()),
        &mut |_: &Progress| true,
    )
    .await?;
    let mut states = BTreeMap::<String, usize>::new();
    for line in std::fs::read_to_string(&out)?.lines() {
        let assignment: Value = serde_json::from_str(line)?;
        *states
            .entry(assignment["state"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    println!(
        "exported {} assignments ({} bytes) to {}: {states:?}",
        summary.count,
        summary.bytes,
        out.display()
    );
    Ok(report)
}

async fn run(out_dir: PathBuf) -> Result<Summary> {
    std::fs::create_dir_all(&out_dir)?;
    if let Some(job) = real_tenant()? {
        return assign_and_export(job, &out_dir).await;
    }
    // A new emulator knows nothing of an earlier run: start without its journal.
    let _ = std::fs::remove_file(out_dir.join("assign-journal.jsonl"));
    let config = EmulatorConfig {
        seed: seed()?,
        delivery_delay: Duration::from_millis(50),
        ..Default::default()
    };
    let emu = Emulator::start(config).await?;
    println!("emulator at {}", emu.base_url());
    let client = Client::builder()
        .base_url(emu.base_url())
        .authority(emu.authority())
        .client_secret(TENANT, APP_ID, APP_SECRET)
        .build()?;
    let job = Job {
        client,
        package_id: PACKAGE.into(),
        policy_id: POLICY.into(),
        targets: (0..USERS).map(user_id).collect(),
    };
    let report = assign_and_export(job, &out_dir).await;
    emu.shutdown().await;
    report
}

#[tokio::main]
async fn main() -> ExitCode {
    let out_dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    match run(out_dir.into()).await {
        Ok(report) if report.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
