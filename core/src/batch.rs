// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! JSON batching (`$batch`): many operations in few round trips.
//!
//! A [`Batch`] holds the same prepared calls a direct request sends
//! ([`Call`]: operation, path arguments, query, body), so an item is exactly
//! what that call would have sent. [`Batch::send`] posts them to
//! `{base}/{version}/$batch` in envelopes of at most [`MAX_PER_REQUEST`]
//! (Graph's limit) and gives one result per item, in the order they were
//! added: the item's [`Response`] or an [`Error`] with the item's status,
//! Graph code and message, and request id.
//!
//! Retries are per item and follow the client's [`RetryPolicy`]: an item
//! answered 429, 503 or 504 is sent again in a later envelope, never before
//! its own `Retry-After` (each item has its own), up to the policy's
//! attempts and within its deadline (counted from the item's first send).
//! The rule for writes is the one of a direct call: a create or an action is
//! sent again only when the service said it did not run it (429, 503 with
//! `Retry-After`); after a 504, another 5xx, or an envelope whose answer was
//! lost (a transport failure after sending), its outcome is unknown and it
//! fails with [`Error::outcome_unknown`] instead of being sent twice. Reads
//! and idempotent writes in that envelope are simply sent again.
//!
//! `dependsOn`: an item may name earlier items; it is sent in the same
//! envelope as them (or after they succeeded) and fails with 424 when one
//! of them failed. Items of different API versions go in different
//! envelopes.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use crate::api::ApiVersion;
use crate::bridge::{Call, Response};
use crate::client::{Client, ListRequest, RawResponse, Request};
use crate::error::{Error, ErrorKind, Result};
use crate::paging::Page;
use crate::retry::{parse_retry_after, RetryPolicy};

/// Graph's limit of requests in one `$batch` envelope.
pub const MAX_PER_REQUEST: usize = 20;

/// One operation of a batch, with an optional id and dependencies.
#[derive(Debug, Clone)]
pub struct BatchItem {
    call: Call,
    id: Option<String>,
    depends_on: Vec<String>,
}

impl BatchItem {
    /// An item for `call`, with the default id and no dependencies.
    pub fn new(call: Call) -> Self {
        BatchItem {
            call,
            id: None,
            depends_on: Vec::new(),
        }
    }
    /// The item's id in the envelope (default: its position, from `"1"`).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
    /// Ids of earlier items that must succeed before this one runs.
    pub fn depends_on<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.depends_on.extend(ids.into_iter().map(Into::into));
        self
    }
}

impl From<Call> for BatchItem {
    fn from(call: Call) -> Self {
        BatchItem::new(call)
    }
}

/// A typed request that can be a batch item: its [`Call`], and what its
/// result decodes as.
pub trait Batchable {
    /// What the item's response decodes as (a list request's first page is a
    /// [`Page`]).
    type Output;
    /// The request as a prepared call (the body serialized).
    fn into_call(self) -> Result<Call>;
}

impl<R> Batchable for Request<R> {
    type Output = R;
    fn into_call(self) -> Result<Call> {
        let (op, args, query, body) = self.into_parts()?;
        Ok(Call {
            op,
            args,
            query,
            body,
        })
    }
}

impl<T> Batchable for ListRequest<T> {
    type Output = Page<T>;
    fn into_call(self) -> Result<Call> {
        let (op, args, query) = self.into_parts();
        Ok(Call {
            op,
            args,
            query,
            body: None,
        })
    }
}

/// Names the result of an item added with [`Batch::add`], typed as the
/// request it came from.
#[derive(Debug)]
pub struct BatchKey<R> {
    index: usize,
    _r: PhantomData<fn() -> R>,
}

impl<R> Clone for BatchKey<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for BatchKey<R> {}

impl<R> BatchKey<R> {
    /// The item's position in the batch.
    pub fn index(&self) -> usize {
        self.index
    }
}

/// Operations to send together. Build it, then [`Batch::send`].
///
/// ```no_run
/// # async fn run(client: entitlement::Client) -> entitlement::Result<()> {
/// use entitlement::batch::Batch;
/// let mut batch = Batch::new();
/// let catalogs = batch.add(client.list_catalogs())?;
/// let me = batch.add(client.get_catalog("c1"))?;
/// let results = batch.send(&client).await?;
/// println!("{} catalogs", results.get(catalogs)?.value.len());
/// let _catalog = results.get(me);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Batch {
    items: Vec<BatchItem>,
    version: Option<ApiVersion>,
}

