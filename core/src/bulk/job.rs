// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The job kinds `bulkAssign`, `bulkRemove` and `bulkRun`: the engine behind
//! the bridge's [`Job`](crate::bridge::Job), so every language gets bulk
//! work from one options format (camelCase keys, unknown keys refused).
//!
//! Events: `{"type": "item", "index", "target", "outcome", "requestId"?,
//! "reason"?, "error"?}` per item, `{"type": "progress", "done", "total",
//! "created", "skipped", "reconciled", "failed", "throttled", "requests",
//! "concurrency", "elapsedMs"}` on the way, and the summary (the same
//! counts, plus `cancelled`) in the `done` event.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;

use super::{BulkOptions, Item, Precheck, Subject};
use crate::bridge::JobContext;
use crate::{Client, Error, Filter, Result};

/// The options of the three kinds, in one type so unknown keys are refused
/// by name (each kind checks that it got what it needs).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    // bulkAssign
    access_package_id: Option<String>,
    policy_id: Option<String>,
    targets: Option<Vec<Value>>,
    // bulkRemove (with accessPackageId)
    assignment_ids: Option<Vec<String>>,
    filter: Option<String>,
    // bulkRun
    operations: Option<Vec<Value>>,
    // every kind
    max_concurrency: Option<usize>,
    initial_concurrency: Option<usize>,
    max_attempts: Option<u32>,
    journal: Option<PathBuf>,
    precheck: Option<String>,
    progress_interval_ms: Option<u64>,
}

impl Options {
    fn parse(kind: &str, options: Value) -> Result<Options> {
        let options = if options.is_null() {
            Value::Object(Default::default())
        } else {
            options
        };
        serde_path_to_error::deserialize(options).map_err(|e| {
            let at = e.path().to_string();
            Error::invalid_argument(format!("{kind} options: {} (at {at})", e.inner()))
        })
    }

    /// Refuses the keys of another kind (`allowed` are this kind's own).
    fn only(&self, kind: &str, allowed: &[&str]) -> Result<()> {
        let given = [
            ("accessPackageId", self.access_package_id.is_some()),
            ("policyId", self.policy_id.is_some()),
            ("targets", self.targets.is_some()),
            ("assignmentIds", self.assignment_ids.is_some()),
            ("filter", self.filter.is_some()),
            ("operations", self.operations.is_some()),
        ];
        match given.iter().find(|(k, set)| *set && !allowed.contains(k)) {
            Some((k, _)) => Err(Error::invalid_argument(format!(
                "{kind} options: unknown key {k:?} (it belongs to another bulk kind)"
            ))),
            None => Ok(()),
        }
    }

    fn bulk(&self) -> Result<BulkOptions> {
        let mut o = BulkOptions::default();
        if let Some(n) = self.max_concurrency {
            if n == 0 {
                return Err(Error::invalid_argument("maxConcurrency must be at least 1"));
            }
            o.max_concurrency = n;
            o.initial_concurrency = o.initial_concurrency.min(n);
        }
        if let Some(n) = self.initial_concurrency {
            o.initial_concurrency = n.clamp(1, o.max_concurrency);
        }
        if let Some(n) = self.max_attempts {
            o.max_attempts = n.max(1);
        }
        o.journal = self.journal.clone();
        if let Some(p) = &self.precheck {
            o.precheck = match p.as_str() {
                "auto" => Precheck::Auto,
                "package" => Precheck::Package,
                "target" => Precheck::Target,
                "none" => Precheck::None,
                other => {
                    return Err(Error::invalid_argument(format!(
                        "precheck {other:?}: auto, package, target or none"
                    )))
                }
            };
        }
        if let Some(ms) = self.progress_interval_ms {
            o.progress_interval = Duration::from_millis(ms);
        }
        Ok(o)
    }
}

/// Runs the engine, forwarding its events to the job's consumer.
async fn drive(ctx: JobContext, items: Vec<Item>, options: BulkOptions) -> Result<Value> {
    let (tx, mut rx) = mpsc::channel(256);
    let client = ctx.client.clone();
    let engine = tokio::spawn(async move { super::run(&client, items, options, tx).await });
    while let Some(ev) = rx.recv().await {
        if !ctx.emit(ev.to_json()).await {
            // Nobody listens: dropping the receiver stops the engine.
            break;
        }
    }
    drop(rx);
    match engine.await {
        Ok(r) => r.map(|s| s.to_json()),
        Err(e) if e.is_panic() => Err(crate::bridge::panic_error(e.into_panic())),
        Err(_) => Err(Error::internal("the bulk engine was cancelled")),
    }
}

