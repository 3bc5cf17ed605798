// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Auth, OData, errors, persistence and fault injection over real HTTP.

mod common;

use common::*;
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Fault, Seed};
use serde_json::json;

#[tokio::test]
async fn auth_failures() {
    let emu = start().await;
    let c = http();
    let url = format!("{}/v1.0{EM}/catalogs", emu.base_url());
    let r = call(&c, "GET", &url, None, None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"]["code"], "InvalidAuthenticationToken");
    assert!(r.headers.get("www-authenticate").is_some());
    let r = call(&c, "GET", &url, Some("not.a.jwt"), None).await;
    assert_eq!(r.status, 401);
    // A token signed by another emulator instance is rejected.
    let other = start().await;
    let r = call(&c, "GET", &url, Some(&other.app_token()), None).await;
    assert_eq!(r.status, 401);
    other.shutdown().await;

    let (id, _) = emu.app_credentials();
    let r = token(&c, &emu, &[("grant_type", "client_credentials"), ("client_id", &id), ("client_secret", "wrong"), ("scope", "https://graph.microsoft.com/.default")]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"], "invalid_client");
    assert!(r.body["error_description"].as_str().unwrap().starts_with("AADSTS"));
    assert!(r.body["error_codes"].is_array());
    // A code that was never issued (the password grant's refusal is tested in core's credentials_e2e).
    let r = token(&c, &emu, &[("grant_type", "authorization_code"), ("client_id", &id), ("code", "nope"), ("redirect_uri", "http://localhost"), ("scope", "https://graph.microsoft.com/.default")]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "invalid_grant");
    let ok = app_token_via_endpoint(&c, &emu).await;
    let r = call(&c, "GET", &url, Some(&ok), None).await;
    assert_eq!(r.status, 200);
    assert!(emu.user_token("nobody@contoso.com").is_err());
    emu.shutdown().await;
}

#[tokio::test]
async fn plain_user_is_forbidden_admin_operations() {
    let emu = start().await;
    let c = http();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let user = emu.user_token(ids::REQUESTOR1_ID).unwrap();
    let r = call(&c, "POST", &format!("{v1}/accessPackages"), Some(&user), Some(json!({"catalogId": ids::GENERAL_CATALOG_ID, "displayName": "x"}))).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "Forbidden");
    let r = call(&c, "GET", &format!("{v1}/assignmentRequests"), Some(&user), None).await;
    assert_eq!(r.status, 403);
    let admin = emu.user_token(ids::ADMIN_UPN).unwrap();
    let r = call(&c, "POST", &format!("{v1}/accessPackages"), Some(&admin), Some(json!({"catalogId": ids::GENERAL_CATALOG_ID, "displayName": "x"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["createdBy"], ids::ADMIN_UPN);
    emu.shutdown().await;
}

#[tokio::test]
async fn errors_have_graph_shape() {
    let emu = start().await;
    let c = http();
    let t = emu.app_token();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let r = call(&c, "GET", &format!("{v1}/nothingHere"), Some(&t), None).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["message"], "Resource not found for the segment 'nothingHere'.");
    let r = call(&c, "PATCH", &format!("{v1}/catalogs"), Some(&t), Some(json!({}))).await;
    assert_eq!(r.status, 405);
    let r = call(&c, "GET", &format!("{v1}/catalogs?$filter=displayName eq"), Some(&t), None).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with("Invalid filter clause"));
    let r = call(&c, "GET", &format!("{v1}/catalogs?$expand=bogus"), Some(&t), None).await;
    assert_eq!(r.status, 400);
    let raw = c
        .post(format!("{v1}/catalogs"))
        .header("authorization", format!("Bearer {t}"))
        .header("client-request-id", "abc-123")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    assert_eq!(raw.headers()["client-request-id"], "abc-123");
    let body: serde_json::Value = serde_json::from_str(&raw.text().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "BadRequest");
    assert_eq!(body["error"]["innerError"]["client-request-id"], "abc-123");
    let r = call(&c, "POST", &format!("{v1}/catalogs"), Some(&t), Some(json!({"description": "no name"}))).await;
    assert_eq!(r.status, 400);
    let r = call(&c, "POST", &format!("{v1}/resourceRequests"), Some(&t), Some(json!({
        "requestType": "adminAdd", "catalog": {"id": ids::GENERAL_CATALOG_ID},
        "resource": {"originId": "00000000-0000-0000-0000-000000000001", "originSystem": "AadGroup"}}))).await;
    assert_eq!(r.status, 404, "{}", r.body);
    emu.shutdown().await;
}

#[tokio::test]
async fn paging_top_count_orderby() {
    let emu = Emulator::start(EmulatorConfig { page_size: 4, ..config() }).await.unwrap();
    let c = http();
    let t = emu.app_token();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    for i in 0..9 {
        let r = call(&c, "POST", &format!("{v1}/catalogs"), Some(&t), Some(json!({"displayName": format!("cat {i}"), "description": if i % 2 == 0 { "even" } else { "odd" }}))).await;
        assert_eq!(r.status, 201);
    }
    // 10 catalogs with General; page size 4 → 4 + 4 + 2.
    let mut url = format!("{v1}/catalogs?$count=true");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = call(&c, "GET", &url, Some(&t), None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        if pages == 0 {
            assert_eq!(r.body["@odata.count"], 10);
        }
        pages += 1;
        seen.extend(r.body["value"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_string()));
        match r.body["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&emu.base_url()) && next.contains("$skiptoken="));
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    seen.dedup();
    assert_eq!(seen.len(), 10);
    let r = call(&c, "GET", &format!("{v1}/catalogs?$top=2&$filter=description eq 'even'&$orderby=displayName desc&$select=displayName"), Some(&t), None).await;
    let v = r.body["value"].as_array().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["displayName"], "cat 8");
    assert_eq!(v[1]["displayName"], "cat 6");
    assert!(v[0].get("description").is_none());
    assert!(r.body["@odata.nextLink"].as_str().unwrap().contains("%24top=2") || r.body["@odata.nextLink"].as_str().unwrap().contains("$top=2"));
    let next = r.body["@odata.nextLink"].as_str().unwrap().to_string();
    let r = call(&c, "GET", &next, Some(&t), None).await;
    let v = r.body["value"].as_array().unwrap();
    assert_eq!(v[0]["displayName"], "cat 4");
    let r = call(&c, "GET", &format!("{v1}/catalogs?$filter=startswith(displayName,'cat') and not (description eq 'odd')&$count=true"), Some(&t), None).await;
    assert_eq!(r.body["@odata.count"], 5);
    emu.shutdown().await;
}

#[tokio::test]
async fn state_persists_across_restart() {
    let path = std::env::temp_dir().join(format!("entitlement-emulator-{}.db", uuid::Uuid::new_v4()));
    let cfg = EmulatorConfig { db_path: Some(path.clone()), ..config() };
    let c = http();
    let emu = Emulator::start(cfg.clone()).await.unwrap();
    let t = emu.app_token();
    let r = call(&c, "POST", &format!("{}/v1.0{EM}/accessPackages", emu.base_url()), Some(&t), Some(json!({"catalogId": ids::GENERAL_CATALOG_ID, "displayName": "Persisted"}))).await;
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_str().unwrap().to_string();
    emu.shutdown().await;

    let emu = Emulator::start(cfg).await.unwrap();
    let t = emu.app_token();
    let r = call(&c, "GET", &format!("{}/v1.0{EM}/accessPackages/{id}", emu.base_url()), Some(&t), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["displayName"], "Persisted");
    let r = call(&c, "GET", &format!("{}/v1.0{EM}/catalogs?$count=true", emu.base_url()), Some(&t), None).await;
    assert_eq!(r.body["@odata.count"], 1, "seed must not be applied twice");
    emu.shutdown().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn fault_injection() {
    let emu = start().await;
    let c = http();
    let t = emu.app_token();
    let url = format!("{}/v1.0{EM}/catalogs", emu.base_url());
    emu.inject_fault(Fault { status: 429, retry_after: Some("2".into()), count: 2, path_contains: Some("/catalogs".into()) });
    // The token endpoint is never faulted.
    app_token_via_endpoint(&c, &emu).await;
    for _ in 0..2 {
        let r = call(&c, "GET", &url, Some(&t), None).await;
        assert_eq!(r.status, 429);
        assert_eq!(r.headers["retry-after"], "2");
        assert_eq!(r.body["error"]["code"], "TooManyRequests");
    }
    assert_eq!(call(&c, "GET", &url, Some(&t), None).await.status, 200);
    emu.inject_fault(Fault { status: 503, retry_after: None, count: 1, path_contains: Some("/accessPackages".into()) });
    assert_eq!(call(&c, "GET", &url, Some(&t), None).await.status, 200);
    let r = call(&c, "GET", &format!("{}/v1.0{EM}/accessPackages", emu.base_url()), Some(&t), None).await;
    assert_eq!(r.status, 503);
    emu.shutdown().await;
}

#[tokio::test]
async fn seed_objects_preload() {
    let mut seed = Seed::default();
    seed.objects.insert("accessPackages".into(), vec![json!({"id": "11111111-1111-4111-8111-111111111111", "displayName": "Bench", "catalogId": ids::GENERAL_CATALOG_ID})]);
    seed.objects.insert("assignmentPolicies".into(), vec![json!({"id": "22222222-2222-4222-8222-222222222222", "displayName": "p", "accessPackage": {"id": "11111111-1111-4111-8111-111111111111"}})]);
    seed.objects.insert(
        "assignments".into(),
        (0..250)
            .map(|i| json!({"id": format!("00000000-0000-4000-8000-{i:012}"), "accessPackageId": "11111111-1111-4111-8111-111111111111", "assignmentPolicyId": "22222222-2222-4222-8222-222222222222", "targetId": ids::REQUESTOR1_ID}))
            .collect(),
    );
    let text = serde_json::to_string(&seed).unwrap();
    let path = std::env::temp_dir().join(format!("entitlement-seed-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, text).unwrap();
    let seed = Seed::from_file(&path).unwrap();
    // The big arrays of a seed file are streamed from it at start.
    let emu = Emulator::start(EmulatorConfig { seed, ..config() }).await.unwrap();
    let _ = std::fs::remove_file(&path);
    let c = http();
    let t = emu.app_token();
    let r = call(&c, "GET", &format!("{}/v1.0{EM}/assignments?$filter=accessPackage/id eq '11111111-1111-4111-8111-111111111111'&$count=true&$top=10", emu.base_url()), Some(&t), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["@odata.count"], 250);
    assert_eq!(r.body["value"].as_array().unwrap().len(), 10);
    let r = call(&c, "GET", &format!("{}/beta{EM}/accessPackageAssignments?$top=1", emu.base_url()), Some(&t), None).await;
    assert_eq!(r.body["value"][0]["catalogId"], ids::GENERAL_CATALOG_ID);
    assert_eq!(r.body["value"][0]["assignmentState"], "Delivered");
    let r = call(&c, "DELETE", &format!("{}/v1.0{EM}/accessPackages/11111111-1111-4111-8111-111111111111", emu.base_url()), Some(&t), None).await;
    assert_eq!(r.status, 400);
    assert!(Seed::from_file("/nonexistent/seed.json").is_err());
    emu.shutdown().await;
}

#[test]
fn handle_runs_without_a_runtime() {
    let h = entitlement_emulator::EmulatorHandle::spawn(config()).unwrap();
    assert!(h.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(h.tenant_id(), ids::TENANT_ID);
    assert!(!h.app_token().is_empty());
    let url = format!("{}/v1.0{EM}/catalogs", h.base_url());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = rt.block_on(async { call(&http(), "GET", &url, Some(&h.app_token()), None).await.status });
    assert_eq!(status, 200);
    h.stop();
}

#[tokio::test]
async fn generic_update_and_delete() {
    let emu = start().await;
    let c = http();
    let t = emu.app_token();
    let v1 = format!("{}/v1.0{EM}", emu.base_url());
    let r = call(&c, "POST", &format!("{v1}/accessPackages"), Some(&t), Some(json!({"catalog": {"id": ids::GENERAL_CATALOG_ID}, "displayName": "before"}))).await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = call(&c, "PATCH", &format!("{v1}/accessPackages/{id}"), Some(&t), Some(json!({"displayName": "after", "id": "ignored"}))).await;
    assert_eq!(r.status, 204);
    let r = call(&c, "GET", &format!("{v1}/accessPackages/{id}?$expand=catalog&$select=displayName"), Some(&t), None).await;
    assert_eq!(r.body["displayName"], "after");
    assert_eq!(r.body["id"], id.as_str());
    assert_eq!(r.body["catalog"]["displayName"], "General");
    assert!(r.body.get("description").is_none());
    let r = call(&c, "PATCH", &format!("{v1}/accessPackages/00000000-0000-0000-0000-000000000000"), Some(&t), Some(json!({"displayName": "x"}))).await;
    assert_eq!(r.status, 404);
    let r = call(&c, "GET", &format!("{v1}/catalogs/00000000-0000-0000-0000-000000000000/resources"), Some(&t), None).await;
    assert_eq!(r.status, 404);
    let r = call(&c, "DELETE", &format!("{v1}/accessPackages/{id}"), Some(&t), None).await;
    assert_eq!(r.status, 204);
    let r = call(&c, "DELETE", &format!("{v1}/accessPackages/{id}"), Some(&t), None).await;
    assert_eq!(r.status, 404);
    emu.shutdown().await;
}

/// The authorization code flow: PKCE checked, a code redeemed once, the
/// redirect URI matched, a refresh token rotated, and no sign-in page (no
/// `login_hint` is `login_required` at the redirect URI).
#[tokio::test]
async fn authorization_code_flow_checks_pkce_single_use_and_refresh() {
    let emu = start().await;
    let (id, _) = emu.app_credentials();
    let no_follow = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let authorize = |extra: &[(&str, &str)]| {
        let mut p = vec![("client_id", id.as_str()), ("response_type", "code"), ("redirect_uri", "http://localhost:7/cb"), ("state", "xyz")];
        p.extend_from_slice(extra);
        reqwest::Url::parse_with_params(&format!("{}/{}/oauth2/v2.0/authorize", emu.authority(), emu.tenant_id()), &p).unwrap()
    };
    let query = |r: &reqwest::Response| -> std::collections::HashMap<String, String> {
        reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap().query_pairs().into_owned().collect()
    };
    // No login_hint: no page to show.
    let r = no_follow.get(authorize(&[])).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let q = query(&r);
    assert_eq!(q["error"], "login_required");
    assert!(q["error_description"].starts_with("AADSTS50058"), "{}", q["error_description"]);
    assert_eq!(q["state"], "xyz");
    // An unknown client is not redirected anywhere.
    let url = format!("{}/{}/oauth2/v2.0/authorize?client_id=nope&response_type=code&redirect_uri=http://localhost", emu.authority(), emu.tenant_id());
    assert_eq!(no_follow.get(url).send().await.unwrap().status(), 400);

    let code_for = |challenge: &'static str| {
        let no_follow = no_follow.clone();
        let url = authorize(&[("login_hint", ids::REQUESTOR1_UPN), ("code_challenge", challenge), ("code_challenge_method", "plain")]);
        async move {
            let r = no_follow.get(url).send().await.unwrap();
            assert_eq!(r.status(), 302);
            query(&r)["code"].clone()
        }
    };
    let c = http();
    let redeem = |code: String, verifier: &'static str, redirect: &'static str| {
        let (c, id) = (c.clone(), id.clone());
        let emu = &emu;
        async move {
            token(&c, emu, &[("grant_type", "authorization_code"), ("client_id", &id), ("code", &code), ("redirect_uri", redirect), ("code_verifier", verifier)]).await
        }
    };
    // The wrong verifier, then the right one: the code is already spent.
    let code = code_for("verifier-one-1234567890-1234567890-1234567890").await;
    let r = redeem(code.clone(), "another-verifier", "http://localhost:7/cb").await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_grant")));
    assert!(r.body["error_description"].as_str().unwrap().starts_with("AADSTS501481"));
    let r = redeem(code, "verifier-one-1234567890-1234567890-1234567890", "http://localhost:7/cb").await;
    assert_eq!(r.status, 400, "single use: {}", r.body);
    // Another redirect URI than the authorize request's.
    let code = code_for("verifier-two-1234567890-1234567890-1234567890").await;
    let r = redeem(code, "verifier-two-1234567890-1234567890-1234567890", "http://localhost:8/cb").await;
    assert!(r.body["error_description"].as_str().unwrap().starts_with("AADSTS500117"), "{}", r.body);
    // Right: a user token and a refresh token, which rotates.
    let code = code_for("verifier-three-123456789-1234567890-1234567890").await;
    let r = redeem(code, "verifier-three-123456789-1234567890-1234567890", "http://localhost:7/cb").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rt = r.body["refresh_token"].as_str().unwrap().to_string();
    let me = call(&c, "GET", &format!("{}/v1.0{EM}/assignments/filterByCurrentUser(on='target')", emu.base_url()), r.body["access_token"].as_str(), None).await;
    assert_eq!(me.status, 200, "{}", me.body);
    let r = token(&c, &emu, &[("grant_type", "refresh_token"), ("client_id", &id), ("refresh_token", &rt)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_ne!(r.body["refresh_token"].as_str().unwrap(), rt);
    let r = token(&c, &emu, &[("grant_type", "refresh_token"), ("client_id", &id), ("refresh_token", &rt)]).await;
    assert_eq!(r.status, 400, "a spent refresh token: {}", r.body);
    emu.shutdown().await;
}
