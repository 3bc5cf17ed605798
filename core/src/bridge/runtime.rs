// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The one tokio runtime of a process whose host has none (Python, C),
//! created on first use.
//!
//! Fork: a runtime's threads do not survive `fork()`. A child process gets a
//! runtime of its own on first use (the parent's is leaked there: its
//! threads are gone and dropping it would wait for them); a client created
//! before the fork refuses to run in the child with a clear error (its
//! connections belong to the parent), see [`check_pid`].

use std::sync::Mutex;

use tokio::runtime::Runtime;

use crate::error::{Error, Result};

/// Worker threads (`ENTITLEMENT_RUNTIME_THREADS` overrides). Few: the hosts
/// keep decoding on their own threads; the workers only do I/O.
const DEFAULT_WORKERS: usize = 2;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// The runtime of this process (a new one in a forked child).
pub fn runtime() -> Result<&'static Runtime> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((p, rt)) = *slot {
        if p == pid {
            return Ok(rt);
        }
    }
    let workers = std::env::var("ENTITLEMENT_RUNTIME_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_WORKERS);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("entitlement")
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the I/O runtime: {e}")))?;
    let rt: &'static Runtime = Box::leak(Box::new(rt));
    *slot = Some((pid, rt));
    Ok(rt)
}

/// Refuses to use a client in a process other than the one that made it.
pub fn check_pid(created_in: u32) -> Result<()> {
    let pid = std::process::id();
    if pid == created_in {
        return Ok(());
    }
    Err(Error::internal(format!(
        "this client was created in process {created_in} and cannot be used after fork() \
         (in process {pid}); create a new client in the child process"
    )))
}
