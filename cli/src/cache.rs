// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The token file of `entitlement login`: access tokens kept between runs,
//! keyed as core's in-memory cache keys them (authority, tenant, client,
//! scope), so a command after `login` needs no secret until the token
//! lapses.
//!
//! The file is `$ENTITLEMENT_CACHE_DIR/tokens.json`, else
//! `$XDG_CACHE_HOME/entitlement/tokens.json`, else
//! `~/.cache/entitlement/tokens.json`; the folder is made 0700 and the file
//! 0600, written whole to a temporary file and renamed, so a reader never
//! sees half a file. Tokens are never printed or logged.
//!
//! [`CachedProvider`] sits in front of a core credential: a fresh token from
//! the file is used as is; otherwise the credential fetches one (an identity
//! that logged in has its entry refreshed; one that did not is not written
//! down), and with no credential the command fails with `Authentication`
//! and says to run `entitlement login`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use entitlement::auth::{AccessToken, Secret, TokenCache, TokenProvider};
use entitlement::{Error, ErrorKind};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

/// A cached token is used while more than this is left of it.
const MARGIN: Duration = Duration::from_secs(120);

/// One cached token. No `Debug`: it holds the token.
#[derive(Serialize, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub access_token: String,
    /// Seconds since the Unix epoch.
    pub expires_on: u64,
    pub authority: String,
    pub tenant_id: String,
    pub client_id: String,
    pub scope: String,
    /// How it was obtained (`client_secret`, `device_code`, …).
    pub credential: String,
}

#[derive(Serialize, Deserialize, Default)]
struct Contents {
    #[serde(default)]
    tokens: BTreeMap<String, Entry>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn cache_error(msg: String) -> Error {
    Error::invalid_argument(format!("token cache: {msg}"))
}

/// The token file.
#[derive(Debug, Clone)]
pub struct TokenFile {
    path: PathBuf,
}

impl TokenFile {
    pub fn default_location() -> Result<TokenFile, Error> {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = env("ENTITLEMENT_CACHE_DIR")
            .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("entitlement")))
            .or_else(|| env("HOME").map(|h| h.join(".cache").join("entitlement")))
            .ok_or_else(|| {
                cache_error("no cache folder: set ENTITLEMENT_CACHE_DIR or HOME".into())
            })?;
        Ok(TokenFile {
            path: dir.join("tokens.json"),
        })
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The file's entries; a missing file is empty, an unreadable one is
    /// treated as empty (it is only a cache) with a warning.
    fn load(&self) -> Contents {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                eprintln!(
                    "warning: ignoring the unreadable token cache {}: {e}",
                    self.path.display()
                );
                Contents::default()
            }),
            Err(_) => Contents::default(),
        }
    }

    fn save(&self, contents: &Contents) -> Result<(), Error> {
        let dir = self
            .path
            .parent()
            .ok_or_else(|| cache_error("no folder".into()))?;
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| cache_error(format!("{}: {e}", dir.display())))?;
        let text = serde_json::to_vec_pretty(contents).map_err(|e| cache_error(e.to_string()))?;
        let tmp = dir.join(format!(".tokens.{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&tmp).and_then(|mut f| {
            f.write_all(&text)?;
            f.sync_all()
        });
        written
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                cache_error(format!("{}: {e}", self.path.display()))
            })
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        self.load().tokens.get(key).cloned()
    }

    pub fn put(&self, key: &str, entry: Entry) -> Result<(), Error> {
        let mut c = self.load();
        c.tokens.insert(key.to_string(), entry);
        self.save(&c)
    }

    /// Removes the entries `matches` accepts; the number removed.
    pub fn remove_where(&self, mut matches: impl FnMut(&Entry) -> bool) -> Result<usize, Error> {
        let mut c = self.load();
        let before = c.tokens.len();
        c.tokens.retain(|_, e| !matches(e));
        let removed = before - c.tokens.len();
        if removed > 0 {
            self.save(&c)?;
        }
        Ok(removed)
    }
}

/// A core credential with the token file in front of it.
pub struct CachedProvider {
    inner: Option<Arc<dyn TokenProvider>>,
    file: TokenFile,
    authority: String,
    tenant: String,
    client: String,
    kind: &'static str,
    /// Write every token fetched (`login`); otherwise only refresh an
    /// entry that exists.
    store: bool,
    last_key: Mutex<Option<String>>,
}

