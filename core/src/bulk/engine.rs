// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The engine behind [`super::run`]: a dispatcher keeping at most
//! `max_concurrency` items alive, each item sending its requests through the
//! shared [`Limiter`], and a report per item.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::journal::{Journal, Recorded};
use super::limiter::Limiter;
use super::{BulkOptions, Event, Item, ItemReport, Outcome, Precheck, Subject, Summary};
use crate::api::{ApiVersion, Operation};
use crate::bridge::{Call, RawBody};
use crate::{Client, Error, ErrorKind, Filter, QueryOptions, RawResponse, Result, RetryPolicy};

/// Graph's refusal of a second open request or assignment for a target.
const EXISTS: &str = "ExistingOpenRequestOrAssignment";
/// Request states in which a request is still open (will deliver or wait).
const OPEN: &[&str] = &[
    "submitted",
    "pendingapproval",
    "delivering",
    "scheduled",
    "accepted",
    "pendingnotbefore",
];
/// Assignment states in which the target has, or is getting, the access.
const HELD: &[&str] = &[
    "delivered",
    "delivering",
    "pendingdelivery",
    "partiallydelivered",
];

fn op(name: &str) -> Result<&'static Operation> {
    Operation::find(ApiVersion::V1, name)
        .ok_or_else(|| Error::internal(format!("operation {name} is not declared")))
}

/// Where existing requests and assignments of a package were read into.
type Existing = HashMap<String, String>;

struct Shared {
    client: Client,
    limiter: Arc<Limiter>,
    journal: Option<Journal>,
    options: BulkOptions,
    /// Per access package (lowercased): subject key → existing request or assignment id.
    existing: HashMap<String, Existing>,
    requests: AtomicU64,
}

