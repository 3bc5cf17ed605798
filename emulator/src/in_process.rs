// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The emulator without a socket, for the fuzz targets in `fuzz/` and their
//! regression replays: a request goes straight to the same handler the HTTP
//! server runs (routing, authentication, query options, body validation,
//! dispatch, SQLite state), so a fuzzer reaches it at function-call speed.
//! Not part of the supported API.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State as AxState;
use axum::http::{Request, Response};
use entitlement::api::ApiVersion;
use serde_json::Value;

use crate::{ids, server, store, EmulatorConfig, EmulatorError, Shared};

/// An emulator state in memory with tokens for its seeded principals.
pub struct InProcess {
    st: Arc<server::State>,
    /// Bearer tokens: the administrator, a plain user, the application.
    pub admin_token: String,
    pub user_token: String,
    pub app_token: String,
}

impl InProcess {
    /// A fresh in-memory store, seeded from `config` (its port is ignored).
    pub fn new(config: EmulatorConfig) -> Result<InProcess, EmulatorError> {
        let (store, _) = store::Store::open(None)?;
        config.seed.apply(&store)?;
        // Requests name `Host: localhost` (the server checks it, as on a socket).
        let st = crate::new_state(&config, store, &std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
        let app = config
            .seed
            .app()
            .map(|a| (a.client_id.clone(), a.client_secret.clone()))
            .unwrap_or_default();
        let shared = Shared {
            st: st.clone(),
            app,
        };
        let admin_token = shared.user_token(ids::ADMIN_UPN)?;
        let user_token = shared.user_token(ids::REQUESTOR1_UPN)?;
        let app_token = shared.app_token();
        Ok(InProcess {
            st,
            admin_token,
            user_token,
            app_token,
        })
    }

    /// Answers one request as the server would. Request delivery is spawned
    /// on the current tokio runtime, as in the server.
    pub async fn handle(&self, req: Request<Body>) -> Response<Body> {
        server::handle(AxState(self.st.clone()), req).await
    }
}

/// The request-body check the server runs before dispatch: `Err((status,
/// message))` is the Graph error it would answer.
pub fn validate_body(
    version: ApiVersion,
    type_name: &str,
    body: &Value,
) -> Result<(), (u16, String)> {
    server::validate::body(version, type_name, body).map_err(|e| (e.status, e.message))
}