impl std::fmt::Debug for CachedProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedProvider")
            .field("file", &self.file.path)
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .field("client", &self.client)
            .field("credential", &self.kind)
            .finish_non_exhaustive()
    }
}

impl CachedProvider {
    pub fn new(
        inner: Option<Arc<dyn TokenProvider>>,
        file: TokenFile,
        authority: String,
        tenant: String,
        client: String,
        kind: &'static str,
        store: bool,
    ) -> CachedProvider {
        CachedProvider {
            inner,
            file,
            authority,
            tenant,
            client,
            kind,
            store,
            last_key: Mutex::new(None),
        }
    }

    pub fn file(&self) -> &TokenFile {
        &self.file
    }

    fn key(&self, scope: &str) -> String {
        TokenCache::key(&self.authority, &self.tenant, &self.client, scope)
    }

    /// This identity's entry for `scope`.
    pub fn cached(&self, scope: &str) -> Option<Entry> {
        self.file.get(&self.key(scope))
    }

    /// Drops this identity's entry for `scope`.
    pub fn forget(&self, scope: &str) -> Result<(), Error> {
        let key = self.key(scope);
        let mut c = self.file.load();
        if c.tokens.remove(&key).is_some() {
            self.file.save(&c)?;
        }
        Ok(())
    }

    /// Whether an entry belongs to this identity (any scope).
    pub fn owns(&self, e: &Entry) -> bool {
        e.authority == self.authority && e.tenant_id == self.tenant && e.client_id == self.client
    }

    async fn fetch(&self, scope: &str) -> Result<AccessToken, Error> {
        let key = self.key(scope);
        if let Ok(mut k) = self.last_key.lock() {
            *k = Some(key.clone());
        }
        let cached = self.file.get(&key);
        let now = now_secs();
        if let Some(e) = cached
            .as_ref()
            .filter(|e| e.expires_on > now + MARGIN.as_secs())
        {
            return Ok(AccessToken {
                token: Secret::new(e.access_token.clone()),
                expires_at: Some(Instant::now() + Duration::from_secs(e.expires_on - now)),
            });
        }
        let Some(inner) = &self.inner else {
            let why = match &cached {
                Some(_) => "the token of `entitlement login` has expired",
                None => "not signed in",
            };
            return Err(Error::new(
                ErrorKind::Authentication,
                format!(
                    "{why} (tenant {:?}, client {:?}, authority {}): run `entitlement login` with a credential, \
                     or give --client-secret, --certificate, --use-device-code, --managed-identity or --token",
                    self.tenant, self.client, self.authority
                ),
            ));
        };
        let token = inner.token(scope).await?;
        if self.store || cached.is_some() {
            let left = token
                .expires_at
                .and_then(|t| t.checked_duration_since(Instant::now()));
            // A token without a stated lifetime is kept for an hour at most.
            let expires_on = now + left.unwrap_or(Duration::from_secs(3600)).as_secs();
            let entry = Entry {
                access_token: token.token.expose().to_string(),
                expires_on,
                authority: self.authority.clone(),
                tenant_id: self.tenant.clone(),
                client_id: self.client.clone(),
                scope: scope.to_string(),
                credential: self.kind.to_string(),
            };
            if let Err(e) = self.file.put(&key, entry) {
                if self.store {
                    return Err(e);
                }
                eprintln!("warning: {e}");
            }
        }
        Ok(token)
    }
}

impl TokenProvider for CachedProvider {
    fn token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(self.fetch(scope))
    }

    /// The service refused the token (401): forget it here and in the file.
    fn invalidate(&self) {
        let key = self.last_key.lock().ok().and_then(|k| k.clone());
        if let Some(key) = key {
            let target = self.file.get(&key).map(|e| e.access_token);
            if let Some(token) = target {
                let _ = self.file.remove_where(|e| e.access_token == token);
            }
        }
        if let Some(inner) = &self.inner {
            inner.invalidate();
        }
    }
}

/// Seconds from now until `expires_on`, for messages.
pub fn minutes_left(expires_on: u64) -> u64 {
    expires_on.saturating_sub(now_secs()) / 60
}
