// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The emulator as every binding hosts it: options from one JSON object,
//! failures in core's error contract, and a handle any thread may stop.
//! Python's `entitlement.testing.Emulator`, Node's `Emulator` and C's
//! `ent_emulator_*` are thin conversions over [`HostedEmulator`].

use std::sync::Mutex;
use std::time::Duration;

use entitlement::{Error, ErrorKind};
use serde::Deserialize;
use serde_json::Value;

use crate::{ids, EmulatorConfig, EmulatorError, EmulatorHandle, Fault, Seed};

impl From<EmulatorError> for Error {
    /// A bad seed, or a port or database path that cannot be used, is the
    /// caller's to fix; an unknown user is `NotFound`; the rest is ours.
    fn from(e: EmulatorError) -> Error {
        let kind = match e {
            EmulatorError::UnknownUser(_) => ErrorKind::NotFound,
            EmulatorError::Seed(_) | EmulatorError::Io(_) | EmulatorError::Db(_) | EmulatorError::Clock(_) => {
                ErrorKind::InvalidArgument
            }
            _ => ErrorKind::Internal,
        };
        Error::new(kind, format!("emulator: {e}"))
    }
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::invalid_argument(msg)
}

fn from_object<T: for<'de> Deserialize<'de> + Default>(what: &str, v: Value) -> Result<T, Error> {
    match v {
        Value::Null => Ok(T::default()),
        v @ Value::Object(_) => {
            serde_path_to_error::deserialize(v).map_err(|e| invalid(format!("{what}: {}: {}", e.path(), e.inner())))
        }
        _ => Err(invalid(format!("{what} must be an object"))),
    }
}

/// `{"port", "dbPath", "seedPath", "seed", "pageSize", "deliveryDelayMs",
/// "allowedHosts", "clock", "throttle", "quotas", "faultRate", "faultSeed"}`
/// (`deliveryDelay` in seconds for Python; the last four as the CLI's
/// `--throttle`, `--quotas`, `--fault-rate`, `--fault-seed`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EmulatorOptions {
    port: Option<u16>,
    db_path: Option<String>,
    seed_path: Option<String>,
    /// `"default"`, or a seed object.
    seed: Option<Value>,
    page_size: Option<usize>,
    delivery_delay_ms: Option<f64>,
    delivery_delay: Option<f64>,
    /// Extra names accepted in the `Host` header (see [`EmulatorConfig::allowed_hosts`]).
    allowed_hosts: Option<Vec<String>>,
    /// `"real"` (default) or `"manual"` (see [`crate::ClockMode`]).
    clock: Option<String>,
    /// A throttle profile (`"graph,app=10/2"`, see [`crate::BucketProfile::parse`]).
    throttle: Option<String>,
    /// Graph's object quotas on.
    quotas: Option<bool>,
    /// Share of requests failed with a random 429/503/504, and its seed.
    fault_rate: Option<f64>,
    fault_seed: Option<u64>,
}

fn delay(what: &str, v: f64, scale: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(v / scale)
        .ok()
        .filter(|d| d.as_secs() < 1 << 32)
        .ok_or_else(|| invalid(format!("{what} must be a non-negative number, got {v}")))
}

