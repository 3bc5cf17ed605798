// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Client options as every binding receives them, and the lazily built
//! client behind them.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::{Call, Response};
use crate::api::ApiVersion;
use crate::auth::{Secret, TokenProvider};
use crate::client::{Client, ClientBuilder};
use crate::cloud::NationalCloud;
use crate::credential::{
    AssertionSource, AzureCliCredential, ClientCertificate, DefaultCredential, DeviceCodeCredential, DeviceCodePrompt,
    BrowserMode, EnvironmentCredential, InteractiveBrowserCredential, ManagedIdentityCredential, ManagedIdentityEndpoint,
    OAuthCredential,
};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;

/// The options of `Client(...)` in Python, `new Client({...})` in Node and
/// `ent_client_new(options_json)` in C. Keys are camelCase (the Python facade
/// translates its keyword names). Unknown
/// keys and wrong types are `InvalidArgument` errors naming the key.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientConfig {
    /// Graph root without the version (e.g. an emulator's `http://127.0.0.1:PORT`).
    pub base_url: Option<String>,
    /// `global`, `usGov`, `usGovDod`, `china`.
    pub cloud: Option<String>,
    /// Version of the unprefixed operations: `v1.0` (default) or `beta`.
    pub api_version: Option<String>,
    /// Sign-in authority (default: `AZURE_AUTHORITY_HOST` when set, else the cloud's).
    pub authority: Option<String>,
    /// OAuth scope (default: the cloud's `.default`).
    pub scope: Option<String>,
    /// Time limit of one HTTP attempt, in milliseconds (default 100 000).
    pub timeout_ms: Option<f64>,
    /// The same in seconds (Python's `timeout=`); give one of the two.
    pub timeout: Option<f64>,
    /// Time limit of a whole call, in milliseconds (default 300 000): the
    /// token, every attempt, every backoff and `Retry-After` wait. A wait
    /// that would end past it fails the call at once (with `retryAfter`).
    pub deadline_ms: Option<f64>,
    /// The same in seconds (Python's `deadline=`); give one of the two.
    pub deadline: Option<f64>,
    /// Retries (attempts = retries + 1, default 4) of 429, 503 and 504, and of
    /// network failures where sending again is safe.
    pub max_retries: Option<u32>,
    /// A bearer token you already have.
    pub token: Option<Secret>,
    /// Directory (tenant) id or domain, for `clientSecret` and
    /// `username`/`password` sign-in.
    pub tenant_id: Option<String>,
    /// Application (client) id of the app registration that signs in, for
    /// `clientSecret` and `username`/`password`.
    pub client_id: Option<String>,
    /// Client credentials sign-in (needs `tenantId` and `clientId`).
    pub client_secret: Option<Secret>,
    /// Password grant (ROPC) sign-in as this user; needs `password`,
    /// `tenantId` and `clientId`.
    pub username: Option<String>,
    /// The user's password for [`username`](Self::username).
    pub password: Option<Secret>,
    /// A sign-in kind other than the flat keys above, as an object with a
    /// `kind` (see `CredentialConfig`); C passes it in the options JSON,
    /// Python's and Node's credential classes build it.
    pub credential: Option<CredentialConfig>,
}

/// `"credential": {"kind": …, …}` in the client options.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum CredentialConfig {
    Token {
        token: Secret,
    },
    ClientSecret {
        tenant_id: String,
        client_id: String,
        client_secret: Secret,
    },
    /// PEM (certificate + RSA key) or PKCS#12, by path or inline PEM text.
    ClientCertificate {
        tenant_id: String,
        client_id: String,
        certificate_path: Option<String>,
        certificate_pem: Option<Secret>,
        /// The file's bytes in base64: PEM or PKCS#12 (hosts holding bytes).
        certificate_data: Option<Secret>,
        certificate_password: Option<Secret>,
        #[serde(default)]
        send_certificate_chain: bool,
    },
    /// Workload identity: a JWT from another issuer, re-read from the file
    /// on every token fetch (`AZURE_FEDERATED_TOKEN_FILE` when not given).
    ClientAssertion {
        tenant_id: Option<String>,
        client_id: Option<String>,
        token_file: Option<String>,
    },
    /// IMDS or App Service (`IDENTITY_ENDPOINT`/`IDENTITY_HEADER`) by the
    /// environment; `endpoint` overrides (with `identityHeader`: App Service).
    ManagedIdentity {
        client_id: Option<String>,
        endpoint: Option<String>,
        identity_header: Option<Secret>,
    },
    AzureCli {
        tenant_id: Option<String>,
    },
    /// Prints the sign-in instructions on stderr and waits for the user.
    DeviceCode {
        tenant_id: String,
        client_id: String,
    },
    /// The authorization code flow with PKCE: the user signs in in a
    /// browser (`browser`: `system`, the default; `print`; or `http`, no
    /// browser, for the emulator, which signs `loginHint` in at once).
    InteractiveBrowser {
        tenant_id: String,
        client_id: String,
        login_hint: Option<String>,
        redirect_port: Option<u16>,
        browser: Option<String>,
    },
    Environment {},
    Default {},
}

