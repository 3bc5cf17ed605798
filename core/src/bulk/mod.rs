// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Bulk operations at tenant scale: assign many targets to an access
//! package, remove many assignments, or run any list of operations, under
//! Graph's throttling.
//!
//! What decides such a job is not CPU but the service's limits, duplicates
//! and crashes, so the policy is:
//!
//! - **Adaptive concurrency** ([`limiter`]): AIMD on the requests in flight
//!   (halved on 429/503, one slot more per window of successes, at most
//!   [`BulkOptions::max_concurrency`]) and one `Retry-After` gate shared by
//!   every worker: nothing is sent before the service said it may be. The
//!   client sends each request once ([`crate::Client::with_retry`]); the
//!   retries are the engine's, so the gate sees every throttled answer.
//! - **Idempotency**: before an assignment is requested, an existing
//!   assignment or open request for the same target and package is looked
//!   up (the package's assignments and requests read once into a set, or one
//!   `$filter` per target when the package is much larger than the job) and
//!   the item is **skipped**, not duplicated. The service's own refusal
//!   (`ExistingOpenRequestOrAssignment`) is a skip too.
//! - **Unknown outcomes**: a create whose outcome is unknown
//!   ([`crate::Error::outcome_unknown`]: a 504, a connection lost after
//!   sending) is reconciled by reading the target's requests for the
//!   package; it is sent again only when the read shows it was not applied.
//! - **A resumable journal** ([`journal`]): one JSONL record per step,
//!   written before the step's effect; a rerun skips settled items without a
//!   request and reconciles the items that were in flight.
//! - **Progress and a report**: an [`Event`] per settled item and periodic
//!   progress, a [`Summary`] at the end.
//!
//! [`run`] is the engine; the job kinds `bulkAssign`, `bulkRemove` and
//! `bulkRun` ([`job`]) carry it to every language.

mod engine;
pub mod job;
pub mod journal;
pub mod limiter;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

pub use engine::run;

use crate::Error;

/// Whom to assign: a directory object, or someone by email (a guest the
/// service invites when nobody in the directory has the address).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A user's (or service principal's) object id in the directory.
    ObjectId(String),
    /// An email address: a user with that address, or a guest the service
    /// invites.
    Email(String),
}

impl Subject {
    /// A target as the job options and target files give it: a bare string
    /// (an object id, or an email when it has an `@`), `{"objectId"}` or `{"email"}`.
    pub fn from_json(v: &Value) -> crate::Result<Subject> {
        let text = |s: &str| s.trim().to_string();
        match v {
            Value::String(s) if s.trim().is_empty() => {
                Err(Error::invalid_argument("a target is an empty string"))
            }
            Value::String(s) if s.contains('@') => Ok(Subject::Email(text(s))),
            Value::String(s) => Ok(Subject::ObjectId(text(s))),
            Value::Object(m) => match (
                m.get("objectId").and_then(Value::as_str),
                m.get("email").and_then(Value::as_str),
            ) {
                (Some(id), _) if !id.trim().is_empty() => Ok(Subject::ObjectId(text(id))),
                (_, Some(mail)) if mail.contains('@') => Ok(Subject::Email(text(mail))),
                _ => Err(Error::invalid_argument(format!(
                    "a target object needs \"objectId\" or \"email\": {v}"
                ))),
            },
            other => Err(Error::invalid_argument(format!(
                "a target is an object id, an email or {{\"objectId\"}}/{{\"email\"}}, not {other}"
            ))),
        }
    }

    /// The subject as the request body's `target` names it.
    pub fn to_json(&self) -> Value {
        match self {
            Subject::ObjectId(id) => json!({"objectId": id}),
            Subject::Email(mail) => json!({"email": mail}),
        }
    }

    /// How items and existing objects are matched: ids and addresses are
    /// case-insensitive in Graph.
    pub(crate) fn key(&self) -> String {
        match self {
            Subject::ObjectId(id) => format!("id:{}", id.to_lowercase()),
            Subject::Email(mail) => format!("email:{}", mail.to_lowercase()),
        }
    }

