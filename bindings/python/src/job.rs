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
use crate::error::to_py_err;
use crate::runtime::{block_on, future_into_py};
use entitlement::bridge::runtime::runtime;

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
    let session = client.session(py)?;
    let rt = runtime().map_err(|e| to_py_err(py, e))?;
    let _rt = rt.enter();
    let job = session
        .client()
        .and_then(|c| Job::start(&c, kind, options))
        .map_err(|e| to_py_err(py, e))?;
    Ok(NativeJob { job: Arc::new(job) })
}

#[pymethods]
impl NativeJob {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// The next event dict, with the GIL released while waiting; the last
    /// is `{"type": "done", ...}`. A failed job raises its error.
    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let job = self.job.clone();
        match block_on(py, async move { job.next().await.transpose() })? {
            Some(event) => to_py(py, &event),
            None => Err(PyStopIteration::new_err(())),
        }
    }

    /// Awaitable: the next event dict, or None after the last.
    fn next_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let job = self.job.clone();
        future_into_py(
            py,
            async move { job.next().await.transpose() },
            |py, event| match event {
                Some(e) => to_py(py, &e),
                None => Ok(py.None()),
            },
        )
    }

    /// Stops the job; iteration then ends with the summary so far.
    fn cancel(&self) {
        self.job.cancel();
    }
}
