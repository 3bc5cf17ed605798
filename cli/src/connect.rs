// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Where a command connects and how it signs in, for every command: the
//! global options (`entitlement --endpoint … --tenant-id … catalogs list`;
//! they may also follow the subcommand). A real tenant or running emulator
//! (`--endpoint`), or, without one, an emulator started for the command.
//!
//! Sign-in goes through core's bridge, the options every binding takes
//! (`ClientConfig` → `Credential`), so the CLI has no sign-in code of its
//! own; it only adds the token file of `entitlement login` ([`crate::cache`])
//! in front of the credential.

use std::path::PathBuf;
use std::sync::Arc;

use entitlement::bridge::{ClientConfig, Credential, Session};
use entitlement::{Client, Error};
use entitlement_emulator::{Emulator, EmulatorConfig, Seed};
use serde_json::{json, Map, Value};

use crate::cache::{CachedProvider, TokenFile};

/// The global connection and sign-in options.
#[derive(clap::Args, Debug)]
#[command(next_help_heading = "Connection and sign-in (before or after the subcommand)")]
pub struct Connection {
    /// Graph root of a real tenant (https://graph.microsoft.com) or a running
    /// emulator (default: start an embedded emulator for this command).
    #[arg(long, global = true, env = "ENTITLEMENT_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Sign-in authority (default: the endpoint itself when it is a loopback
    /// emulator, else https://login.microsoftonline.com).
    #[arg(long, global = true)]
    pub authority: Option<String>,
    #[arg(long, global = true, env = "ENTITLEMENT_TENANT_ID")]
    pub tenant_id: Option<String>,
    /// Application (client) id.
    #[arg(long, global = true, env = "ENTITLEMENT_CLIENT_ID")]
    pub client_id: Option<String>,
    /// Client secret of the application (also ENTITLEMENT_CLIENT_SECRET or
    /// AZURE_CLIENT_SECRET; never printed).
    #[arg(
        long,
        global = true,
        env = "ENTITLEMENT_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub client_secret: Option<String>,
    /// Certificate of the application: PEM (certificate and RSA key) or PKCS#12 (.pfx).
    #[arg(long, global = true, value_name = "PATH")]
    pub certificate: Option<PathBuf>,
    /// Password of a PKCS#12 certificate.
    #[arg(
        long,
        global = true,
        env = "ENTITLEMENT_CERTIFICATE_PASSWORD",
        hide_env_values = true
    )]
    pub certificate_password: Option<String>,
    /// A bearer token to send as is.
    #[arg(long, global = true, env = "ENTITLEMENT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Sign in as a user by the device code flow (instructions on stderr).
    #[arg(long, global = true)]
    pub use_device_code: bool,
    /// Sign in as the managed identity of this machine (IMDS or App Service);
    /// --client-id picks a user-assigned identity.
    #[arg(long, global = true)]
    pub managed_identity: bool,
    /// Seed file of the embedded emulator (default: the built-in tenant).
    #[arg(long, global = true, conflicts_with = "endpoint")]
    pub seed: Option<PathBuf>,
}

/// An endpoint on this machine: an emulator, which is its own authority.
fn is_loopback(endpoint: &str) -> bool {
    url::Url::parse(endpoint)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .is_some_and(|h| matches!(h.as_str(), "127.0.0.1" | "localhost" | "[::1]" | "::1"))
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.clone().filter(|s| !s.is_empty())
}

impl Connection {
    /// The sign-in authority these options name.
    pub fn authority(&self) -> String {
        if let Some(a) = non_empty(&self.authority) {
            return a.trim_end_matches('/').to_string();
        }
        match non_empty(&self.endpoint) {
            Some(e) if is_loopback(&e) => e.trim_end_matches('/').to_string(),
            _ => entitlement::NationalCloud::Global
                .authority_url()
                .to_string(),
        }
    }

    fn client_secret(&self) -> Option<String> {
        non_empty(&self.client_secret).or_else(|| {
            std::env::var("AZURE_CLIENT_SECRET")
                .ok()
                .filter(|s| !s.is_empty())
        })
    }