/// Where tokens come from. One enum for every binding; new sign-in kinds
/// are added here and every language gets them through [`ClientConfig`].
#[derive(Clone)]
#[non_exhaustive]
pub enum Credential {
    /// No token: calls go out unauthenticated (the service answers 401).
    None,
    /// A bearer token given as is, never refreshed.
    Token(Secret),
    /// Client credentials grant: an app registration's secret.
    ClientSecret {
        /// Directory (tenant) id or domain.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// The client secret.
        secret: Secret,
    },
    /// Password grant (ROPC) for one user: a delegated token.
    Password {
        /// Directory (tenant) id or domain.
        tenant_id: String,
        /// Application (client) id of a public client that allows the grant.
        client_id: String,
        /// The user's sign-in name (UPN).
        username: String,
        /// The user's password.
        password: Secret,
    },
    /// Client credentials grant with a certificate: a signed JWT assertion
    /// instead of a secret.
    ClientCertificate {
        /// Directory (tenant) id or domain.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// The certificate and its private key, already read and checked.
        certificate: Arc<ClientCertificate>,
    },
    /// Client credentials grant with an assertion another issuer signed
    /// (workload identity federation).
    ClientAssertion {
        /// Directory (tenant) id or domain.
        tenant_id: String,
        /// Application (client) id that trusts the other issuer.
        client_id: String,
        /// Where each fetch reads the assertion from.
        source: AssertionSource,
    },
    /// The Azure host's managed identity (IMDS or App Service).
    ManagedIdentity {
        /// A user-assigned identity's client id; `None` for the system-assigned one.
        client_id: Option<String>,
        /// The local token service to ask.
        endpoint: ManagedIdentityEndpoint,
    },
    /// The account signed in to the Azure CLI (`az account get-access-token`).
    AzureCli {
        /// Ask `az` for a token in this tenant instead of its default one.
        tenant_id: Option<String>,
    },
    /// Device code flow: the user signs in on another device with a code.
    DeviceCode {
        /// Directory (tenant) id or domain.
        tenant_id: String,
        /// Application (client) id of a public client.
        client_id: String,
        /// Shows the code and page to the user; `None` prints the service's
        /// message on stderr.
        prompt: Option<Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>>,
    },
    /// Authorization code flow with PKCE: the user signs in in a browser and
    /// is redirected to a loopback listener.
    InteractiveBrowser {
        /// Directory (tenant) id or domain.
        tenant_id: String,
        /// Application (client) id of a public client with a
        /// `http://localhost` redirect URI.
        client_id: String,
        /// Pre-fills the sign-in name (the emulator signs this user in at once).
        login_hint: Option<String>,
        /// Port of the loopback redirect listener on 127.0.0.1; 0 picks a free one.
        redirect_port: u16,
        /// How the authorize URL is opened (system browser, printed, or followed
        /// over HTTP for the emulator).
        browser: BrowserMode,
    },
    /// `AZURE_*` variables (secret or certificate), read at construction.
    Environment,
    /// Environment, workload identity, managed identity, Azure CLI.
    Default,
    /// A host callback (Python callable, JS function, C function pointer).
    Provider(Arc<dyn TokenProvider>),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind())
    }
}

