// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The client: builds a request from an [`Operation`], sends it with a
//! token, retries per [`RetryPolicy`], and turns failures into [`Error`]s.
//! Async only; it never creates a runtime (bindings bring their own).

mod generated_beta;
mod generated_v1;
mod request;
mod send;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

pub use generated_beta::BetaClient;
pub use request::{ListRequest, Request};

use crate::api::{ApiVersion, OpKind, Operation};
use crate::auth::{OAuthCredential, Secret, StaticToken, TokenProvider};
use crate::cloud::NationalCloud;
use crate::error::{Error, ErrorKind, Result};
use crate::odata::QueryOptions;
use crate::retry::RetryPolicy;

/// Configures a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    cloud: NationalCloud,
    base_url: Option<String>,
    authority: Option<String>,
    version: ApiVersion,
    credential: Option<BuilderCredential>,
    scope: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
    deadline: Option<Option<Duration>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            cloud: NationalCloud::Global,
            base_url: None,
            authority: None,
            version: ApiVersion::V1,
            credential: None,
            scope: None,
            timeout: Duration::from_secs(100),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: format!("entitlement/{}", env!("CARGO_PKG_VERSION")),
            retry: RetryPolicy::default(),
            deadline: None,
        }
    }
}

impl ClientBuilder {
    /// National cloud: sets the Graph host and the sign-in authority.
    pub fn cloud(mut self, cloud: NationalCloud) -> Self {
        self.cloud = cloud;
        self
    }
    /// Graph root URL without the version (e.g. an emulator's `http://127.0.0.1:PORT`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_string());
        self
    }
    /// Sign-in authority (default: the cloud's, e.g. `https://login.microsoftonline.com`).
    pub fn authority(mut self, url: impl Into<String>) -> Self {
        self.authority = Some(url.into().trim_end_matches('/').to_string());
        self
    }
    /// Version used by the flat (v1.0) operations: `V1` (default) or `Beta`
    /// to send them to `/beta`. `client.beta()` always uses beta.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.version = version;
        self
    }
    /// A bearer token you already have.
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.credential = Some(BuilderCredential::Ready(Arc::new(StaticToken(token.into()))));
        self
    }
    /// Client credentials: an app registration's id and secret in a tenant,
    /// signed in at the [`authority`](Self::authority) (or the
    /// [`cloud`](Self::cloud)'s) the builder has when it builds, whichever
    /// order they are given in.
    pub fn client_secret(mut self, tenant: &str, client_id: &str, secret: impl Into<Secret>) -> Self {
        self.credential = Some(BuilderCredential::ClientSecret {
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            secret: secret.into(),
        });
        self
    }
    /// Delegated token for one user through the password grant (the
    /// authority as for [`client_secret`](Self::client_secret)).
    pub fn username_password(mut self, tenant: &str, client_id: &str, username: &str, password: impl Into<Secret>) -> Self {
        self.credential = Some(BuilderCredential::Password {
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            username: username.to_string(),
            password: password.into(),
        });
        self
    }
    /// Any token source (bindings pass host callbacks here).
    pub fn credential(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.credential = Some(BuilderCredential::Ready(provider));
        self
    }
    /// OAuth scope to ask for (default: the cloud's `.default` scope).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }
    /// Time limit of one HTTP attempt (default 100 s), from connecting to
    /// the end of the response body. The call's [`deadline`](Self::deadline)
    /// bounds all attempts together.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }
    /// Time limit of opening a connection, TCP and TLS (default 10 s), so a
    /// silent host fails the attempt long before [`timeout`](Self::timeout)
    /// would (and the attempt is retried where that is safe).
    /// A client with a non-default value gets its own connection pool
    /// instead of the process-wide one.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }
    /// `User-Agent` header of every request (default
    /// `entitlement/<crate version>`), so service-side logs can tell this
    /// application's traffic apart.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }
    /// Attempts and backoff. The policy's `deadline` applies unless
    /// [`deadline`](Self::deadline) is given too, in either order.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Time limit of a whole call (default [`crate::retry::DEFAULT_DEADLINE`],
    /// 300 s): getting the token, every attempt, every backoff and
    /// `Retry-After` wait. A wait that would end past it fails the call at
    /// once with the service's error and its `retry_after`. `None` lets a
    /// call wait as long as the service asks.
    pub fn deadline(mut self, d: Option<Duration>) -> Self {
        self.deadline = Some(d);
        self
    }

    fn authority_url(&self) -> String {
        self.authority.clone().unwrap_or_else(|| self.cloud.authority_url().to_string())
    }

    /// Checks the settings and makes the client (no network traffic yet).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] when the base URL is not an absolute
    /// `http`/`https` URL; [`ErrorKind::Internal`] when the HTTP stack
    /// cannot be set up (TLS roots).
    pub fn build(self) -> Result<Client> {
        let base = self.base_url.clone().unwrap_or_else(|| self.cloud.graph_url().to_string());
        let parsed = url::Url::parse(&base).map_err(|e| Error::invalid_argument(format!("invalid base URL {base:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::invalid_argument(format!("base URL must be http(s): {base:?}")));
        }
        let http = http_client(self.connect_timeout)?;
        let authority = self.authority_url();
        let credential = self.credential.map(|c| -> Arc<dyn TokenProvider> {
            match c {
                BuilderCredential::Ready(p) => p,
                BuilderCredential::ClientSecret { tenant, client_id, secret } => {
                    Arc::new(OAuthCredential::client_secret(&authority, &tenant, &client_id, secret))
                }
                BuilderCredential::Password { tenant, client_id, username, password } => {
                    Arc::new(OAuthCredential::username_password(&authority, &tenant, &client_id, &username, password))
                }
            }
        });
        let mut retry = self.retry;
        if let Some(d) = self.deadline {
            retry.deadline = d;
        }
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                timeout: self.timeout,
                user_agent: self.user_agent,
                version: self.version,
                scope: self.scope.unwrap_or_else(|| self.cloud.default_scope()),
                credential,
                http,
                retry,
            }),
        })
    }
}