    /// The credential the options describe (`Credential::None` when none
    /// is given: the token file alone is then used), built by core's bridge
    /// from the same options object every binding passes.
    pub fn credential(&self) -> Result<Credential, Error> {
        let secret = self.client_secret();
        let given = [
            self.token.is_some(),
            secret.is_some(),
            self.certificate.is_some(),
            self.use_device_code,
            self.managed_identity,
        ];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(Error::invalid_argument(
                "give one way to sign in: --token, --client-secret, --certificate, --use-device-code or --managed-identity",
            ));
        }
        let mut options = Map::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                options.insert(k.into(), Value::String(v));
            }
        };
        let need = |v: Option<String>, flag: &str, with: &str| {
            v.ok_or_else(|| Error::invalid_argument(format!("{with} needs --{flag}")))
        };
        let (tenant, client) = (non_empty(&self.tenant_id), non_empty(&self.client_id));
        if let Some(t) = &self.token {
            put("token", Some(t.clone()));
        } else if let Some(s) = secret {
            put(
                "tenantId",
                Some(need(tenant, "tenant-id", "--client-secret")?),
            );
            put(
                "clientId",
                Some(need(client, "client-id", "--client-secret")?),
            );
            put("clientSecret", Some(s));
        } else if let Some(path) = &self.certificate {
            let mut c = json!({
                "kind": "clientCertificate",
                "tenantId": need(tenant, "tenant-id", "--certificate")?,
                "clientId": need(client, "client-id", "--certificate")?,
                "certificatePath": path.to_string_lossy(),
            });
            if let Some(p) = &self.certificate_password {
                c["certificatePassword"] = json!(p);
            }
            options.insert("credential".into(), c);
        } else if self.use_device_code {
            options.insert(
                "credential".into(),
                json!({"kind": "deviceCode", "tenantId": need(tenant, "tenant-id", "--use-device-code")?,
                       "clientId": need(client, "client-id", "--use-device-code")?}),
            );
        } else if self.managed_identity {
            options.insert(
                "credential".into(),
                json!({"kind": "managedIdentity", "clientId": client}),
            );
        }
        ClientConfig::from_value(Value::Object(options))?.credential(None)
    }

    /// The token file's view of this identity: which entries it reads and writes.
    pub fn cached_provider(
        &self,
        credential: &Credential,
        store: bool,
    ) -> Result<CachedProvider, Error> {
        let authority = self.authority();
        let inner = match credential {
            Credential::None => None,
            c => c.provider(&authority)?,
        };
        Ok(CachedProvider::new(
            inner,
            TokenFile::default_location()?,
            authority,
            non_empty(&self.tenant_id).unwrap_or_default(),
            non_empty(&self.client_id).unwrap_or_default(),
            credential.kind(),
            store,
        ))
    }
}

/// The client, and the embedded emulator when one was started (keep it
/// alive while the client is used; [`Emulator::shutdown`] it at the end).
pub async fn connect_typed(conn: &Connection) -> Result<(Client, Option<Emulator>), Error> {
    let Some(endpoint) = non_empty(&conn.endpoint) else {
        let seed = match &conn.seed {
            Some(path) => Seed::from_file(path).map_err(|e| {
                Error::invalid_argument(format!("seed file {}: {e}", path.display()))
            })?,
            None => Seed::default(),
        };
        let emu = Emulator::start(EmulatorConfig {
            seed,
            ..Default::default()
        })
        .await
        .map_err(|e| Error::internal(format!("cannot start the embedded emulator: {e}")))?;
        eprintln!(
            "Embedded emulator at {} (tenant {})",
            emu.base_url(),
            emu.tenant_id()
        );
        let (id, secret) = emu.app_credentials();
        let client = Client::builder()
            .base_url(emu.base_url())
            .authority(emu.authority())
            .client_secret(emu.tenant_id(), &id, secret)
            .build()?;
        return Ok((client, Some(emu)));
    };
    let credential = conn.credential()?;
    if matches!(credential, Credential::None)
        && (non_empty(&conn.tenant_id).is_none() || non_empty(&conn.client_id).is_none())
    {
        return Err(Error::invalid_argument(
            "--endpoint needs a way to sign in: --token; --managed-identity; --tenant-id and --client-id with \
             --client-secret, --certificate or --use-device-code; or --tenant-id and --client-id after `entitlement login`",
        ));
    }
    let mut config =
        ClientConfig::from_value(json!({"baseUrl": endpoint, "authority": conn.authority()}))?;
    // A token given as is goes straight through; every other source (none
    // included: then only `entitlement login`'s token) goes through the file.
    let session = match credential {
        Credential::Token(t) => {
            config.token = Some(t);
            Session::new(config, None)?
        }
        c => Session::new(config, Some(Arc::new(conn.cached_provider(&c, false)?)))?,
    };
    Ok((session.client()?, None))
}

/// [`connect_typed`] with the error as a message for stderr.
pub async fn connect(conn: &Connection) -> Result<(Client, Option<Emulator>), String> {
    connect_typed(conn).await.map_err(|e| e.to_string())
}