/// Runs `items`, sending an [`Event`] per settled item and progress on the
/// way; returns the summary. A closed `events` receiver cancels the run
/// (items in flight are abandoned; the journal lets a rerun reconcile them).
/// Only a failure of the whole run (the journal cannot be opened or written,
/// the pre-check read fails) is an `Err`; an item's failure is in its report.
pub async fn run(
    client: &Client,
    items: Vec<Item>,
    options: BulkOptions,
    events: mpsc::Sender<Event>,
) -> Result<Summary> {
    let started = Instant::now();
    let journal = options.journal.as_deref().map(Journal::open).transpose()?;
    // One attempt per call: the engine retries, behind the shared gate.
    let once = RetryPolicy {
        max_attempts: 1,
        ..client.retry_policy().clone()
    };
    let limiter = Limiter::new(options.initial_concurrency, options.max_concurrency);
    let mut shared = Shared {
        client: client.with_retry(once),
        limiter,
        journal,
        options,
        existing: HashMap::new(),
        requests: AtomicU64::new(0),
    };
    let keys: Vec<String> = items.iter().enumerate().map(|(i, it)| it.key(i)).collect();
    let settled = |k: &str| {
        matches!(
            shared.journal.as_ref().and_then(|j| j.earlier(k)),
            Some(Recorded::Done { .. })
        )
    };
    // Read the packages whose assign items are better checked in one pass.
    let mut per_package: HashMap<String, usize> = HashMap::new();
    for (it, k) in items.iter().zip(&keys) {
        if let Item::Assign {
            access_package_id, ..
        } = it
        {
            if !settled(k) {
                *per_package
                    .entry(access_package_id.to_lowercase())
                    .or_default() += 1;
            }
        }
    }
    for (package, n) in per_package {
        let scan = match shared.options.precheck {
            Precheck::Package => true,
            Precheck::Auto => package_is_small(&shared, &package, n).await?,
            Precheck::Target | Precheck::None => false,
        };
        if scan {
            let found = read_package(&shared, &package).await?;
            shared.existing.insert(package, found);
        }
    }
    let shared = Arc::new(shared);
    let mut summary = Summary {
        total: items.len(),
        ..Summary::default()
    };
    let mut last_progress = Instant::now();
    let mut seen = HashSet::new();
    let mut set: JoinSet<ItemReport> = JoinSet::new();
    let live = shared.options.max_concurrency.max(1);
    let mut cancelled = false;

    let mut report = |r: ItemReport, summary: &mut Summary| {
        summary.done += 1;
        match r.outcome {
            Outcome::Created => summary.created += 1,
            Outcome::Skipped => summary.skipped += 1,
            Outcome::Reconciled => summary.reconciled += 1,
            Outcome::Failed => summary.failed += 1,
        }
        let mut out = vec![Event::Item(r)];
        if summary.done % 100 == 0
            || last_progress.elapsed() >= shared.options.progress_interval
            || summary.done == summary.total
        {
            last_progress = Instant::now();
            summary.throttled = shared.limiter.throttled_count();
            summary.requests = shared.requests.load(Ordering::Relaxed);
            summary.concurrency = shared.limiter.concurrency();
            summary.elapsed = started.elapsed();
            out.push(Event::Progress(summary.clone()));
        }
        out
    };

    for (index, (item, key)) in items.into_iter().zip(keys).enumerate() {
        while set.len() >= live {
            let Some(done) = set.join_next().await else {
                break;
            };
            for ev in report(joined(done), &mut summary) {
                cancelled |= events.send(ev).await.is_err();
            }
        }
        while let Some(done) = set.try_join_next() {
            for ev in report(joined(done), &mut summary) {
                cancelled |= events.send(ev).await.is_err();
            }
        }
        if cancelled {
            break;
        }
        let target = item.target();
        let recorded = shared
            .journal
            .as_ref()
            .and_then(|j| j.earlier(&key))
            .cloned();
        let immediate = if !seen.insert(key.clone()) {
            Some((None, "duplicate"))
        } else if let Some(Recorded::Done { request_id, .. }) = &recorded {
            Some((request_id.clone(), "journal"))
        } else {
            None
        };
        if let Some((request_id, reason)) = immediate {
            for ev in report(skip(index, target, request_id, reason), &mut summary) {
                cancelled |= events.send(ev).await.is_err();
            }
            continue;
        }
        let sh = shared.clone();
        set.spawn(async move {
            let in_flight_at_crash = recorded == Some(Recorded::Sent);
            let result = match &item {
                Item::Assign {
                    target: subject,
                    access_package_id,
                    policy_id,
                } => {
                    assign(
                        &sh,
                        &key,
                        subject,
                        access_package_id,
                        policy_id,
                        in_flight_at_crash,
                    )
                    .await
                }
                Item::Remove { assignment_id } => {
                    remove(&sh, &key, assignment_id, in_flight_at_crash).await
                }
                Item::Call {
                    operation,
                    args,
                    query,
                    body,
                } => {
                    call(
                        &sh,
                        &key,
                        operation,
                        args,
                        query,
                        body.as_ref(),
                        in_flight_at_crash,
                    )
                    .await
                }
            };
            let (outcome, request_id, reason, error) = match result {
                Ok((outcome, id, reason)) => (outcome, id, reason, None),
                Err(e) => (Outcome::Failed, None, None, Some(e)),
            };
            if let Some(j) = &sh.journal {
                let kind = error.as_ref().map(|e| e.kind.as_str());
                if let Err(e) = j.settled(&key, outcome.as_str(), request_id.as_deref(), kind) {
                    tracing::warn!("{e}");
                }
            }
            ItemReport {
                index,
                target,
                outcome,
                request_id,
                reason,
                error,
            }
        });
    }
    if cancelled {
        set.abort_all();
    }
    while let Some(done) = set.join_next().await {
        if matches!(&done, Err(e) if e.is_cancelled()) {
            continue;
        }
        for ev in report(joined(done), &mut summary) {
            cancelled |= events.send(ev).await.is_err();
        }
    }
    summary.throttled = shared.limiter.throttled_count();
    summary.requests = shared.requests.load(Ordering::Relaxed);
    summary.concurrency = shared.limiter.concurrency();
    summary.elapsed = started.elapsed();
    summary.cancelled = cancelled || summary.done < summary.total;
    Ok(summary)
}