impl Credential {
    /// The kind's name, never the secret: `none`, `token`, `client_secret`,
    /// `password`, `client_certificate`, `client_assertion`,
    /// `managed_identity`, `azure_cli`, `device_code`, `interactive_browser`, `environment`,
    /// `default`, `token_provider`.
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::None => "none",
            Credential::Token(_) => "token",
            Credential::ClientSecret { .. } => "client_secret",
            Credential::Password { .. } => "password",
            Credential::ClientCertificate { .. } => "client_certificate",
            Credential::ClientAssertion { .. } => "client_assertion",
            Credential::ManagedIdentity { .. } => "managed_identity",
            Credential::AzureCli { .. } => "azure_cli",
            Credential::DeviceCode { .. } => "device_code",
            Credential::InteractiveBrowser { .. } => "interactive_browser",
            Credential::Environment => "environment",
            Credential::Default => "default",
            Credential::Provider(_) => "token_provider",
        }
    }

    /// The token source, signing in at `authority`. Built once per session
    /// (its token cache lives as long as the client).
    pub fn provider(&self, authority: &str) -> Result<Option<Arc<dyn TokenProvider>>> {
        let a = authority;
        Ok(Some(match self.clone() {
            Credential::None => return Ok(None),
            Credential::Token(t) => Arc::new(crate::auth::StaticToken(t)),
            Credential::ClientSecret { tenant_id, client_id, secret } => {
                Arc::new(OAuthCredential::client_secret(a, &tenant_id, &client_id, secret))
            }
            Credential::Password { tenant_id, client_id, username, password } => {
                Arc::new(OAuthCredential::username_password(a, &tenant_id, &client_id, &username, password))
            }
            Credential::ClientCertificate { tenant_id, client_id, certificate } => {
                Arc::new(OAuthCredential::client_certificate_shared(a, &tenant_id, &client_id, certificate))
            }
            Credential::ClientAssertion { tenant_id, client_id, source } => {
                Arc::new(OAuthCredential::client_assertion(a, &tenant_id, &client_id, source))
            }
            Credential::ManagedIdentity { client_id, endpoint } => Arc::new(ManagedIdentityCredential::new(endpoint, client_id)),
            Credential::AzureCli { tenant_id } => Arc::new(AzureCliCredential::new(tenant_id)),
            Credential::DeviceCode { tenant_id, client_id, prompt } => {
                Arc::new(DeviceCodeCredential::new(a, &tenant_id, &client_id, prompt))
            }
            Credential::InteractiveBrowser { tenant_id, client_id, login_hint, redirect_port, browser } => Arc::new(
                InteractiveBrowserCredential::new(a, &tenant_id, &client_id, login_hint, redirect_port, browser),
            ),
            Credential::Environment => Arc::new(EnvironmentCredential::from_env(a)?),
            Credential::Default => Arc::new(DefaultCredential::from_env(a)),
            Credential::Provider(p) => p,
        }))
    }
}

