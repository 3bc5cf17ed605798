// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Client assertions (`client_assertion_type=…jwt-bearer`). An assertion
//! whose issuer is the client itself is a certificate credential: it must
//! verify (RS256/PS256) against one of the app registration's certificates,
//! name this token endpoint as `aud`, be inside its lifetime, and not reuse a
//! `jti`. Any other issuer is a federated credential (workload identity):
//! the issuer and subject must be trusted on the app, the audience must be
//! one it lists (`api://AzureADTokenExchange` by default), and the token
//! must verify against the keys the seed gives for that issuer.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::auth::aad_error;
use crate::resources::render::s;
use crate::server::State;

type Refusal = (u16, Value);

fn invalid_client(code: u32, text: &str) -> Refusal {
    aad_error(401, "invalid_client", code, text)
}

/// The claims read before the signature is checked (to pick the keys).
fn peek(assertion: &str) -> Option<Value> {
    let payload = assertion.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?).ok()
}

/// A certificate's public key and its SHA-256 thumbprint (`x5t#S256`).
fn cert_key(pem: &str) -> Option<(DecodingKey, String)> {
    use x509_cert::der::{DecodePem, Encode};
    let cert = x509_cert::Certificate::from_pem(pem.as_bytes()).ok()?;
    let der = cert.to_der().ok()?;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key = DecodingKey::from_rsa_der(spki.subject_public_key.raw_bytes());
    Some((key, URL_SAFE_NO_PAD.encode(Sha256::digest(&der))))
}

/// Does `aud` name this token endpoint (for the tenant in the path, by id or
/// domain, at a host this emulator answers to, or Entra's own host)?
fn audience_ok(st: &State, aud: &str) -> bool {
    let Ok(u) = url::Url::parse(aud) else {
        return false;
    };
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    let host_ok = host == "login.microsoftonline.com" || st.allowed_hosts.iter().any(|h| h == "*" || *h == host);
    let segs: Vec<&str> = u.path().trim_matches('/').split('/').collect();
    let path_ok = match segs.as_slice() {
        [t, "oauth2", "v2.0", "token"] | [t, "oauth2", "token"] => st.tenant_matches(t),
        _ => false,
    };
    host_ok && path_ok
}

fn validation(alg: Algorithm) -> Validation {
    let mut v = Validation::new(alg);
    v.validate_aud = false;
    v.validate_nbf = true;
    v.leeway = 60;
    v.set_required_spec_claims(&["exp"]);
    v
}

/// Lifetime and signature failures in Entra's words.
fn decode_error(e: &jsonwebtoken::errors::Error, what: &str) -> Option<Refusal> {
    use jsonwebtoken::errors::ErrorKind as K;
    match e.kind() {
        K::ExpiredSignature => {
            Some(invalid_client(700024, &format!("{what} is not within its valid time range. The token has expired.")))
        }
        K::ImmatureSignature => {
            Some(invalid_client(700024, &format!("{what} is not within its valid time range. The token is not yet valid.")))
        }
        K::InvalidSignature => None,
        K::MissingRequiredClaim(c) => {
            Some(invalid_client(50027, &format!("JWT token is invalid or malformed: the '{c}' claim is missing.")))
        }
        _ => Some(invalid_client(50027, &format!("JWT token is invalid or malformed: {e}."))),
    }
}

/// The assertion with each segment's base64 padding removed. Entra accepts
/// padded segments (azure-identity's `azure.identity.aio`
/// `CertificateCredential` pads the header, claims, signature and `x5t#S256`);
/// `jsonwebtoken` reads only the unpadded form.
fn unpadded(assertion: &str) -> String {
    assertion.split('.').map(|p| p.trim_end_matches('=')).collect::<Vec<_>>().join(".")
}

/// Verifies `assertion` with `key`: the signature over the segments as they
/// were presented (the signing input includes any padding), then the
/// lifetime.
fn verify(assertion: &str, key: &DecodingKey, alg: Algorithm) -> jsonwebtoken::errors::Result<()> {
    use jsonwebtoken::errors::ErrorKind as K;
    if !assertion.contains('=') {
        return jsonwebtoken::decode::<Value>(assertion, key, &validation(alg)).map(|_| ());
    }
    let (message, signature) = assertion.rsplit_once('.').ok_or(K::InvalidToken)?;
    if !jsonwebtoken::crypto::verify(signature.trim_end_matches('='), message.as_bytes(), key, alg)? {
        return Err(K::InvalidSignature.into());
    }
    let mut v = validation(alg);
    #[allow(deprecated)] // the signature is checked just above, over the padded text
    v.insecure_disable_signature_validation();
    jsonwebtoken::decode::<Value>(unpadded(assertion), key, &v).map(|_| ())
}

