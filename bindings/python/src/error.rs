// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Core errors become the exception classes of `entitlement/errors.py`
//! (defined in Python so they pickle and subclass builtins); the one mapping
//! from kind to class lives there (`_from_native`).

use entitlement::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static FROM_NATIVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

pub fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let f = FROM_NATIVE.import(py, "entitlement.errors", "_from_native")?;
        let exc = f.call1((
            e.kind.as_str(),
            &e.message,
            e.status,
            e.code.as_deref(),
            e.request_id.as_deref(),
            e.client_request_id.as_deref(),
            e.date.as_deref(),
            e.retry_after.map(|d| d.as_secs_f64()),
            e.outcome_unknown,
        ))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|err| err)
}

pub fn invalid(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py_err(py, Error::invalid_argument(message))
}

/// `.or_raise(py)`: a core result as a Python one.
pub trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, Error> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, e))
    }
}
