// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `entitlement._native`: the Rust half of the Python package. One generic
//! entry point (`NativeClient.call`) sends any operation of the API
//! description by name; the per-operation methods are generated Python
//! (`python/entitlement/_generated.py`). Models stay Rust structs behind
//! [`model::Model`] and are read lazily by attribute name.

// core's `Error` is the cross-language error contract; its size is core's call.
#![allow(clippy::result_large_err)]

mod auth;
mod client;
mod convert;
#[cfg(feature = "emulator")]
mod emulator;
mod error;
mod job;
mod log;
mod model;
mod runtime;

use pyo3::prelude::*;

/// Decoded pages are thousands of small allocations made and freed on
/// different threads; glibc's malloc spent a quarter of the paging CPU on
/// them (`malloc_consolidate` on every large buffer). Rust's allocations
/// only: Python objects keep Python's allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    log::install(); // tracing events -> `log` -> Python `logging`
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<model::Model>()?;
    m.add_class::<runtime::AbortOnCancel>()?;
    m.add_class::<client::PreparedCall>()?;
    m.add_class::<client::Pages>()?;
    m.add_function(wrap_pyfunction!(model::model_from_dict, m)?)?;
    m.add_function(wrap_pyfunction!(model::model_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(model::model_fields, m)?)?;
    m.add_function(wrap_pyfunction!(client::operations, m)?)?;
    m.add_function(wrap_pyfunction!(client::filter_compare, m)?)?;
    m.add_class::<job::NativeJob>()?;
    m.add_function(wrap_pyfunction!(job::start_job, m)?)?;
    #[cfg(feature = "emulator")]
    m.add_class::<emulator::NativeEmulator>()?;
    Ok(())
}