impl CredentialConfig {
    /// The credential this object describes; files named in it are read now
    /// so a wrong path fails at construction.
    pub fn into_credential(self) -> Result<Credential> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let need = |v: Option<String>, key: &str, var: &str, kind: &str| {
            non_empty(v).or_else(|| env(var)).ok_or_else(|| invalid(format!("credential {kind} needs {key} (or {var})")))
        };
        Ok(match self {
            CredentialConfig::Token { token } => Credential::Token(token),
            CredentialConfig::ClientSecret { tenant_id, client_id, client_secret } => {
                Credential::ClientSecret { tenant_id, client_id, secret: client_secret }
            }
            CredentialConfig::ClientCertificate {
                tenant_id,
                client_id,
                certificate_path,
                certificate_pem,
                certificate_data,
                certificate_password,
                send_certificate_chain,
            } => {
                let cert = match (non_empty(certificate_path), certificate_pem, certificate_data) {
                    (Some(p), None, None) => ClientCertificate::from_path(p, certificate_password.as_ref())?,
                    (None, Some(pem), None) => ClientCertificate::from_pem(pem.expose().as_bytes())?,
                    (None, None, Some(data)) => {
                        use base64::Engine as _;
                        let bytes = base64::engine::general_purpose::STANDARD
                            .decode(data.expose().trim())
                            .map_err(|e| invalid(format!("credential clientCertificate: certificateData is not base64: {e}")))?;
                        ClientCertificate::from_bytes(&bytes, certificate_password.as_ref())?
                    }
                    _ => {
                        return Err(invalid(
                            "credential clientCertificate needs one of certificatePath, certificatePem or certificateData",
                        ))
                    }
                };
                Credential::ClientCertificate {
                    tenant_id,
                    client_id,
                    certificate: Arc::new(cert.send_certificate_chain(send_certificate_chain)),
                }
            }
            CredentialConfig::ClientAssertion { tenant_id, client_id, token_file } => Credential::ClientAssertion {
                tenant_id: need(tenant_id, "tenantId", "AZURE_TENANT_ID", "clientAssertion")?,
                client_id: need(client_id, "clientId", "AZURE_CLIENT_ID", "clientAssertion")?,
                source: AssertionSource::File(
                    need(token_file, "tokenFile", "AZURE_FEDERATED_TOKEN_FILE", "clientAssertion")?.into(),
                ),
            },
            CredentialConfig::ManagedIdentity { client_id, endpoint, identity_header } => {
                let endpoint = match (non_empty(endpoint), identity_header) {
                    (Some(e), Some(h)) => ManagedIdentityEndpoint::AppService { endpoint: e, header: h },
                    (Some(e), None) => ManagedIdentityEndpoint::Imds(e),
                    (None, Some(_)) => return Err(invalid("credential managedIdentity: identityHeader needs endpoint")),
                    (None, None) => ManagedIdentityEndpoint::from_env(),
                };
                Credential::ManagedIdentity { client_id: non_empty(client_id), endpoint }
            }
            CredentialConfig::AzureCli { tenant_id } => Credential::AzureCli { tenant_id: non_empty(tenant_id) },
            CredentialConfig::DeviceCode { tenant_id, client_id } => {
                Credential::DeviceCode { tenant_id, client_id, prompt: None }
            }
            CredentialConfig::InteractiveBrowser { tenant_id, client_id, login_hint, redirect_port, browser } => {
                let browser = match browser.as_deref().filter(|b| !b.is_empty()) {
                    None => BrowserMode::System,
                    Some(b) => BrowserMode::parse(b).ok_or_else(|| {
                        invalid(format!("credential interactiveBrowser: browser must be system, print or http, not {b:?}"))
                    })?,
                };
                Credential::InteractiveBrowser {
                    tenant_id,
                    client_id,
                    login_hint: non_empty(login_hint),
                    redirect_port: redirect_port.unwrap_or(0),
                    browser,
                }
            }
            CredentialConfig::Environment {} => Credential::Environment,
            CredentialConfig::Default {} => Credential::Default,
        })
    }
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::invalid_argument(msg)
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

fn duration(what: &str, v: f64, scale: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(v / scale)
        .ok()
        .filter(|d| d.as_secs() < 1 << 40)
        .ok_or_else(|| invalid(format!("{what} must be a non-negative number, got {v}")))
}

impl ClientConfig {
    /// From a JSON object (`null` = all defaults); errors name the key.
    pub fn from_value(v: Value) -> Result<ClientConfig> {
        if v.is_null() {
            return Ok(ClientConfig::default());
        }
        if !v.is_object() {
            return Err(invalid("client options must be an object"));
        }
        serde_path_to_error::deserialize(v).map_err(|e| invalid(format!("client options: {}: {}", e.path(), e.inner())))
    }

    /// The credential these options describe; `host` is a callback given
    /// beside the options. More than one source, or a source missing a part,
    /// is an argument error.
    pub fn credential(&mut self, host: Option<Arc<dyn TokenProvider>>) -> Result<Credential> {
        let token = self.token.take().filter(|t| !t.expose().is_empty());
        let secret = self.client_secret.take().filter(|t| !t.expose().is_empty());
        let password = self.password.take().filter(|t| !t.expose().is_empty());
        let username = non_empty(self.username.take());
        let config = self.credential.take();
        let given =
            [host.is_some(), token.is_some(), secret.is_some(), password.is_some() || username.is_some(), config.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(invalid("give one credential: a token provider, token, clientSecret, username/password or credential"));
        }
        let tenant = non_empty(self.tenant_id.take());
        let client = non_empty(self.client_id.take());
        let need = |v: &Option<String>, name: &str, with: &str| v.clone().ok_or_else(|| invalid(format!("{with} needs {name}")));
        Ok(if let Some(p) = host {
            Credential::Provider(p)
        } else if let Some(c) = config {
            c.into_credential()?
        } else if let Some(t) = token {
            Credential::Token(t)
        } else if let Some(s) = secret {
            Credential::ClientSecret {
                tenant_id: need(&tenant, "tenantId", "clientSecret")?,
                client_id: need(&client, "clientId", "clientSecret")?,
                secret: s,
            }
        } else if username.is_some() || password.is_some() {
            Credential::Password {
                tenant_id: need(&tenant, "tenantId", "password")?,
                client_id: need(&client, "clientId", "password")?,
                username: need(&username, "username", "password")?,
                password: password.ok_or_else(|| invalid("username needs password"))?,
            }
        } else {
            Credential::None
        })
    }

