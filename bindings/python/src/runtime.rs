// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The one tokio runtime of the process, created on first use.
//!
//! Blocking calls spawn their future on it and wait with the GIL released,
//! checking for Ctrl-C every 100 ms (core's `runtime::spawn`: legal from any
//! thread, even one of the runtime's own, such as a token provider that uses
//! a blocking `Client`); async calls spawn the same future and resolve an
//! asyncio future through `loop.call_soon_threadsafe`.
//!
//! The runtime itself, and the fork rules, are core's
//! (`bridge::runtime`).

use std::future::Future;
use std::time::Duration;

use entitlement::bridge::guarded;
use entitlement::bridge::runtime::{self, runtime};
use entitlement::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::error::OrRaise;

/// Runs `fut` on the runtime and waits for it with the GIL released.
fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    let task = runtime::spawn(fut).or_raise(py)?;
    loop {
        if let Some(r) = py.detach(|| task.wait(Duration::from_millis(100))) {
            return r.or_raise(py);
        }
        if let Err(e) = py.check_signals() {
            task.abort();
            return Err(e);
        }
    }
}

/// How a native method answers: blocking the caller (`Client`) or with an
/// asyncio future (`AsyncClient`). One body serves both.
#[derive(Clone, Copy)]
pub enum Mode {
    Blocking,
    Asyncio,
}

impl Mode {
    /// A native method's `asyncio` argument.
    pub fn of(asyncio: bool) -> Mode {
        [Mode::Blocking, Mode::Asyncio][asyncio as usize]
    }
}

/// Runs `fut` on the runtime, `decode` without the GIL, and `convert` with
/// it. Blocking, `decode` runs on the caller's thread, the one that will free
/// what it builds (glibc frees memory of its own thread markedly faster);
/// asyncio, on the runtime (the loop's thread must not block).
pub fn answer<T, U, F, D, C>(
    py: Python<'_>,
    mode: Mode,
    fut: F,
    decode: D,
    convert: C,
) -> PyResult<Py<PyAny>>
where
    T: Send + 'static,
    U: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
    D: FnOnce(T) -> Result<U, Error> + Send + 'static,
    C: FnOnce(Python<'_>, U) -> PyResult<Py<PyAny>> + Send + 'static,
{
    match mode {
        Mode::Blocking => {
            let got = block_on(py, fut)?;
            let out = py.detach(|| decode(got)).or_raise(py)?;
            convert(py, out)
        }
        Mode::Asyncio => {
            future_into_py(py, async move { decode(fut.await?) }, convert).map(Bound::unbind)
        }
    }
}

static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static GET_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Runs `fut` on the runtime; returns an asyncio future of the running loop
/// that `convert` fills in (with the GIL, on a runtime thread).
fn future_into_py<'py, T, F, C>(py: Python<'py>, fut: F, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let get_loop = GET_LOOP.import(py, "asyncio", "get_running_loop")?;
    let resolve = RESOLVE.import(py, "entitlement._aio", "_resolve")?;
    let resolve = resolve.clone().unbind();
    let event_loop = get_loop.call0()?;
    let py_fut = event_loop.call_method0("create_future")?;
    let loop_ref = event_loop.unbind();
    let fut_ref = py_fut.clone().unbind();
    let handle = runtime().or_raise(py)?.spawn(async move {
        let r = guarded(fut).await;
        Python::attach(|py| {
            let (ok, value) = match r.or_raise(py).and_then(|v| convert(py, v)) {
                Ok(v) => (true, v),
                Err(e) => (false, e.into_value(py).into_any()),
            };
            // Fails only when the loop is closed; nobody is waiting then.
            let _ =
                loop_ref.call_method1(py, "call_soon_threadsafe", (resolve, fut_ref, ok, value));
        });
    });
    let handle = handle.abort_handle();
    py_fut.call_method1("add_done_callback", (AbortOnCancel { handle },))?;
    Ok(py_fut)
}

/// Done-callback that stops the Rust task when its asyncio future is cancelled.
#[pyclass(module = "entitlement._native", frozen)]
pub struct AbortOnCancel {
    handle: tokio::task::AbortHandle,
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("cancelled")?.is_truthy()? {
            self.handle.abort();
        }
        Ok(())
    }
}