/// The builder's credential: made at `build()`, so the authority given
/// before or after it applies.
#[derive(Debug, Clone)]
enum BuilderCredential {
    Ready(Arc<dyn TokenProvider>),
    ClientSecret { tenant: String, client_id: String, secret: Secret },
    Password { tenant: String, client_id: String, username: String, password: Secret },
}

#[derive(Clone)]
struct Inner {
    base: String,
    timeout: Duration,
    user_agent: String,
    version: ApiVersion,
    scope: String,
    credential: Option<Arc<dyn TokenProvider>>,
    http: reqwest::Client,
    retry: RetryPolicy,
}

/// A connection to Graph. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("version", &self.inner.version)
            .field("credential", &self.inner.credential)
            .finish_non_exhaustive()
    }
}

/// A successful response, before decoding.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status (2xx; other statuses become an [`Error`]).
    pub status: u16,
    /// The body as received (empty for 204 No Content).
    pub body: Bytes,
    /// The service's `request-id` response header, for support requests.
    pub request_id: Option<String>,
    /// The `client-request-id` this client generated and sent (the same on
    /// every retry of the call), so logs on both sides can be joined.
    pub client_request_id: String,
}

/// A request body: JSON bytes, already serialized.
pub type Body = Vec<u8>;

static PROVIDER: std::sync::Once = std::sync::Once::new();
/// The shared pool and the process that built it: a child after `fork()`
/// must not reuse connections whose driver tasks live in the parent.
static SHARED_HTTP: std::sync::Mutex<Option<(u32, reqwest::Client)>> = std::sync::Mutex::new(None);
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client (rustls with the ring provider). Clients with the default
/// connect timeout share one connection pool per process (a forked child gets
/// its own), so building a client is cheap; timeouts and the user agent are
/// set per request. Redirects are never followed: Graph's API does not use
/// them, and following one could carry a request, its body and (to the same
/// host) its token somewhere the caller did not name; a 3xx becomes an error.
pub(crate) fn http_client(connect_timeout: Duration) -> Result<reqwest::Client> {
    PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let build = |connect| {
        reqwest::Client::builder()
            .connect_timeout(connect)
            .pool_idle_timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::internal(format!("cannot build HTTP client: {e}")))
    };
    if connect_timeout != DEFAULT_CONNECT_TIMEOUT {
        return build(connect_timeout);
    }
    let pid = std::process::id();
    let mut shared = SHARED_HTTP.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, c)) = shared.as_ref() {
        if *owner == pid {
            return Ok(c.clone());
        }
    }
    let c = build(connect_timeout)?;
    *shared = Some((pid, c.clone()));
    Ok(c)
}

/// Maps a transport failure to Timeout or Network.
pub(crate) fn transport_error(e: &reqwest::Error) -> Error {
    let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Network };
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    Error::new(kind, msg)
}

