// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Sending one call: attempts, retries and the call's deadline (the policy
//! is described in [`crate::retry`]). Each attempt ends in one of three
//! outcomes — a response, an error status, or no response — and what may
//! follow depends on whether the request may already have been applied.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

use super::{transport_error, Body, Client, RawResponse};
use crate::error::{Error, ErrorKind, Result};
use crate::retry::{parse_retry_after, RetryPolicy};

/// How one attempt ended.
enum Attempt {
    Done(RawResponse),
    /// An error status, its body read (or lost: the message says so).
    Status {
        status: u16,
        err: Error,
        retry_after: Option<Duration>,
    },
    /// No usable response. `sent`: the request may have reached the service
    /// (anything but a refused connection).
    Transport {
        err: Error,
        sent: bool,
    },
}

/// The call's clock: when it started and how long it may take.
struct Clock {
    started: Instant,
    deadline: Option<Duration>,
}

impl Clock {
    /// Time left, `None` without a deadline.
    fn left(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_sub(self.started.elapsed()))
    }

    fn expired(&self) -> bool {
        self.left() == Some(Duration::ZERO)
    }

    /// The timeout of the next attempt: the per-attempt timeout cut to what
    /// is left; `None` once the deadline has passed.
    fn attempt_timeout(&self, per_attempt: Duration) -> Option<Duration> {
        match self.left() {
            None => Some(per_attempt),
            Some(Duration::ZERO) => None,
            Some(left) => Some(per_attempt.min(left)),
        }
    }

    /// The Timeout error of a call whose deadline passed `during` something,
    /// naming the last error seen, if any.
    fn passed(&self, during: &str, last: Option<&Error>) -> Error {
        let d = self.deadline.unwrap_or_default();
        let mut msg = format!("the call's deadline of {d:?} passed {during}");
        if let Some(last) = last {
            msg.push_str(&format!(" (last error: {last})"));
        }
        Error::new(ErrorKind::Timeout, msg)
    }

    /// Runs `fut` (getting a token) within the time left.
    async fn bound<T>(&self, fut: impl Future<Output = Result<T>>, last: Option<&Error>) -> Result<T> {
        match self.left() {
            None => fut.await,
            Some(left) => match tokio::time::timeout(left, fut).await {
                Ok(r) => r,
                Err(_) => Err(self.passed("while getting a token", last)),
            },
        }
    }
}

