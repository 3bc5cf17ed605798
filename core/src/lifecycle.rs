// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Following an assignment request through its lifecycle: the service
//! delivers requests in the background, so callers poll until a final state
//! (and learn the states it passed through); approvers decide on a request
//! by its id; an assignment is extended with an update request.

use std::time::{Duration, Instant};

use crate::client::{BetaClient, Client};
use crate::error::{Error, ErrorKind, Result};
use crate::models::{beta, v1};

/// v1.0 request states after which nothing more happens.
pub const FINAL_STATES: &[&str] = &["delivered", "partiallyDelivered", "deliveryFailed", "denied", "canceled", "scheduled"];

fn is_final(state: &str) -> bool {
    FINAL_STATES.iter().any(|s| s.eq_ignore_ascii_case(state))
}

/// How to wait.
#[derive(Debug, Clone, Copy)]
pub struct WaitOptions {
    /// Give up with [`ErrorKind::Timeout`] (the last state in the message) when
    /// the next poll would start after this much time (default 300 s).
    pub timeout: Duration,
    /// Pause between two reads of the request (default 2 s); each read is a
    /// Graph call and counts against throttling.
    pub poll_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions { timeout: Duration::from_secs(300), poll_interval: Duration::from_secs(2) }
    }
}

/// A request at the end of a wait, with every state seen on the way (in
/// order, each once: `["submitted", "pendingApproval", "delivering",
/// "delivered"]`). Polling sees states, not transitions: a state that came
/// and went between two polls is not in the list.
#[derive(Debug, Clone)]
pub struct Followed<T> {
    /// The request as last read, in a final state.
    pub request: T,
    /// The states seen, oldest first, without repeats; the last is the final
    /// state.
    pub states: Vec<String>,
}

async fn poll<T, F, Fut>(opts: WaitOptions, mut fetch: F, state: impl Fn(&T) -> Option<String>) -> Result<Followed<T>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let started = Instant::now();
    let mut states: Vec<String> = Vec::new();
    loop {
        let r = fetch().await?;
        if let Some(s) = state(&r) {
            if states.last() != Some(&s) {
                states.push(s);
            }
        }
        if state(&r).is_some_and(|s| is_final(&s)) {
            return Ok(Followed { request: r, states });
        }
        if started.elapsed().saturating_add(opts.poll_interval) > opts.timeout {
            let last = state(&r).unwrap_or_else(|| "unknown".into());
            return Err(Error::new(
                ErrorKind::Timeout,
                format!("request not final after {:?} (last state {last})", opts.timeout),
            ));
        }
        tokio::time::sleep(opts.poll_interval).await;
    }
}

impl Client {
    /// Polls an assignment request until it is delivered, failed, denied,
    /// canceled or scheduled.
    pub async fn wait_for_assignment_request(&self, id: &str, opts: WaitOptions) -> Result<v1::AccessPackageAssignmentRequest> {
        Ok(self.follow_assignment_request(id, opts).await?.request)
    }

    /// [`Client::wait_for_assignment_request`], with the states the request
    /// passed through.
    pub async fn follow_assignment_request(&self, id: &str, opts: WaitOptions) -> Result<Followed<v1::AccessPackageAssignmentRequest>> {
        poll(opts, || self.get_assignment_request(id).send(), |r: &v1::AccessPackageAssignmentRequest| {
            r.state.as_ref().map(|s| s.as_str().to_string())
        })
        .await
    }

    /// Approves (`approve = true`) or denies the signed-in approver's stage of
    /// a request's approval (the approval has the request's id), with a
    /// justification. Needs a delegated token. `NotFound` when the caller
    /// has no stage of this request to review now (not an approver, already
    /// decided, or the request is no longer pending).
    pub async fn review_assignment_request(&self, request_id: &str, approve: bool, justification: &str) -> Result<()> {
        if request_id.is_empty() {
            return Err(Error::invalid_argument("request id must not be empty"));
        }
        let approval = self.get_assignment_approval(request_id).send().await?;
        let stage = approval
            .stages
            .iter()
            .flatten()
            .find(|s| s.assigned_to_me == Some(true) && s.status.as_deref() == Some("InProgress") && s.review_result.as_deref().is_none_or(|r| r == "NotReviewed"))
            .and_then(|s| s.id.clone())
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no approval stage of request {request_id} is waiting for the signed-in user")))?;
        let body: v1::ApprovalStage = serde_json::from_value(serde_json::json!({
            "reviewResult": if approve { "Approve" } else { "Deny" },
            "justification": justification,
        }))
        .map_err(|e| Error::internal(format!("cannot build the review: {e}")))?;
        self.update_assignment_approval_stage(request_id, &stage, &body).send().await
    }

    /// Asks for an assignment to last longer: an `adminUpdate` request (or
    /// `userUpdate` when `as_user`, for the signed-in target under a policy
    /// that lets targets update their access) with a schedule whose
    /// expiration is `expiration` (`{"type": "afterDuration", "duration":
    /// "P30D"}` or `{"type": "afterDateTime", "endDateTime": …}`), counted
    /// from the assignment's start. Answers the created request (follow it
    /// with [`Client::follow_assignment_request`]).
    pub async fn extend_assignment(
        &self,
        assignment_id: &str,
        expiration: serde_json::Value,
        as_user: bool,
    ) -> Result<v1::AccessPackageAssignmentRequest> {
        if assignment_id.is_empty() {
            return Err(Error::invalid_argument("assignment id must not be empty"));
        }
        let body: v1::AccessPackageAssignmentRequest = serde_json::from_value(serde_json::json!({
            "requestType": if as_user { "userUpdate" } else { "adminUpdate" },
            "assignment": {"id": assignment_id},
            "schedule": {"expiration": expiration},
        }))
        .map_err(|e| Error::invalid_argument(format!("expiration: {e}")))?;
        self.create_assignment_request(&body).send().await
    }
}

impl BetaClient {
    /// Polls a beta assignment request until its `requestState` is final.
    pub async fn wait_for_access_package_assignment_request(
        &self,
        id: &str,
        opts: WaitOptions,
    ) -> Result<beta::AccessPackageAssignmentRequest> {
        Ok(self.follow_access_package_assignment_request(id, opts).await?.request)
    }

    /// The same, with the states the request passed through.
    pub async fn follow_access_package_assignment_request(
        &self,
        id: &str,
        opts: WaitOptions,
    ) -> Result<Followed<beta::AccessPackageAssignmentRequest>> {
        poll(opts, || self.get_access_package_assignment_request(id).send(), |r: &beta::AccessPackageAssignmentRequest| {
            r.request_state.clone()
        })
        .await
    }
}
