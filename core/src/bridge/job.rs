// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Long-running work (a `$batch`, a bulk assignment, an export) as a stream
//! of JSON events, written once for every binding.
//!
//! A binding starts a [`Job`] by kind name with JSON options and pulls events
//! until `None`: Python iterates them, Node yields them from an async
//! iterator, C hands them to a callback. The events are plain JSON objects
//! with a `"type"` (`"progress"`, `"item"`, …); the last one is always
//! `{"type": "done", …}` carrying the kind's summary. A failure of the whole
//! job (bad options, a transport failure the kind cannot absorb) ends the
//! stream with an [`Error`] instead, mapped to the host's native error by the
//! binding's ordinary error path.
//!
//! Adding a kind touches no binding: write `async fn(JobContext, Value) ->
//! Result<Value>` and add one arm to [`KINDS`].
//!
//! Events go through a bounded channel, so a slow consumer slows the job
//! down (an export does not buffer the tenant in memory). Dropping the [`Job`]
//! or calling [`Job::cancel`] cancels it: the kind sees
//! [`JobContext::is_cancelled`] and [`JobContext::emit`] returns `false`.

use serde_json::{json, Value};
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::{Client, Error, Result};

/// Events buffered between the job and a consumer that is behind.
const BUFFER: usize = 256;

type KindFuture = Pin<Box<dyn Future<Output = Result<Value>> + Send>>;
type KindFn = fn(JobContext, Value) -> KindFuture;

/// The job kinds, by the name every binding passes.
const KINDS: &[(&str, KindFn)] = &[
    ("echo", |ctx, options| Box::pin(echo(ctx, options))),
    ("export", |ctx, options| Box::pin(crate::export::job(ctx, options))),
    ("bulkAssign", |ctx, options| Box::pin(crate::bulk::job::bulk_assign(ctx, options))),
    ("bulkRemove", |ctx, options| Box::pin(crate::bulk::job::bulk_remove(ctx, options))),
    ("bulkRun", |ctx, options| Box::pin(crate::bulk::job::bulk_run(ctx, options))),
    ("batch", |ctx, options| Box::pin(crate::batch::job(ctx, options))),
];

/// What a running kind uses: the client, and the way to report.
#[derive(Clone)]
pub struct JobContext {
    /// The session's client, to make the kind's Graph calls with.
    pub client: Client,
    events: mpsc::Sender<Value>,
    cancelled: watch::Receiver<bool>,
}

impl JobContext {
    /// Sends one event (an object with a `"type"`), waiting while the
    /// consumer is behind. Returns `false` when nobody listens any more (the
    /// job was cancelled or dropped): the kind should stop.
    pub async fn emit(&self, event: Value) -> bool {
        if self.is_cancelled() {
            return false;
        }
        tokio::select! {
            sent = self.events.send(event) => sent.is_ok(),
            _ = self.cancelled() => false,
        }
    }

    /// True once the consumer cancelled or dropped the job.
    pub fn is_cancelled(&self) -> bool {
        *self.cancelled.borrow() || self.events.is_closed()
    }

    /// Completes when the job is cancelled or dropped: `select!` it against
    /// a long wait (a `Retry-After`, a poll interval).
    pub async fn cancelled(&self) {
        let mut rx = self.cancelled.clone();
        tokio::select! {
            _ = rx.wait_for(|c| *c) => {}
            _ = self.events.closed() => {}
        }
    }
}

struct Stream {
    events: mpsc::Receiver<Value>,
    task: Option<JoinHandle<Result<Value>>>,
}

/// A started job: pull its events with [`Job::next`]. `Send + Sync`, so a
/// binding can share it behind an `Arc` with the host's objects.
pub struct Job {
    stream: tokio::sync::Mutex<Stream>,
    cancel: watch::Sender<bool>,
}

