// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The sign-in kinds behind [`crate::bridge::Credential`], each a
//! [`TokenProvider`]: the Entra token endpoint with a client secret, a
//! certificate, a client assertion (workload identity) or a password
//! ([`OAuthCredential`]); managed identity ([`ManagedIdentityCredential`]);
//! the Azure CLI ([`AzureCliCredential`]); device code
//! ([`DeviceCodeCredential`]); interactive sign-in, the authorization code
//! flow with PKCE ([`InteractiveBrowserCredential`]); the environment and the default chain in
//! azure-identity's order ([`EnvironmentCredential`], [`DefaultCredential`]).
//! Every kind caches through [`crate::auth::TokenCache`]: one fetch in flight
//! per authority, tenant, client and scope, refreshed before expiry.

mod browser;
mod certificate;
mod certificate_pkcs12;
mod chain;
mod cli;
mod device_code;
mod managed;
mod oauth;

use std::time::{Duration, Instant};

pub use browser::{BrowserMode, InteractiveBrowserCredential};
pub use certificate::ClientCertificate;
pub use chain::{DefaultCredential, EnvironmentCredential};
pub use cli::AzureCliCredential;
pub use device_code::{DeviceCodeCredential, DeviceCodePrompt};
pub use managed::{ManagedIdentityCredential, ManagedIdentityEndpoint};
pub use oauth::{AssertionSource, OAuthCredential};

#[allow(unused_imports)]
use crate::auth::TokenProvider;
use crate::auth::{expiry_from, lifetime_of, AccessToken, Secret};
use crate::error::{Error, ErrorKind, Result};

/// Time limit of one token request.
const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn http() -> reqwest::Client {
    crate::client::http_client(crate::client::DEFAULT_CONNECT_TIMEOUT).unwrap_or_default()
}

/// `scope` as a v1 `resource` (managed identity and the Azure CLI take the
/// resource, not the `.default` scope).
pub(crate) fn resource_of(scope: &str) -> &str {
    scope.strip_suffix("/.default").unwrap_or(scope)
}

/// Sends a token request and reads the answer: the token endpoint's,
/// IMDS's and App Service's all carry `access_token` and `expires_in` (or
/// only `expires_on`, seconds since the epoch). Refusals become
/// `Authentication` errors carrying the endpoint's `error` code and the
/// first line of its `error_description` (the `AADSTS…` text).
pub(crate) async fn send_token_request(what: &str, req: reqwest::RequestBuilder) -> Result<AccessToken> {
    send_token_request_within(what, req, TOKEN_TIMEOUT).await
}

pub(crate) async fn send_token_request_within(what: &str, req: reqwest::RequestBuilder, limit: Duration) -> Result<AccessToken> {
    let started = Instant::now();
    let resp = req.timeout(limit).send().await.map_err(|e| {
        let mut err = crate::client::transport_error(&e);
        err.message = format!("{what} failed: {}", err.message);
        err
    })?;
    let status = resp.status().as_u16();
    let body = resp.bytes().await.map_err(|e| crate::client::transport_error(&e))?;
    if !(200..300).contains(&status) {
        let mut err = Error::from_response(status, &body, None, None);
        if err.kind != ErrorKind::Service && err.kind != ErrorKind::Throttled {
            err.kind = ErrorKind::Authentication;
        }
        err.message = format!("{what}: {}", err.message);
        return Err(err);
    }
    token_from_json(what, &body, started)
}

pub(crate) fn token_from_json(what: &str, body: &[u8], started: Instant) -> Result<AccessToken> {
    #[derive(serde::Deserialize)]
    struct TokenResponse {
        access_token: String,
        // Read loosely: a number, a string, or something hostile.
        expires_in: Option<serde_json::Value>,
        expires_on: Option<serde_json::Value>,
    }
    let t: TokenResponse = serde_json::from_slice(body)
        .map_err(|e| Error::new(ErrorKind::Authentication, format!("{what} answered without a token: {e}")))?;
    if t.access_token.is_empty() {
        return Err(Error::new(ErrorKind::Authentication, format!("{what} answered with an empty access_token")));
    }
    let life = lifetime_of(t.expires_in.as_ref()).or_else(|| epoch_lifetime(t.expires_on.as_ref()));
    Ok(AccessToken { token: Secret::new(t.access_token), expires_at: life.map(|l| expiry_from(started, l)) })
}

/// Seconds since the epoch (a number or a string of digits) as the time left.
pub(crate) fn epoch_lifetime(v: Option<&serde_json::Value>) -> Option<Duration> {
    let secs = match v? {
        serde_json::Value::Number(n) => n.as_i64()?,
        serde_json::Value::String(s) => s.trim().parse::<i64>().ok()?,
        _ => return None,
    };
    let left = secs.saturating_sub(chrono::Utc::now().timestamp());
    Some(Duration::from_secs(u64::try_from(left).unwrap_or(0)))
}

/// A credential that cannot run here (no managed identity endpoint, no `az`,
/// variables missing): the default chain moves on to the next kind.
pub(crate) fn unavailable(msg: impl Into<String>) -> Error {
    let mut e = Error::new(ErrorKind::Authentication, msg);
    e.code = Some("CredentialUnavailable".into());
    e
}

pub(crate) fn is_unavailable(e: &Error) -> bool {
    e.code.as_deref() == Some("CredentialUnavailable")
}