impl Batch {
    /// An empty batch, sent to the client's version.
    pub fn new() -> Self {
        Batch::default()
    }

    /// The version the v1.0 operations are sent to (default: the client's;
    /// beta operations always go to `/beta/$batch`).
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// Adds a prepared call (or a [`BatchItem`]); returns its index.
    pub fn push(&mut self, item: impl Into<BatchItem>) -> usize {
        self.items.push(item.into());
        self.items.len() - 1
    }

    /// Adds a typed request (`client.get_catalog(id)`, `client.list_catalogs().top(5)`, …);
    /// the key reads its typed result from [`BatchResults::get`] (a list
    /// request's first page, as a [`Page`]).
    pub fn add<B: Batchable>(&mut self, request: B) -> Result<BatchKey<B::Output>> {
        let index = self.push(request.into_call()?);
        Ok(BatchKey {
            index,
            _r: PhantomData,
        })
    }

    /// Items added so far (a batch of more than 20 is sent as several
    /// envelopes).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// No item added: sending it sends nothing.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sends every item (see the module documentation). `Err` only for a
    /// batch that cannot be sent at all (duplicate ids, a `dependsOn` that
    /// names no earlier item); everything the service answers is per item.
    pub async fn send(self, client: &Client) -> Result<BatchResults> {
        Engine::new(client, self)?.run().await
    }
}

impl Client {
    /// Sends a [`Batch`]: `client.batch(batch).await` is `batch.send(&client).await`.
    pub async fn batch(&self, batch: Batch) -> Result<BatchResults> {
        batch.send(self).await
    }
}

/// The outcome of one item.
#[derive(Debug)]
pub struct BatchItemResult {
    /// The item's id in the envelope.
    pub id: String,
    /// The item's response (2xx) or its error.
    pub result: Result<Response>,
    /// Times the item was sent (0: never, e.g. a failed dependency).
    pub attempts: u32,
}

/// Every item's outcome, in the order the items were added.
#[derive(Debug)]
pub struct BatchResults {
    /// One result per item, at the index [`Batch::push`] returned.
    pub items: Vec<BatchItemResult>,
}

impl BatchResults {
    /// The typed result of an item added with [`Batch::add`].
    pub fn get<R: DeserializeOwned>(&self, key: BatchKey<R>) -> Result<R> {
        let item = self
            .items
            .get(key.index)
            .ok_or_else(|| Error::invalid_argument(format!("no batch item {}", key.index)))?;
        let resp = item.result.as_ref().map_err(Clone::clone)?;
        let raw = resp.raw();
        let body: &[u8] = if raw.status == 204 || raw.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &raw.body
        };
        serde_json::from_slice(body).map_err(|e| {
            let mut err = Error::decode(format!(
                "unexpected {} response in a batch: {e}",
                resp.operation().name
            ));
            err.status = Some(raw.status);
            err.request_id = raw.request_id.clone();
            err
        })
    }

    /// Items that succeeded.
    pub fn succeeded(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_ok()).count()
    }

    /// Items that failed.
    pub fn failed(&self) -> usize {
        self.items.len() - self.succeeded()
    }

    /// Sends beyond each item's first (the per-item retries).
    pub fn retried(&self) -> u32 {
        self.items
            .iter()
            .map(|i| i.attempts.saturating_sub(1))
            .sum()
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation().name)
            .field("status", &self.raw().status)
            .finish()
    }
}

/// Where an item is.
enum Slot {
    /// Waiting to be sent, not before `not_before`.
    Pending {
        not_before: Option<Instant>,
    },
    Done(Result<Response>),
}

struct Engine<'a> {
    client: &'a Client,
    policy: RetryPolicy,
    version: ApiVersion,
    calls: Vec<Call>,
    ids: Vec<String>,
    /// Indices of the items each depends on (always earlier ones).
    deps: Vec<Vec<usize>>,
    slots: Vec<Slot>,
    attempts: Vec<u32>,
    first_sent: Vec<Option<Instant>>,
}

/// An item's answer inside the envelope.
#[derive(Deserialize)]
struct ItemAnswer<'a> {
    #[serde(borrow)]
    id: &'a RawValue,
    status: u16,
    #[serde(default)]
    headers: Option<Map<String, Value>>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    responses: Vec<ItemAnswer<'a>>,
}

