// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `ent_emulator`: the entitlement management service, in this process, on
//! a local port. For tests and for trying the API without a tenant.

use std::os::raw::c_char;
use std::time::Duration;

use entitlement::{Error, ErrorKind};
use entitlement_emulator::{EmulatorConfig, EmulatorError, EmulatorHandle, Fault, Seed};
use serde_json::Value;

use crate::error::ent_error;
use crate::ffi::{c_string, guard, handle, invalid, opt_str_arg, out_arg, str_arg, Result};
use crate::status::ent_status;

/// A running emulator. Started with ent_emulator_start(); stopped and
/// released with ent_emulator_stop() (or its synonym ent_emulator_free()).
/// The `const` accessors are thread-safe.
pub struct ent_emulator {
    handle: Option<EmulatorHandle>,
}

impl ent_emulator {
    fn get(&self) -> Result<&EmulatorHandle> {
        self.handle
            .as_ref()
            .ok_or_else(|| Error::internal("the emulator was stopped"))
    }
}

fn emulator_error(e: EmulatorError) -> Error {
    let kind = match e {
        EmulatorError::UnknownUser(_) => ErrorKind::NotFound,
        // A bad seed or an unusable port/database path is the caller's to fix.
        EmulatorError::Seed(_) | EmulatorError::Io(_) | EmulatorError::Db(_) => {
            ErrorKind::InvalidArgument
        }
        _ => ErrorKind::Internal,
    };
    Error::new(kind, format!("emulator: {e}"))
}

fn config(json: Option<&str>) -> Result<EmulatorConfig> {
    let mut cfg = EmulatorConfig::default();
    let Some(text) = json else { return Ok(cfg) };
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(invalid("options_json must be a JSON object")),
        Err(e) => return Err(invalid(format!("options_json is not valid JSON: {e}"))),
    };
    for (k, v) in map {
        let int = || {
            v.as_u64()
                .ok_or_else(|| invalid(format!("options_json.{k} must be a non-negative integer")))
        };
        match k.as_str() {
            "port" => cfg.port = u16::try_from(int()?).map_err(|_| invalid("options_json.port must be 0..65535"))?,
            "dbPath" => {
                cfg.db_path = match &v {
                    Value::Null => None,
                    Value::String(s) => Some(s.into()),
                    _ => return Err(invalid("options_json.dbPath must be a string")),
                }
            }
            "seed" => cfg.seed = seed(v)?,
            "pageSize" => cfg.page_size = usize::try_from(int()?).map_err(|_| invalid("options_json.pageSize is too large"))?,
            "deliveryDelayMs" => cfg.delivery_delay = Duration::from_millis(int()?),
            _ => {
                return Err(invalid(format!(
                    "options_json: unknown option {k:?} (known: port, dbPath, seed, pageSize, deliveryDelayMs)"
                )))
            }
        }
    }
    Ok(cfg)
}

fn seed(v: Value) -> Result<Seed> {
    match v {
        Value::Null => Ok(Seed::default()),
        Value::String(s) if s == "default" => Ok(Seed::default()),
        v @ Value::Object(_) => {
            serde_json::from_value(v).map_err(|e| invalid(format!("options_json.seed: {e}")))
        }
        _ => Err(invalid(
            "options_json.seed must be \"default\" or a seed object",
        )),
    }
}

/// Starts an emulator on 127.0.0.1. `options_json` (may be NULL): `{"port":
/// 0 (any free port), "dbPath": null (in memory) or a SQLite file path,
/// "seed": "default" (the tutorial tenant) or a seed object (tenantId,
/// users, groups, applications), "pageSize": 100, "deliveryDelayMs": 300}`.
///
/// On success `*out` receives the running emulator; stop it with
/// ent_emulator_stop(). The emulator serves from a thread of its own, so
/// the caller's thread stays free; clients in the same process or others
/// can use it.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_start(
    options_json: *const c_char,
    out: *mut *mut ent_emulator,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let out = out_arg(out, "out")?;
        let cfg = config(opt_str_arg(options_json, "options_json")?)?;
        let handle = EmulatorHandle::spawn(cfg).map_err(emulator_error)?;
        *out = Box::into_raw(Box::new(ent_emulator {
            handle: Some(handle),
        }));
        Ok(())
    })
}