impl Client {
    /// Sends a request until it succeeds, fails for good, or its deadline
    /// passes. `idempotent`: sending it twice has the effect of sending it
    /// once (see [`crate::api::Operation::is_idempotent`]).
    pub(super) async fn execute(&self, method: &str, url: &str, body: Option<Body>, idempotent: bool) -> Result<RawResponse> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let crid = client_request_id.as_str();
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| Error::internal(e.to_string()))?;
        let body = body.map(Bytes::from);
        let policy = &self.inner.retry;
        let clock = Clock { started: Instant::now(), deadline: policy.deadline };
        let mut attempt = 0u32;
        let mut refreshed_token = false;
        let mut last: Option<Error> = None;
        loop {
            attempt = attempt.saturating_add(1);
            let token = match &self.inner.credential {
                None => None,
                Some(cred) => Some(
                    clock
                        .bound(cred.token(&self.inner.scope), last.as_ref())
                        .await
                        .map_err(|e| e.with_client_request_id(crid))?,
                ),
            };
            let Some(timeout) = clock.attempt_timeout(self.inner.timeout) else {
                let during = format!("before attempt {attempt}");
                return Err(clock.passed(&during, last.as_ref()).with_client_request_id(crid));
            };
            let mut req = self
                .inner
                .http
                .request(method.clone(), url)
                .timeout(timeout)
                .header("user-agent", &self.inner.user_agent)
                .header("client-request-id", crid)
                .header("return-client-request-id", "true")
                .header("accept", "application/json");
            if let Some(t) = &token {
                req = req.bearer_auth(t.token.expose());
            }
            if let Some(b) = &body {
                req = req.header("content-type", "application/json").body(b.clone());
            }
            tracing::debug!(%method, url, attempt, client_request_id, "graph request");
            let (err, retry, retry_after) = match send_once(req, crid).await? {
                Attempt::Done(raw) => return Ok(raw),
                Attempt::Status { status, err, retry_after } => {
                    if status == 401 && !refreshed_token {
                        if let Some(cred) = &self.inner.credential {
                            // A cached token may have been revoked: fetch a new one once.
                            cred.invalidate();
                            refreshed_token = true;
                            attempt -= 1;
                            last = Some(err);
                            continue;
                        }
                    }
                    let has_retry_after = retry_after.is_some();
                    let retry = if idempotent {
                        RetryPolicy::retryable_status(status)
                    } else {
                        RetryPolicy::not_processed(status, has_retry_after)
                    };
                    let unknown = !idempotent && !retry && RetryPolicy::outcome_unknown_status(status, has_retry_after);
                    (if unknown { err.with_unknown_outcome() } else { err }, retry, retry_after)
                }
                Attempt::Transport { mut err, sent } => {
                    if err.kind == ErrorKind::Timeout && clock.expired() {
                        let passed = clock.passed(&format!("during attempt {attempt}"), None);
                        err.message = format!("{}: {}", passed.message, err.message);
                    }
                    // A refused connection never reached the service; anything else may have.
                    let retry = !sent || idempotent;
                    (if sent && !idempotent { err.with_unknown_outcome() } else { err }, retry, None)
                }
            };
            if !retry || attempt >= policy.max_attempts {
                return Err(err);
            }
            let delay = retry_after.unwrap_or_else(|| policy.backoff(attempt));
            if let Some(left) = clock.left() {
                if delay >= left {
                    // Sleeping first would only make the caller wait for the same answer.
                    let mut err = err;
                    let asked = if retry_after.is_some() { "the service asked to wait" } else { "the next backoff is" };
                    err.message.push_str(&format!(
                        " (not retried: {asked} {delay:?}, past the call's deadline of {:?} with {left:?} left)",
                        clock.deadline.unwrap_or_default()
                    ));
                    return Err(err);
                }
            }
            tracing::warn!(?delay, kind = %err.kind, "retrying");
            tokio::time::sleep(delay).await;
            last = Some(err);
        }
    }
}

/// One attempt: sends, reads the status, the headers that matter and the
/// body. Only a request that cannot be built fails here (`Err`); everything
/// the network or the server does becomes an [`Attempt`].
async fn send_once(req: reqwest::RequestBuilder, crid: &str) -> Result<Attempt> {
    let resp = match req.send().await {
        Ok(resp) => resp,
        Err(e) if e.is_builder() => return Err(Error::invalid_argument(format!("cannot build the request: {e}"))),
        Err(e) => {
            let err = transport_error(&e).with_client_request_id(crid);
            return Ok(Attempt::Transport { err, sent: !e.is_connect() });
        }
    };
    let status = resp.status().as_u16();
    let header = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
    let request_id = header("request-id");
    let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()));
    if (300..400).contains(&status) {
        let to: String = header("location").unwrap_or_default().chars().take(200).collect();
        let mut err = Error::new(
            ErrorKind::Service,
            format!("HTTP {status} redirect to {to:?}: not followed (a redirect could take the request and its token to another host)"),
        );
        err.status = Some(status);
        err.request_id = request_id;
        return Ok(Attempt::Status { status, err: err.with_client_request_id(crid), retry_after });
    }
    let body = resp.bytes().await;
    if (200..300).contains(&status) {
        return Ok(match body {
            Ok(body) => Attempt::Done(RawResponse { status, body, request_id, client_request_id: crid.to_string() }),
            Err(e) => {
                // The service answered, so it did the work; only its answer was lost.
                let mut err = transport_error(&e).with_client_request_id(crid);
                err.message = format!("HTTP {status} received, then its body was lost: {}", err.message);
                err.status = Some(status);
                err.request_id = request_id;
                Attempt::Transport { err, sent: true }
            }
        });
    }
    let (bytes, lost) = match body {
        Ok(b) => (b, None),
        Err(e) => (Bytes::new(), Some(transport_error(&e).message)),
    };
    let mut err = Error::from_response(status, &bytes, request_id, Some(crid.to_string()));
    err.retry_after = retry_after;
    if let Some(why) = lost {
        err.message.push_str(&format!(" (the response body was lost: {why})"));
    }
    Ok(Attempt::Status { status, err, retry_after })
}