fn skip(
    index: usize,
    target: String,
    request_id: Option<String>,
    reason: &'static str,
) -> ItemReport {
    ItemReport {
        index,
        target,
        outcome: Outcome::Skipped,
        request_id,
        reason: Some(reason),
        error: None,
    }
}

/// A task's report; a panicked task is a failed item, not a failed run.
fn joined(r: std::result::Result<ItemReport, tokio::task::JoinError>) -> ItemReport {
    r.unwrap_or_else(|e| {
        let err = if e.is_panic() {
            crate::bridge::panic_error(e.into_panic())
        } else {
            Error::internal("the item's task was cancelled")
        };
        ItemReport {
            index: usize::MAX,
            target: String::new(),
            outcome: Outcome::Failed,
            request_id: None,
            reason: None,
            error: Some(err),
        }
    })
}

type Settled = (Outcome, Option<String>, Option<&'static str>);

/// One request, sent once per attempt behind the shared gate. Throttled
/// answers (429, 503 with `Retry-After`) close the gate and are retried;
/// refused connections are retried; for an idempotent request, 503/504 and
/// transport failures too. Anything else is the caller's to judge.
async fn send(sh: &Shared, what: Send<'_>) -> Result<RawResponse> {
    let max = sh.options.max_attempts.max(1);
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(100),
        ..RetryPolicy::default()
    };
    // Throttled answers have a budget of their own, ten times larger: under
    // a shared gate with many items in flight one item can lose the race
    // for the first token after a window many times in a row, and a bulk
    // job should not fail an item only because it was unlucky.
    let max_throttled = max.saturating_mul(10);
    let (mut attempt, mut throttled_attempts) = (0, 0u32);
    loop {
        attempt += 1;
        let permit = sh.limiter.acquire().await;
        sh.requests.fetch_add(1, Ordering::Relaxed);
        let (result, idempotent) = match &what {
            Send::Op {
                op,
                args,
                query,
                body,
            } => {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                (
                    sh.client.call(op, &args, query, body.clone()).await,
                    op.is_idempotent(),
                )
            }
            Send::Next(url) => (sh.client.fetch_next(url).await, true),
        };
        let e = match result {
            Ok(r) => {
                sh.limiter.success(permit);
                return Ok(r);
            }
            Err(e) => e,
        };
        let throttled = e.status == Some(429) || (e.status == Some(503) && e.retry_after.is_some());
        if throttled && throttled_attempts + 1 < max_throttled {
            throttled_attempts += 1;
            attempt -= 1;
            sh.limiter.throttled(
                permit,
                e.retry_after.unwrap_or(sh.options.default_retry_after),
            );
            continue;
        }
        sh.limiter.release(permit);
        let not_sent = e.kind == ErrorKind::Network && !e.outcome_unknown;
        let transient = matches!(e.status, Some(503 | 504))
            || matches!(e.kind, ErrorKind::Network | ErrorKind::Timeout);
        if attempt < max && (not_sent || (idempotent && transient)) {
            tokio::time::sleep(policy.backoff(attempt)).await;
            continue;
        }
        return Err(e);
    }
}

enum Send<'a> {
    Op {
        op: &'static Operation,
        args: Vec<String>,
        query: &'a QueryOptions,
        body: Option<Vec<u8>>,
    },
    Next(String),
}

/// Every object of a list, following `@odata.nextLink`.
async fn list_all(sh: &Shared, name: &str, query: &QueryOptions) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    let mut raw = send(
        sh,
        Send::Op {
            op: op(name)?,
            args: vec![],
            query,
            body: None,
        },
    )
    .await?;
    loop {
        let page: Value = serde_json::from_slice(&raw.body)
            .map_err(|e| Error::decode(format!("{name}: a page is not JSON: {e}")))?;
        if let Some(items) = page.get("value").and_then(Value::as_array) {
            out.extend(items.iter().cloned());
        }
        match page.get("@odata.nextLink").and_then(Value::as_str) {
            Some(next) => raw = send(sh, Send::Next(next.to_string())).await?,
            None => return Ok(out),
        }
    }
}

