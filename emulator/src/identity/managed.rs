// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Managed identity endpoints, so code written for Azure hosts runs against
//! the emulator with the endpoint variables pointed at it: IMDS's
//! `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…`
//! (header `Metadata: true`) and App Service's `GET /msi/token?api-version=2019-08-01&resource=…`
//! (header `X-IDENTITY-HEADER` = [`IDENTITY_HEADER`]). The system-assigned
//! identity is the seeded app with `"managedIdentity": "system"`; `client_id`
//! picks a user-assigned one (`"managedIdentity": "user"`).

use axum::http::HeaderMap;
use serde_json::{json, Value};

use crate::auth::{app_token, LIFETIME_SECS};
use crate::resources::render::s;
use crate::server::State;
use crate::store::kind;

/// The secret App Service would put in `IDENTITY_HEADER`.
pub const IDENTITY_HEADER: &str = "entitlement-emulator-identity-header";

fn bad(status: u16, error: &str, text: &str) -> (u16, Value) {
    (status, json!({"error": error, "error_description": text}))
}

fn issue(st: &State, query: &str, epoch_only: bool) -> (u16, Value) {
    super::count(st);
    let q: std::collections::HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let resource = q.get("resource").map(String::as_str).unwrap_or("");
    if resource.is_empty() {
        return bad(400, "invalid_request", "Required query variable 'resource' is missing");
    }
    if !resource.trim_end_matches('/').eq_ignore_ascii_case(crate::auth::GRAPH_AUDIENCE) && resource != crate::auth::GRAPH_APP_ID
    {
        return bad(
            400,
            "invalid_resource",
            &format!("AADSTS500011: The resource principal named {resource} was not found in the tenant named {}.", st.tenant_id),
        );
    }
    let apps: Vec<Value> =
        st.store.list(kind::APPLICATION, None).map(|v| v.into_iter().map(|r| r.json).collect()).unwrap_or_default();
    let wanted = q.get("client_id").filter(|c| !c.is_empty());
    let app = match wanted {
        Some(id) => apps.into_iter().find(|a| s(a, "_managedIdentity") == "user" && s(a, "appId") == id),
        None => apps.into_iter().find(|a| s(a, "_managedIdentity") == "system"),
    };
    let Some(app) = app else {
        return bad(400, "invalid_request", "Identity not found");
    };
    let token = match app_token(st, &app) {
        Ok(t) => t,
        Err(e) => return bad(500, "server_error", &e.to_string()),
    };
    let now = chrono::Utc::now().timestamp();
    let expires_on = (now + LIFETIME_SECS).to_string();
    let mut body = json!({
        "access_token": token, "expires_on": expires_on, "resource": resource,
        "token_type": "Bearer", "client_id": s(&app, "appId"),
    });
    if !epoch_only {
        body["expires_in"] = json!(LIFETIME_SECS.to_string());
        body["ext_expires_in"] = json!(LIFETIME_SECS.to_string());
        body["not_before"] = json!(now.to_string());
    }
    (200, body)
}

pub(crate) fn imds(st: &State, headers: &HeaderMap, query: &str) -> (u16, Value) {
    if headers.get("metadata").and_then(|v| v.to_str().ok()) != Some("true") {
        return bad(400, "invalid_request", "Required metadata header not specified");
    }
    issue(st, query, false)
}

pub(crate) fn app_service(st: &State, headers: &HeaderMap, query: &str) -> (u16, Value) {
    if headers.get("x-identity-header").and_then(|v| v.to_str().ok()) != Some(IDENTITY_HEADER) {
        return (401, json!({"statusCode": 401, "message": "Unauthorized request: X-IDENTITY-HEADER is missing or wrong."}));
    }
    issue(st, query, true)
}
