// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! core's [`TokenProvider`] over a Python callable (`token_provider=`).
//! The callable runs on a blocking-pool thread with the GIL taken, so a slow
//! callback never stalls the runtime's workers.

use std::fmt;
use std::sync::Arc;

use entitlement::auth::{AccessToken, Secret, TokenProvider};
use entitlement::{Error, ErrorKind};
use futures_util::future::BoxFuture;
use pyo3::prelude::*;

pub struct PyTokenProvider {
    callback: Arc<Py<PyAny>>,
}

impl PyTokenProvider {
    pub fn new(callback: Py<PyAny>) -> Self {
        PyTokenProvider {
            callback: Arc::new(callback),
        }
    }
}

impl fmt::Debug for PyTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PyTokenProvider(<callable>)")
    }
}

fn auth_error(message: String) -> Error {
    Error::new(ErrorKind::Authentication, message)
}

impl TokenProvider for PyTokenProvider {
    fn token<'a>(&'a self, _scope: &'a str) -> BoxFuture<'a, entitlement::Result<AccessToken>> {
        let cb = self.callback.clone();
        Box::pin(async move {
            let got = tokio::task::spawn_blocking(move || {
                Python::attach(|py| match cb.call0(py) {
                    Ok(v) => v.extract::<String>(py).map_err(|_| {
                        let tn = v
                            .bind(py)
                            .get_type()
                            .name()
                            .map(|n| n.to_string())
                            .unwrap_or_default();
                        auth_error(format!("token_provider must return str, not {tn}"))
                    }),
                    Err(e) => Err(auth_error(format!("token_provider raised {}", e.value(py)))),
                })
            })
            .await
            .map_err(|e| Error::internal(format!("token_provider task failed: {e}")))??;
            if got.is_empty() {
                return Err(auth_error("token_provider returned an empty token".into()));
            }
            Ok(AccessToken {
                token: Secret::new(got),
                expires_at: None,
            })
        })
    }
}
