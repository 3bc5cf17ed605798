// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeEmulator`: the emulator crate's [`HostedEmulator`] (its own thread
//! and runtime, so its work never competes with the client's calls on
//! napi's runtime). The JS `Emulator` class adds the client helpers.

use std::sync::Arc;

use entitlement::bridge::blocking;
use entitlement_emulator::{fixture_ids, HostedEmulator};
use napi_derive::napi;
use serde_json::Value;

use crate::error::IntoNapi;

#[napi(object)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: String,
}

#[napi]
pub struct NativeEmulator {
    inner: Arc<HostedEmulator>,
}

#[napi]
impl NativeEmulator {
    /// Starts a seeded emulator on 127.0.0.1 (blocks until it listens).
    /// `options`: `{port, dbPath, seedPath, seed, pageSize, deliveryDelayMs}`.
    #[napi(factory, catch_unwind)]
    pub fn start(options: Option<Value>) -> napi::Result<Self> {
        let inner = Arc::new(HostedEmulator::start(options.unwrap_or_default()).napi()?);
        Ok(NativeEmulator { inner })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    /// Token endpoint root: `{authority}/{tenantId}/oauth2/v2.0/token`.
    #[napi(getter)]
    pub fn authority(&self) -> String {
        self.inner.authority().to_string()
    }

    #[napi(getter)]
    pub fn tenant_id(&self) -> String {
        self.inner.tenant_id().to_string()
    }

    #[napi(getter)]
    pub fn app_credentials(&self) -> AppCredentials {
        let (id, secret) = self.inner.app_credentials();
        AppCredentials {
            client_id: id.to_string(),
            client_secret: secret.to_string(),
        }
    }

    /// A delegated token for a seeded user, by id or UPN.
    #[napi(catch_unwind)]
    pub fn user_token(&self, user: String) -> napi::Result<String> {
        self.inner.user_token(&user).napi()
    }

    /// An application token for the seeded application.
    #[napi(catch_unwind)]
    pub fn app_token(&self) -> napi::Result<String> {
        self.inner.app_token().napi()
    }

    /// `{status, retryAfter, count, pathContains}`: answers the next `count`
    /// matching requests with `status` instead.
    #[napi(catch_unwind)]
    pub fn inject_fault(&self, fault: Value) -> napi::Result<()> {
        self.inner.inject_fault(fault).napi()
    }

    /// The emulator's time (ISO 8601, UTC).
    #[napi(catch_unwind)]
    pub fn now(&self) -> napi::Result<String> {
        self.inner.now().napi()
    }

    /// Advances a manual clock by an ISO 8601 duration, firing the timers
    /// due on the way. Off the JS thread: a webhook this process serves
    /// answers the callouts meanwhile.
    #[napi]
    pub async fn advance(&self, by: String) -> napi::Result<String> {
        let inner = self.inner.clone();
        blocking(move || inner.advance(&by)).await.napi()
    }

    /// Stops the server (idempotent).
    #[napi]
    pub async fn stop(&self) -> napi::Result<()> {
        let inner = self.inner.clone();
        blocking(move || {
            inner.stop();
            Ok(())
        })
        .await
        .napi()
    }

    /// The fixed ids of the built-in tenant, as `[name, value]` pairs.
    #[napi]
    pub fn ids() -> Vec<Vec<String>> {
        let pair = |(k, v): &(&str, &str)| vec![k.to_string(), v.to_string()];
        fixture_ids().iter().map(pair).collect()
    }
}
