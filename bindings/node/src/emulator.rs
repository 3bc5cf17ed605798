// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeEmulator`: the emulator on its own thread and runtime
//! ([`EmulatorHandle`]), so its work never competes with the client's calls
//! on napi's runtime. The JS `Emulator` class adds the client helpers.

use std::sync::Mutex;
use std::time::Duration;

use entitlement::ErrorKind;
use entitlement_emulator::{ids, EmulatorConfig, EmulatorError, EmulatorHandle, Fault, Seed};
use napi_derive::napi;

use crate::error::{internal, invalid, kind};

#[napi(object)]
#[derive(Default)]
pub struct EmulatorOptions {
    /// 0 or absent: an ephemeral port.
    pub port: Option<u32>,
    /// SQLite file that keeps state across restarts (absent: in memory).
    pub db_path: Option<String>,
    /// A seed file (JSON) instead of the built-in tenant.
    pub seed_path: Option<String>,
    pub page_size: Option<u32>,
    pub delivery_delay_ms: Option<f64>,
}

#[napi(object)]
pub struct FaultOptions {
    pub status: u32,
    pub retry_after: Option<String>,
    pub count: Option<u32>,
    pub path_contains: Option<String>,
}

#[napi(object)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: String,
}

fn emu_error(e: EmulatorError) -> napi::Error {
    match e {
        EmulatorError::UnknownUser(_) => kind(ErrorKind::NotFound, e.to_string()),
        // A bad seed or an unusable port/database path is the caller's to fix (as in the C ABI).
        EmulatorError::Seed(_) | EmulatorError::Io(_) | EmulatorError::Db(_) => invalid(e.to_string()),
        other => internal(other.to_string()),
    }
}

#[napi]
pub struct NativeEmulator {
    handle: Mutex<Option<EmulatorHandle>>,
    base_url: String,
    tenant_id: String,
    app: (String, String),
}

impl NativeEmulator {
    fn with<T>(&self, f: impl FnOnce(&EmulatorHandle) -> napi::Result<T>) -> napi::Result<T> {
        let guard = self.handle.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(h) => f(h),
            None => Err(invalid("the emulator is stopped")),
        }
    }
}

#[napi]
impl NativeEmulator {
    /// Starts a seeded emulator on 127.0.0.1 (blocks until it listens).
    #[napi(factory, catch_unwind)]
    pub fn start(options: Option<EmulatorOptions>) -> napi::Result<Self> {
        let o = options.unwrap_or_default();
        let mut config = EmulatorConfig::default();
        if let Some(p) = o.port {
            config.port = u16::try_from(p).map_err(|_| invalid(format!("port out of range: {p}")))?;
        }
        config.db_path = o.db_path.filter(|s| !s.is_empty()).map(Into::into);
        if let Some(path) = o.seed_path.filter(|s| !s.is_empty()) {
            config.seed = Seed::from_file(&path).map_err(emu_error)?;
        }
        if let Some(n) = o.page_size {
            if n == 0 {
                return Err(invalid("pageSize must be at least 1"));
            }
            config.page_size = n as usize;
        }
        if let Some(ms) = o.delivery_delay_ms {
            if !ms.is_finite() || ms < 0.0 {
                return Err(invalid(format!("deliveryDelayMs must be a non-negative number, got {ms}")));
            }
            config.delivery_delay = Duration::from_secs_f64(ms / 1000.0);
        }
        let h = EmulatorHandle::spawn(config).map_err(emu_error)?;
        Ok(NativeEmulator {
            base_url: h.base_url(),
            tenant_id: h.tenant_id().to_string(),
            app: h.app_credentials(),
            handle: Mutex::new(Some(h)),
        })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Token endpoint root: `{authority}/{tenantId}/oauth2/v2.0/token`.
    #[napi(getter)]
    pub fn authority(&self) -> String {
        self.base_url.clone()
    }

    #[napi(getter)]
    pub fn tenant_id(&self) -> String {
        self.tenant_id.clone()
    }

    #[napi(getter)]
    pub fn app_credentials(&self) -> AppCredentials {
        AppCredentials { client_id: self.app.0.clone(), client_secret: self.app.1.clone() }
    }

    /// Password of the seeded users (for the password grant).
    #[napi(getter)]
    pub fn user_password(&self) -> String {
        ids::USER_PASSWORD.to_string()
    }

    /// A delegated token for a seeded user, by id or UPN.
    #[napi(catch_unwind)]
    pub fn user_token(&self, user: String) -> napi::Result<String> {
        self.with(|h| h.user_token(&user).map_err(emu_error))
    }

    /// An application token for the seeded application.
    #[napi(catch_unwind)]
    pub fn app_token(&self) -> napi::Result<String> {
        self.with(|h| Ok(h.app_token()))
    }

    /// Answers the next `count` matching requests with `status` instead.
    #[napi(catch_unwind)]
    pub fn inject_fault(&self, fault: FaultOptions) -> napi::Result<()> {
        let status = u16::try_from(fault.status)
            .ok()
            .filter(|s| (100..600).contains(s))
            .ok_or_else(|| invalid(format!("status must be an HTTP status, got {}", fault.status)))?;
        let f = Fault { status, retry_after: fault.retry_after, count: fault.count.unwrap_or(1), path_contains: fault.path_contains };
        self.with(|h| {
            h.inject_fault(f);
            Ok(())
        })
    }

    /// Stops the server (idempotent).
    #[napi]
    pub async fn stop(&self) -> napi::Result<()> {
        let h = self.handle.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = h {
            napi::tokio::task::spawn_blocking(move || h.stop()).await.map_err(|e| internal(e.to_string()))?;
        }
        Ok(())
    }
}