fn lower(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The subject keys of an expanded `target`.
fn target_keys(obj: &Value) -> Vec<String> {
    let t = obj.get("target").unwrap_or(&Value::Null);
    let mut keys = Vec::new();
    for k in ["objectId", "id"] {
        if let Some(id) = t.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()) {
            keys.push(Subject::ObjectId(id.into()).key());
        }
    }
    for k in ["email", "principalName"] {
        if let Some(m) = t.get(k).and_then(Value::as_str).filter(|s| s.contains('@')) {
            keys.push(Subject::Email(m.into()).key());
        }
    }
    keys
}

fn holds(asg: &Value) -> bool {
    HELD.contains(&lower(asg, "state").as_str())
}

/// The package's (or, with `extra`, one target's) assignments held, by
/// subject key. Open requests are not read: a v1.0 request names its target
/// only through its assignment, which exists once delivery starts; a create
/// for a target with an open request is refused by the service
/// (`ExistingOpenRequestOrAssignment`), which the engine takes as a skip.
async fn read_existing(sh: &Shared, package: &str, extra: Option<Filter>) -> Result<Existing> {
    let mut filter = Filter::eq("accessPackage/id", package)?;
    if let Some(f) = extra {
        filter = filter.and(f);
    }
    let query = QueryOptions {
        filter: Some(filter.to_string()),
        expand: vec!["target".into()],
        ..Default::default()
    };
    let mut found = Existing::new();
    for asg in list_all(sh, "list_assignments", &query)
        .await?
        .iter()
        .filter(|a| holds(a))
    {
        for k in target_keys(asg) {
            found.insert(k, lower(asg, "id"));
        }
    }
    Ok(found)
}

async fn read_package(sh: &Shared, package: &str) -> Result<Existing> {
    read_existing(sh, package, None).await
}

/// Whether reading the package's assignments costs fewer pages than one
/// read per target (a `$count` decides).
async fn package_is_small(sh: &Shared, package: &str, targets: usize) -> Result<bool> {
    let mut rows = 0u64;
    for name in ["list_assignments"] {
        let query = QueryOptions {
            filter: Some(Filter::eq("accessPackage/id", package)?.to_string()),
            top: Some(1),
            count: true,
            ..Default::default()
        };
        let raw = send(
            sh,
            Send::Op {
                op: op(name)?,
                args: vec![],
                query: &query,
                body: None,
            },
        )
        .await?;
        let page: Value = serde_json::from_slice(&raw.body).unwrap_or(Value::Null);
        // Without a count the size is unknown: a scan is the safe choice.
        rows += page
            .get("@odata.count")
            .and_then(Value::as_u64)
            .unwrap_or(0);
    }
    Ok(rows.div_ceil(100) <= targets as u64)
}

/// The existing request or assignment of one target for a package.
async fn lookup(sh: &Shared, package: &str, subject: &Subject) -> Result<Option<String>> {
    let extra = match subject {
        Subject::ObjectId(id) => Filter::eq("target/objectId", id.as_str())?,
        Subject::Email(mail) => Filter::eq("target/email", mail.as_str())?,
    };
    Ok(read_existing(sh, package, Some(extra))
        .await?
        .remove(&subject.key()))
}

fn journal_sent(sh: &Shared, key: &str) -> Result<()> {
    sh.journal.as_ref().map_or(Ok(()), |j| j.sent(key))
}

fn created_id(raw: &RawResponse) -> Option<String> {
    serde_json::from_slice::<Value>(&raw.body)
        .ok()?
        .get("id")?
        .as_str()
        .map(str::to_string)
}

/// Times an item whose outcome came back unknown is read and, when the read
/// shows it was not applied, sent again.
const RECONCILE_ROUNDS: usize = 3;

