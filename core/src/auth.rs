// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Credentials. Every token source implements [`TokenProvider`]; bindings
//! implement it over host-language callbacks. Secrets and tokens live in
//! [`Secret`], whose `Debug` never shows them.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio::sync::Mutex;

use crate::error::{Error, ErrorKind, Result};

/// A secret string: client secrets, passwords, tokens. Not printed by
/// `Debug`, wiped from memory when the last clone is dropped (`secrecy`).
#[derive(Clone)]
pub struct Secret(Arc<secrecy::SecretString>);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(Arc::new(secrecy::SecretString::from(s.into())))
    }
    /// The secret itself; call only to put it on the wire.
    pub fn expose(&self) -> &str {
        secrecy::ExposeSecret::expose_secret(&*self.0)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(Secret::new)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}
impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

/// A bearer token and when it stops being valid.
#[derive(Clone, Debug)]
pub struct AccessToken {
    pub token: Secret,
    pub expires_at: Option<Instant>,
}

impl AccessToken {
    /// Fresh enough to send: more than a minute left.
    fn is_fresh(&self) -> bool {
        self.expires_at.is_none_or(|t| t.checked_duration_since(Instant::now()).is_some_and(|left| left > Duration::from_secs(60)))
    }
}

/// The longest lifetime a token is trusted for, whatever its issuer says
/// (Entra's are about an hour): a broken or hostile `expires_in` can neither
/// overflow the clock nor pin a token forever.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// When a token issued now with `lifetime` expires, the lifetime capped at
/// [`MAX_TOKEN_LIFETIME`] (never an overflow).
pub fn expiry_after(lifetime: Duration) -> Instant {
    expiry_from(Instant::now(), lifetime)
}

fn expiry_from(issued: Instant, lifetime: Duration) -> Instant {
    issued.checked_add(lifetime.min(MAX_TOKEN_LIFETIME)).unwrap_or(issued)
}

/// Reads a token response's `expires_in`: a number or (some endpoints) a
/// string of seconds. Negative, fractional-negative, non-finite or unreadable
/// values count as already expired (the token is used once, not cached);
/// absent means no expiry was given (`None`).
fn lifetime_of(v: Option<&serde_json::Value>) -> Option<Duration> {
    use serde_json::Value;
    let secs = |f: f64| if f.is_finite() && f > 0.0 { Duration::try_from_secs_f64(f).unwrap_or(Duration::MAX) } else { Duration::ZERO };
    match v? {
        Value::Null => None,
        Value::Number(n) => Some(match n.as_u64() {
            Some(u) => Duration::from_secs(u),
            None => secs(n.as_f64().unwrap_or(0.0)),
        }),
        Value::String(s) => Some(match s.trim().parse::<u64>() {
            Ok(u) => Duration::from_secs(u),
            Err(_) => secs(s.trim().parse::<f64>().unwrap_or(0.0)),
        }),
        _ => Some(Duration::ZERO),
    }
}

/// A source of bearer tokens.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// A token for `scope` (e.g. `https://graph.microsoft.com/.default`).
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>>;
    /// The service rejected the last token (401): drop any cached one.
    fn invalidate(&self) {}
}

/// A token you already have.
#[derive(Debug, Clone)]
pub struct StaticToken(pub Secret);

impl TokenProvider for StaticToken {
    fn token<'a>(&'a self, _scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        let t = AccessToken { token: self.0.clone(), expires_at: None };
        Box::pin(async move { Ok(t) })
    }
}

/// OAuth2 grant used against `{authority}/{tenant}/oauth2/v2.0/token`.
#[derive(Clone)]
enum Grant {
    ClientSecret { secret: Secret },
    Password { username: String, password: Secret },
}

/// Tokens from the Entra token endpoint, cached until shortly before expiry.
pub struct OAuthCredential {
    authority: String,
    tenant: String,
    client_id: String,
    grant: Grant,
    http: reqwest::Client,
    cache: Mutex<Option<AccessToken>>,
}

impl fmt::Debug for OAuthCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let grant = match &self.grant {
            Grant::ClientSecret { .. } => "client_credentials",
            Grant::Password { .. } => "password",
        };
        f.debug_struct("OAuthCredential")
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("grant", &grant)
            .finish_non_exhaustive()
    }
}

impl OAuthCredential {
    /// Client credentials flow (application permissions).
    pub fn client_secret(authority: &str, tenant: &str, client_id: &str, secret: impl Into<Secret>) -> Self {
        Self::new(authority, tenant, client_id, Grant::ClientSecret { secret: secret.into() })
    }

