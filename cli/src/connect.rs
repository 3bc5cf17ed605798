// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Where a command connects, for every command that takes the same flags
//! (`assign`, `remove`, `export`): a real tenant or running emulator
//! (`--endpoint` with a token or a client secret), or an emulator started
//! for the command.

use std::path::PathBuf;

use entitlement::Client;
use entitlement_emulator::{Emulator, EmulatorConfig, Seed};

#[derive(clap::Args)]
pub struct Connection {
    /// Graph root of a real tenant or a running emulator (default: start an embedded emulator).
    #[arg(long)]
    endpoint: Option<String>,
    /// Sign-in authority (default: login.microsoftonline.com).
    #[arg(long)]
    authority: Option<String>,
    #[arg(long, env = "ENTITLEMENT_TENANT_ID")]
    tenant_id: Option<String>,
    /// Application (client) id of an app with the EntitlementManagement permission the command needs.
    #[arg(long, env = "ENTITLEMENT_CLIENT_ID")]
    client_id: Option<String>,
    #[arg(long, env = "ENTITLEMENT_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    /// A bearer token to send as is (instead of a client secret).
    #[arg(long, env = "ENTITLEMENT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Seed file of the embedded emulator (default: the built-in tenant).
    #[arg(long, conflicts_with = "endpoint")]
    seed: Option<PathBuf>,
}

/// The client, and the embedded emulator when one was started (keep it
/// alive while the client is used; [`Emulator::shutdown`] it at the end).
/// An error is a usage or start-up message for stderr.
pub async fn connect(conn: &Connection) -> Result<(Client, Option<Emulator>), String> {
    let Some(endpoint) = &conn.endpoint else {
        let seed = match &conn.seed {
            Some(path) => {
                Seed::from_file(path).map_err(|e| format!("seed file {}: {e}", path.display()))?
            }
            None => Seed::default(),
        };
        let emu = Emulator::start(EmulatorConfig {
            seed,
            ..Default::default()
        })
        .await
        .map_err(|e| format!("cannot start the embedded emulator: {e}"))?;
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
            .build()
            .map_err(|e| e.to_string())?;
        return Ok((client, Some(emu)));
    };
    let builder = Client::builder().base_url(endpoint);
    let builder = match (
        &conn.token,
        &conn.tenant_id,
        &conn.client_id,
        &conn.client_secret,
    ) {
        (Some(t), ..) => builder.token(t.clone()),
        (None, Some(tenant), Some(id), Some(secret)) => builder
            .authority(
                conn.authority
                    .clone()
                    .unwrap_or_else(|| "https://login.microsoftonline.com".into()),
            )
            .client_secret(tenant, id, secret.clone()),
        _ => {
            return Err(
                "--endpoint needs --token, or --tenant-id, --client-id and --client-secret".into(),
            )
        }
    };
    Ok((builder.build().map_err(|e| e.to_string())?, None))
}
