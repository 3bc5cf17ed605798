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

use std::future::Future;
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::task::AbortHandle;

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

/// Runs `fut` to completion on [`runtime`], blocking the caller (C's calls).
/// Refused on a thread that runs an async runtime, which it would stall.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::internal("a blocking libentitlement call was made from inside an async runtime"));
    }
    Ok(runtime()?.block_on(fut))
}

/// A future running on the process's runtime, waited for from a host
/// thread. The wait is on a channel, not `Runtime::block_on`, so it is legal
/// from any thread, even one of the runtime's own (a token callback that
/// makes a blocking call), and it comes back every `timeout` so the host can
/// look for an interrupt (Ctrl-C) in between.
pub struct Spawned<T> {
    rx: Mutex<mpsc::Receiver<Result<T>>>,
    task: AbortHandle,
}

/// Spawns `fut` on [`runtime`]; a panic in it becomes an `Internal` error.
pub fn spawn<T, F>(fut: F) -> Result<Spawned<T>>
where
    T: Send + 'static,
    F: Future<Output = Result<T>> + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    let task = runtime()?.spawn(async move {
        let _ = tx.send(super::guarded(fut).await);
    });
    Ok(Spawned { rx: Mutex::new(rx), task: task.abort_handle() })
}

impl<T> Spawned<T> {
    /// The outcome, or `None` when it is not there after `timeout`.
    pub fn wait(&self, timeout: Duration) -> Option<Result<T>> {
        match self.rx.lock().unwrap_or_else(|p| p.into_inner()).recv_timeout(timeout) {
            Ok(r) => Some(r),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Some(Err(Error::internal("the request task ended without a result")))
            }
        }
    }

    /// Stops the future (the host gave up waiting).
    pub fn abort(&self) {
        self.task.abort();
    }
}
