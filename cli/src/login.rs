// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! `entitlement login` signs in once with a credential (client secret,
//! certificate, device code, managed identity) and keeps the token in the
//! token file ([`crate::cache`]); later commands with the same endpoint,
//! tenant and client need no credential until it lapses. `entitlement
//! logout` forgets it. The token itself is never printed.

use std::process::ExitCode;

use entitlement::auth::TokenProvider as _;
use entitlement::bridge::Credential;
use entitlement::{Error, NationalCloud};

use crate::api::fail;
use crate::cache::minutes_left;
use crate::connect::Connection;

#[derive(clap::Args)]
pub struct LoginArgs {
    /// OAuth scope (default: https://graph.microsoft.com/.default, what the
    /// other commands ask for).
    #[arg(long)]
    scope: Option<String>,
}

#[derive(clap::Args)]
pub struct LogoutArgs {
    /// Forget every cached token, not only this endpoint's tenant and client.
    #[arg(long)]
    all: bool,
}

fn need_endpoint(conn: &Connection) -> Result<(), Error> {
    if conn.endpoint.as_deref().is_none_or(str::is_empty) {
        return Err(Error::invalid_argument(
            "login needs --endpoint (or ENTITLEMENT_ENDPOINT): https://graph.microsoft.com or a running emulator",
        ));
    }
    Ok(())
}

pub async fn login(args: LoginArgs, conn: &Connection) -> ExitCode {
    let result = async {
        need_endpoint(conn)?;
        let credential = conn.credential()?;
        if matches!(credential, Credential::None | Credential::Token(_)) {
            return Err(Error::invalid_argument(
                "login needs a way to sign in: --client-secret, --certificate, --use-device-code or --managed-identity",
            ));
        }
        let provider = conn.cached_provider(&credential, true)?;
        let scope = args.scope.clone().unwrap_or_else(|| NationalCloud::Global.default_scope());
        // Sign in anew even when a token is cached: that is what login is for.
        provider.forget(&scope)?;
        provider.token(&scope).await?;
        let entry = provider.cached(&scope).ok_or_else(|| Error::internal("the token was not cached"))?;
        Ok((entry, provider.file().path().display().to_string(), credential.kind()))
    }
    .await;
    match result {
        Ok((entry, path, kind)) => {
            eprintln!(
                "Signed in at {} (tenant {}, client {}, {kind}); the token is cached in {path} for {} more minutes.",
                entry.authority,
                entry.tenant_id,
                entry.client_id,
                minutes_left(entry.expires_on)
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

pub fn logout(args: LogoutArgs, conn: &Connection) -> ExitCode {
    let result = (|| {
        let provider = conn.cached_provider(&Credential::None, false)?;
        let removed = provider
            .file()
            .remove_where(|e| args.all || provider.owns(e))?;
        Ok::<_, Error>((removed, provider.file().path().display().to_string()))
    })();
    match result {
        Ok((n, path)) => {
            eprintln!("Removed {n} cached token(s) from {path}.");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