    /// The id or address, for reports.
    pub fn as_str(&self) -> &str {
        match self {
            Subject::ObjectId(s) | Subject::Email(s) => s,
        }
    }
}

/// One unit of bulk work.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An `adminAdd` assignment request.
    Assign {
        /// Whom to assign.
        target: Subject,
        /// The access package to assign.
        access_package_id: String,
        /// The assignment policy of that package the assignment is made under.
        policy_id: String,
    },
    /// An `adminRemove` request for an assignment.
    Remove {
        /// The assignment to remove.
        assignment_id: String,
    },
    /// Any operation by its qualified name, as the bindings call them
    /// (`"create_catalog"`, `"beta.delete_access_package"`). Idempotent
    /// operations are retried freely; a create or action whose outcome is
    /// unknown is reported failed with `outcomeUnknown`, never sent twice.
    Call {
        /// The qualified operation name.
        operation: String,
        /// Path arguments: an array of strings in path order.
        args: Value,
        /// OData options as the bindings give them (`{"filter": …, "top": …}`),
        /// `null` for none.
        query: Value,
        /// The request body, for operations that take one.
        body: Option<Value>,
    },
}

impl Item {
    /// The journal key: what the item does, not where it is in the input.
    pub fn key(&self, index: usize) -> String {
        match self {
            Item::Assign {
                target,
                access_package_id,
                ..
            } => format!(
                "assign|{}|{}",
                access_package_id.to_lowercase(),
                target.key()
            ),
            Item::Remove { assignment_id } => format!("remove|{}", assignment_id.to_lowercase()),
            Item::Call { operation, .. } => format!("call|{index}|{operation}"),
        }
    }

    /// The item as reports name it.
    pub fn target(&self) -> String {
        match self {
            Item::Assign { target, .. } => target.as_str().to_string(),
            Item::Remove { assignment_id } => assignment_id.clone(),
            Item::Call {
                operation, args, ..
            } => match args.as_array().filter(|a| !a.is_empty()) {
                Some(a) => format!(
                    "{operation}({})",
                    a.iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => operation.clone(),
            },
        }
    }
}

/// How existing assignments and requests are looked up before assigning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precheck {
    /// Read each package's assignments and open requests once (two `$count`
    /// reads decide) when that costs fewer pages than one read per target.
    #[default]
    Auto,
    /// Read each package's assignments and requests once, into a set.
    Package,
    /// One `$filter` by target and package per item.
    Target,
    /// No lookup (the service's refusal of a duplicate is still a skip).
    None,
}

/// Options of a bulk run.
#[derive(Debug, Clone)]
pub struct BulkOptions {
    /// Requests in flight at most.
    pub max_concurrency: usize,
    /// Requests in flight at the start.
    pub initial_concurrency: usize,
    /// Attempts per request (refused connections, transient failures)
    /// before the item fails; throttled answers are retried, each after its
    /// `Retry-After`, up to ten times this many times.
    pub max_attempts: u32,
    /// The JSONL journal to resume from and append to.
    pub journal: Option<PathBuf>,
    /// How existing assignments and open requests are looked up, so an item
    /// already applied is skipped without a request (default
    /// [`Precheck::Auto`]).
    pub precheck: Precheck,
    /// How often a progress event is sent (also after every 100 items).
    pub progress_interval: Duration,
    /// The wait after a throttled answer without `Retry-After`.
    pub default_retry_after: Duration,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            max_concurrency: 16,
            initial_concurrency: 4,
            max_attempts: 30,
            journal: None,
            precheck: Precheck::Auto,
            progress_interval: Duration::from_millis(500),
            default_retry_after: Duration::from_secs(1),
        }
    }
}

/// How an item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Sent and accepted.
    Created,
    /// Nothing to do: an assignment or open request exists (or, for a
    /// removal, the assignment is already gone), or an earlier run settled it.
    Skipped,
    /// The outcome was unknown (here or in an interrupted run) and reading
    /// found the item applied.
    Reconciled,
    /// Not applied: the service refused it, or the attempts ran out, or its
    /// outcome stayed unknown; [`ItemReport::error`] says why.
    Failed,
}

