// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Interactive sign-in (delegated): the authorization code flow with PKCE,
//! as azure-identity's `InteractiveBrowserCredential` runs it. A loopback
//! listener on `http://localhost:PORT` is the redirect URI; the user signs
//! in at the authorize URL in a browser (MFA and conditional access happen
//! there, which the password grant cannot do); the code that comes back is
//! exchanged, with the PKCE verifier, for an access token and a refresh
//! token. Later tokens (another scope, or after expiry) come from the
//! refresh token; only when it is refused does the user sign in again.
//!
//! How the authorize URL is opened ([`BrowserMode`]): the system browser
//! (and the URL printed on stderr), only printed (a machine without a
//! desktop: open it elsewhere... on the same machine, since the redirect is to
//! localhost), or fetched with plain HTTP following its redirects — for an
//! identity provider that signs the `login_hint` user in without a page,
//! such as the emulator.

use std::fmt;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::form_urlencoded;

use crate::auth::{AccessToken, Secret, TokenCache, TokenProvider};
use crate::error::{Error, ErrorKind, Result};

/// How long a user has to finish signing in.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);
/// Redirects followed in [`BrowserMode::Http`].
const MAX_HOPS: usize = 5;

/// How the authorize URL reaches a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserMode {
    /// The system browser (`xdg-open`, `open`, `start`); the URL is also
    /// printed on stderr in case none opens.
    System,
    /// Only print the URL on stderr.
    Print,
    /// Fetch the URL with HTTP and follow its redirects, without a browser:
    /// works only where the authorize endpoint signs the `login_hint` user
    /// in without a page (the emulator); Entra shows its sign-in page.
    Http,
}

impl BrowserMode {
    /// `system`, `print` or `http`.
    pub fn parse(s: &str) -> Option<BrowserMode> {
        match s {
            "system" => Some(BrowserMode::System),
            "print" => Some(BrowserMode::Print),
            "http" => Some(BrowserMode::Http),
            _ => None,
        }
    }
}

/// Delegated tokens through an interactive (browser) sign-in.
pub struct InteractiveBrowserCredential {
    authority: String,
    tenant: String,
    client_id: String,
    login_hint: Option<String>,
    port: u16,
    mode: BrowserMode,
    http: reqwest::Client,
    cache: TokenCache,
    refresh: std::sync::Mutex<Option<Secret>>,
}

impl fmt::Debug for InteractiveBrowserCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InteractiveBrowserCredential")
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("login_hint", &self.login_hint)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

fn auth_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Authentication, msg)
}

impl InteractiveBrowserCredential {
    /// `port` 0 picks a free one (Entra accepts any port on a
    /// `http://localhost` redirect URI registered for a public client).
    pub fn new(
        authority: &str,
        tenant: &str,
        client_id: &str,
        login_hint: Option<String>,
        port: u16,
        mode: BrowserMode,
    ) -> Self {
        InteractiveBrowserCredential {
            authority: authority.trim_end_matches('/').to_string(),
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            login_hint: login_hint.filter(|h| !h.is_empty()),
            port,
            mode,
            http: super::http(),
            cache: TokenCache::default(),
            refresh: std::sync::Mutex::new(None),
        }
    }

