// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Device code flow (delegated, for the CLI and PowerShell on machines
//! without a browser): ask `/devicecode` for a code, show the user the
//! service's message ("To sign in, use a web browser to open … and enter the
//! code …"), then poll `/token` at once and every `interval` seconds: `authorization_pending`
//! waits, `slow_down` adds five seconds to the interval (RFC 8628 §3.5),
//! `expired_token` and `authorization_declined` end the attempt.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

use crate::auth::{AccessToken, TokenCache, TokenProvider};
use crate::error::{Error, ErrorKind, Result};

/// What the user must do, as the service said it.
#[derive(Debug, Clone)]
pub struct DeviceCodePrompt {
    /// The short code the user types at [`verification_uri`](Self::verification_uri).
    pub user_code: String,
    /// The page where the user signs in (e.g. `https://microsoft.com/devicelogin`),
    /// opened on any device with a browser.
    pub verification_uri: String,
    /// The service's ready-to-show instructions (code and page in the user's
    /// language); show this when the prompt is plain text.
    pub message: String,
    /// How long the code stays valid; polling stops with an `Authentication`
    /// error once it has passed.
    pub expires_in: Duration,
}

type Show = Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>;

/// Delegated tokens through the device code flow.
pub struct DeviceCodeCredential {
    authority: String,
    tenant: String,
    client_id: String,
    show: Show,
    http: reqwest::Client,
    cache: TokenCache,
}

impl fmt::Debug for DeviceCodeCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCodeCredential")
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct CodeResponse {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    interval: Option<serde_json::Value>,
}

impl DeviceCodeCredential {
    /// `show` receives the instructions; `None` prints the message on stderr.
    pub fn new(authority: &str, tenant: &str, client_id: &str, show: Option<Show>) -> Self {
        DeviceCodeCredential {
            authority: authority.trim_end_matches('/').to_string(),
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            show: show.unwrap_or_else(|| Arc::new(|p: &DeviceCodePrompt| eprintln!("{}", p.message))),
            http: super::http(),
            cache: TokenCache::default(),
        }
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken> {
        let base = format!("{}/{}/oauth2/v2.0", self.authority, self.tenant);
        // Entra issues a refresh token only with offline_access; it is not
        // used here (the cached access token is reused until it lapses).
        let form = [("client_id", self.client_id.as_str()), ("scope", scope)];
        let resp = self.http.post(format!("{base}/devicecode")).timeout(super::TOKEN_TIMEOUT).form(&form).send().await;
        let resp = resp.map_err(|e| crate::client::transport_error(&e))?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(|e| crate::client::transport_error(&e))?;
        if !(200..300).contains(&status) {
            let mut e = Error::from_response(status, &body, None, None);
            e.kind = ErrorKind::Authentication;
            e.message = format!("device code request: {}", e.message);
            return Err(e);
        }
        let code: CodeResponse = serde_json::from_slice(&body)
            .map_err(|e| Error::new(ErrorKind::Authentication, format!("device code endpoint answered unexpectedly: {e}")))?;
        let secs = |v: &Option<serde_json::Value>, default: u64| {
            v.as_ref().and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok())).unwrap_or(default).min(3600)
        };
        let expires_in = Duration::from_secs(secs(&code.expires_in, 900));
        let mut interval = Duration::from_secs(secs(&code.interval, 5).max(1));
        let message = if code.message.is_empty() {
            format!("To sign in, open {} and enter the code {} to authenticate.", code.verification_uri, code.user_code)
        } else {
            code.message.clone()
        };
        (self.show)(&DeviceCodePrompt {
            user_code: code.user_code.clone(),
            verification_uri: code.verification_uri.clone(),
            message,
            expires_in,
        });
        let give_up = Instant::now() + expires_in;
        let poll = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", self.client_id.as_str()),
            ("device_code", code.device_code.as_str()),
        ];
        // Poll at once, then every `interval` (as MSAL does): a code approved
        // while the instructions were shown signs in without a wait.
        let mut first = true;
        loop {
            if !first {
                tokio::time::sleep(interval).await;
            }
            first = false;
            let req = self.http.post(format!("{base}/token")).form(&poll);
            match super::send_token_request("device code sign-in", req).await {
                Ok(t) => return Ok(t),
                Err(e) => match e.code.as_deref() {
                    Some("authorization_pending") if Instant::now() < give_up => {}
                    Some("slow_down") if Instant::now() < give_up => interval += Duration::from_secs(5),
                    Some("authorization_pending") | Some("slow_down") | Some("expired_token") => {
                        return Err(Error::new(ErrorKind::Authentication, "the device code expired before the user signed in"))
                    }
                    _ => return Err(e),
                },
            }
        }
    }
}

impl TokenProvider for DeviceCodeCredential {
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
