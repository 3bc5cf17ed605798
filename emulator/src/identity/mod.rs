// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The emulator as an identity provider, beside the token endpoint in
//! `crate::auth`: OpenID discovery and the signing keys as Entra serves
//! them, client assertions signed with an app registration's certificate
//! and federated credentials (workload identity), the device code flow with
//! an approval call for tests, the authorization code flow with PKCE (an
//! authorize endpoint that signs in the `login_hint` user without a page),
//! and managed identity endpoints (IMDS and App
//! Service shaped). Every refusal is an AADSTS error as Entra words it.

pub(crate) mod assertion;
pub(crate) mod authorize;
pub(crate) mod device;
pub mod keys;
pub mod managed;

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

use axum::http::{HeaderMap, Method};
use serde_json::{json, Value};

use crate::auth;
use crate::server::{State, MAX_TOKEN_BODY};

/// What the identity provider remembers between requests.
#[derive(Default)]
pub struct IdpState {
    pub(crate) token_requests: AtomicU64,
    /// Client assertion ids (`jti`) seen, with their expiry: a replayed
    /// assertion is refused until it would have expired anyway.
    pub(crate) seen_jti: Mutex<HashMap<String, i64>>,
    pub(crate) device_codes: Mutex<Vec<device::DeviceCode>>,
    /// Authorization codes and refresh tokens handed out.
    pub(crate) grants: Mutex<authorize::Grants>,
}

/// The identity routes (answered before authentication and faults).
pub(crate) enum IdRoute {
    Token(String),
    Authorize(String),
    DeviceCode(String),
    Discovery(String),
    Keys(String),
    Imds,
    AppService,
    Approve,
}

impl IdRoute {
    pub(crate) fn of(segs: &[&str]) -> Option<IdRoute> {
        let t = || segs[1].to_string();
        Some(match segs {
            ["", _, "oauth2", "v2.0", "token"] => IdRoute::Token(t()),
            ["", _, "oauth2", "v2.0", "authorize"] => IdRoute::Authorize(t()),
            ["", _, "oauth2", "v2.0", "devicecode"] => IdRoute::DeviceCode(t()),
            ["", _, "v2.0", ".well-known", "openid-configuration"] => IdRoute::Discovery(t()),
            ["", _, "discovery", "v2.0", "keys"] => IdRoute::Keys(t()),
            ["", "metadata", "identity", "oauth2", "token"] => IdRoute::Imds,
            ["", "msi", "token"] => IdRoute::AppService,
            ["", "_emulator", "devicecode", "approve"] => IdRoute::Approve,
            _ => return None,
        })
    }
}

/// The scheme and host the caller used, for URLs in discovery documents
/// (a client that reached us as `localhost` is told `localhost`).
fn public_root(st: &State, headers: &HeaderMap) -> String {
    let scheme = if st.base_url.starts_with("https://") { "https" } else { "http" };
    match headers.get("host").and_then(|h| h.to_str().ok()) {
        Some(h) => format!("{scheme}://{h}"),
        None => st.base_url.clone(),
    }
}

/// Answers an identity route: `(status, JSON body)`; a 302's body is
/// `{"location": …}`, sent as the `Location` header.
pub(crate) async fn serve(
    st: &std::sync::Arc<State>,
    route: IdRoute,
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: axum::body::Body,
) -> (u16, Value) {
    let post = |st: &std::sync::Arc<State>, f: fn(&State, &str, &[u8], Option<&str>) -> (u16, Value), t: String| {
        let (st, authz) = (st.clone(), headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string));
        async move {
            if method != Method::POST {
                return (
                    405,
                    json!({"error": "invalid_request", "error_description": "AADSTS900561: The endpoint only accepts POST requests."}),
                );
            }
            match axum::body::to_bytes(body, MAX_TOKEN_BODY).await {
                Ok(bytes) => tokio::task::spawn_blocking(move || f(&st, &t, &bytes, authz.as_deref()))
                    .await
                    .unwrap_or_else(|_| auth::aad_error(500, "server_error", 90000, "The token endpoint failed.")),
                Err(_) => {
                    auth::aad_error(413, "invalid_request", 90014, &format!("The request body exceeds {MAX_TOKEN_BODY} bytes."))
                }
            }
        }
    };
    match route {
        IdRoute::Token(t) => post(st, auth::token_endpoint, t).await,
        IdRoute::Authorize(t) => {
            if method != Method::GET && method != Method::POST {
                return (405, json!({"error": "invalid_request", "error_description": "AADSTS900561: The endpoint only accepts GET and POST requests."}));
            }
            authorize::authorize(st, &t, query.unwrap_or(""))
        }
        IdRoute::DeviceCode(t) => post(st, device::start, t).await,
        IdRoute::Approve => post(st, device::approve, String::new()).await,
        IdRoute::Discovery(t) => discovery(st, &t, &public_root(st, headers)),
        IdRoute::Keys(t) => {
            if !st.tenant_matches(&t) {
                return auth::aad_error(400, "invalid_tenant", 90002, &format!("Tenant '{t}' not found."));
            }
            match st.keys.signing() {
                Ok(k) => (200, k.jwks(&st.keys.kid, &format!("https://login.microsoftonline.com/{}/v2.0", st.tenant_id))),
                Err(e) => auth::aad_error(500, "server_error", 90000, &e.to_string()),
            }
        }
        IdRoute::Imds => managed::imds(st, headers, query.unwrap_or("")),
        IdRoute::AppService => managed::app_service(st, headers, query.unwrap_or("")),
    }
}

/// `/{tenant}/v2.0/.well-known/openid-configuration`, Entra's shape.
fn discovery(st: &State, t: &str, root: &str) -> (u16, Value) {
    if !st.tenant_matches(t) {
        return auth::aad_error(400, "invalid_tenant", 90002, &format!("Tenant '{t}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."));
    }
    let tid = &st.tenant_id;
    (
        200,
        json!({
            "token_endpoint": format!("{root}/{t}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{root}/{t}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("https://login.microsoftonline.com/{tid}/v2.0"),
            "request_uri_parameter_supported": false,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "authorization_endpoint": format!("{root}/{t}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{root}/{t}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{root}/{t}/oauth2/v2.0/logout"),
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
            "kerberos_endpoint": format!("{root}/{t}/kerberos"),
            "tenant_region_scope": "NA",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }),
    )
}

/// Counts one token-issuing request.
pub(crate) fn count(st: &State) {
    st.keys.idp.token_requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}
