// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `ent_emulator`: the entitlement management service, in this process, on
//! a local port. For tests and for trying the API without a tenant.

use std::os::raw::c_char;

use entitlement_emulator::HostedEmulator;

use crate::error::ent_error;
use crate::ffi::{c_string, cstring, guard, handle, json_arg, opt_json_arg, out_arg, put_box};
use crate::ffi::{put_string, str_arg, Result};
use crate::status::ent_status;

/// A running emulator. Started with ent_emulator_start(); stopped and
/// released with ent_emulator_stop() (or its synonym ent_emulator_free()).
/// The `const` accessors are thread-safe.
pub struct ent_emulator {
    inner: HostedEmulator,
}

/// Starts an emulator on 127.0.0.1. `options_json` (may be NULL): `{"port":
/// 0 (any free port), "dbPath": null (in memory) or a SQLite file path,
/// "seed": "default" (the tutorial tenant) or a seed object (tenantId,
/// users, groups, applications), "pageSize": 100, "deliveryDelayMs": 300,
/// "clock": "real" or "manual" (time stands still until
/// ent_emulator_advance())}`.
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
        let options = opt_json_arg(options_json, "options_json")?;
        let inner = HostedEmulator::start(options)?;
        put_box(out, ent_emulator { inner })
    })
}

/// Stops the emulator and releases it. `ent_emulator_stop(NULL)` is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_stop(emulator: *mut ent_emulator) {
    // Dropping the emulator stops it and waits for its thread.
    crate::ffi::free_box(emulator)
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
    read: impl FnOnce(&HostedEmulator) -> Result<String>,
) -> ent_status {
    guard(err, || {
        let emu = handle(emulator, "emulator")?;
        let out = out_arg(out, "out")?;
        put_string(out, read(&emu.inner)?)
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
    string_out(emulator, out, err, |h| Ok(h.base_url().to_string()))
}

/// The sign-in authority to use as a client's `authority`, in `*out`
/// (release with ent_string_free()).
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_authority(
    emulator: *const ent_emulator,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    string_out(emulator, out, err, |h| Ok(h.authority().to_string()))
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
        let (id, secret) = emu.inner.app_credentials();
        let (id, secret) = (cstring(id)?, cstring(secret)?);
        *id_out = id.into_raw();
        *secret_out = secret.into_raw();
        Ok(())
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
    string_out(emulator, out, err, |h| h.app_token())
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
        put_string(out, emu.inner.user_token(user)?)
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
        let fault = json_arg(str_arg(fault_json, "fault_json")?, "fault_json")?;
        emu.inner.inject_fault(fault)
    })
}

/// The emulator's time as Graph writes timestamps
/// ("2030-01-01T00:00:00.000Z"), in `*out` (release with ent_string_free()).
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_now(
    emulator: *const ent_emulator,
    out: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    string_out(emulator, out, err, |h| h.now())
}

/// Advances the clock of an emulator started with `{"clock": "manual"}` by
/// `by`, an ISO 8601 duration ("P3D", "PT2H"), firing every timer due on the
/// way in order (scheduled starts, expiries, approval escalations and
/// automatic denials, custom extension timeouts, with their callouts). On
/// success `*out_now` (may be NULL) receives the new time (release with
/// ent_string_free()). A real clock or a bad duration is
/// ENT_INVALID_ARGUMENT. Blocks until the timers have fired; thread-safe.
#[no_mangle]
pub unsafe extern "C" fn ent_emulator_advance(
    emulator: *const ent_emulator,
    by: *const c_char,
    out_now: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let emu = handle(emulator, "emulator")?;
        let by = str_arg(by, "by")?;
        let now = emu.inner.advance(by)?;
        if !out_now.is_null() {
            *out_now = c_string(now)?;
        }
        Ok(())
    })
}
