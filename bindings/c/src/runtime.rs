// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! One multi-threaded tokio runtime for the whole library, created on first
//! use. C callers block on it; the threads it owns are where I/O happens. A
//! runtime does not survive fork(), so a child process is refused clearly
//! instead of hanging.

use std::future::Future;
use std::sync::OnceLock;

use entitlement::Error;

use crate::ffi::Result;

struct Rt {
    rt: tokio::runtime::Runtime,
    pid: u32,
}

static RUNTIME: OnceLock<std::result::Result<Rt, String>> = OnceLock::new();

pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    let rt = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("entitlement-io")
            .build()
            .map(|rt| Rt {
                rt,
                pid: std::process::id(),
            })
            .map_err(|e| format!("cannot start the I/O runtime: {e}"))
    });
    match rt {
        Ok(r) if r.pid == std::process::id() => Ok(&r.rt),
        Ok(_) => Err(Error::internal(
            "libentitlement was first used before fork(); its runtime does not exist in the child process",
        )),
        Err(e) => Err(Error::internal(e.clone())),
    }
}

/// Runs a future to completion on the shared runtime, blocking the caller.
pub(crate) fn block_on<F: Future>(f: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::internal(
            "a blocking libentitlement call was made from inside an async runtime",
        ));
    }
    Ok(runtime()?.block_on(f))
}
