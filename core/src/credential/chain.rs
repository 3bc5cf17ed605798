// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The environment credential and the default chain, in azure-identity's
//! order: environment (secret or certificate), workload identity
//! (`AZURE_FEDERATED_TOKEN_FILE`), managed identity, Azure CLI. A kind that
//! cannot run here (variables missing, no managed identity endpoint, no
//! `az`) passes to the next; the first kind that signs in is kept; a kind
//! that is configured but fails ends the chain with its error, as
//! azure-identity's `DefaultAzureCredential` does.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use futures_util::future::BoxFuture;

use super::{
    AssertionSource, AzureCliCredential, ClientCertificate, ManagedIdentityCredential, ManagedIdentityEndpoint, OAuthCredential,
};
use crate::auth::{AccessToken, Secret, TokenProvider};
use crate::error::{Error, Result};

fn var(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.trim().is_empty())
}

/// `AZURE_AUTHORITY_HOST` when set (azure-identity's variable), else `default`.
fn authority(default: &str) -> String {
    var("AZURE_AUTHORITY_HOST").unwrap_or_else(|| default.to_string())
}

/// A client secret or certificate named by `AZURE_TENANT_ID`,
/// `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` or
/// `AZURE_CLIENT_CERTIFICATE_PATH` (+ `AZURE_CLIENT_CERTIFICATE_PASSWORD`,
/// `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN`).
#[derive(Debug)]
pub struct EnvironmentCredential;

impl EnvironmentCredential {
    /// The credential the variables describe; an `unavailable` error says
    /// which are missing.
    pub fn from_env(default_authority: &str) -> Result<OAuthCredential> {
        let (Some(tenant), Some(client)) = (var("AZURE_TENANT_ID"), var("AZURE_CLIENT_ID")) else {
            return Err(super::unavailable("environment: AZURE_TENANT_ID and AZURE_CLIENT_ID are not both set"));
        };
        let authority = authority(default_authority);
        if let Some(secret) = var("AZURE_CLIENT_SECRET") {
            return Ok(OAuthCredential::client_secret(&authority, &tenant, &client, Secret::new(secret)));
        }
        if let Some(path) = var("AZURE_CLIENT_CERTIFICATE_PATH") {
            let password = var("AZURE_CLIENT_CERTIFICATE_PASSWORD").map(Secret::new);
            let chain = var("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
            let cert = ClientCertificate::from_path(path, password.as_ref())?.send_certificate_chain(chain);
            return Ok(OAuthCredential::client_certificate(&authority, &tenant, &client, cert));
        }
        Err(super::unavailable("environment: neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set"))
    }

    /// Workload identity (AKS, GitHub Actions through azure/login):
    /// `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_FEDERATED_TOKEN_FILE`.
    pub fn workload_identity(default_authority: &str) -> Result<OAuthCredential> {
        match (var("AZURE_TENANT_ID"), var("AZURE_CLIENT_ID"), var("AZURE_FEDERATED_TOKEN_FILE")) {
            (Some(tenant), Some(client), Some(file)) => Ok(OAuthCredential::client_assertion(
                &authority(default_authority),
                &tenant,
                &client,
                AssertionSource::File(PathBuf::from(file)),
            )),
            _ => Err(super::unavailable(
                "workload identity: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE are not all set",
            )),
        }
    }
}

/// The default chain. Built from the environment when created; the kind
/// that first signs in is used from then on.
pub struct DefaultCredential {
    chain: Vec<(&'static str, std::result::Result<Arc<dyn TokenProvider>, Error>)>,
    chosen: OnceLock<usize>,
}

impl fmt::Debug for DefaultCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<_> = self.chain.iter().filter(|(_, c)| c.is_ok()).map(|(n, _)| *n).collect();
        f.debug_struct("DefaultCredential").field("kinds", &kinds).field("chosen", &self.chosen.get()).finish()
    }
}

impl DefaultCredential {
    /// Reads the environment once and lines up the chain: environment,
    /// workload identity, managed identity, Azure CLI. Never fails: a kind whose
    /// variables are missing is kept as the reason it was skipped, reported if
    /// no kind signs in. `default_authority` is used unless
    /// `AZURE_AUTHORITY_HOST` is set.
    pub fn from_env(default_authority: &str) -> Self {
        let mi_client = var("AZURE_CLIENT_ID");
        let chain: Vec<(&'static str, std::result::Result<Arc<dyn TokenProvider>, Error>)> = vec![
            ("environment", EnvironmentCredential::from_env(default_authority).map(|c| Arc::new(c) as _)),
            ("workload identity", EnvironmentCredential::workload_identity(default_authority).map(|c| Arc::new(c) as _)),
            (
                "managed identity",
                Ok(Arc::new(ManagedIdentityCredential::new(ManagedIdentityEndpoint::from_env(), mi_client).probing()) as _),
            ),
            ("Azure CLI", Ok(Arc::new(AzureCliCredential::new(None)) as _)),
        ];
        DefaultCredential { chain, chosen: OnceLock::new() }
    }
}

impl TokenProvider for DefaultCredential {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            if let Some(i) = self.chosen.get() {
                if let (_, Ok(c)) = &self.chain[*i] {
                    return c.token(scope).await;
                }
            }
            let mut tried = Vec::new();
            for (i, (name, cred)) in self.chain.iter().enumerate() {
                let cred = match cred {
                    Ok(c) => c,
                    Err(e) => {
                        tried.push(format!("{name}: {}", e.message));
                        continue;
                    }
                };
                match cred.token(scope).await {
                    Ok(t) => {
                        let _ = self.chosen.set(i);
                        return Ok(t);
                    }
                    Err(e) if super::is_unavailable(&e) => tried.push(format!("{name}: {}", e.message)),
                    Err(mut e) => {
                        e.message = format!("default credential, {name}: {}", e.message);
                        return Err(e);
                    }
                }
            }
            Err(super::unavailable(format!("no credential in the default chain could sign in ({})", tried.join("; "))))
        })
    }

    fn invalidate(&self) {
        if let Some(i) = self.chosen.get() {
            if let (_, Ok(c)) = &self.chain[*i] {
                c.invalidate();
            }
        }
    }
}
