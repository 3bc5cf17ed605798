// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Waiting for an assignment request to finish: the service delivers
//! requests in the background, so callers poll until a final state.

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
    pub timeout: Duration,
    pub poll_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions { timeout: Duration::from_secs(300), poll_interval: Duration::from_secs(2) }
    }
}

async fn poll<T, F, Fut>(opts: WaitOptions, mut fetch: F, state: impl Fn(&T) -> Option<String>) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let started = Instant::now();
    loop {
        let r = fetch().await?;
        if state(&r).is_some_and(|s| is_final(&s)) {
            return Ok(r);
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
    /// Polls an assignment request until it is delivered, failed, denied or canceled.
    pub async fn wait_for_assignment_request(&self, id: &str, opts: WaitOptions) -> Result<v1::AccessPackageAssignmentRequest> {
        poll(opts, || self.get_assignment_request(id).send(), |r: &v1::AccessPackageAssignmentRequest| {
            r.state.as_ref().map(|s| s.as_str().to_string())
        })
        .await
    }
}

impl BetaClient {
    /// Polls a beta assignment request until its `requestState` is final.
    pub async fn wait_for_access_package_assignment_request(
        &self,
        id: &str,
        opts: WaitOptions,
    ) -> Result<beta::AccessPackageAssignmentRequest> {
        poll(opts, || self.get_access_package_assignment_request(id).send(), |r: &beta::AccessPackageAssignmentRequest| {
            r.request_state.clone()
        })
        .await
    }
}
