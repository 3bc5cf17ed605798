// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Entra-compatible token endpoint and bearer-token checks. Tokens are RS256
//! JWTs with a `kid`, signed with a key drawn when the process starts and
//! published at `/{tenant}/discovery/v2.0/keys` (see [`crate::identity`]),
//! so tokens from a previous run are rejected like tokens for another
//! tenant would be.

use jsonwebtoken::{Algorithm, Header, Validation};

use crate::identity::keys::SigningKey;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{new_id, EmulatorError, GraphError};
use crate::resources::render::s;
use crate::server::State;
use crate::store::kind;

pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// Directory role template ids.
pub const ROLE_IDENTITY_GOVERNANCE_ADMIN: &str = "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e";
pub const ROLE_GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const DELEGATED_SCOPES: &str =
    "EntitlementManagement.ReadWrite.All Group.ReadWrite.All User.ReadWrite.All User.Read openid profile email";
pub(crate) const LIFETIME_SECS: i64 = 3599;

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Principal {
    App { client_id: String, roles: Vec<String> },
    User { id: String, admin: bool },
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        match self {
            Principal::App { roles, .. } => roles.iter().any(|r| r == "EntitlementManagement.ReadWrite.All"),
            Principal::User { admin, .. } => *admin,
        }
    }
    pub fn can_read_all(&self) -> bool {
        match self {
            Principal::App { roles, .. } => roles.iter().any(|r| r.starts_with("EntitlementManagement.")),
            Principal::User { admin, .. } => *admin,
        }
    }
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Principal::User { id, .. } => Some(id),
            Principal::App { .. } => None,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    aud: String,
    iss: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    tid: String,
    oid: String,
    sub: String,
    appid: String,
    azp: String,
    idtyp: String,
    ver: String,
    uti: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

/// The signing key of this emulator (the process's, see
/// [`crate::identity::keys`]) and what the identity provider remembers
/// (used assertion ids, device codes, token counts).
/// Emulators in one process share the RSA key (generating one takes a
/// noticeable fraction of a second, and tests start hundreds), but each has
/// its own `kid` and refuses tokens that name another: a token from another
/// emulator fails as a bad signature would.
pub struct Keys {
    pub(crate) key: Result<&'static SigningKey, String>,
    pub(crate) kid: String,
    pub(crate) idp: crate::identity::IdpState,
}

impl Keys {
    pub fn random() -> Keys {
        let key = SigningKey::process();
        let base = key.as_ref().map(|k| k.kid.clone()).unwrap_or_default();
        let kid = format!("{base}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
        Keys { key, kid, idp: crate::identity::IdpState::default() }
    }

    pub(crate) fn signing(&self) -> Result<&'static SigningKey, EmulatorError> {
        self.key.clone().map_err(|e| EmulatorError::Token(format!("no signing key: {e}")))
    }

    /// Token-issuing requests answered so far (token endpoint and managed
    /// identity endpoints), for tests that count fetches.
    pub fn token_requests(&self) -> u64 {
        self.idp.token_requests.load(std::sync::atomic::Ordering::Relaxed)
    }
}

pub(crate) fn issuer(tenant: &str) -> String {
    format!("https://sts.windows.net/{tenant}/")
}

pub(crate) fn sign_value<T: Serialize>(st: &State, claims: &T) -> Result<String, EmulatorError> {
    let key = st.keys.signing()?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(st.keys.kid.clone());
    header.x5t = Some(st.keys.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.enc).map_err(|e| EmulatorError::Token(e.to_string()))
}

fn sign(st: &State, claims: &Claims) -> Result<String, EmulatorError> {
    sign_value(st, claims)
}

fn base_claims(st: &State, oid: &str, appid: &str, idtyp: &str) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        aud: GRAPH_AUDIENCE.into(),
        iss: issuer(&st.tenant_id),
        iat: now,
        nbf: now - 5,
        exp: now + LIFETIME_SECS,
        tid: st.tenant_id.clone(),
        oid: oid.into(),
        sub: oid.into(),
        appid: appid.into(),
        azp: appid.into(),
        idtyp: idtyp.into(),
        ver: "1.0".into(),
        uti: new_id(),
        roles: None,
        scp: None,
        wids: None,
        upn: None,
        name: None,
    }
}

pub fn app_token(st: &State, app: &Value) -> Result<String, EmulatorError> {
    let id = s(app, "appId");
    let mut c = base_claims(st, s(app, "id"), id, "app");
    c.roles = Some(strings(app.get("_permissions")));
    sign(st, &c)
}

