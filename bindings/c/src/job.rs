// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `ent_job`: long-running work (a `$batch`, a bulk operation, an export)
//! as a sequence of JSON events. Every job kind reaches C through these
//! functions; the kinds and their options are core's (`bridge::Job`).

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};

use entitlement::bridge::Job;

use crate::client::ent_client;
use crate::error::ent_error;
use crate::ffi::{c_string, free_box, guard, handle, opt_json_arg, out_arg, put_box, str_arg};
use crate::ffi::{invalid, opt_c_string, Result};
use crate::status::ent_status;
use entitlement::bridge::runtime::block_on;

/// A running job. Created by ent_client_job_start(), read with
/// ent_job_next(), released with ent_job_free() (which cancels it if it
/// still runs). ent_job_cancel() may be called from any thread.
pub struct ent_job {
    job: Job,
}

unsafe fn start(
    client: *const ent_client,
    kind: *const c_char,
    options_json: *const c_char,
) -> Result<Job> {
    let session = handle(client, "client")?.session()?;
    let options = opt_json_arg(options_json, "options_json")?;
    Job::start_in(session, str_arg(kind, "kind")?, options)
}

/// Starts a job of `kind` ("batch", "bulkAssign", "bulkRemove", "bulkRun",
/// "export"; see the README for each kind's options) with `options_json`
/// (a JSON object, camelCase keys; may be NULL). Nothing blocks: the work
/// runs on the library's threads and buffers a bounded number of events
/// until ent_job_next() takes them. An unknown kind or bad options is
/// ENT_INVALID_ARGUMENT. On success `*out` receives the job.
#[no_mangle]
pub unsafe extern "C" fn ent_client_job_start(
    client: *const ent_client,
    kind: *const c_char,
    options_json: *const c_char,
    out: *mut *mut ent_job,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let out = out_arg(out, "out")?;
        let job = start(client, kind, options_json)?;
        put_box(out, ent_job { job })
    })
}

/// Waits for the job's next event and returns it as a JSON object in
/// `*out_event_json` (release with ent_string_free()). The last event is
/// `{"type":"done",...}` with the job's summary; after it `*out_event_json`
/// is set to NULL with ENT_OK. A failed job returns its error status once.
/// Blocks; one thread at a time per job.
#[no_mangle]
pub unsafe extern "C" fn ent_job_next(
    job: *const ent_job,
    out_event_json: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let job = &handle(job, "job")?.job;
        let out = out_arg(out_event_json, "out_event_json")?;
        *out = opt_c_string(block_on(job.next_json())?.transpose()?)?;
        Ok(())
    })
}

/// Asks the job to stop (from any thread); ent_job_next() then ends with
/// the summary so far. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ent_job_cancel(job: *const ent_job) {
    if let Some(j) = job.as_ref() {
        j.job.cancel();
    }
}

/// Cancels the job if it still runs and releases it. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn ent_job_free(job: *mut ent_job) {
    free_box(job);
}

/// Called with each event of ent_client_job_run() (NUL-terminated JSON,
/// valid during the call). Return 0 to go on, non-zero to cancel the job.
pub type ent_job_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, event_json: *const c_char) -> c_int>;

/// Runs a job to its end on the calling thread: `callback` (may be NULL)
/// receives every event except the last, whose summary object is returned in
/// `*out_summary_json` (may be NULL; release with ent_string_free()).
#[no_mangle]
pub unsafe extern "C" fn ent_client_job_run(
    client: *const ent_client,
    kind: *const c_char,
    options_json: *const c_char,
    callback: ent_job_callback,
    user_data: *mut c_void,
    out_summary_json: *mut *mut c_char,
    err: *mut *mut ent_error,
) -> ent_status {
    guard(err, || {
        let job = start(client, kind, options_json)?;
        // One event behind: the last one is the summary, not a callback's.
        let mut last: Option<String> = None;
        while let Some(text) = block_on(job.next_json())?.transpose()? {
            if let (Some(prev), Some(cb)) = (last.replace(text), callback) {
                let c = CString::new(prev).map_err(|_| invalid("an event contained a NUL byte"))?;
                if cb(user_data, c.as_ptr()) != 0 {
                    job.cancel();
                }
            }
        }
        if !out_summary_json.is_null() {
            *out_summary_json = c_string(last.unwrap_or_else(|| "{}".into()))?;
        }
        Ok(())
    })
}
