// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The Azure CLI's signed-in account: `az account get-access-token --output
//! json --scope S` (or `--resource R` for a `.default` scope, which every
//! CLI version accepts), read from its JSON (`accessToken`, and the expiry
//! as `expires_on` seconds since the epoch in CLI ≥ 2.54, else the local
//! time `expiresOn`).

use std::fmt;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

use crate::auth::{expiry_from, AccessToken, Secret, TokenCache, TokenProvider};
use crate::error::{Error, ErrorKind, Result};

/// How long `az` may take (it refreshes its own tokens over the network).
const AZ_TIMEOUT: Duration = Duration::from_secs(30);

/// Tokens from the `az` found on `PATH`.
#[derive(Default)]
pub struct AzureCliCredential {
    tenant: Option<String>,
    cache: TokenCache,
}

impl fmt::Debug for AzureCliCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCliCredential").field("tenant", &self.tenant).finish_non_exhaustive()
    }
}

impl AzureCliCredential {
    /// `tenant`: ask for a token in that tenant (`--tenant`).
    pub fn new(tenant: Option<String>) -> Self {
        AzureCliCredential { tenant: tenant.filter(|t| !t.is_empty()), cache: TokenCache::default() }
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken> {
        let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/".contains(c));
        if !valid(scope) {
            return Err(Error::invalid_argument(format!("scope {scope:?} cannot be passed to the Azure CLI")));
        }
        let mut cmd = tokio::process::Command::new(if cfg!(windows) { "az.cmd" } else { "az" });
        cmd.args(["account", "get-access-token", "--output", "json"]);
        match scope.strip_suffix("/.default") {
            Some(resource) => cmd.args(["--resource", resource]),
            None => cmd.args(["--scope", scope]),
        };
        if let Some(t) = &self.tenant {
            cmd.args(["--tenant", t]);
        }
        cmd.stdin(std::process::Stdio::null()).kill_on_drop(true);
        let started = Instant::now();
        let out = match tokio::time::timeout(AZ_TIMEOUT, cmd.output()).await {
            Err(_) => return Err(Error::new(ErrorKind::Timeout, "the Azure CLI did not answer within 30 s")),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(super::unavailable("the Azure CLI (az) is not on PATH"))
            }
            Ok(Err(e)) => return Err(Error::new(ErrorKind::Authentication, format!("cannot run the Azure CLI: {e}"))),
            Ok(Ok(out)) => out,
        };
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let line = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_string();
            if err.contains("az login") || err.contains("az account set") {
                return Err(super::unavailable(format!("the Azure CLI is not signed in: {line}")));
            }
            return Err(Error::new(ErrorKind::Authentication, format!("az account get-access-token failed: {line}")));
        }
        parse_cli_token(&out.stdout, started)
    }
}

/// Reads `az account get-access-token`'s JSON.
pub(crate) fn parse_cli_token(stdout: &[u8], started: Instant) -> Result<AccessToken> {
    let v: serde_json::Value = serde_json::from_slice(stdout)
        .map_err(|e| Error::new(ErrorKind::Authentication, format!("the Azure CLI printed no JSON token: {e}")))?;
    let token = v.get("accessToken").and_then(|t| t.as_str()).filter(|t| !t.is_empty());
    let token = token.ok_or_else(|| Error::new(ErrorKind::Authentication, "the Azure CLI's answer has no accessToken"))?;
    let life = super::epoch_lifetime(v.get("expires_on")).or_else(|| {
        // `expiresOn`: "2026-12-04 21:13:07.000000", local time.
        let s = v.get("expiresOn")?.as_str()?;
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok()?;
        let at = naive.and_local_timezone(chrono::Local).earliest()?;
        let left = at.timestamp().saturating_sub(chrono::Utc::now().timestamp());
        Some(Duration::from_secs(u64::try_from(left).unwrap_or(0)))
    });
    Ok(AccessToken { token: Secret::new(token), expires_at: life.map(|l| expiry_from(started, l)) })
}

impl TokenProvider for AzureCliCredential {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            let key = TokenCache::key("azure-cli", self.tenant.as_deref().unwrap_or(""), "", scope);
            self.cache.get_or_fetch(&key, || self.fetch(scope)).await
        })
    }

    fn invalidate(&self) {
        self.cache.clear();
    }
}