    /// Everything but the credential, checked now so mistakes surface at
    /// construction rather than on the first call.
    fn builder(&self) -> Result<(ClientBuilder, String, ApiVersion, String)> {
        let mut b = Client::builder();
        let cloud = match self.cloud.as_deref().filter(|c| !c.is_empty()) {
            None => NationalCloud::Global,
            Some(c) => {
                NationalCloud::parse(c).ok_or_else(|| invalid(format!("unknown cloud {c:?} (global, usGov, usGovDod, china)")))?
            }
        };
        b = b.cloud(cloud);
        let version = match self.api_version.as_deref().filter(|v| !v.is_empty()) {
            None => ApiVersion::V1,
            Some(v) => ApiVersion::parse(v).ok_or_else(|| invalid(format!("unknown API version {v:?} (v1.0, beta)")))?,
        };
        b = b.api_version(version);
        let base = self
            .base_url
            .clone()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| cloud.graph_url().to_string())
            .trim_end_matches('/')
            .to_string();
        match url::Url::parse(&base) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            Ok(_) => return Err(invalid(format!("base URL must be http(s): {base:?}"))),
            Err(e) => return Err(invalid(format!("invalid base URL {base:?}: {e}"))),
        }
        b = b.base_url(base.clone());
        let authority = match self.authority.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => {
                match url::Url::parse(a) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                    _ => return Err(invalid(format!("authority must be an http(s) URL: {a:?}"))),
                }
                b = b.authority(a);
                a.trim_end_matches('/').to_string()
            }
            // As every azure-identity credential: AKS's workload identity
            // webhook sets it (sovereign clouds), and the kinds that read
            // their tenant and client from AZURE_* variables must sign in there.
            None => std::env::var("AZURE_AUTHORITY_HOST")
                .ok()
                .map(|a| a.trim().trim_end_matches('/').to_string())
                .filter(|a| a.starts_with("http://") || a.starts_with("https://"))
                .unwrap_or_else(|| cloud.authority_url().to_string()),
        };
        if let Some(s) = self.scope.as_deref().filter(|s| !s.is_empty()) {
            b = b.scope(s);
        }
        match (self.timeout_ms, self.timeout) {
            (Some(_), Some(_)) => return Err(invalid("give timeout or timeoutMs, not both")),
            (Some(ms), None) => b = b.timeout(duration("timeoutMs", ms, 1000.0)?),
            (None, Some(s)) => b = b.timeout(duration("timeout", s, 1.0)?),
            (None, None) => {}
        }
        if let Some(n) = self.max_retries {
            b = b.retry(RetryPolicy { max_attempts: n.saturating_add(1), ..RetryPolicy::default() });
        }
        let deadline = match (self.deadline_ms, self.deadline) {
            (Some(_), Some(_)) => return Err(invalid("give deadline or deadlineMs, not both")),
            (Some(ms), None) => Some(("deadlineMs", duration("deadlineMs", ms, 1000.0)?)),
            (None, Some(s)) => Some(("deadline", duration("deadline", s, 1.0)?)),
            (None, None) => None,
        };
        if let Some((key, d)) = deadline {
            if d.is_zero() {
                return Err(invalid(format!("{key} must be more than zero")));
            }
            b = b.deadline(Some(d));
        }
        Ok((b, base, version, authority))
    }
}

