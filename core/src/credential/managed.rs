// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Managed identity: the token comes from the host, not from a secret. On a
//! VM or AKS node that is IMDS (`GET http://169.254.169.254/metadata/identity/oauth2/token`
//! with `Metadata: true`); on App Service, Functions and Container Apps the
//! platform sets `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` (sent back as
//! `X-IDENTITY-HEADER`, api-version 2019-08-01). System-assigned when no id
//! is given, else the user-assigned identity with that client id.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::auth::{AccessToken, Secret, TokenCache, TokenProvider};
use crate::error::{ErrorKind, Result};

pub const IMDS_ENDPOINT: &str = "http://169.254.169.254/metadata/identity/oauth2/token";

/// Which protocol, at which address.
#[derive(Clone)]
pub enum ManagedIdentityEndpoint {
    /// IMDS (VMs, scale sets, AKS). The URL is overridable for tests.
    Imds(String),
    /// App Service / Functions: `IDENTITY_ENDPOINT` and `IDENTITY_HEADER`.
    AppService {
        /// `IDENTITY_ENDPOINT`: the local token service's URL.
        endpoint: String,
        /// `IDENTITY_HEADER`: sent as `X-IDENTITY-HEADER` to prove the
        /// request comes from inside the app (guards against SSRF).
        header: Secret,
    },
}

impl fmt::Debug for ManagedIdentityEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManagedIdentityEndpoint::Imds(u) => f.debug_tuple("Imds").field(u).finish(),
            ManagedIdentityEndpoint::AppService { endpoint, .. } => {
                f.debug_struct("AppService").field("endpoint", endpoint).finish()
            }
        }
    }
}

impl ManagedIdentityEndpoint {
    /// App Service's variables when set, else IMDS at its address
    /// (`AZURE_POD_IDENTITY_AUTHORITY_HOST` or `IMDS_ENDPOINT` move it, as in azure-identity).
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if let (Some(endpoint), Some(header)) = (var("IDENTITY_ENDPOINT"), var("IDENTITY_HEADER")) {
            return ManagedIdentityEndpoint::AppService { endpoint, header: Secret::new(header) };
        }
        match var("AZURE_POD_IDENTITY_AUTHORITY_HOST").or_else(|| var("IMDS_ENDPOINT")) {
            Some(host) => ManagedIdentityEndpoint::Imds(format!("{}/metadata/identity/oauth2/token", host.trim_end_matches('/'))),
            None => ManagedIdentityEndpoint::Imds(IMDS_ENDPOINT.into()),
        }
    }
}

/// Tokens for the host's managed identity.
pub struct ManagedIdentityCredential {
    endpoint: ManagedIdentityEndpoint,
    client_id: Option<String>,
    http: reqwest::Client,
    cache: TokenCache,
    /// Inside the default chain: an unreachable endpoint means "no managed
    /// identity here" (IMDS is probed with a short timeout).
    probe: bool,
}

impl fmt::Debug for ManagedIdentityCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedIdentityCredential")
            .field("endpoint", &self.endpoint)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl ManagedIdentityCredential {
    /// `client_id`: a user-assigned identity; `None`: the system-assigned one.
    pub fn new(endpoint: ManagedIdentityEndpoint, client_id: Option<String>) -> Self {
        ManagedIdentityCredential {
            endpoint,
            client_id: client_id.filter(|c| !c.is_empty()),
            http: super::http(),
            cache: TokenCache::default(),
            probe: false,
        }
    }

    pub(crate) fn probing(mut self) -> Self {
        self.probe = true;
        self
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken> {
        let resource = super::resource_of(scope);
        let mut query: Vec<(&str, &str)> = vec![("resource", resource)];
        let with_query = |url: &str, q: &[(&str, &str)]| -> Result<url::Url> {
            url::Url::parse_with_params(url, q)
                .map_err(|e| crate::error::Error::invalid_argument(format!("bad managed identity endpoint {url:?}: {e}")))
        };
        let (url, req) = match &self.endpoint {
            ManagedIdentityEndpoint::Imds(url) => {
                query.push(("api-version", "2018-02-01"));
                if let Some(id) = &self.client_id {
                    query.push(("client_id", id));
                }
                (url.as_str(), self.http.get(with_query(url, &query)?).header("Metadata", "true"))
            }
            ManagedIdentityEndpoint::AppService { endpoint, header } => {
                query.push(("api-version", "2019-08-01"));
                if let Some(id) = &self.client_id {
                    query.push(("client_id", id));
                }
                (endpoint.as_str(), self.http.get(with_query(endpoint, &query)?).header("X-IDENTITY-HEADER", header.expose()))
            }
        };
        let limit = if self.probe { Duration::from_secs(1) } else { super::TOKEN_TIMEOUT };
        match super::send_token_request_within(&format!("managed identity token request to {url}"), req, limit).await {
            Err(e) if self.probe && matches!(e.kind, ErrorKind::Network | ErrorKind::Timeout) => {
                Err(super::unavailable(format!("no managed identity endpoint answered at {url}")))
            }
            // IMDS answers 400 when the VM has no identity assigned.
            Err(e) if self.probe && e.status == Some(400) && e.code.is_none() => {
                Err(super::unavailable(format!("no managed identity is assigned here ({url})")))
            }
            other => other,
        }
    }
}

impl TokenProvider for ManagedIdentityCredential {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            let key = TokenCache::key("managed-identity", "", self.client_id.as_deref().unwrap_or("system"), scope);
            self.cache.get_or_fetch(&key, || self.fetch(scope)).await
        })
    }

    fn invalidate(&self) {
        self.cache.clear();
    }
}
