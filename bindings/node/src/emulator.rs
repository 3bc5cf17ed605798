// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeEmulator`: the emulator crate's [`HostedEmulator`] (its own thread
//! and runtime, so its work never competes with the client's calls on
//! napi's runtime). The JS `Emulator` class adds the client helpers.

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
    inner: std::sync::Arc<HostedEmulator>,
}

#[napi]
impl NativeEmulator {
    /// Starts a seeded emulator on 127.0.0.1 (blocks until it listens).
    /// `options`: `{port, dbPath, seedPath, seed, pageSize, deliveryDelayMs}`.
    #[napi(factory, catch_unwind)]
    pub fn start(options: Option<Value>) -> napi::Result<Self> {
        let inner = HostedEmulator::start(options.unwrap_or(Value::Null)).napi()?;
        Ok(NativeEmulator {
            inner: std::sync::Arc::new(inner),
        })
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
        napi::tokio::task::spawn_blocking(move || inner.advance(&by))
            .await
            .map_err(|e| crate::error::to_napi(entitlement::Error::internal(e.to_string())))?
            .napi()
    }

    /// Stops the server (idempotent).
    #[napi]
    pub async fn stop(&self) -> napi::Result<()> {
        let inner = self.inner.clone();
        napi::tokio::task::spawn_blocking(move || inner.stop())
            .await
            .map_err(|e| crate::error::to_napi(entitlement::Error::internal(e.to_string())))
    }

    /// The fixed ids of the built-in tenant, as `[name, value]` pairs.
    #[napi]
    pub fn ids() -> Vec<Vec<String>> {
        fixture_ids()
            .iter()
            .map(|(k, v)| vec![k.to_string(), v.to_string()])
            .collect()
    }
}