    fn endpoint(&self, what: &str) -> String {
        format!("{}/{}/oauth2/v2.0/{what}", self.authority, self.tenant)
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken> {
        let refresh = self.refresh.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(rt) = refresh {
            let form = [
                ("grant_type", "refresh_token"),
                ("client_id", &self.client_id),
                ("refresh_token", rt.expose()),
                ("scope", &format!("{scope} offline_access")),
            ];
            // A refused refresh token (revoked, expired) means signing in again.
            if let Ok(t) = self.redeem(&form).await {
                return Ok(t);
            }
        }
        self.sign_in(scope).await
    }

    /// Posts to the token endpoint; keeps the refresh token it returns.
    async fn redeem(&self, form: &[(&str, &str)]) -> Result<AccessToken> {
        let url = self.endpoint("token");
        let started = std::time::Instant::now();
        let req = self.http.post(&url).form(form);
        let resp = req.timeout(super::TOKEN_TIMEOUT).send().await.map_err(|e| crate::client::transport_error(&e))?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(|e| crate::client::transport_error(&e))?;
        if !(200..300).contains(&status) {
            let mut err = Error::from_response(status, &body, None, None);
            if err.kind != ErrorKind::Service && err.kind != ErrorKind::Throttled {
                err.kind = ErrorKind::Authentication;
            }
            err.message = format!("token request to {url}: {}", err.message);
            return Err(err);
        }
        #[derive(serde::Deserialize)]
        struct Refresh {
            refresh_token: Option<String>,
        }
        if let Ok(Refresh { refresh_token: Some(rt) }) = serde_json::from_slice::<Refresh>(&body) {
            *self.refresh.lock().unwrap_or_else(|p| p.into_inner()) = Some(Secret::new(rt));
        }
        super::token_from_json(&format!("token request to {url}"), &body, started)
    }

    async fn sign_in(&self, scope: &str) -> Result<AccessToken> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await.map_err(|e| {
            auth_error(format!("cannot listen for the sign-in redirect on 127.0.0.1:{}: {e}", self.port))
        })?;
        let port = listener.local_addr().map_err(|e| auth_error(format!("redirect listener: {e}")))?.port();
        let redirect_uri = format!("http://localhost:{port}");
        let verifier = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let state = uuid::Uuid::new_v4().simple().to_string();
        let mut url = url::Url::parse(&self.endpoint("authorize"))
            .map_err(|e| Error::invalid_argument(format!("authority: {e}")))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &self.client_id)
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", &redirect_uri)
                .append_pair("response_mode", "query")
                .append_pair("scope", &format!("{scope} offline_access openid profile"))
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256")
                .append_pair("state", &state);
            if let Some(h) = &self.login_hint {
                q.append_pair("login_hint", h);
            }
        }
        let url = url.to_string();
        let opened = self.open(&url, port);
        let code = tokio::time::timeout(SIGN_IN_TIMEOUT, async {
            tokio::select! {
                r = receive(&listener, &state) => r,
                r = opened => match r {
                    // The page was fetched without reaching the redirect: what it said.
                    Err(e) => Err(e),
                    // A browser runs on its own: wait for the redirect.
                    Ok(()) => receive(&listener, &state).await,
                },
            }
        })
        .await
        .map_err(|_| Error::new(ErrorKind::Timeout, "the interactive sign-in did not finish within 5 minutes"))??;
        let scopes = format!("{scope} offline_access");
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", self.client_id.as_str()),
            ("code", code.expose()),
            ("redirect_uri", &redirect_uri),
            ("code_verifier", &verifier),
            ("scope", &scopes),
        ];
        self.redeem(&form).await
    }

    /// Opens `url` as the mode says. `Ok(())` once handed to a browser; in
    /// [`BrowserMode::Http`], an error if the redirects did not end at the
    /// redirect URI (the listener answers the last hop itself).
    async fn open(&self, url: &str, port: u16) -> Result<()> {
        match self.mode {
            BrowserMode::Print => {
                eprintln!("To sign in, open this page in a browser on this machine:\n{url}");
                Ok(())
            }
            BrowserMode::System => {
                eprintln!("Opening a browser to sign in. If none opens, open this page on this machine:\n{url}");
                let cmd = if cfg!(target_os = "macos") {
                    tokio::process::Command::new("open").arg(url).status().await
                } else if cfg!(windows) {
                    tokio::process::Command::new("cmd").args(["/C", "start", "", url]).status().await
                } else {
                    tokio::process::Command::new("xdg-open").arg(url).status().await
                };
                if let Err(e) = cmd {
                    eprintln!("(no browser: {e})");
                }
                Ok(())
            }
            BrowserMode::Http => {
                let http = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(super::TOKEN_TIMEOUT)
                    .build()
                    .map_err(|e| auth_error(format!("cannot build the sign-in client: {e}")))?;
                let mut at = url.to_string();
                for _ in 0..MAX_HOPS {
                    let resp = http.get(&at).send().await.map_err(|e| {
                        let mut err = crate::client::transport_error(&e);
                        err.message = format!("sign-in page {at}: {}", err.message);
                        err
                    })?;
                    let status = resp.status().as_u16();
                    let next = resp.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_string);
                    match next {
                        Some(next) if (300..400).contains(&status) => {
                            let base =
                                url::Url::parse(&at).map_err(|e| auth_error(format!("sign-in redirect: {e}")))?;
                            let mut to =
                                base.join(&next).map_err(|e| auth_error(format!("sign-in redirect: {e}")))?;
                            // Our own listener: reach it on 127.0.0.1 without a name lookup
                            // (glibc keeps per-thread resolver state that leaks when a pool
                            // thread exits).
                            if to.host_str() == Some("localhost") && to.port() == Some(port) {
                                let _ = to.set_host(Some("127.0.0.1"));
                            }
                            at = to.to_string();
                        }
                        _ if status == 200 && at.starts_with(&format!("http://127.0.0.1:{port}/")) => {
                            // The listener answered: the code is in hand.
                            return std::future::pending().await;
                        }
                        _ => {
                            let body = resp.bytes().await.unwrap_or_default();
                            let mut err = Error::from_response(status, &body, None, None);
                            err.kind = ErrorKind::Authentication;
                            err.message = format!(
                                "the sign-in page answered {status} without signing in (browser \"http\" needs an identity provider that signs the login hint in without a page): {}",
                                err.message
                            );
                            return Err(err);
                        }
                    }
                }
                Err(auth_error(format!("the sign-in page redirected more than {MAX_HOPS} times")))
            }
        }
    }
}