/// Checks the assertion for `app`; `Ok(())` when it proves the client.
pub(crate) fn check(st: &State, app: &Value, assertion: &str) -> Result<(), Refusal> {
    let client_id = s(app, "appId");
    let Some(claims) = peek(assertion) else {
        return Err(invalid_client(50027, "JWT token is invalid or malformed."));
    };
    let header = jsonwebtoken::decode_header(unpadded(assertion))
        .map_err(|_| invalid_client(50027, "JWT token is invalid or malformed."))?;
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::PS256) {
        return Err(invalid_client(
            5002738,
            &format!("Invalid JWT token. '{:?}' is not a supported signature algorithm.", header.alg),
        ));
    }
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if iss == client_id {
        certificate(st, app, assertion, &header, &claims)
    } else {
        federated(app, assertion, header.alg, &claims)
    }
}

fn certificate(st: &State, app: &Value, assertion: &str, header: &jsonwebtoken::Header, claims: &Value) -> Result<(), Refusal> {
    let client_id = s(app, "appId");
    if claims.get("sub").and_then(Value::as_str) != Some(client_id) {
        return Err(invalid_client(700021, "Client assertion application identifier doesn't match 'client_id' parameter."));
    }
    let aud = claims.get("aud").and_then(Value::as_str).unwrap_or("");
    if !audience_ok(st, aud) {
        return Err(invalid_client(700212, &format!("Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials . Audience: '{aud}'.")));
    }
    let certs: Vec<(DecodingKey, String)> = app
        .get("_certificates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
        .filter_map(cert_key)
        .collect();
    if certs.is_empty() {
        return Err(invalid_client(700027, "Client assertion failed signature validation. [Reason - The key was not found.] The application has no certificate credential."));
    }
    let thumb = header.x5t_s256.as_deref();
    let mut verified = false;
    for (key, t) in &certs {
        if thumb.is_some_and(|x| x.trim_end_matches('=') != t) {
            continue;
        }
        match verify(assertion, key, header.alg) {
            Ok(()) => {
                verified = true;
                break;
            }
            Err(e) => {
                if let Some(r) = decode_error(&e, "Client assertion") {
                    return Err(r);
                }
            }
        }
    }
    if !verified {
        let shown = thumb.unwrap_or("(none)");
        return Err(invalid_client(700027, &format!("Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '{shown}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{client_id}'.]")));
    }
    let jti = claims.get("jti").and_then(Value::as_str).unwrap_or("");
    if jti.is_empty() {
        return Err(invalid_client(50027, "JWT token is invalid or malformed: the 'jti' claim is missing."));
    }
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    let now = chrono::Utc::now().timestamp();
    let mut seen = st.keys.idp.seen_jti.lock().unwrap_or_else(|p| p.into_inner());
    seen.retain(|_, e| *e + 60 >= now);
    if seen.insert(format!("{client_id}/{jti}"), exp).is_some() {
        return Err(invalid_client(
            50027,
            "Invalid JWT token. The client assertion was already used (its 'jti' was presented before).",
        ));
    }
    Ok(())
}

fn federated(app: &Value, assertion: &str, alg: Algorithm, claims: &Value) -> Result<(), Refusal> {
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
    let feds: Vec<&Value> = app.get("_federated").and_then(Value::as_array).into_iter().flatten().collect();
    let by_issuer: Vec<&&Value> = feds.iter().filter(|f| s(f, "issuer") == iss).collect();
    if by_issuer.is_empty() {
        return Err(aad_error(400, "invalid_request", 700211, &format!("No matching federated identity record found for presented assertion issuer '{iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.")));
    }
    let Some(fed) = by_issuer.iter().find(|f| s(f, "subject") == sub) else {
        return Err(aad_error(400, "invalid_request", 700213, &format!("No matching federated identity record found for presented assertion subject '{sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.")));
    };
    let audiences: Vec<String> = fed
        .get("audiences")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let audiences = if audiences.is_empty() { vec!["api://AzureADTokenExchange".to_string()] } else { audiences };
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => audiences.contains(a),
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(|x| audiences.iter().any(|y| y == x))),
        _ => false,
    };
    if !aud_ok {
        return Err(aad_error(
            400,
            "invalid_request",
            700212,
            &format!(
                "No matching federated identity record found for presented assertion audience '{}'.",
                claims.get("aud").map(|a| a.to_string()).unwrap_or_default()
            ),
        ));
    }
    let kid = jsonwebtoken::decode_header(unpadded(assertion)).ok().and_then(|h| h.kid);
    let keys: Vec<jsonwebtoken::jwk::Jwk> =
        fed.get("jwks").and_then(|j| j.get("keys")).and_then(|k| serde_json::from_value(k.clone()).ok()).unwrap_or_default();
    let mut tried = false;
    for jwk in keys.iter().filter(|k| kid.is_none() || k.common.key_id == kid) {
        let Ok(key) = DecodingKey::from_jwk(jwk) else {
            continue;
        };
        tried = true;
        match verify(assertion, &key, alg) {
            Ok(()) => return Ok(()),
            Err(e) => {
                if let Some(r) = decode_error(&e, "The presented assertion") {
                    return Err(r);
                }
            }
        }
    }
    let why = if tried { "signature verification failed" } else { "no key of the issuer matches the token's kid" };
    Err(aad_error(
        400,
        "invalid_client",
        700027,
        &format!("Client assertion failed signature validation ({why}) for issuer '{iss}'."),
    ))
}