impl<'a> Engine<'a> {
    fn new(client: &'a Client, batch: Batch) -> Result<Self> {
        let n = batch.items.len();
        let explicit: std::collections::HashSet<String> =
            batch.items.iter().filter_map(|i| i.id.clone()).collect();
        let mut next_auto = 0usize;
        let mut ids = Vec::with_capacity(n);
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut deps = Vec::with_capacity(n);
        let mut calls = Vec::with_capacity(n);
        for (i, item) in batch.items.into_iter().enumerate() {
            let id = match item.id {
                Some(id) if id.is_empty() => {
                    return Err(Error::invalid_argument(format!(
                        "batch item {i}: the id must not be empty"
                    )))
                }
                Some(id) => id,
                None => loop {
                    next_auto += 1;
                    let id = next_auto.to_string();
                    if !explicit.contains(&id) {
                        break id;
                    }
                },
            };
            if index.insert(id.clone(), i).is_some() {
                return Err(Error::invalid_argument(format!(
                    "batch item {i}: the id {id:?} is used twice"
                )));
            }
            let mut d = Vec::new();
            for dep in &item.depends_on {
                match index.get(dep) {
                    Some(&j) if j != i => d.push(j),
                    _ => {
                        return Err(Error::invalid_argument(format!(
                            "batch item {i} ({id:?}) depends on {dep:?}, which is not an earlier item of the batch"
                        )))
                    }
                }
            }
            ids.push(id);
            deps.push(d);
            calls.push(item.call);
        }
        Ok(Engine {
            client,
            policy: client.retry_policy().clone(),
            version: batch.version.unwrap_or_else(|| client.api_version()),
            calls,
            ids,
            deps,
            slots: (0..n).map(|_| Slot::Pending { not_before: None }).collect(),
            attempts: vec![0; n],
            first_sent: vec![None; n],
        })
    }

    fn version_of(&self, i: usize) -> ApiVersion {
        match self.calls[i].op.version {
            ApiVersion::Beta => ApiVersion::Beta,
            ApiVersion::V1 => self.version,
        }
    }

    fn failed(&self, i: usize) -> bool {
        matches!(self.slots[i], Slot::Done(Err(_)))
    }

    fn succeeded(&self, i: usize) -> bool {
        matches!(self.slots[i], Slot::Done(Ok(_)))
    }

    async fn run(mut self) -> Result<BatchResults> {
        loop {
            // Items whose dependency failed fail too, without being sent.
            for i in 0..self.slots.len() {
                if let Slot::Pending { .. } = self.slots[i] {
                    if let Some(&d) = self.deps[i].iter().find(|&&d| self.failed(d)) {
                        self.slots[i] = Slot::Done(Err(failed_dependency(&self.ids[d])));
                    }
                }
            }
            let now = Instant::now();
            let envelope = self.next_envelope(now);
            if envelope.is_empty() {
                // Nothing ready: wait for the earliest Retry-After, or stop.
                let pending = self.slots.iter().any(|s| matches!(s, Slot::Pending { .. }));
                let wake = self
                    .slots
                    .iter()
                    .filter_map(|s| match s {
                        Slot::Pending {
                            not_before: Some(t),
                        } if *t > now => Some(*t),
                        _ => None,
                    })
                    .min();
                match wake {
                    _ if !pending => break,
                    Some(t) => tokio::time::sleep(t - now).await,
                    None => {
                        return Err(Error::internal(
                            "batch: items are pending but none can be sent (a dependency was lost)",
                        ));
                    }
                }
                continue;
            }
            self.send_envelope(&envelope).await?;
        }
        let items = self
            .slots
            .into_iter()
            .zip(self.ids)
            .zip(self.attempts)
            .map(|((slot, id), attempts)| BatchItemResult {
                id,
                result: match slot {
                    Slot::Done(r) => r,
                    Slot::Pending { .. } => Err(Error::internal("batch item left pending")),
                },
                attempts,
            })
            .collect();
        Ok(BatchResults { items })
    }