/// A client as a binding holds it: options checked at construction, core's
/// [`Client`] built on first use (building one sets up an HTTP client with
/// its TLS roots, which would make constructing a client cost milliseconds).
pub struct Session {
    builder: ClientBuilder,
    credential: Credential,
    authority: String,
    base_url: String,
    version: ApiVersion,
    cell: OnceLock<Result<Client>>,
    /// The process that made it: its connections are no use after `fork()`.
    pid: u32,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("base_url", &self.base_url)
            .field("version", &self.version)
            .field("credential", &self.credential.kind())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Checks the options and picks the credential now (so a mistake fails the
    /// host's constructor), without building the HTTP client yet; `host` is a
    /// token callback given beside the options.
    pub fn new(mut config: ClientConfig, host: Option<Arc<dyn TokenProvider>>) -> Result<Session> {
        let credential = config.credential(host)?;
        let (builder, base_url, version, authority) = config.builder()?;
        Ok(Session { builder, credential, authority, base_url, version, cell: OnceLock::new(), pid: std::process::id() })
    }

    /// Refuses a session made in another process (before a `fork()`: its
    /// connections are the parent's), see [`check_pid`](super::runtime::check_pid).
    pub fn check_fork(&self) -> Result<&Session> {
        super::runtime::check_pid(self.pid).map(|()| self)
    }

    /// core's client, built on first use.
    pub fn client(&self) -> Result<Client> {
        self.cell
            .get_or_init(|| {
                let b = self.builder.clone();
                let b = match self.credential.provider(&self.authority)? {
                    Some(p) => b.credential(p),
                    None => b,
                };
                b.build()
            })
            .clone()
    }

    /// Sends `call`, or fetches the page at `link` of it.
    pub async fn send(&self, call: &Call, link: Option<&str>) -> Result<Response> {
        let client = self.client()?;
        match link {
            None => call.send(&client).await,
            Some(l) => call.next_page(&client, l).await,
        }
    }

    /// The Graph root calls go to (the cloud's, or `baseUrl`), without a
    /// version segment.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The version the unprefixed operations are sent to.
    pub fn api_version(&self) -> ApiVersion {
        self.version
    }

    /// The credential's kind (never the secret).
    pub fn credential_kind(&self) -> &'static str {
        self.credential.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_in_either_spelling_and_errors_name_the_key() {
        let c = ClientConfig::from_value(json!({"baseUrl": "http://x", "tenantId": "t", "clientId": "c", "clientSecret": "s"}));
        let s = Session::new(c.unwrap(), None).unwrap();
        assert_eq!((s.base_url(), s.credential_kind()), ("http://x", "client_secret"));
        let e = ClientConfig::from_value(json!({"tenantId": 5})).unwrap_err();
        assert!(e.message.contains("tenantId"), "{}", e.message);
        let e = ClientConfig::from_value(json!({"nope": 1})).unwrap_err();
        assert!(e.message.contains("nope"), "{}", e.message);
        let e = Session::new(ClientConfig::from_value(json!({"clientSecret": "s"})).unwrap(), None).unwrap_err();
        assert!(e.message.contains("tenantId"), "{}", e.message);
        let e = Session::new(ClientConfig::from_value(json!({"token": "a", "clientSecret": "s"})).unwrap(), None).unwrap_err();
        assert!(e.message.contains("one credential"), "{}", e.message);
        let e = Session::new(ClientConfig::from_value(json!({"timeoutMs": -1})).unwrap(), None).unwrap_err();
        assert!(e.message.contains("timeoutMs"), "{}", e.message);
        for bad in [json!({"deadlineMs": -1}), json!({"deadline": 0}), json!({"deadline": 1, "deadlineMs": 1000})] {
            let e = Session::new(ClientConfig::from_value(bad.clone()).unwrap(), None).unwrap_err();
            assert!(e.message.contains("deadline"), "{bad}: {}", e.message);
        }
        assert!(Session::new(ClientConfig::from_value(json!({"deadline": 2.5})).unwrap(), None).is_ok());
        assert!(Session::new(ClientConfig::from_value(json!({"deadlineMs": 2500})).unwrap(), None).is_ok());
    }

    #[test]
    fn debug_shows_no_secret() {
        let c = ClientConfig::from_value(json!({"tenantId": "t", "clientId": "c", "clientSecret": "hunter2"})).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
        let s = Session::new(c, None).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
