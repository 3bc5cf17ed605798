// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeEmulator`: the emulator crate's [`HostedEmulator`] (its own thread
//! and runtime, so serving never competes with client calls).
//! `entitlement.testing.Emulator` adds the client helpers.

use entitlement_emulator::{fixture_ids, HostedEmulator};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::value_of;
use crate::error::OrRaise;

#[pyclass(module = "entitlement._native", frozen)]
pub struct NativeEmulator {
    inner: HostedEmulator,
}

#[pymethods]
impl NativeEmulator {
    /// Starts a seeded emulator on 127.0.0.1 and returns once it listens.
    /// `options`: port, db_path, seed_path, seed, page_size, delivery_delay, clock.
    #[new]
    #[pyo3(signature = (options=None))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options = value_of(options, "options")?;
        let inner = py.detach(|| HostedEmulator::start(options)).or_raise(py)?;
        Ok(NativeEmulator { inner })
    }

    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    #[getter]
    fn authority(&self) -> &str {
        self.inner.authority()
    }

    #[getter]
    fn tenant_id(&self) -> &str {
        self.inner.tenant_id()
    }

    #[getter]
    fn app_credentials(&self) -> (&str, &str) {
        self.inner.app_credentials()
    }

    fn user_token(&self, py: Python<'_>, user: &str) -> PyResult<String> {
        self.inner.user_token(user).or_raise(py)
    }

    fn app_token(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.app_token().or_raise(py)
    }

    /// `fault`: status, retry_after, count, path_contains.
    fn inject_fault(&self, py: Python<'_>, fault: &Bound<'_, PyDict>) -> PyResult<()> {
        let fault = value_of(Some(fault), "fault")?;
        self.inner.inject_fault(fault).or_raise(py)
    }

    /// The emulator's time (ISO 8601, UTC).
    fn now(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.now().or_raise(py)
    }

    /// Advances a manual clock by an ISO 8601 duration, firing the timers
    /// due on the way; answers the new time. Releases the GIL meanwhile (a
    /// webhook served by this interpreter can answer the callouts).
    fn advance(&self, py: Python<'_>, by: &str) -> PyResult<String> {
        let by = by.to_string();
        py.detach(|| self.inner.advance(&by)).or_raise(py)
    }

    /// Stops serving; later calls fail. Idempotent.
    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.inner.stop());
    }

    #[getter]
    fn running(&self) -> bool {
        self.inner.running()
    }

    /// The fixed ids of the built-in tenant.
    #[staticmethod]
    fn ids() -> Vec<(&'static str, &'static str)> {
        fixture_ids().to_vec()
    }

    fn __repr__(&self) -> String {
        let (url, tenant) = (self.inner.base_url(), self.inner.tenant_id());
        format!("Emulator(base_url={url:?}, tenant_id={tenant:?})")
    }
}