    /// Up to 20 items ready now, of one version, in order: each one's
    /// dependencies have succeeded or are in the same envelope.
    fn next_envelope(&self, now: Instant) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut version = None;
        for i in 0..self.slots.len() {
            if out.len() == MAX_PER_REQUEST {
                break;
            }
            let Slot::Pending { not_before } = self.slots[i] else {
                continue;
            };
            if not_before.is_some_and(|t| t > now) {
                continue;
            }
            if version.is_some_and(|v| v != self.version_of(i)) {
                continue;
            }
            if !self.deps[i]
                .iter()
                .all(|&d| self.succeeded(d) || out.contains(&d))
            {
                continue;
            }
            version = Some(self.version_of(i));
            out.push(i);
        }
        out
    }

    /// The envelope's JSON: relative URLs, bodies as sent directly.
    fn envelope_json(&self, items: &[usize]) -> Result<Vec<u8>> {
        let mut requests = Vec::with_capacity(items.len());
        for &i in items {
            let call = &self.calls[i];
            let args: Vec<&str> = call.args.iter().map(String::as_str).collect();
            let mut url = call
                .op
                .render_path(&args)
                .map_err(Error::invalid_argument)?;
            let qs = call.query.to_query_string();
            if !qs.is_empty() {
                url.push('?');
                url.push_str(&qs);
            }
            let mut r = json!({"id": self.ids[i], "method": call.op.method, "url": url});
            if let Some(body) = &call.body {
                let body: Box<RawValue> = serde_json::from_slice(body).map_err(|e| {
                    Error::invalid_argument(format!(
                        "batch item {:?}: the body is not JSON: {e}",
                        self.ids[i]
                    ))
                })?;
                r["body"] =
                    serde_json::to_value(body).map_err(|e| Error::internal(e.to_string()))?;
                r["headers"] = json!({"Content-Type": "application/json"});
            }
            let deps: Vec<&str> = self.deps[i]
                .iter()
                .filter(|d| items.contains(d))
                .map(|&d| self.ids[d].as_str())
                .collect();
            if !deps.is_empty() {
                r["dependsOn"] = json!(deps);
            }
            requests.push(r);
        }
        serde_json::to_vec(&json!({ "requests": requests }))
            .map_err(|e| Error::internal(e.to_string()))
    }

    async fn send_envelope(&mut self, items: &[usize]) -> Result<()> {
        let body = match self.envelope_json(items) {
            Ok(b) => b,
            Err(e) => {
                for &i in items {
                    self.slots[i] = Slot::Done(Err(e.clone()));
                }
                return Ok(());
            }
        };
        let sent_at = Instant::now();
        for &i in items {
            self.attempts[i] = self.attempts[i].saturating_add(1);
            self.first_sent[i].get_or_insert(sent_at);
        }
        let version = self.version_of(items[0]);
        let raw = match self.client.post_batch(version, body).await {
            Ok(raw) => raw,
            Err(e) => {
                // The envelope failed as a whole. Unless the service may
                // have run it, nothing ran: every item fails with its error.
                for &i in items {
                    if e.outcome_unknown {
                        self.lost(i, &e);
                    } else {
                        let mut e = e.clone();
                        e.outcome_unknown = false;
                        self.slots[i] = Slot::Done(Err(e));
                    }
                }
                return Ok(());
            }
        };
        let envelope: Envelope<'_> = match serde_json::from_slice(&raw.body) {
            Ok(env) => env,
            Err(e) => {
                let mut err = Error::decode(format!("unexpected $batch response: {e}"));
                err.status = Some(raw.status);
                err.request_id = raw.request_id.clone();
                err.client_request_id = Some(raw.client_request_id.clone());
                for &i in items {
                    self.lost(i, &err);
                }
                return Ok(());
            }
        };
        let received = Instant::now();
        let mut answers: HashMap<String, &ItemAnswer<'_>> = HashMap::new();
        for a in &envelope.responses {
            // Ids are strings; tolerate a service that answers numbers.
            let id = serde_json::from_str::<String>(a.id.get())
                .unwrap_or_else(|_| a.id.get().to_string());
            answers.insert(id, a);
        }
        // In order: a dependency's new state is known before its dependents'.
        for &i in items {
            let Some(a) = answers.get(self.ids[i].as_str()) else {
                let mut err = Error::decode(format!(
                    "the $batch response has no answer for item {:?}",
                    self.ids[i]
                ));
                err.request_id = raw.request_id.clone();
                self.lost(i, &err);
                continue;
            };
            self.answer(i, a, &raw, received);
        }
        Ok(())
    }

    /// The item's outcome is unknown (the envelope may have run): a read or
    /// an idempotent write is sent again, anything else fails.
    fn lost(&mut self, i: usize, err: &Error) {
        if self.calls[i].op.is_idempotent() {
            let mut e = err.clone();
            e.outcome_unknown = false;
            self.retry_or_fail(i, e, None, Instant::now());
        } else {
            let mut e = err.clone();
            if !e.outcome_unknown {
                e.outcome_unknown = true;
                e.message.push_str(
                    " (outcome unknown: the item may have been applied; it is not sent again)",
                );
            }
            self.slots[i] = Slot::Done(Err(e));
        }
    }

    fn answer(&mut self, i: usize, a: &ItemAnswer<'_>, raw: &RawResponse, received: Instant) {
        let header = |name: &str| -> Option<String> {
            a.headers
                .as_ref()?
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.as_str())
                .map(str::to_string)
        };
        let request_id = header("request-id").or_else(|| raw.request_id.clone());
        let body: Bytes = a
            .body
            .map(|b| Bytes::copy_from_slice(b.get().as_bytes()))
            .unwrap_or_default();
        let status = a.status;
        if (200..300).contains(&status) {
            let raw = RawResponse {
                status,
                body,
                request_id,
                client_request_id: raw.client_request_id.clone(),
            };
            self.slots[i] = Slot::Done(Ok(Response::new(self.calls[i].op, raw)));
            return;
        }
        let retry_after =
            header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()));
        let mut err = Error::from_response(
            status,
            &body,
            request_id,
            Some(raw.client_request_id.clone()),
        );
        err.retry_after = retry_after;
        if status == 424
            && self.deps[i]
                .iter()
                .any(|&d| matches!(self.slots[d], Slot::Pending { .. }))
        {
            // Its dependency is being retried: so is it, uncharged.
            self.attempts[i] = self.attempts[i].saturating_sub(1);
            self.slots[i] = Slot::Pending { not_before: None };
            return;
        }
        let idempotent = self.calls[i].op.is_idempotent();
        let has_ra = retry_after.is_some();
        let retryable = if idempotent {
            RetryPolicy::retryable_status(status)
        } else {
            RetryPolicy::not_processed(status, has_ra)
        };
        if retryable {
            self.retry_or_fail(i, err, retry_after, received);
            return;
        }
        if !idempotent && RetryPolicy::outcome_unknown_status(status, has_ra) {
            err.outcome_unknown = true;
            err.message.push_str(
                " (outcome unknown: the item may have been applied; it is not sent again)",
            );
        }
        self.slots[i] = Slot::Done(Err(err));
    }

    /// Schedules another send of item `i` after its `Retry-After` (or a
    /// backoff), unless its attempts or its deadline are used up.
    fn retry_or_fail(
        &mut self,
        i: usize,
        mut err: Error,
        retry_after: Option<Duration>,
        from: Instant,
    ) {
        if self.attempts[i] >= self.policy.max_attempts {
            self.slots[i] = Slot::Done(Err(err));
            return;
        }
        let delay = retry_after.unwrap_or_else(|| self.policy.backoff(self.attempts[i]));
        if let (Some(deadline), Some(first)) = (self.policy.deadline, self.first_sent[i]) {
            let left = deadline.saturating_sub(from.saturating_duration_since(first));
            if delay >= left {
                let asked = if retry_after.is_some() {
                    "the service asked to wait"
                } else {
                    "the next backoff is"
                };
                err.message
                    .push_str(&format!(" (not retried: {asked} {delay:?}, past the call's deadline of {deadline:?} with {left:?} left)"));
                self.slots[i] = Slot::Done(Err(err));
                return;
            }
        }
        self.slots[i] = Slot::Pending {
            not_before: Some(from + delay),
        };
    }
}