    /// Resource owner password flow (delegated permissions for one user).
    /// Entra allows it only for accounts without MFA; the emulator allows it
    /// for its seeded users.
    pub fn username_password(
        authority: &str,
        tenant: &str,
        client_id: &str,
        username: &str,
        password: impl Into<Secret>,
    ) -> Self {
        Self::new(
            authority,
            tenant,
            client_id,
            Grant::Password { username: username.to_string(), password: password.into() },
        )
    }

    fn new(authority: &str, tenant: &str, client_id: &str, grant: Grant) -> Self {
        OAuthCredential {
            authority: authority.trim_end_matches('/').to_string(),
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            grant,
            http: crate::client::http_client(crate::client::DEFAULT_CONNECT_TIMEOUT).unwrap_or_default(),
            cache: Mutex::new(None),
        }
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken> {
        let url = format!("{}/{}/oauth2/v2.0/token", self.authority, self.tenant);
        let mut form: Vec<(&str, &str)> = vec![("client_id", &self.client_id), ("scope", scope)];
        match &self.grant {
            Grant::ClientSecret { secret } => {
                form.push(("grant_type", "client_credentials"));
                form.push(("client_secret", secret.expose()));
            }
            Grant::Password { username, password } => {
                form.push(("grant_type", "password"));
                form.push(("username", username));
                form.push(("password", password.expose()));
            }
        }
        let started = Instant::now();
        let resp = self.http.post(&url).timeout(Duration::from_secs(30)).form(&form).send().await.map_err(|e| {
            let mut err = crate::client::transport_error(&e);
            err.message = format!("token request to {url} failed: {}", err.message);
            err
        })?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(|e| crate::client::transport_error(&e))?;
        if !(200..300).contains(&status) {
            let mut err = Error::from_response(status, &body, None, None);
            // Every token-endpoint refusal is an authentication failure to the caller.
            if err.kind != ErrorKind::Service && err.kind != ErrorKind::Throttled {
                err.kind = ErrorKind::Authentication;
            }
            return Err(err);
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            // Read loosely: a number, a string, or something hostile.
            expires_in: Option<serde_json::Value>,
        }
        let t: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| Error::new(ErrorKind::Authentication, format!("token endpoint answered without a token: {e}")))?;
        if t.access_token.is_empty() {
            return Err(Error::new(ErrorKind::Authentication, "token endpoint answered with an empty access_token"));
        }
        Ok(AccessToken {
            token: Secret::new(t.access_token),
            expires_at: lifetime_of(t.expires_in.as_ref()).map(|life| expiry_from(started, life)),
        })
    }
}

impl TokenProvider for OAuthCredential {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken>> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            if let Some(t) = cache.as_ref().filter(|t| t.is_fresh()) {
                return Ok(t.clone());
            }
            let t = self.fetch(scope).await?;
            *cache = Some(t.clone());
            Ok(t)
        })
    }

    fn invalidate(&self) {
        if let Ok(mut c) = self.cache.try_lock() {
            *c = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let c = OAuthCredential::client_secret("https://login.example", "t", "app", "hunter2-secret");
        let p = OAuthCredential::username_password("https://login.example", "t", "app", "u@x", "pa55word");
        let s = format!("{c:?} {p:?} {:?} {:?}", Secret::new("tok-123"), StaticToken(Secret::new("tok-123")));
        assert!(!s.contains("hunter2") && !s.contains("pa55word") && !s.contains("tok-123"), "{s}");
    }

    #[test]
    fn hostile_expires_in_neither_panics_nor_pins_a_token() {
        use serde_json::json;
        let life = |v: serde_json::Value| lifetime_of(Some(&v));
        assert_eq!(life(json!(3599)), Some(Duration::from_secs(3599)));
        assert_eq!(life(json!("3599")), Some(Duration::from_secs(3599)));
        assert_eq!(life(json!(u64::MAX)), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(life(json!(1e300)), Some(Duration::MAX));
        for expired in [json!(-5), json!(-0.5), json!("-5"), json!("soon"), json!([1]), json!({})] {
            assert_eq!(life(expired.clone()), Some(Duration::ZERO), "{expired}");
        }
        assert_eq!(lifetime_of(None), None);
        assert_eq!(life(serde_json::Value::Null), None);
        let now = Instant::now();
        let at = expiry_from(now, Duration::MAX);
        assert_eq!(at, now + MAX_TOKEN_LIFETIME);
        let t = AccessToken { token: Secret::new("t"), expires_at: Some(at) };
        assert!(t.is_fresh());
        let t = AccessToken { token: Secret::new("t"), expires_at: Some(expiry_from(now, Duration::ZERO)) };
        assert!(!t.is_fresh());
    }
}
