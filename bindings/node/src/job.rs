// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeJob`: core's [`Job`] (a batch, a bulk operation, an export) for
//! JS. `next()` resolves to one event as JSON text, or null after the last;
//! node/lib/runtime.js wraps it as an async iterator. Every job kind reaches
//! JS through this one class.

use std::sync::Arc;

use entitlement::bridge::{guarded, Job};
use napi_derive::napi;
use serde_json::Value;

use crate::client::{JsonText, NativeClient};
use crate::error::IntoNapi;

#[napi]
pub struct NativeJob {
    job: Arc<Job>,
}

#[napi]
impl NativeClient {
    /// Starts a job of `kind` (core's `bridge::Job`) with `options`
    /// (camelCase JSON values).
    #[napi]
    pub async fn job(&self, kind: String, options: Option<Value>) -> napi::Result<NativeJob> {
        let (session, options) = (self.session(), options.unwrap_or_default());
        let job = guarded(async move { Job::start(&session.client()?, &kind, options) });
        let job = Arc::new(job.await.napi()?);
        Ok(NativeJob { job })
    }
}

#[napi]
impl NativeJob {
    /// The next event as JSON text; null after the last (`{"type":"done"}`).
    /// A failed job rejects with its error.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub async fn next(&self) -> napi::Result<Option<JsonText>> {
        let job = self.job.clone();
        let event = guarded(async move { job.next_json().await.transpose() });
        Ok(event.await.napi()?.map(|s| JsonText(s.into())))
    }

    /// Stops the job; `next()` then ends with the summary so far.
    #[napi]
    pub fn cancel(&self) {
        self.job.cancel();
    }
}