impl Client {
    /// Starts configuring a client: global cloud, v1.0, no credential
    /// (set one with [`ClientBuilder::token`], [`ClientBuilder::client_secret`]
    /// or [`ClientBuilder::credential`]).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The beta operations (older model: accessPackageAssignmentPolicies, ...).
    pub fn beta(&self) -> BetaClient {
        BetaClient { client: self.clone() }
    }

    /// The same client (connection pool, credential and its token cache)
    /// with another retry policy. Bulk work (`crate::bulk`) sends with one
    /// attempt per call and retries itself, so that every worker sees a
    /// `Retry-After` and waits behind one shared gate.
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        let mut inner = (*self.inner).clone();
        inner.retry = policy;
        Client { inner: Arc::new(inner) }
    }

    /// The retry policy calls of this client follow.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Graph root URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The body of a `$ref` operation naming `{collection}/{id}` under this
    /// client's Graph root (so national clouds and the emulator get their own
    /// host): `client.reference("users", id)` →
    /// `{"@odata.id": "https://graph.microsoft.com/v1.0/users/{id}"}`.
    /// The id is percent-encoded as one path segment.
    pub fn reference(&self, collection: &str, id: &str) -> crate::models::v1::ReferenceCreate {
        let seg = percent_encoding::utf8_percent_encode(id, crate::api::SEGMENT);
        crate::models::v1::ReferenceCreate {
            odata_id: Some(format!("{}/{}/{}/{seg}", self.inner.base, self.inner.version.as_str(), collection.trim_matches('/'))),
            ..Default::default()
        }
    }

    fn url_for(&self, op: &Operation, args: &[&str], query: &QueryOptions) -> Result<String> {
        let path = op.render_path(args).map_err(Error::invalid_argument)?;
        let version = match op.version {
            ApiVersion::Beta => ApiVersion::Beta,
            ApiVersion::V1 => self.inner.version,
        };
        let mut url = format!("{}/{}{}", self.inner.base, version.as_str(), path);
        let qs = query.to_query_string();
        if !qs.is_empty() {
            url.push('?');
            url.push_str(&qs);
        }
        Ok(url)
    }

    /// Builds the URL of an operation (no I/O), for tests and logging.
    pub fn request_url(&self, op: &Operation, args: &[&str], query: &QueryOptions) -> Result<String> {
        self.url_for(op, args, query)
    }

    /// Sends an operation by its description: the path arguments in order,
    /// the query options and an optional JSON body. Bindings call this.
    pub async fn call(&self, op: &'static Operation, args: &[&str], query: &QueryOptions, body: Option<Body>) -> Result<RawResponse> {
        if body.is_none() && op.body.is_some() && op.kind != OpKind::Action {
            return Err(Error::invalid_argument(format!("{} needs a request body", op.name)));
        }
        let url = self.url_for(op, args, query)?;
        self.execute(op.method, &url, body, op.is_idempotent()).await
    }

    /// The version the flat (v1.0) operations are sent to.
    pub fn api_version(&self) -> ApiVersion {
        self.inner.version
    }

    /// POSTs a `$batch` envelope to `{base}/{version}/$batch` as a
    /// non-idempotent request: retried only when the service did not take
    /// it (429, 503 with `Retry-After`, refused connection); otherwise a
    /// lost answer is `outcome_unknown` (see [`crate::batch`]).
    pub(crate) async fn post_batch(&self, version: ApiVersion, body: Body) -> Result<RawResponse> {
        let url = format!("{}/{}/$batch", self.inner.base, version.as_str());
        self.execute("POST", &url, Some(body), false).await
    }

    /// Fetches an `@odata.nextLink`. The link must point under this
    /// client's Graph root (same scheme, host and port), so a tampered
    /// response cannot send the token to another host.
    pub async fn fetch_next(&self, next_link: &str) -> Result<RawResponse> {
        let under_root = next_link.starts_with(&format!("{}/", self.inner.base)) && url::Url::parse(next_link).is_ok();
        if !under_root {
            let shown: String = next_link.chars().take(200).collect();
            return Err(Error::decode(format!(
                "refusing @odata.nextLink {shown:?}: it is not under this client's Graph root {} (following it could send the token to another host)",
                self.inner.base
            )));
        }
        self.execute("GET", next_link, None, true).await
    }
}

/// Serializes a typed body; a value that cannot be JSON is an argument error.
pub(crate) fn to_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body> {
    serde_json::to_vec(value).map_err(|e| Error::invalid_argument(format!("body is not valid JSON: {e}")))
}
