// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The device code flow. `POST /{tenant}/oauth2/v2.0/devicecode` hands out
//! a code; the client polls the token endpoint with
//! `grant_type=urn:ietf:params:oauth:grant-type:device_code`, getting
//! `authorization_pending` until someone approves the code with
//! `POST /_emulator/devicecode/approve` (`{"user": UPN, "userCode"?: …,
//! "decline"?: true}`; without `userCode`, the newest pending code), then a
//! delegated token for that user. Polling faster than `interval` answers
//! `slow_down`; an old code `expired_token`.

use serde_json::{json, Value};

use crate::auth::{aad_error, find_user, user_token};
use crate::resources::render::s;
use crate::server::State;
use crate::store::kind;

/// Seconds a code stays valid, and between polls.
const EXPIRES_IN: i64 = 900;
const INTERVAL: i64 = 1;

pub(crate) struct DeviceCode {
    device_code: String,
    user_code: String,
    client_id: String,
    scope: String,
    expires_at: i64,
    last_poll_ms: i64,
    /// `Some(Ok(user id))` approved, `Some(Err(()))` declined.
    outcome: Option<Result<String, ()>>,
}

fn form(body: &[u8]) -> std::collections::HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
pub(crate) fn start(st: &State, tenant: &str, body: &[u8], _authz: Option<&str>) -> (u16, Value) {
    if !st.tenant_matches(tenant) {
        return aad_error(400, "invalid_request", 90002, &format!("Tenant '{tenant}' not found."));
    }
    let f = form(body);
    let client_id = f.get("client_id").map(String::as_str).unwrap_or("");
    if !matches!(st.store.get(kind::APPLICATION, client_id), Ok(Some(_))) {
        return aad_error(
            400,
            "unauthorized_client",
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{}'.", st.tenant_id),
        );
    }
    let user_code: String = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .chain("KQWXZJ".chars())
        .take(9)
        .collect::<String>()
        .to_uppercase();
    let device_code = format!("DAQABAAEAAA{}", uuid::Uuid::new_v4().simple());
    let now = chrono::Utc::now();
    let verification_uri = format!("{}/devicelogin", st.base_url);
    let message = format!(
        "To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."
    );
    let mut codes = st.keys.idp.device_codes.lock().unwrap_or_else(|p| p.into_inner());
    codes.retain(|c| c.expires_at > now.timestamp());
    codes.push(DeviceCode {
        device_code: device_code.clone(),
        user_code: user_code.clone(),
        client_id: client_id.into(),
        scope: f.get("scope").cloned().unwrap_or_default(),
        expires_at: now.timestamp() + EXPIRES_IN,
        last_poll_ms: 0,
        outcome: None,
    });
    (
        200,
        json!({
            "user_code": user_code, "device_code": device_code, "verification_uri": verification_uri,
            "expires_in": EXPIRES_IN, "interval": INTERVAL, "message": message,
        }),
    )
}

/// The token endpoint's `device_code` grant.
pub(crate) fn poll(st: &State, client_id: &str, device_code: &str, client_info: bool) -> (u16, Value) {
    let now = chrono::Utc::now();
    let mut codes = st.keys.idp.device_codes.lock().unwrap_or_else(|p| p.into_inner());
    let Some(i) = codes.iter().position(|c| c.device_code == device_code && c.client_id == client_id) else {
        return aad_error(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
    };
    let c = &mut codes[i];
    if c.expires_at <= now.timestamp() {
        codes.remove(i);
        return aad_error(400, "expired_token", 70019, "Verification code expired.");
    }
    let ms = now.timestamp_millis();
    let too_fast = c.last_poll_ms > 0 && ms - c.last_poll_ms < INTERVAL * 1000 - 50;
    c.last_poll_ms = ms;
    match c.outcome.clone() {
        None if too_fast => aad_error(
            400,
            "slow_down",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling, more slowly.",
        ),
        None => aad_error(
            400,
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        ),
        Some(Err(())) => {
            codes.remove(i);
            aad_error(400, "authorization_declined", 70000, "The user declined the sign-in request.")
        }
        Some(Ok(user)) => {
            let (client, scope) = (c.client_id.clone(), c.scope.clone());
            codes.remove(i);
            drop(codes);
            let Some(user) = find_user(st, &user) else {
                return aad_error(400, "invalid_grant", 50034, "The user account does not exist in this directory.");
            };
            match user_token(st, &user, &client) {
                Ok(token) => {
                    let mut body = json!({
                        "token_type": "Bearer", "scope": "https://graph.microsoft.com/.default",
                        "expires_in": crate::auth::LIFETIME_SECS, "ext_expires_in": crate::auth::LIFETIME_SECS, "access_token": token,
                    });
                    super::authorize::id_token_fields(st, &user, &client, &scope, client_info, &mut body);
                    (200, body)
                }
                Err(e) => aad_error(500, "server_error", 90000, &e.to_string()),
            }
        }
    }
}

/// `POST /_emulator/devicecode/approve` (JSON body).
pub(crate) fn approve(st: &State, _: &str, body: &[u8], _authz: Option<&str>) -> (u16, Value) {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let user = s(&v, "user");
    let Some(found) = find_user(st, user) else {
        return (404, json!({"error": {"code": "NotFound", "message": format!("No seeded user {user:?}.")}}));
    };
    let decline = v.get("decline").and_then(Value::as_bool).unwrap_or(false);
    let wanted = s(&v, "userCode");
    let mut codes = st.keys.idp.device_codes.lock().unwrap_or_else(|p| p.into_inner());
    let now = chrono::Utc::now().timestamp();
    let pick = codes
        .iter_mut()
        .rev()
        .find(|c| c.outcome.is_none() && c.expires_at > now && (wanted.is_empty() || c.user_code.eq_ignore_ascii_case(wanted)));
    match pick {
        Some(c) => {
            c.outcome = Some(if decline { Err(()) } else { Ok(s(&found, "id").to_string()) });
            (200, json!({"userCode": c.user_code, "approved": !decline}))
        }
        None => (404, json!({"error": {"code": "NotFound", "message": "No pending device code matches."}})),
    }
}
