// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The Entra token endpoint (`{authority}/{tenant}/oauth2/v2.0/token`) with
//! the client proving itself by secret, certificate or client assertion, or
//! (delegated) by a user's password.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::ClientCertificate;
use crate::auth::{AccessToken, Secret, TokenCache, TokenProvider};
use crate::error::{Error, ErrorKind, Result};

/// Where a client assertion (a JWT another issuer signed, e.g. a Kubernetes
/// service-account token or a GitHub OIDC token) comes from. It is read on
/// every token fetch: the file is rotated by its owner (AKS rewrites
/// `AZURE_FEDERATED_TOKEN_FILE` before the old token lapses).
#[derive(Clone)]
pub enum AssertionSource {
    /// A file holding the assertion, read again on every fetch (AKS's
    /// `AZURE_FEDERATED_TOKEN_FILE`).
    File(PathBuf),
    /// A function that returns a current assertion (a host-language callback in
    /// the bindings); its error fails the token fetch as it is.
    Callback(Arc<dyn Fn() -> Result<Secret> + Send + Sync>),
}

impl fmt::Debug for AssertionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssertionSource::File(p) => f.debug_tuple("File").field(p).finish(),
            AssertionSource::Callback(_) => f.write_str("Callback"),
        }
    }
}

impl AssertionSource {
    fn read(&self) -> Result<Secret> {
        let s = match self {
            AssertionSource::File(p) => std::fs::read_to_string(p).map_err(|e| {
                Error::new(ErrorKind::Authentication, format!("cannot read the client assertion file {}: {e}", p.display()))
            })?,
            AssertionSource::Callback(f) => f()?.expose().to_string(),
        };
        let s = s.trim();
        if s.is_empty() {
            return Err(Error::new(ErrorKind::Authentication, "the client assertion is empty"));
        }
        Ok(Secret::new(s))
    }
}

#[derive(Clone)]
enum Grant {
    ClientSecret(Secret),
    Certificate(Arc<ClientCertificate>),
    Assertion(AssertionSource),
    Password { username: String, password: Secret },
}

/// Tokens from the Entra token endpoint, cached per scope until shortly
/// before expiry (one fetch in flight per scope).
pub struct OAuthCredential {
    authority: String,
    tenant: String,
    client_id: String,
    grant: Grant,
    http: reqwest::Client,
    cache: TokenCache,
}

impl fmt::Debug for OAuthCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthCredential")
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("grant", &self.grant_name())
            .finish_non_exhaustive()
    }
}

impl OAuthCredential {
    /// Client credentials flow with a client secret (application permissions).
    pub fn client_secret(authority: &str, tenant: &str, client_id: &str, secret: impl Into<Secret>) -> Self {
        Self::new(authority, tenant, client_id, Grant::ClientSecret(secret.into()))
    }

    /// Client credentials flow with a certificate: each fetch signs a fresh
    /// client assertion (RS256, `x5t#S256`) with the certificate's key.
    pub fn client_certificate(authority: &str, tenant: &str, client_id: &str, cert: ClientCertificate) -> Self {
        Self::new(authority, tenant, client_id, Grant::Certificate(Arc::new(cert)))
    }

    /// The same with a certificate shared with other clients.
    pub fn client_certificate_shared(authority: &str, tenant: &str, client_id: &str, cert: Arc<ClientCertificate>) -> Self {
        Self::new(authority, tenant, client_id, Grant::Certificate(cert))
    }

    /// Client credentials flow with an assertion from another issuer
    /// (workload identity federation).
    pub fn client_assertion(authority: &str, tenant: &str, client_id: &str, source: AssertionSource) -> Self {
        Self::new(authority, tenant, client_id, Grant::Assertion(source))
    }

    /// Resource owner password flow (delegated permissions for one user).
    /// Entra allows it only for accounts without MFA and Microsoft
    /// discourages it; the emulator allows it for its seeded users.
    pub fn username_password(
        authority: &str,
        tenant: &str,
        client_id: &str,
        username: &str,
        password: impl Into<Secret>,
    ) -> Self {
        Self::new(authority, tenant, client_id, Grant::Password { username: username.to_string(), password: password.into() })
    }

    fn new(authority: &str, tenant: &str, client_id: &str, grant: Grant) -> Self {
        OAuthCredential {
            authority: authority.trim_end_matches('/').to_string(),
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            grant,
            http: super::http(),
            cache: TokenCache::default(),
        }
    }

    fn grant_name(&self) -> &'static str {
        match &self.grant {
            Grant::ClientSecret(_) => "client_secret",
            Grant::Certificate(_) => "client_certificate",
            Grant::Assertion(_) => "client_assertion",
            Grant::Password { .. } => "password",
        }
    }

    /// The token endpoint's URL, also the audience of a client assertion.
    pub fn token_url(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.authority, self.tenant)
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken> {
        let url = self.token_url();
        let mut form: Vec<(&str, String)> = vec![("client_id", self.client_id.clone()), ("scope", scope.to_string())];
        const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
        match &self.grant {
            Grant::ClientSecret(secret) => {
                form.push(("grant_type", "client_credentials".into()));
                form.push(("client_secret", secret.expose().to_string()));
            }
            Grant::Certificate(cert) => {
                form.push(("grant_type", "client_credentials".into()));
                form.push(("client_assertion_type", JWT_BEARER.into()));
                form.push(("client_assertion", cert.assertion(&self.client_id, &url)?.expose().to_string()));
            }
            Grant::Assertion(source) => {
                form.push(("grant_type", "client_credentials".into()));
                form.push(("client_assertion_type", JWT_BEARER.into()));
                form.push(("client_assertion", source.read()?.expose().to_string()));
            }
            Grant::Password { username, password } => {
                form.push(("grant_type", "password".into()));
                form.push(("username", username.clone()));
                form.push(("password", password.expose().to_string()));
            }
        }
        let req = self.http.post(&url).form(&form);
        super::send_token_request(&format!("token request to {url}"), req).await
    }
}

impl TokenProvider for OAuthCredential {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            let key = TokenCache::key(&self.authority, &self.tenant, &self.client_id, scope);
            self.cache.get_or_fetch(&key, || self.fetch(scope)).await
        })
    }

    fn invalidate(&self) {
        self.cache.clear();
    }
}
