// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

#![allow(dead_code)]

use std::time::Duration;

use entitlement_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

pub const EM: &str = "/identityGovernance/entitlementManagement";

pub fn config() -> EmulatorConfig {
    EmulatorConfig { delivery_delay: Duration::from_millis(20), ..Default::default() }
}

pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client")
}

pub async fn start() -> Emulator {
    Emulator::start(config()).await.expect("emulator starts")
}

pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

pub async fn call(c: &reqwest::Client, method: &str, url: &str, token: Option<&str>, body: Option<Value>) -> Resp {
    let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut rb = c.request(m, url);
    if let Some(t) = token {
        rb = rb.header("authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        rb = rb.header("content-type", "application/json").body(b.to_string());
    }
    let r = rb.send().await.expect("request sent");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    Resp { status, headers, body }
}

/// Token from the token endpoint with a form body.
pub async fn token(c: &reqwest::Client, emu: &Emulator, form: &[(&str, &str)]) -> Resp {
    let url = format!("{}/{}/oauth2/v2.0/token", emu.authority(), emu.tenant_id());
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let r = c
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("token request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = serde_json::from_str(&r.text().await.expect("text")).unwrap_or(Value::Null);
    Resp { status, headers, body }
}

pub async fn app_token_via_endpoint(c: &reqwest::Client, emu: &Emulator) -> String {
    let (id, secret) = emu.app_credentials();
    let r = token(c, emu, &[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", &secret), ("scope", "https://graph.microsoft.com/.default")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["access_token"].as_str().expect("access_token").to_string()
}

/// A delegated token by the authorization code flow with PKCE (S256): the
/// authorize endpoint signs `upn` in at once and redirects with the code,
/// which the token endpoint redeems with the verifier.
pub async fn user_token_via_authorize(emu: &Emulator, client_id: &str, upn: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let verifier = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let redirect = "http://localhost:1/callback";
    let url = reqwest::Url::parse_with_params(
        &format!("{}/{}/oauth2/v2.0/authorize", emu.authority(), emu.tenant_id()),
        &[("client_id", client_id), ("response_type", "code"), ("redirect_uri", redirect), ("scope", "https://graph.microsoft.com/.default offline_access"),
          ("code_challenge", &challenge), ("code_challenge_method", "S256"), ("state", "s1"), ("login_hint", upn)],
    )
    .expect("authorize url");
    let no_follow = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let r = no_follow.get(url).send().await.expect("authorize");
    assert_eq!(r.status(), 302, "authorize redirects");
    let location = reqwest::Url::parse(r.headers()["location"].to_str().expect("location")).expect("location url");
    assert!(location.as_str().starts_with(redirect), "{location}");
    let q: std::collections::HashMap<String, String> = location.query_pairs().into_owned().collect();
    assert_eq!(q.get("state").map(String::as_str), Some("s1"));
    let code = q.get("code").expect("code");
    let r = token(&http(), emu, &[("grant_type", "authorization_code"), ("client_id", client_id), ("code", code), ("redirect_uri", redirect), ("code_verifier", &verifier), ("scope", "https://graph.microsoft.com/.default offline_access")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["refresh_token"].is_string());
    r.body["access_token"].as_str().expect("access_token").to_string()
}

/// Polls `url` until `pred` holds (at most ~5 s).
pub async fn wait_for(c: &reqwest::Client, url: &str, token: &str, pred: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..250 {
        let r = call(c, "GET", url, Some(token), None).await;
        if r.status == 200 && pred(&r.body) {
            return r.body;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition never held for {url}");
}