pub fn user_token(st: &State, user: &Value, client_id: &str) -> Result<String, EmulatorError> {
    let mut c = base_claims(st, s(user, "id"), client_id, "user");
    c.scp = Some(DELEGATED_SCOPES.into());
    c.wids = Some(strings(user.get("_roles")));
    c.upn = Some(s(user, "userPrincipalName").into());
    c.name = Some(s(user, "displayName").into());
    sign(st, &c)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// Finds a seeded user by id or UPN.
pub fn find_user(st: &State, id_or_upn: &str) -> Option<Value> {
    if let Ok(Some(r)) = st.store.get(kind::USER, id_or_upn) {
        return Some(r.json);
    }
    st.store
        .list(kind::USER, None)
        .ok()?
        .into_iter()
        .map(|r| r.json)
        .find(|u| s(u, "userPrincipalName").eq_ignore_ascii_case(id_or_upn))
}

/// Checks `Authorization: Bearer …`: signature, audience, issuer and tenant,
/// and the token's lifetime (`exp` and `nbf`, no leeway: tokens are minted by
/// this process, so there is no clock skew to allow for). Every failure is a
/// 401 `InvalidAuthenticationToken`, as Graph answers.
pub fn verify(st: &State, header: Option<&str>) -> Result<Principal, GraphError> {
    let Some(h) = header else {
        return Err(GraphError::unauthorized("Access token is empty."));
    };
    let token = h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")).map(str::trim).unwrap_or("");
    if token.is_empty() {
        return Err(GraphError::unauthorized("Access token is empty."));
    }
    let Ok(key) = st.keys.signing() else {
        return Err(GraphError::unauthorized("Access token validation failure. No signing key."));
    };
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&[GRAPH_AUDIENCE, GRAPH_APP_ID]);
    v.set_issuer(&[issuer(&st.tenant_id)]);
    v.set_required_spec_claims(&["exp", "nbf", "aud", "iss"]);
    v.validate_nbf = true;
    v.leeway = 0;
    use jsonwebtoken::errors::ErrorKind as K;
    let kid = jsonwebtoken::decode_header(token).ok().and_then(|h| h.kid);
    if kid.is_some_and(|k| k != st.keys.kid) {
        return Err(GraphError::unauthorized("Access token validation failure. Invalid signature."));
    }
    let data = jsonwebtoken::decode::<Claims>(token, &key.dec, &v).map_err(|e| match e.kind() {
        K::ExpiredSignature => GraphError::unauthorized("Lifetime validation failed, the token is expired."),
        K::ImmatureSignature => GraphError::unauthorized("Lifetime validation failed, the token is not yet valid."),
        K::InvalidSignature => GraphError::unauthorized("Access token validation failure. Invalid signature."),
        K::InvalidAudience => GraphError::unauthorized("Access token validation failure. Invalid audience."),
        K::InvalidIssuer => GraphError::unauthorized("Access token validation failure. Invalid issuer."),
        K::InvalidAlgorithm | K::InvalidAlgorithmName => {
            GraphError::unauthorized("Access token validation failure. Invalid signing algorithm.")
        }
        K::MissingRequiredClaim(c) => {
            GraphError::unauthorized(format!("Access token validation failure. The '{c}' claim is missing."))
        }
        _ => GraphError::unauthorized("IDX14100: JWT is not well formed."),
    })?;
    let c = data.claims;
    // The issuer names the tenant too; a `tid` that disagrees is a forgery.
    if !c.tid.eq_ignore_ascii_case(&st.tenant_id) {
        return Err(GraphError::unauthorized("Access token validation failure. The token is for another tenant."));
    }
    if c.idtyp == "app" {
        return Ok(Principal::App { client_id: c.appid, roles: c.roles.unwrap_or_default() });
    }
    let wids = c.wids.unwrap_or_default();
    let admin = wids.iter().any(|w| w == ROLE_IDENTITY_GOVERNANCE_ADMIN || w == ROLE_GLOBAL_ADMIN);
    Ok(Principal::User { id: c.oid, admin })
}

/// Signs a token for a seeded user (`Some(id or UPN)`) or the first seeded
/// application (`None`), with `overrides` (a JSON object) merged over the
/// claims the token endpoint would issue. Tests use it to forge expired,
/// not-yet-valid, wrong-tenant or wrong-audience tokens signed with the real
/// key, which no client can obtain from the token endpoint.
pub fn mint_with(st: &State, user: Option<&str>, app_id: &str, overrides: &Value) -> Result<String, EmulatorError> {
    let base = match user {
        Some(u) => {
            let user = find_user(st, u).ok_or_else(|| EmulatorError::UnknownUser(u.to_string()))?;
            let mut c = base_claims(st, s(&user, "id"), app_id, "user");
            c.scp = Some(DELEGATED_SCOPES.into());
            c.wids = Some(strings(user.get("_roles")));
            c.upn = Some(s(&user, "userPrincipalName").into());
            c
        }
        None => {
            let app = st.store.get(kind::APPLICATION, app_id).ok().flatten().map(|r| r.json).unwrap_or_default();
            let mut c = base_claims(st, s(&app, "id"), app_id, "app");
            c.roles = Some(strings(app.get("_permissions")));
            c
        }
    };
    let mut claims = serde_json::to_value(&base).map_err(|e| EmulatorError::Token(e.to_string()))?;
    if let (Some(out), Some(patch)) = (claims.as_object_mut(), overrides.as_object()) {
        for (k, v) in patch {
            out.insert(k.clone(), v.clone());
        }
    }
    sign_value(st, &claims)
}

