// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! The authorization code flow with PKCE (RFC 7636), the delegated flow a
//! browser sign-in uses (and so the one MFA does not block).
//! `GET /{tenant}/oauth2/v2.0/authorize` has no sign-in page here: it signs
//! in the seeded user named by `login_hint` at once and redirects to
//! `redirect_uri?code=…&state=…` (Entra would show its page first; with no
//! `login_hint` the emulator answers as Entra does to `prompt=none` without
//! a session, `login_required`). The token endpoint redeems the code once,
//! checking the client, the redirect URI and the `code_verifier`, and issues
//! a refresh token beside the access token; `grant_type=refresh_token`
//! rotates it.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::auth::{aad_error, find_user, user_token, LIFETIME_SECS};
use crate::resources::render::s;
use crate::server::State;
use crate::store::kind;

/// Seconds an authorization code stays redeemable (Entra: 10 minutes).
const CODE_LIFETIME: i64 = 600;
/// Seconds a refresh token stays usable (Entra: 90 days).
const REFRESH_LIFETIME: i64 = 90 * 24 * 3600;

pub(crate) struct AuthCode {
    code: String,
    client_id: String,
    user_id: String,
    redirect_uri: String,
    scope: String,
    /// `(challenge, method)` when the request carried one.
    challenge: Option<(String, String)>,
    expires_at: i64,
}

pub(crate) struct Refresh {
    client_id: String,
    user_id: String,
    expires_at: i64,
}

/// What the authorize endpoint remembers.
#[derive(Default)]
pub(crate) struct Grants {
    codes: Vec<AuthCode>,
    refresh: HashMap<String, Refresh>,
}