impl Outcome {
    /// The outcome's name in events, reports and the journal (`created`,
    /// `skipped`, `reconciled`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Skipped => "skipped",
            Outcome::Reconciled => "reconciled",
            Outcome::Failed => "failed",
        }
    }
}

/// The report of one item.
#[derive(Debug, Clone)]
pub struct ItemReport {
    /// Position in the input.
    pub index: usize,
    /// The item as reports name it ([`Item::target`]): an id, an address, or
    /// an operation with its arguments.
    pub target: String,
    /// How the item ended.
    pub outcome: Outcome,
    /// The assignment request (or the existing object) the item maps to.
    pub request_id: Option<String>,
    /// Why it was skipped (`exists`, `journal`, `gone`).
    pub reason: Option<&'static str>,
    /// The error of a failed item (with `outcome_unknown` when it may have
    /// been applied).
    pub error: Option<Error>,
}

impl ItemReport {
    /// The report as an `{"type": "item", …}` event, camelCase keys as every
    /// binding shows them.
    pub fn to_json(&self) -> Value {
        let mut v = json!({"type": "item", "index": self.index, "target": self.target, "outcome": self.outcome.as_str()});
        if let Some(id) = &self.request_id {
            v["requestId"] = json!(id);
        }
        if let Some(r) = self.reason {
            v["reason"] = json!(r);
        }
        if let Some(e) = &self.error {
            v["error"] = crate::bridge::error_json(e);
        }
        v
    }
}

/// Counts so far (a progress event) or at the end (the summary).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Items in the input.
    pub total: usize,
    /// Items settled so far, whatever their outcome.
    pub done: usize,
    /// Items with [`Outcome::Created`].
    pub created: usize,
    /// Items with [`Outcome::Skipped`].
    pub skipped: usize,
    /// Items with [`Outcome::Reconciled`].
    pub reconciled: usize,
    /// Items with [`Outcome::Failed`].
    pub failed: usize,
    /// Throttled answers (429, 503 with `Retry-After`) met on the way.
    pub throttled: u64,
    /// Requests sent (reads included).
    pub requests: u64,
    /// Requests allowed in flight right now: the limiter starts at
    /// `initial_concurrency`, halves it on throttling (never below 1) and
    /// raises it again up to `max_concurrency`.
    pub concurrency: usize,
    /// Time since the run started.
    pub elapsed: Duration,
    /// The run stopped before every item was settled (cancelled).
    pub cancelled: bool,
}

impl Summary {
    /// The counts as a JSON object (camelCase keys, `elapsedMs`), the summary
    /// every binding returns.
    pub fn to_json(&self) -> Value {
        json!({
            "total": self.total,
            "done": self.done,
            "created": self.created,
            "skipped": self.skipped,
            "reconciled": self.reconciled,
            "failed": self.failed,
            "throttled": self.throttled,
            "requests": self.requests,
            "concurrency": self.concurrency,
            "elapsedMs": self.elapsed.as_millis() as u64,
            "cancelled": self.cancelled,
        })
    }

    /// As a `{"type": "progress", ...}` event.
    pub fn progress_json(&self) -> Value {
        let mut v = self.to_json();
        v["type"] = json!("progress");
        if let Some(m) = v.as_object_mut() {
            m.remove("cancelled");
        }
        v
    }
}

/// What [`run`] reports as it goes.
#[derive(Debug, Clone)]
pub enum Event {
    /// One item settled.
    Item(ItemReport),
    /// Counts so far, sent every `progress_interval` and after every 100 items.
    Progress(Summary),
}

impl Event {
    /// The event as its JSON object (`"type": "item"` or `"progress"`).
    pub fn to_json(&self) -> Value {
        match self {
            Event::Item(r) => r.to_json(),
            Event::Progress(s) => s.progress_json(),
        }
    }
}