fn failed_dependency(dep: &str) -> Error {
    let mut e = Error::new(
        ErrorKind::from_status(424),
        format!("not sent: it depends on batch item {dep:?}, which failed"),
    );
    e.status = Some(424);
    e.code = Some("FailedDependency".into());
    e
}

/// The `"batch"` job kind (every binding's `batch`): options
/// `{"requests": [{"operation", "args", "query", "body", "id", "dependsOn"}], "apiVersion"}`.
/// Emits one `{"type": "item", "index", "id", "status", "attempts", "body" | "error"}`
/// per item in request order and ends with `{succeeded, failed, retried}`.
/// An item that cannot be prepared (unknown operation, wrong arguments)
/// fails the whole job before anything is sent.
pub(crate) async fn job(ctx: crate::bridge::JobContext, options: Value) -> Result<Value> {
    let mut batch = Batch::new();
    match options.get("apiVersion") {
        None | Some(Value::Null) => {}
        Some(Value::String(v)) => {
            let v = ApiVersion::parse(v).ok_or_else(|| {
                Error::invalid_argument(format!(
                    "batch: apiVersion {v:?} is not \"v1.0\" or \"beta\""
                ))
            })?;
            batch = batch.api_version(v);
        }
        Some(other) => {
            return Err(Error::invalid_argument(format!(
                "batch: apiVersion must be a string, got {other}"
            )))
        }
    }
    let requests = match options.get("requests") {
        Some(Value::Array(r)) => r,
        _ => {
            return Err(Error::invalid_argument(
                "batch: options need \"requests\": a list of {operation, args, query, body}",
            ))
        }
    };
    for (i, r) in requests.iter().enumerate() {
        let at = |e: Error| Error {
            message: format!("batch request {i}: {}", e.message),
            ..e
        };
        let Some(r) = r.as_object() else {
            return Err(Error::invalid_argument(format!(
                "batch request {i} must be an object"
            )));
        };
        for key in r.keys() {
            if !matches!(
                key.as_str(),
                "operation" | "args" | "query" | "body" | "id" | "dependsOn"
            ) {
                return Err(Error::invalid_argument(format!(
                    "batch request {i}: unknown key {key:?} (operation, args, query, body, id, dependsOn)"
                )));
            }
        }
        let op = r.get("operation").and_then(Value::as_str).ok_or_else(|| {
            Error::invalid_argument(format!(
                "batch request {i} needs \"operation\" (e.g. \"list_catalogs\")"
            ))
        })?;
        let get = |k: &str| r.get(k).cloned().unwrap_or(Value::Null);
        let body = match get("body") {
            Value::Null => crate::bridge::RawBody::None,
            b => crate::bridge::RawBody::Json(b),
        };
        let call = Call::new(op, get("args"), get("query"), body).map_err(at)?;
        let mut item = BatchItem::new(call);
        match r.get("id") {
            None | Some(Value::Null) => {}
            Some(Value::String(id)) => item = item.id(id.clone()),
            Some(_) => {
                return Err(Error::invalid_argument(format!(
                    "batch request {i}: id must be a string"
                )))
            }
        }
        match r.get("dependsOn") {
            None | Some(Value::Null) => {}
            Some(Value::Array(d)) if d.iter().all(Value::is_string) => {
                item = item.depends_on(d.iter().filter_map(Value::as_str));
            }
            Some(_) => {
                return Err(Error::invalid_argument(format!(
                    "batch request {i}: dependsOn must be a list of ids"
                )))
            }
        }
        batch.push(item);
    }
    let ops: Vec<&'static crate::api::Operation> = batch.items.iter().map(|i| i.call.op).collect();
    let results = batch.send(&ctx.client).await?;
    let summary = json!({"succeeded": results.succeeded(), "failed": results.failed(), "retried": results.retried()});
    for (index, item) in results.items.into_iter().enumerate() {
        let op = ops[index];
        // What the body decodes as, so a facade can build typed models.
        let mut ev = json!({"type": "item", "index": index, "id": item.id, "attempts": item.attempts,
            "operation": op.name, "apiVersion": op.version.as_str(), "model": op.response,
            "page": op.kind == crate::api::OpKind::List || op.collection});
        match item.result.and_then(|r| {
            let status = r.raw().status;
            Ok((status, r.json()?))
        }) {
            Ok((status, body)) => {
                ev["status"] = json!(status);
                ev["body"] = match body {
                    Some(b) => {
                        serde_json::from_slice(&b).map_err(|e| Error::decode(e.to_string()))?
                    }
                    None => Value::Null,
                };
            }
            Err(e) => {
                ev["status"] = json!(e.status);
                ev["error"] = crate::bridge::error_json(&e);
            }
        }
        if !ctx.emit(ev).await {
            break;
        }
    }
    Ok(summary)
}