/// `GET /{tenant}/oauth2/v2.0/authorize`: `(302, {"location": …})` on
/// success and for errors Entra reports to the redirect URI; a 400 body when
/// there is no trustworthy redirect URI (unknown client, no redirect URI).
pub(crate) fn authorize(st: &State, tenant: &str, query: &str) -> (u16, Value) {
    if !st.tenant_matches(tenant) {
        return aad_error(400, "invalid_request", 90002, &format!("Tenant '{tenant}' not found."));
    }
    let q: HashMap<String, String> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let client_id = get("client_id");
    if !matches!(st.store.get(kind::APPLICATION, client_id), Ok(Some(_))) {
        return aad_error(
            400,
            "unauthorized_client",
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{}'.", st.tenant_id),
        );
    }
    let redirect_uri = get("redirect_uri");
    if url::Url::parse(redirect_uri).is_err() {
        return aad_error(
            400,
            "invalid_request",
            50011,
            &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."),
        );
    }
    let state = get("state");
    let back = |pairs: &[(&str, &str)]| {
        let mut u = url::Url::parse(redirect_uri).expect("checked above");
        {
            let mut qp = u.query_pairs_mut();
            for (k, v) in pairs {
                qp.append_pair(k, v);
            }
            if !state.is_empty() {
                qp.append_pair("state", state);
            }
        }
        (302, json!({"location": u.to_string()}))
    };
    let refuse = |error: &str, code: u32, text: &str| {
        let (_, body) = aad_error(400, error, code, text);
        back(&[("error", error), ("error_description", s(&body, "error_description"))])
    };
    if get("response_type") != "code" {
        return refuse(
            "unsupported_response_type",
            700054,
            "response_type 'code' is the only type the emulator's authorize endpoint supports.",
        );
    }
    let challenge = match (get("code_challenge"), get("code_challenge_method")) {
        ("", _) => None,
        (c, "" | "plain") => Some((c.to_string(), "plain".to_string())),
        (c, "S256") => Some((c.to_string(), "S256".to_string())),
        (_, other) => {
            return refuse("invalid_request", 50148, &format!("The code_challenge_method '{other}' is not supported."))
        }
    };
    let hint = get("login_hint");
    if hint.is_empty() {
        return refuse(
            "login_required",
            50058,
            "A silent sign-in request was sent but no user is signed in. The emulator has no sign-in page: name a seeded user with login_hint.",
        );
    }
    let Some(user) = find_user(st, hint) else {
        return refuse("invalid_request", 50034, &format!("The user account {hint} does not exist in the directory."));
    };
    let code = format!("1.AQ{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let now = chrono::Utc::now().timestamp();
    let mut g = st.keys.idp.grants.lock().unwrap_or_else(|p| p.into_inner());
    g.codes.retain(|c| c.expires_at > now);
    g.refresh.retain(|_, r| r.expires_at > now);
    g.codes.push(AuthCode {
        code: code.clone(),
        client_id: client_id.to_string(),
        user_id: s(&user, "id").to_string(),
        redirect_uri: redirect_uri.to_string(),
        scope: get("scope").to_string(),
        challenge,
        expires_at: now + CODE_LIFETIME,
    });
    drop(g);
    back(&[("code", &code)])
}

/// The token endpoint's `authorization_code` grant.
pub(crate) fn redeem(
    st: &State,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
    client_info: bool,
) -> (u16, Value) {
    let now = chrono::Utc::now().timestamp();
    let mut g = st.keys.idp.grants.lock().unwrap_or_else(|p| p.into_inner());
    let Some(i) = g.codes.iter().position(|c| c.code == code) else {
        return aad_error(
            400,
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed. The authorization code was already redeemed or does not exist.",
        );
    };
    // A code is single use, whatever the outcome of this attempt.
    let c = g.codes.remove(i);
    drop(g);
    if c.client_id != client_id {
        return aad_error(400, "invalid_grant", 70000, "The authorization code was issued to another client.");
    }
    if c.expires_at <= now {
        return aad_error(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
    }
    if c.redirect_uri != redirect_uri {
        return aad_error(400, "invalid_grant", 500117, "The reply uri specified in the request does not match the reply uri used to obtain the authorization code.");
    }
    if let Some((challenge, method)) = &c.challenge {
        if verifier.is_empty() {
            return aad_error(
                400,
                "invalid_grant",
                501481,
                "The Code_Verifier is required: the authorization request carried a code_challenge.",
            );
        }
        let computed = if method == "S256" {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.to_string()
        };
        if &computed != challenge {
            return aad_error(
                400,
                "invalid_grant",
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            );
        }
    }
    issue(st, &c.user_id, client_id, &c.scope, client_info)
}

/// The token endpoint's `refresh_token` grant (the old token is spent).
pub(crate) fn refresh(st: &State, client_id: &str, token: &str, scope: &str, client_info: bool) -> (u16, Value) {
    let now = chrono::Utc::now().timestamp();
    let mut g = st.keys.idp.grants.lock().unwrap_or_else(|p| p.into_inner());
    let Some(r) = g.refresh.remove(token) else {
        return aad_error(
            400,
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid: the refresh token is not known.",
        );
    };
    drop(g);
    if r.client_id != client_id {
        return aad_error(400, "invalid_grant", 70000, "The refresh token was issued to another client.");
    }
    if r.expires_at <= now {
        return aad_error(400, "invalid_grant", 700082, "The refresh token has expired due to inactivity.");
    }
    issue(st, &r.user_id, client_id, scope, client_info)
}

/// The sign-in's ID token (when `openid` was asked for, as Entra does) and
/// `client_info` (when the request carried `client_info=1`): MSAL and
/// azure-identity build the signed-in account from them (`home_account_id`,
/// `preferred_username`) and find cached tokens by it.
pub(crate) fn id_token_fields(
    st: &State,
    user: &Value,
    client_id: &str,
    scope: &str,
    client_info: bool,
    out: &mut Value,
) {
    let (oid, tid) = (s(user, "id"), st.tenant_id.as_str());
    if client_info {
        out["client_info"] = json!(URL_SAFE_NO_PAD.encode(json!({"uid": oid, "utid": tid}).to_string()));
    }
    if !scope.split_whitespace().any(|s| s == "openid") {
        return;
    }
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "aud": client_id, "iss": format!("https://login.microsoftonline.com/{tid}/v2.0"),
        "iat": now, "nbf": now, "exp": now + LIFETIME_SECS,
        "sub": oid, "oid": oid, "tid": tid, "ver": "2.0",
        "preferred_username": s(user, "userPrincipalName"), "name": s(user, "displayName"),
    });
    if let Ok(t) = crate::auth::sign_value(st, &claims) {
        out["id_token"] = json!(t);
    }
}

fn issue(st: &State, user_id: &str, client_id: &str, scope: &str, client_info: bool) -> (u16, Value) {
    let Some(user) = find_user(st, user_id) else {
        return aad_error(400, "invalid_grant", 50034, "The user account does not exist in this directory.");
    };
    let access = match user_token(st, &user, client_id) {
        Ok(t) => t,
        Err(e) => return aad_error(500, "server_error", 90000, &e.to_string()),
    };
    let refresh_token = format!("1.AR{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let mut g = st.keys.idp.grants.lock().unwrap_or_else(|p| p.into_inner());
    g.refresh.insert(
        refresh_token.clone(),
        Refresh {
            client_id: client_id.to_string(),
            user_id: user_id.to_string(),
            expires_at: chrono::Utc::now().timestamp() + REFRESH_LIFETIME,
        },
    );
    let mut body = json!({
        "token_type": "Bearer", "scope": "https://graph.microsoft.com/.default offline_access",
        "expires_in": LIFETIME_SECS, "ext_expires_in": LIFETIME_SECS,
        "access_token": access, "refresh_token": refresh_token,
    });
    id_token_fields(st, &user, client_id, scope, client_info, &mut body);
    (200, body)
}
