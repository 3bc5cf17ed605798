// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `NativeEmulator`: the emulator on its own thread and runtime
//! ([`EmulatorHandle`]), so serving never competes with client calls on the
//! binding's runtime. `entitlement.testing.Emulator` adds the client helpers.

use std::sync::Mutex;
use std::time::Duration;

use entitlement::{Error, ErrorKind};
use entitlement_emulator::{ids, EmulatorConfig, EmulatorError, EmulatorHandle, Fault, Seed};
use pyo3::prelude::*;

use crate::error::{invalid, to_py_err};

fn emu_error(py: Python<'_>, e: EmulatorError) -> PyErr {
    let kind = match e {
        EmulatorError::UnknownUser(_) => ErrorKind::NotFound,
        EmulatorError::Seed(_) => ErrorKind::InvalidArgument,
        _ => ErrorKind::Internal,
    };
    to_py_err(py, Error::new(kind, e.to_string()))
}

#[pyclass(module = "entitlement._native", frozen)]
pub struct NativeEmulator {
    handle: Mutex<Option<EmulatorHandle>>,
    base_url: String,
    tenant_id: String,
    app: (String, String),
}

impl NativeEmulator {
    fn with<T>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&EmulatorHandle) -> PyResult<T>,
    ) -> PyResult<T> {
        let guard = self.handle.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(h) => f(h),
            None => Err(invalid(py, "the emulator is stopped")),
        }
    }
}

#[pymethods]
impl NativeEmulator {
    /// Starts a seeded emulator on 127.0.0.1 and returns once it listens.
    #[new]
    #[pyo3(signature = (*, port=0, db_path=None, seed_path=None, seed=None, page_size=None, delivery_delay=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        port: u16,
        db_path: Option<String>,
        seed_path: Option<String>,
        seed: Option<&Bound<'_, PyAny>>,
        page_size: Option<usize>,
        delivery_delay: Option<f64>,
    ) -> PyResult<Self> {
        let mut config = EmulatorConfig {
            port,
            db_path: db_path.map(Into::into),
            ..EmulatorConfig::default()
        };
        let config_has_seed_path = seed_path.is_some();
        if let Some(path) = seed_path {
            config.seed = Seed::from_file(&path).map_err(|e| emu_error(py, e))?;
        }
        if let Some(seed) = seed.filter(|s| !s.is_none()) {
            if config_has_seed_path {
                return Err(invalid(py, "give seed or seed_path, not both"));
            }
            let value = crate::model::body_value(seed, "seed")?;
            config.seed = serde_json::from_value::<Seed>(value)
                .map_err(|e| invalid(py, format!("invalid seed: {e}")))?;
        }
        if let Some(n) = page_size {
            if n == 0 {
                return Err(invalid(py, "page_size must be at least 1"));
            }
            config.page_size = n;
        }
        if let Some(s) = delivery_delay {
            config.delivery_delay = Duration::try_from_secs_f64(s).map_err(|_| {
                invalid(
                    py,
                    format!("delivery_delay must be a non-negative number of seconds, got {s}"),
                )
            })?;
        }
        let h = py
            .detach(|| EmulatorHandle::spawn(config))
            .map_err(|e| emu_error(py, e))?;
        Ok(NativeEmulator {
            base_url: h.base_url(),
            tenant_id: h.tenant_id().to_string(),
            app: h.app_credentials(),
            handle: Mutex::new(Some(h)),
        })
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    #[getter]
    fn authority(&self) -> &str {
        &self.base_url
    }

    #[getter]
    fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    #[getter]
    fn app_credentials(&self) -> (String, String) {
        self.app.clone()
    }

    fn user_token(&self, py: Python<'_>, user: &str) -> PyResult<String> {
        self.with(py, |h| h.user_token(user).map_err(|e| emu_error(py, e)))
    }

    fn app_token(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |h| Ok(h.app_token()))
    }

    #[pyo3(signature = (status, *, retry_after=None, count=1, path_contains=None))]
    fn inject_fault(
        &self,
        py: Python<'_>,
        status: u16,
        retry_after: Option<String>,
        count: u32,
        path_contains: Option<String>,
    ) -> PyResult<()> {
        self.with(py, |h| {
            h.inject_fault(Fault {
                status,
                retry_after,
                count,
                path_contains,
            });
            Ok(())
        })
    }

    /// Stops serving; later calls fail. Idempotent.
    fn stop(&self, py: Python<'_>) {
        let h = self.handle.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = h {
            py.detach(move || h.stop());
        }
    }

    #[getter]
    fn running(&self) -> bool {
        self.handle.lock().map(|g| g.is_some()).unwrap_or(false)
    }

    /// The fixed ids of the built-in tenant.
    #[staticmethod]
    fn ids() -> Vec<(&'static str, &'static str)> {
        vec![
            ("TENANT_ID", ids::TENANT_ID),
            ("TENANT_DOMAIN", ids::TENANT_DOMAIN),
            ("GENERAL_CATALOG_ID", ids::GENERAL_CATALOG_ID),
            ("REQUESTOR1_ID", ids::REQUESTOR1_ID),
            ("REQUESTOR1_UPN", ids::REQUESTOR1_UPN),
            ("ADMIN_ID", ids::ADMIN_ID),
            ("ADMIN_UPN", ids::ADMIN_UPN),
            ("GROUP_ID", ids::GROUP_ID),
            ("MARKETING_GROUP_ID", ids::MARKETING_GROUP_ID),
            ("APP_CLIENT_ID", ids::APP_CLIENT_ID),
            ("APP_CLIENT_SECRET", ids::APP_CLIENT_SECRET),
            ("USER_PASSWORD", ids::USER_PASSWORD),
        ]
    }

    fn __repr__(&self) -> String {
        format!(
            "Emulator(base_url={:?}, tenant_id={:?})",
            self.base_url, self.tenant_id
        )
    }
}