impl EmulatorOptions {
    fn config(self) -> Result<EmulatorConfig, Error> {
        let mut c = EmulatorConfig { port: self.port.unwrap_or(0), ..EmulatorConfig::default() };
        c.db_path = self.db_path.filter(|p| !p.is_empty()).map(Into::into);
        c.seed = match (self.seed_path.filter(|p| !p.is_empty()), self.seed) {
            (Some(_), Some(s)) if !s.is_null() => return Err(invalid("give seed or seedPath, not both")),
            (Some(path), _) => Seed::from_file(&path)?,
            (None, None | Some(Value::Null)) => Seed::default(),
            (None, Some(Value::String(s))) if s == "default" => Seed::default(),
            (None, Some(v @ Value::Object(_))) => serde_path_to_error::deserialize(v)
                .map_err(|e| invalid(format!("emulator options: seed: {}: {}", e.path(), e.inner())))?,
            (None, Some(_)) => return Err(invalid("emulator options: seed must be \"default\" or a seed object")),
        };
        if let Some(n) = self.page_size {
            if n == 0 {
                return Err(invalid("pageSize must be at least 1"));
            }
            c.page_size = n;
        }
        if let Some(mode) = self.clock {
            c.clock = mode.parse().map_err(|e: String| invalid(format!("clock: {e}")))?;
        }
        c.allowed_hosts = self.allowed_hosts.unwrap_or_default();
        if let Some(h) = c.allowed_hosts.iter().find(|h| h.trim().is_empty() || h.contains(['/', ' ', '@'])) {
            return Err(invalid(format!("allowedHosts: '{h}' is not a host name")));
        }
        match (self.delivery_delay_ms, self.delivery_delay) {
            (Some(_), Some(_)) => return Err(invalid("give deliveryDelayMs or deliveryDelay, not both")),
            (Some(ms), None) => c.delivery_delay = delay("deliveryDelayMs", ms, 1000.0)?,
            (None, Some(s)) => c.delivery_delay = delay("deliveryDelay", s, 1.0)?,
            (None, None) => {}
        }
        c.throttle.buckets = self.throttle.as_deref().map(crate::BucketProfile::parse).transpose().map_err(invalid)?;
        c.throttle.quotas = self.quotas.unwrap_or(false).then(crate::Quotas::graph);
        if let Some(rate) = self.fault_rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err(invalid(format!("faultRate must be between 0 and 1, got {rate}")));
            }
            c.throttle.faults = Some(crate::RandomFaults { rate, seed: self.fault_seed.unwrap_or(0) });
        }
        Ok(c)
    }
}

/// `{"status", "retryAfter", "count", "pathContains"}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultOptions {
    status: u16,
    /// Header text, or seconds as a number.
    retry_after: Option<Value>,
    count: Option<u32>,
    path_contains: Option<String>,
}

/// A running emulator owned by a host language.
pub struct HostedEmulator {
    handle: Mutex<Option<EmulatorHandle>>,
    base_url: String,
    tenant_id: String,
    app: (String, String),
}

impl HostedEmulator {
    /// Starts a seeded emulator on 127.0.0.1 and returns once it listens.
    /// Blocks the calling thread (release the host's lock first).
    pub fn start(options: Value) -> Result<HostedEmulator, Error> {
        let config = from_object::<EmulatorOptions>("emulator options", options)?.config()?;
        let h = EmulatorHandle::spawn(config)?;
        Ok(HostedEmulator {
            base_url: h.base_url(),
            tenant_id: h.tenant_id().to_string(),
            app: h.app_credentials(),
            handle: Mutex::new(Some(h)),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&EmulatorHandle) -> Result<T, Error>) -> Result<T, Error> {
        match self.handle.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            Some(h) => f(h),
            None => Err(invalid("the emulator is stopped")),
        }
    }

    /// The Graph root (`http://127.0.0.1:PORT`); clients append `/v1.0` or
    /// `/beta`. Still answers after [`stop`](Self::stop), though nothing listens.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The token endpoint's root (`{authority}/{tenant}/oauth2/v2.0/token`).
    pub fn authority(&self) -> &str {
        &self.base_url
    }

    /// The seeded tenant's id.
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// The seeded application's client id and secret.
    pub fn app_credentials(&self) -> (&str, &str) {
        (&self.app.0, &self.app.1)
    }

    /// A delegated token for a seeded user, by id or UPN.
    pub fn user_token(&self, user: &str) -> Result<String, Error> {
        self.with(|h| Ok(h.user_token(user)?))
    }

    /// An application token for the seeded application.
    pub fn app_token(&self) -> Result<String, Error> {
        self.with(|h| Ok(h.app_token()))
    }

    /// Answers the next `count` (default 1) matching requests with `status`.
    pub fn inject_fault(&self, fault: Value) -> Result<(), Error> {
        let f: FaultOptions = match fault {
            v @ Value::Object(_) => serde_path_to_error::deserialize(v)
                .map_err(|e| invalid(format!("fault: {}: {}", e.path(), e.inner())))?,
            _ => return Err(invalid("fault must be an object with a status")),
        };
        if !(400..600).contains(&f.status) {
            return Err(invalid(format!("fault status must be an HTTP error status (400-599), got {}", f.status)));
        }
        let retry_after = match f.retry_after {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(invalid("fault: retryAfter must be a string or a number of seconds")),
        };
        let fault = Fault { status: f.status, retry_after, count: f.count.unwrap_or(1), path_contains: f.path_contains };
        self.with(|h| {
            h.inject_fault(fault);
            Ok(())
        })
    }

