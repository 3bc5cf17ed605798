// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The Python side of core's host tokens: a `credential=` with
//! azure-identity's `TokenCredential` shape (`get_token(*scopes)` returning
//! an object with `.token` and `.expires_on`, seconds since the epoch),
//! whose tokens the bridge caches by their lifetime, or a `token_provider=`
//! callable returning a str, called per request. The call runs on a
//! blocking-pool thread with the GIL taken (core's `blocking_provider`), so
//! a slow credential never stalls the runtime's workers. `AsyncClient` hands
//! an async credential over wrapped by the facade (`_AsyncCredential`),
//! which runs `get_token` on the caller's loop.

use std::sync::Arc;

use entitlement::auth::TokenProvider;
use entitlement::bridge::{blocking_provider, host_error, HostToken, Lifetimes};
use pyo3::prelude::*;

use crate::convert::type_name;
use crate::error::invalid;

const CREDENTIAL: &str = "credential.get_token";
const CALLABLE: &str = "token_provider";

/// core's token provider over `token_provider=` (None: the options' own
/// credential): a credential's tokens cached by their lifetime, a callable
/// asked per request; anything else is an argument error.
pub fn provider(host: Option<Bound<'_, PyAny>>) -> PyResult<Option<Arc<dyn TokenProvider>>> {
    let Some(host) = host.filter(|h| !h.is_none()) else {
        return Ok(None);
    };
    let (py, callback) = (host.py(), host.clone().unbind());
    if host.hasattr("get_token").unwrap_or(false) {
        let get = move |scope: &str| Python::attach(|py| get_token(py, &callback, scope));
        Ok(Some(blocking_provider(
            CREDENTIAL,
            Lifetimes::Reported,
            get,
        )))
    } else if host.is_callable() {
        let ask = move |_: &str| Python::attach(|py| call(py, &callback));
        Ok(Some(blocking_provider(CALLABLE, Lifetimes::Never, ask)))
    } else {
        let msg = "token_provider must be callable (or a credential with get_token)";
        Err(invalid(py, msg))
    }
}

/// A `token_provider=` callable's token.
fn call(py: Python<'_>, callable: &Py<PyAny>) -> entitlement::Result<HostToken> {
    let raised = |e: PyErr| host_error(CALLABLE, format!("raised {}", e.value(py)));
    let v = callable.call0(py).map_err(raised)?;
    let v = v.bind(py);
    let token = v.extract::<String>().map_err(|_| {
        let t = type_name(v);
        host_error(CALLABLE, format!("must return str, not {t}"))
    })?;
    Ok(HostToken::expiring_on(token, None))
}

/// A credential's `get_token(scope)`: the token and when it expires.
fn get_token(
    py: Python<'_>,
    credential: &Py<PyAny>,
    scope: &str,
) -> entitlement::Result<HostToken> {
    let raised = |e: PyErr| host_error(CREDENTIAL, format!("raised {}", e.value(py)));
    let v = credential.call_method1(py, "get_token", (scope,));
    let v = v.map_err(raised)?;
    let v = v.bind(py);
    let token = v.getattr("token").and_then(|t| t.extract::<String>());
    let token = token.map_err(|_| {
        let t = type_name(v);
        host_error(
            CREDENTIAL,
            format!("must return an AccessToken (.token, .expires_on), not {t}"),
        )
    })?;
    let expires_on = v.getattr("expires_on").and_then(|e| e.extract::<f64>());
    Ok(HostToken::expiring_on(token, expires_on.ok()))
}