/// Stops the emulator and releases it. `ent_emulator_stop(NULL)` is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_stop(emulator: *mut ent_emulator) {
    if emulator.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut emu = Box::from_raw(emulator);
        if let Some(h) = emu.handle.take() {
            h.stop();
        }
    }));
}

/// Same as ent_emulator_stop(), named like every other destructor.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_free(emulator: *mut ent_emulator) {
    ent_emulator_stop(emulator)
}

unsafe fn string_out(
    emulator: *const ent_emulator,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
    read: impl FnOnce(&EmulatorHandle) -> Result<String>,
) -> ent_status {
    guard(err, || {
        let emu = handle(emulator, "emulator")?;
        let out = out_arg(out, "out")?;
        let s = read(emu.get()?)?;
        *out = c_string(s)?;
        Ok(())
    })
}

/// The Graph root URL to use as a client's `baseUrl` (e.g.
/// "http://127.0.0.1:49152"), in `*out` (release with ent_string_free()).
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_base_url(
    emulator: *const ent_emulator,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    string_out(emulator, out, err, |h| Ok(h.base_url()))
}

/// The sign-in authority to use as a client's `authority`, in `*out`
/// (release with ent_string_free()).
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_authority(
    emulator: *const ent_emulator,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    string_out(emulator, out, err, |h| Ok(h.authority()))
}

/// The emulated tenant's id, in `*out` (release with ent_string_free()).
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_tenant_id(
    emulator: *const ent_emulator,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    string_out(emulator, out, err, |h| Ok(h.tenant_id().to_string()))
}

/// The seeded app registration that may sign in: `*client_id` and
/// `*client_secret` (release both with ent_string_free()). Users sign in
/// with the same client id and the seeded password.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_app_credentials(
    emulator: *const ent_emulator,
    client_id: *mut *mut c_char,
    client_secret: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let emu = handle(emulator, "emulator")?;
        let id_out = out_arg(client_id, "client_id")?;
        let secret_out = out_arg(client_secret, "client_secret")?;
        let (id, secret) = emu.get()?.app_credentials();
        let id = c_string(id)?;
        match c_string(secret) {
            Ok(s) => {
                *id_out = id;
                *secret_out = s;
                Ok(())
            }
            Err(e) => {
                crate::ffi::ent_string_free(id);
                Err(e)
            }
        }
    })
}

/// An access token for the app (admin rights), in `*out` (release with
/// ent_string_free()); usable as a client's `token`.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_app_token(
    emulator: *const ent_emulator,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    string_out(emulator, out, err, |h| Ok(h.app_token()))
}

/// An access token for a seeded user, by id or user principal name, in
/// `*out` (release with ent_string_free()). An unknown user is
/// ENT_NOT_FOUND.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_user_token(
    emulator: *const ent_emulator,
    user: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let emu = handle(emulator, "emulator")?;
        let user = str_arg(user, "user")?;
        let out = out_arg(out, "out")?;
        let token = emu.get()?.user_token(user).map_err(emulator_error)?;
        *out = c_string(token)?;
        Ok(())
    })
}

/// Makes the emulator answer the next `count` matching requests with an
/// error, to exercise retries and error handling. `fault_json`:
/// `{"status": 429, "retryAfter": "1", "count": 1, "pathContains":
/// "accessPackages"}` (retryAfter and pathContains optional). Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_inject_fault(
    emulator: *const ent_emulator,
    fault_json: *const c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let emu = handle(emulator, "emulator")?;
        let text = str_arg(fault_json, "fault_json")?;
        let v: Value = serde_json::from_str(text)
            .map_err(|e| invalid(format!("fault_json is not valid JSON: {e}")))?;
        let status = v
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (400..600).contains(s))
            .ok_or_else(|| invalid("fault_json.status must be an HTTP error status (400-599)"))?;
        let count = match v.get("count") {
            None | Some(Value::Null) => 1,
            Some(c) => c
                .as_u64()
                .and_then(|c| u32::try_from(c).ok())
                .ok_or_else(|| invalid("fault_json.count must be a non-negative integer"))?,
        };
        let text_of = |k: &str| match v.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(invalid(format!("fault_json.{k} must be a string"))),
        };
        let fault = Fault {
            status,
            retry_after: text_of("retryAfter")?,
            count,
            path_contains: text_of("pathContains")?,
        };
        emu.get()?.inject_fault(fault);
        Ok(())
    })
}