impl Job {
    /// The names of the kinds [`Job::start`] knows.
    pub fn kinds() -> impl Iterator<Item = &'static str> {
        KINDS.iter().map(|(name, _)| *name)
    }

    /// Starts a job on the current tokio runtime (the binding enters its own
    /// runtime first). An unknown kind is an `InvalidArgument` error, before
    /// any work.
    pub fn start(client: &Client, kind: &str, options: Value) -> Result<Job> {
        let Some((_, run)) = KINDS.iter().find(|(name, _)| *name == kind) else {
            let known: Vec<_> = Job::kinds().collect();
            return Err(Error::invalid_argument(format!(
                "unknown job kind {kind:?} (known: {})",
                known.join(", ")
            )));
        };
        let rt = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::internal("a job was started outside the binding's runtime"))?;
        let (tx, rx) = mpsc::channel(BUFFER);
        let (cancel, cancelled) = watch::channel(false);
        let ctx = JobContext {
            client: client.clone(),
            events: tx,
            cancelled,
        };
        let task = rt.spawn(run(ctx, options));
        Ok(Job {
            stream: tokio::sync::Mutex::new(Stream {
                events: rx,
                task: Some(task),
            }),
            cancel,
        })
    }

    /// [`Job::start`] with `session`'s client on the process's runtime
    /// ([`runtime`](super::runtime::runtime)), for hosts without a runtime of
    /// their own (Python, C).
    pub fn start_in(session: &super::Session, kind: &str, options: Value) -> Result<Job> {
        let client = session.client()?;
        let _rt = super::runtime::runtime()?.enter();
        Job::start(&client, kind, options)
    }

    /// The next event; after the last one, `{"type": "done", ...}` with the
    /// kind's summary (its keys merged in), then `None`. An error ends the
    /// stream (the following call returns `None`). Concurrent callers take
    /// turns.
    pub async fn next(&self) -> Option<Result<Value>> {
        let mut stream = self.stream.lock().await;
        if let Some(event) = stream.events.recv().await {
            return Some(Ok(event));
        }
        let task = stream.task.take()?;
        Some(match task.await {
            Ok(Ok(summary)) => Ok(done_event(summary)),
            Ok(Err(e)) => Err(e),
            Err(e) if e.is_panic() => Err(crate::bridge::panic_error(e.into_panic())),
            Err(_) => Err(Error::internal("the job's task was aborted")),
        })
    }

    /// [`Job::next`] as JSON text, for the bindings that hand text to the host.
    pub async fn next_json(&self) -> Option<Result<String>> {
        Some(self.next().await?.map(|v| v.to_string()))
    }

    /// Asks the job to stop, from any thread, even while another thread
    /// waits in [`Job::next`]: that call then drains what was already
    /// reported and ends with the kind's summary so far.
    pub fn cancel(&self) {
        self.cancel.send_replace(true);
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.cancel();
    }
}

fn done_event(summary: Value) -> Value {
    match summary {
        Value::Object(mut m) => {
            m.insert("type".into(), Value::from("done"));
            Value::Object(m)
        }
        Value::Null => json!({"type": "done"}),
        other => json!({"type": "done", "result": other}),
    }
}

/// An error as the JSON object events carry for one failed item: the same
/// fields every binding's native error has.
pub fn error_json(e: &Error) -> Value {
    json!({
        "kind": e.kind.as_str(),
        "message": e.message,
        "status": e.status,
        "code": e.code,
        "requestId": e.request_id,
        "clientRequestId": e.client_request_id,
        "retryAfterMs": e.retry_after.map(|d| d.as_millis() as u64),
        "outcomeUnknown": e.outcome_unknown,
    })
}

/// The kind the binding tests use: `{"count": n, "fail": bool}` emits `n`
/// item events, then succeeds with `{"count": n}` or fails with an
/// `InvalidArgument` error.
async fn echo(ctx: JobContext, options: Value) -> Result<Value> {
    let count = options.get("count").and_then(Value::as_u64).unwrap_or(0);
    let mut sent = 0;
    for i in 0..count {
        if !ctx.emit(json!({"type": "item", "index": i})).await {
            break;
        }
        sent += 1;
    }
    if options.get("fail").and_then(Value::as_bool) == Some(true) {
        return Err(Error::invalid_argument("echo job asked to fail"));
    }
    Ok(json!({"count": sent}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .token("t")
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn events_then_done() {
        let job = Job::start(&client(), "echo", json!({"count": 300})).unwrap();
        let mut items = 0;
        let mut last = None;
        while let Some(ev) = job.next().await {
            let ev = ev.unwrap();
            if ev["type"] == "item" {
                assert_eq!(ev["index"], items);
                items += 1;
            } else {
                last = Some(ev);
            }
        }
        assert_eq!(items, 300);
        assert_eq!(last.unwrap(), json!({"type": "done", "count": 300}));
    }

    #[tokio::test]
    async fn failure_ends_the_stream() {
        let job = Job::start(&client(), "echo", json!({"count": 1, "fail": true})).unwrap();
        assert!(job.next().await.unwrap().is_ok());
        let err = job.next().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
        assert!(job.next().await.is_none());
    }

    #[tokio::test]
    async fn unknown_kind_is_refused() {
        let err = Job::start(&client(), "nope", Value::Null).err().unwrap();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidArgument);
        assert!(err.message.contains("echo"), "{}", err.message);
    }

    #[tokio::test]
    async fn cancel_stops_the_kind() {
        let job = Job::start(&client(), "echo", json!({"count": 100000})).unwrap();
        job.next().await.unwrap().unwrap();
        job.cancel();
        let mut n = 0;
        let mut done = None;
        while let Some(ev) = job.next().await {
            let ev = ev.unwrap();
            if ev["type"] == "done" {
                done = Some(ev);
            }
            n += 1;
        }
        assert!(n < 1000, "{n} events after cancel");
        assert!(done.unwrap()["count"].as_u64().unwrap() < 100000);
    }
}