/// `bulkAssign`: `{"accessPackageId", "policyId", "targets": [id | email |
/// {"objectId"} | {"email"}], "maxConcurrency"?, "journal"?, ...}`.
pub async fn bulk_assign(ctx: JobContext, options: Value) -> Result<Value> {
    let o = Options::parse("bulkAssign", options)?;
    o.only("bulkAssign", &["accessPackageId", "policyId", "targets"])?;
    let (Some(package), Some(policy), Some(targets)) =
        (&o.access_package_id, &o.policy_id, &o.targets)
    else {
        return Err(Error::invalid_argument(
            "bulkAssign needs accessPackageId, policyId and targets",
        ));
    };
    let items = assign_items(package, policy, targets)?;
    drive(ctx, items, o.bulk()?).await
}

/// The items assigning `targets` to a package under a policy.
pub fn assign_items(package: &str, policy: &str, targets: &[Value]) -> Result<Vec<Item>> {
    if package.trim().is_empty() || policy.trim().is_empty() {
        return Err(Error::invalid_argument(
            "accessPackageId and policyId must not be empty",
        ));
    }
    targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let target = Subject::from_json(t)
                .map_err(|e| Error::invalid_argument(format!("targets[{i}]: {}", e.message)))?;
            Ok(Item::Assign {
                target,
                access_package_id: package.to_string(),
                policy_id: policy.to_string(),
            })
        })
        .collect()
}

/// `bulkRemove`: `{"assignmentIds": [...]}`, or `{"accessPackageId", "filter"?}`
/// for every assignment of the package held now (narrowed by `filter`).
pub async fn bulk_remove(ctx: JobContext, options: Value) -> Result<Value> {
    let o = Options::parse("bulkRemove", options)?;
    o.only(
        "bulkRemove",
        &["assignmentIds", "accessPackageId", "filter"],
    )?;
    let ids = match (&o.assignment_ids, &o.access_package_id) {
        (Some(ids), None) if o.filter.is_none() => ids.clone(),
        (None, Some(pkg)) => held_assignments(&ctx.client, pkg, o.filter.as_deref()).await?,
        _ => return Err(Error::invalid_argument(
            "bulkRemove takes either assignmentIds or accessPackageId (with an optional filter)",
        )),
    };
    let items = ids
        .into_iter()
        .map(|assignment_id| Item::Remove { assignment_id })
        .collect();
    drive(ctx, items, o.bulk()?).await
}

/// The ids of the package's delivered assignments matching `filter`.
pub async fn held_assignments(
    client: &Client,
    package: &str,
    filter: Option<&str>,
) -> Result<Vec<String>> {
    let mut f = Filter::eq("accessPackage/id", package)?.and(Filter::eq("state", "delivered")?);
    if let Some(extra) = filter.filter(|s| !s.trim().is_empty()) {
        f = f.and(Filter::raw(extra));
    }
    let mut out = Vec::new();
    let mut stream = std::pin::pin!(client
        .list_assignments()
        .filter_by(f)
        .select(["id", "state"])
        .stream());
    while let Some(asg) = futures_util::StreamExt::next(&mut stream).await {
        if let Some(id) = asg?.id {
            out.push(id);
        }
    }
    Ok(out)
}

/// `bulkRun`: `{"operations": [...]}`, each `{"op": "assign", "target",
/// "accessPackageId", "policyId"}`, `{"op": "remove", "assignmentId"}` or
/// `{"operation": "create_catalog", "args"?, "query"?, "body"?}`.
pub async fn bulk_run(ctx: JobContext, options: Value) -> Result<Value> {
    let o = Options::parse("bulkRun", options)?;
    o.only("bulkRun", &["operations"])?;
    let Some(operations) = &o.operations else {
        return Err(Error::invalid_argument("bulkRun needs operations"));
    };
    let items = operations
        .iter()
        .enumerate()
        .map(|(i, v)| {
            run_item(v)
                .map_err(|e| Error::invalid_argument(format!("operations[{i}]: {}", e.message)))
        })
        .collect::<Result<Vec<_>>>()?;
    drive(ctx, items, o.bulk()?).await
}

/// One entry of `bulkRun`'s `operations`.
pub fn run_item(v: &Value) -> Result<Item> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let need = |k: &str| {
        s(k).filter(|x| !x.trim().is_empty())
            .ok_or_else(|| Error::invalid_argument(format!("needs {k:?}")))
    };
    match (s("op").as_deref(), s("operation")) {
        (Some("assign"), None) => Ok(Item::Assign {
            target: Subject::from_json(v.get("target").unwrap_or(&Value::Null))?,
            access_package_id: need("accessPackageId")?,
            policy_id: need("policyId")?,
        }),
        (Some("remove"), None) => Ok(Item::Remove { assignment_id: need("assignmentId")? }),
        (None, Some(operation)) => {
            crate::bridge::Call::operation(&operation)?;
            Ok(Item::Call {
                operation,
                args: v.get("args").cloned().unwrap_or(Value::Array(vec![])),
                query: v.get("query").cloned().unwrap_or(Value::Null),
                body: v.get("body").cloned().filter(|b| !b.is_null()),
            })
        }
        _ => Err(Error::invalid_argument(format!("an operation is {{\"op\": \"assign\"|\"remove\", ...}} or {{\"operation\": NAME, ...}}: {v}"))),
    }
}
