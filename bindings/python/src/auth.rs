// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The Python side of core's host tokens ([`TokenHost`]): a `credential=`
//! with azure-identity's `TokenCredential` shape (`get_token(*scopes)`
//! returning an object with `.token` and `.expires_on`, seconds since the
//! epoch), whose tokens the bridge caches by their lifetime, or a
//! `token_provider=` callable returning a str, called per request. The call
//! runs on a blocking-pool thread with the GIL taken, so a slow credential
//! never stalls the runtime's workers. `AsyncClient` hands an async
//! credential over wrapped by the facade (`_AsyncCredential`), which runs
//! `get_token` on the caller's loop.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use entitlement::auth::TokenProvider;
use entitlement::bridge::{
    blocking, host_error, HostFuture, HostToken, HostTokens, Lifetimes, TokenHost,
};
use pyo3::prelude::*;

use crate::convert::type_name;

pub struct PyTokenHost {
    callback: Py<PyAny>,
    /// `credential=` (has `get_token`), not a bare callable.
    credential: bool,
}

impl PyTokenHost {
    /// core's token provider over `callback`: a credential's tokens cached
    /// by their lifetime, a callable asked per request.
    pub fn provider(py: Python<'_>, callback: Py<PyAny>) -> Arc<dyn TokenProvider> {
        let credential = callback.bind(py).hasattr("get_token").unwrap_or(false);
        let host = PyTokenHost {
            callback,
            credential,
        };
        match credential {
            true => HostTokens::provider(host, "credential.get_token", Lifetimes::Reported),
            false => HostTokens::provider(host, "token_provider", Lifetimes::Never),
        }
    }

    fn name(&self) -> &'static str {
        if self.credential {
            "credential.get_token"
        } else {
            "token_provider"
        }
    }

    /// Calls the credential (with the GIL).
    fn call(&self, py: Python<'_>, scope: &str) -> entitlement::Result<HostToken> {
        let raised = |e: PyErr| host_error(self.name(), format!("raised {}", e.value(py)));
        if !self.credential {
            let v = self.callback.call0(py).map_err(raised)?;
            let v = v.bind(py);
            let token = v.extract::<String>().map_err(|_| {
                host_error(
                    self.name(),
                    format!("must return str, not {}", type_name(v)),
                )
            })?;
            return Ok(HostToken {
                token,
                lifetime: None,
            });
        }
        let v = self
            .callback
            .call_method1(py, "get_token", (scope,))
            .map_err(raised)?;
        let v = v.bind(py);
        let token = v.getattr("token").and_then(|t| t.extract::<String>());
        let token = token.map_err(|_| {
            let t = type_name(v);
            host_error(
                self.name(),
                format!("must return an AccessToken (.token, .expires_on), not {t}"),
            )
        })?;
        let expires_on = v.getattr("expires_on").and_then(|e| e.extract::<f64>());
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let lifetime = expires_on
            .ok()
            .map(|e| Duration::from_secs(e.max(0.0) as u64).saturating_sub(now));
        Ok(HostToken { token, lifetime })
    }
}

impl TokenHost for PyTokenHost {
    fn fetch(self: Arc<Self>, scope: String) -> HostFuture {
        Box::pin(blocking(move || Python::attach(|py| self.call(py, &scope))))
    }
}
