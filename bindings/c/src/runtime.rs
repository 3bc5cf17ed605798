// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! C callers block on core's process runtime (`bridge::runtime`: created
//! on first use, a new one in a forked child; a client made before the fork
//! is refused there); its threads are where I/O happens.

use std::future::Future;

use entitlement::Error;

use crate::ffi::Result;

/// Runs a future to completion on the shared runtime, blocking the caller.
pub(crate) fn block_on<F: Future>(f: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::internal(
            "a blocking libentitlement call was made from inside an async runtime",
        ));
    }
    Ok(entitlement::bridge::runtime::runtime()?.block_on(f))
}