    /// The emulator's time (`2030-01-01T00:00:00.000Z`).
    pub fn now(&self) -> Result<String, Error> {
        self.with(|h| Ok(h.now()))
    }

    /// Advances a manual clock by an ISO 8601 duration (`"P3D"`), firing
    /// every timer due on the way in order; answers the new time. A real
    /// clock or a bad duration is `InvalidArgument`. Blocks the calling
    /// thread (release the host's lock first; never call it on a tokio
    /// worker).
    pub fn advance(&self, by: &str) -> Result<String, Error> {
        self.with(|h| Ok(h.advance(by)?))
    }

    /// Stops serving (idempotent); later calls fail. Blocks until the
    /// server's thread has ended.
    pub fn stop(&self) {
        let h = self.handle.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = h {
            h.stop();
        }
    }

    /// Whether [`stop`](Self::stop) has not been called yet.
    pub fn running(&self) -> bool {
        self.handle.lock().map(|g| g.is_some()).unwrap_or(false)
    }
}

/// The fixed ids of the built-in tenant, by name (`testing.ids` in every language).
pub fn fixture_ids() -> &'static [(&'static str, &'static str)] {
    &[
        ("TENANT_ID", ids::TENANT_ID),
        ("TENANT_DOMAIN", ids::TENANT_DOMAIN),
        ("GENERAL_CATALOG_ID", ids::GENERAL_CATALOG_ID),
        ("REQUESTOR1_ID", ids::REQUESTOR1_ID),
        ("REQUESTOR1_UPN", ids::REQUESTOR1_UPN),
        ("ADMIN_ID", ids::ADMIN_ID),
        ("ADMIN_UPN", ids::ADMIN_UPN),
        ("GROUP_ID", ids::GROUP_ID),
        ("MARKETING_GROUP_ID", ids::MARKETING_GROUP_ID),
        ("APP_CLIENT_ID", ids::APP_CLIENT_ID),
        ("APP_CLIENT_SECRET", ids::APP_CLIENT_SECRET),
        ("USER_PASSWORD", ids::USER_PASSWORD),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_manual_clock_advances() {
        let emu = HostedEmulator::start(json!({"clock": "manual"})).unwrap();
        let t0 = chrono::DateTime::parse_from_rfc3339(&emu.now().unwrap()).unwrap();
        let t1 = chrono::DateTime::parse_from_rfc3339(&emu.advance("P3D").unwrap()).unwrap();
        assert_eq!(t1 - t0, chrono::Duration::days(3));
        assert_eq!(emu.now().unwrap(), emu.advance("PT0S").unwrap());
        assert_eq!(emu.advance("3 days").unwrap_err().kind, ErrorKind::InvalidArgument);
        emu.stop();
    }

    #[test]
    fn bad_options_are_argument_errors() {
        let kind = |v: Value| HostedEmulator::start(v).err().map(|e| e.kind);
        assert_eq!(kind(json!({"nope": 1})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"seed": 5})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"seedPath": "/nonexistent/seed.json"})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"dbPath": "/nonexistent/dir/state.sqlite"})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"pageSize": 0})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"allowedHosts": "emulator"})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"allowedHosts": ["http://emulator/"]})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"clock": "fast"})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"throttle": "graph,app=1"})), Some(ErrorKind::InvalidArgument));
        assert_eq!(kind(json!({"faultRate": 2.0})), Some(ErrorKind::InvalidArgument));
    }

    #[test]
    fn starts_serves_tokens_and_stops() {
        let emu = HostedEmulator::start(json!({"deliveryDelay": 0.01})).unwrap();
        assert!(emu.base_url().starts_with("http://127.0.0.1:"));
        assert!(!emu.app_token().unwrap().is_empty());
        assert_eq!(emu.user_token("nobody@contoso.com").unwrap_err().kind, ErrorKind::NotFound);
        assert_eq!(emu.inject_fault(json!({"status": 99})).unwrap_err().kind, ErrorKind::InvalidArgument);
        emu.inject_fault(json!({"status": 503, "retryAfter": "0"})).unwrap();
        assert_eq!(emu.advance("P1D").unwrap_err().kind, ErrorKind::InvalidArgument, "a real clock does not advance");
        emu.stop();
        assert!(!emu.running());
        assert_eq!(emu.app_token().unwrap_err().kind, ErrorKind::InvalidArgument);
    }
}
