// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeJob`: core's [`Job`] (a batch, a bulk operation, an export) as a
//! Python iterator of event dicts, with an awaitable `next_async` for
//! asyncio. Every job kind reaches Python through this one class.

use std::sync::Arc;

use entitlement::bridge::Job;
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;

use crate::client::NativeClient;
use crate::convert::{to_py, value_of};
use crate::error::OrRaise;
use crate::runtime::{answer, Mode};

#[pyclass(module = "entitlement._native", frozen)]
pub struct NativeJob {
    job: Arc<Job>,
}

/// Starts a job of `kind` (see core's `bridge::Job`) with `options` (a dict
/// of JSON values, camelCase keys) on `client`'s connection.
#[pyfunction]
#[pyo3(signature = (client, kind, options=None))]
pub fn start_job(
    py: Python<'_>,
    client: &NativeClient,
    kind: &str,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<NativeJob> {
    let options = value_of(options, "options")?;
    let job = Job::start_in(&*client.session(py)?, kind, options).or_raise(py)?;
    Ok(NativeJob { job: Arc::new(job) })
}

impl NativeJob {
    fn next_in(&self, py: Python<'_>, mode: Mode) -> PyResult<Py<PyAny>> {
        let job = self.job.clone();
        let fut = async move { job.next().await.transpose() };
        answer(py, mode, fut, Ok, move |py, event| match (event, mode) {
            (Some(e), _) => to_py(py, &e),
            (None, Mode::Blocking) => Err(PyStopIteration::new_err(())),
            (None, Mode::Asyncio) => Ok(py.None()),
        })
    }
}

#[pymethods]
impl NativeJob {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// The next event dict, with the GIL released while waiting; the last
    /// is `{"type": "done", ...}`. A failed job raises its error.
    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.next_in(py, Mode::Blocking)
    }

    /// Awaitable: the next event dict, or None after the last.
    fn next_async(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.next_in(py, Mode::Asyncio)
    }

    /// Stops the job; iteration then ends with the summary so far.
    fn cancel(&self) {
        self.job.cancel();
    }
}