/// Journals the item as sent, then sends one assignment request (behind the
/// gate, throttled answers retried there): `Ok(Ok(..))` when it was created,
/// `Ok(Err(e))` with the service's refusal or an unknown outcome for the
/// caller to judge, `Err` when the journal cannot be written.
async fn create_request(
    sh: &Shared,
    key: &str,
    body: &[u8],
) -> Result<std::result::Result<Settled, Error>> {
    journal_sent(sh, key)?;
    let query = QueryOptions::default();
    let sent = send(
        sh,
        Send::Op {
            op: op("create_assignment_request")?,
            args: vec![],
            query: &query,
            body: Some(body.to_vec()),
        },
    )
    .await;
    Ok(sent.map(|raw| (Outcome::Created, created_id(&raw), None)))
}

fn still_unknown(key: &str) -> Error {
    Error::new(
        ErrorKind::Service,
        format!("{key}: the outcome stayed unknown after {RECONCILE_ROUNDS} attempts, each read back and not found"),
    )
}

async fn assign(
    sh: &Shared,
    key: &str,
    subject: &Subject,
    package: &str,
    policy: &str,
    in_flight_at_crash: bool,
) -> Result<Settled> {
    let known = sh.existing.get(&package.to_lowercase());
    let found = match known {
        Some(set) => set.get(&subject.key()).cloned(),
        None if in_flight_at_crash || sh.options.precheck != Precheck::None => {
            lookup(sh, package, subject).await?
        }
        None => None,
    };
    if let Some(id) = found {
        return Ok(if in_flight_at_crash {
            (Outcome::Reconciled, Some(id), None)
        } else {
            (Outcome::Skipped, Some(id), Some("exists"))
        });
    }
    let body = json!({
        "requestType": "adminAdd",
        "assignment": {"accessPackageId": package, "assignmentPolicyId": policy, "target": subject.to_json()},
    });
    let body = serde_json::to_vec(&body).map_err(|e| Error::internal(e.to_string()))?;
    let mut unknown = in_flight_at_crash;
    for _ in 0..RECONCILE_ROUNDS {
        let e = match create_request(sh, key, &body).await? {
            Ok(created) => return Ok(created),
            Err(e) => e,
        };
        if e.code.as_deref() == Some(EXISTS) {
            // The service refused a duplicate: what we wanted is there (an
            // open request not yet delivered, or an earlier send of ours).
            let id = lookup(sh, package, subject).await.ok().flatten();
            return Ok(if unknown {
                (Outcome::Reconciled, id, None)
            } else {
                (Outcome::Skipped, id, Some("exists"))
            });
        }
        if !e.outcome_unknown {
            return Err(e);
        }
        unknown = true;
        if let Some(id) = lookup(sh, package, subject).await? {
            return Ok((Outcome::Reconciled, Some(id), None));
        }
        tracing::debug!(
            key,
            "outcome unknown and not found by reading: sending again"
        );
    }
    Err(still_unknown(key))
}