/// Waits for the redirect: `GET /?code=…&state=…` (or `error=…`); answers
/// the browser with a short page. Other requests (a favicon) are answered
/// 404 and the wait goes on.
async fn receive(listener: &tokio::net::TcpListener, state: &str) -> Result<Secret> {
    loop {
        let (mut conn, _) =
            listener.accept().await.map_err(|e| auth_error(format!("sign-in redirect listener: {e}")))?;
        let mut buf = Vec::with_capacity(1024);
        let mut chunk = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            match tokio::time::timeout(Duration::from_secs(10), conn.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                _ => break,
            }
        }
        let head = String::from_utf8_lossy(&buf);
        let target = head.lines().next().and_then(|l| l.split(' ').nth(1)).unwrap_or("");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let params: std::collections::HashMap<String, String> =
            form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        if path != "/" || !(params.contains_key("code") || params.contains_key("error")) {
            let _ = conn.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
            continue;
        }
        let outcome = if params.get("state").map(String::as_str) != Some(state) {
            Err(auth_error("the sign-in redirect carried another state: not the answer to this sign-in"))
        } else if let Some(code) = params.get("code").filter(|c| !c.is_empty()) {
            Ok(Secret::new(code.clone()))
        } else {
            let mut e = auth_error(format!(
                "sign-in refused: {}",
                params.get("error_description").or(params.get("error")).map(String::as_str).unwrap_or("no code")
            ));
            e.code = params.get("error").cloned();
            Err(e)
        };
        let page = if outcome.is_ok() {
            "Signed in. You can close this window."
        } else {
            "Sign-in failed: see the program's message. You can close this window."
        };
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
            page.len()
        );
        let _ = conn.write_all(reply.as_bytes()).await;
        let _ = conn.shutdown().await;
        return outcome;
    }
}

impl TokenProvider for InteractiveBrowserCredential {
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