/// An AAD-style token error: `(status, body)`.
pub fn aad_error(status: u16, error: &str, code: u32, text: &str) -> (u16, Value) {
    let trace = new_id();
    (
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {trace}\r\nTimestamp: {}", chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ")),
            "error_codes": [code],
            "timestamp": chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string(),
            "trace_id": trace,
            "correlation_id": trace,
        }),
    )
}

/// `POST /{tenant}/oauth2/v2.0/token`.
pub fn token_endpoint(st: &State, tenant: &str, body: &[u8], authorization: Option<&str>) -> (u16, Value) {
    crate::identity::count(st);
    if !st.tenant_matches(tenant) {
        return aad_error(400, "invalid_request", 90002, &format!("Tenant '{tenant}' not found."));
    }
    let mut form: std::collections::HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    // client_secret_basic: `Authorization: Basic base64(id:secret)`.
    if let Some(creds) = authorization.and_then(|h| h.strip_prefix("Basic ")).and_then(|b| base64_decode(b.trim())) {
        if let Some((id, secret)) = String::from_utf8_lossy(&creds).split_once(':') {
            let dec = |s: &str| {
                form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
            };
            form.entry("client_id".into()).or_insert_with(|| dec(id));
            form.entry("client_secret".into()).or_insert_with(|| dec(secret));
        }
    }
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let client_id = get("client_id");
    let scope = get("scope");
    if !scope.is_empty()
        && !scope
            .split_whitespace()
            .any(|sc| sc.starts_with(GRAPH_AUDIENCE) || sc.starts_with(GRAPH_APP_ID) || !sc.contains("://"))
    {
        return aad_error(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid.");
    }
    let app = match st.store.get(kind::APPLICATION, client_id) {
        Ok(Some(r)) => r.json,
        _ => return aad_error(400, "unauthorized_client", 700016, &format!("Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", st.tenant_id)),
    };
    let result = match get("grant_type") {
        "client_credentials" if !get("client_assertion").is_empty() => {
            if get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
                return aad_error(
                    400,
                    "invalid_request",
                    50027,
                    "Invalid JWT token: client_assertion_type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
                );
            }
            if let Err(refusal) = crate::identity::assertion::check(st, &app, get("client_assertion")) {
                return refusal;
            }
            app_token(st, &app)
        }
        "authorization_code" => {
            let info = get("client_info") == "1";
            return crate::identity::authorize::redeem(st, client_id, get("code"), get("redirect_uri"), get("code_verifier"), info);
        }
        "refresh_token" => {
            return crate::identity::authorize::refresh(st, client_id, get("refresh_token"), scope, get("client_info") == "1")
        }
        "urn:ietf:params:oauth:grant-type:device_code" => {
            return crate::identity::device::poll(st, client_id, get("device_code"), get("client_info") == "1")
        }
        "client_credentials" => {
            if get("client_secret").is_empty() {
                return aad_error(
                    401,
                    "invalid_client",
                    7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                );
            }
            if s(&app, "_secret").is_empty() || get("client_secret") != s(&app, "_secret") {
                return aad_error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
            }
            app_token(st, &app)
        }
        "password" => {
            let Some(user) = find_user(st, get("username")) else {
                return aad_error(400, "invalid_grant", 50034, "The user account does not exist in this directory.");
            };
            if get("password") != s(&user, "_password") {
                return aad_error(
                    400,
                    "invalid_grant",
                    50126,
                    "Error validating credentials due to invalid username or password.",
                );
            }
            let secret = get("client_secret");
            if !secret.is_empty() && secret != s(&app, "_secret") {
                return aad_error(401, "invalid_client", 7000215, "Invalid client secret provided.");
            }
            user_token(st, &user, client_id)
        }
        "" => {
            return aad_error(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'grant_type'.",
            )
        }
        other => {
            return aad_error(
                400,
                "unsupported_grant_type",
                70003,
                &format!("The app requested an unsupported grant type '{other}'."),
            )
        }
    };
    match result {
        Ok(token) => (
            200,
            json!({"token_type": "Bearer", "expires_in": LIFETIME_SECS, "ext_expires_in": LIFETIME_SECS, "access_token": token}),
        ),
        Err(e) => aad_error(500, "server_error", 90000, &e.to_string()),
    }
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64() {
        assert_eq!(super::base64_decode("aWQ6c2VjcmV0").unwrap(), b"id:secret");
        assert_eq!(super::base64_decode("YQ==").unwrap(), b"a");
        assert!(super::base64_decode("a*b").is_none());
    }
}