/// The assignment's package and target, when it is still held; `None` when
/// it is gone (404) or no longer held.
async fn held_assignment(sh: &Shared, id: &str) -> Result<Option<(String, String)>> {
    let query = QueryOptions {
        expand: vec!["target".into(), "accessPackage".into()],
        ..Default::default()
    };
    match send(
        sh,
        Send::Op {
            op: op("get_assignment")?,
            args: vec![id.to_string()],
            query: &query,
            body: None,
        },
    )
    .await
    {
        Ok(raw) => {
            let asg: Value = serde_json::from_slice(&raw.body)
                .map_err(|e| Error::decode(format!("get_assignment: {e}")))?;
            if !holds(&asg) {
                return Ok(None);
            }
            let package = asg
                .get("accessPackageId")
                .or_else(|| asg.get("accessPackage").and_then(|p| p.get("id")))
                .and_then(Value::as_str)
                .unwrap_or("");
            let target = asg
                .get("target")
                .and_then(|t| t.get("objectId"))
                .and_then(Value::as_str)
                .unwrap_or("");
            Ok(Some((package.to_string(), target.to_string())))
        }
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// An open removal request for the assignment (the package's requests are
/// read: only when reconciling an unknown outcome).
async fn open_removal(sh: &Shared, package: &str, assignment: &str) -> Result<Option<String>> {
    if package.is_empty() {
        return Ok(None);
    }
    let query = QueryOptions {
        filter: Some(Filter::eq("accessPackage/id", package)?.to_string()),
        expand: vec!["assignment".into()],
        ..Default::default()
    };
    let reqs = list_all(sh, "list_assignment_requests", &query).await?;
    let mine = |r: &&Value| {
        r.get("assignment")
            .is_some_and(|a| lower(a, "id") == assignment.to_ascii_lowercase())
    };
    Ok(reqs
        .iter()
        .filter(mine)
        .find(|r| {
            lower(r, "requesttype").ends_with("remove")
                && OPEN.contains(&lower(r, "state").as_str())
        })
        .map(|r| lower(r, "id")))
}

/// Whether the removal happened or is under way: `Some(id)` of the open
/// removal request, `Some(None)` when the assignment is gone.
async fn removal_state(sh: &Shared, assignment: &str) -> Result<Option<Option<String>>> {
    match held_assignment(sh, assignment).await? {
        None => Ok(Some(None)),
        Some((package, _)) => Ok(open_removal(sh, &package, assignment).await?.map(Some)),
    }
}

async fn remove(
    sh: &Shared,
    key: &str,
    assignment: &str,
    in_flight_at_crash: bool,
) -> Result<Settled> {
    if in_flight_at_crash {
        if let Some(id) = removal_state(sh, assignment).await? {
            return Ok((Outcome::Reconciled, id, None));
        }
    } else if sh.options.precheck != Precheck::None
        && held_assignment(sh, assignment).await?.is_none()
    {
        return Ok((Outcome::Skipped, None, Some("gone")));
    }
    let body = json!({"requestType": "adminRemove", "assignment": {"id": assignment}});
    let body = serde_json::to_vec(&body).map_err(|e| Error::internal(e.to_string()))?;
    for _ in 0..RECONCILE_ROUNDS {
        let e = match create_request(sh, key, &body).await? {
            Ok(created) => return Ok(created),
            Err(e) => e,
        };
        if e.outcome_unknown {
            if let Some(id) = removal_state(sh, assignment).await? {
                return Ok((Outcome::Reconciled, id, None));
            }
            continue;
        }
        // Refused: when the assignment is already gone (or going), there is nothing to do.
        if matches!(e.kind, ErrorKind::NotFound | ErrorKind::BadRequest) {
            if let Some(id) = removal_state(sh, assignment).await? {
                return Ok((Outcome::Skipped, id, Some("gone")));
            }
        }
        return Err(e);
    }
    Err(still_unknown(key))
}

async fn call(
    sh: &Shared,
    key: &str,
    operation: &str,
    args: &Value,
    query: &Value,
    body: Option<&Value>,
    in_flight_at_crash: bool,
) -> Result<Settled> {
    let text = body
        .map(|b| serde_json::to_vec(b).map_err(|e| Error::invalid_argument(e.to_string())))
        .transpose()?;
    let raw_body = text.as_deref().map_or(RawBody::None, RawBody::Text);
    let c = Call::new(operation, args.clone(), query.clone(), raw_body)?;
    if in_flight_at_crash && !c.op.is_idempotent() {
        let mut e = Error::new(ErrorKind::Service, format!("{operation} was sent by an interrupted run and its outcome is unknown: it is not sent again; read the object back"));
        e.outcome_unknown = true;
        return Err(e);
    }
    if !c.op.is_idempotent() {
        journal_sent(sh, key)?;
    }
    let raw = send(
        sh,
        Send::Op {
            op: c.op,
            args: c.args.clone(),
            query: &c.query,
            body: c.body.clone(),
        },
    )
    .await?;
    Ok((Outcome::Created, created_id(&raw), None))
}
