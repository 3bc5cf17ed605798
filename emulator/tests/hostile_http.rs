// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! Requests a well-behaved client never sends: wrong `Host` names (DNS
//! rebinding), bodies behind bad tokens, tokens outside their lifetime or
//! for another tenant, oversized URLs and forms, and bursts of expensive
//! requests that must not stall cheap ones. Raw TCP where reqwest would
//! correct the request.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{call, config, http, start, EM};
use entitlement_emulator::{ids, Emulator, EmulatorConfig, Seed};
use serde_json::{json, Value};

/// A parsed raw HTTP response.
struct Raw {
    status: u16,
    head: String,
    body: Value,
}

fn port(emu: &Emulator) -> u16 {
    emu.base_url().rsplit(':').next().and_then(|p| p.parse().ok()).expect("port in base URL")
}

/// Sends `head` (request line and headers, without the final blank line) and
/// `body` over a fresh connection, then reads the response until the server
/// closes or `Content-Length` bytes arrived. Runs off the async runtime.
async fn raw(port: u16, head: String, body: Vec<u8>) -> Raw {
    tokio::task::spawn_blocking(move || raw_blocking(port, &head, &body)).await.expect("raw request thread")
}

fn raw_blocking(port: u16, head: &str, body: &[u8]) -> Raw {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(format!("{head}\r\n\r\n").as_bytes()).expect("write head");
    if !body.is_empty() {
        s.write_all(body).expect("write body");
    }
    read_response(&mut s)
}

fn read_response(s: &mut TcpStream) -> Raw {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).expect("status code");
                let text = &buf[end + 4..end + 4 + len];
                let body = serde_json::from_slice(text).unwrap_or(Value::Null);
                return Raw { status, head, body };
            }
        }
        match s.read(&mut chunk) {
            Ok(0) => panic!("connection closed before a full response: {:?}", String::from_utf8_lossy(&buf)),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) => panic!("no response within the timeout ({e}); got {:?}", String::from_utf8_lossy(&buf)),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn catalogs_get(host: Option<&str>, version: &str, token: &str) -> String {
    let host = host.map(|h| format!("\r\nHost: {h}")).unwrap_or_default();
    format!("GET /v1.0{EM}/catalogs {version}{host}\r\nAuthorization: Bearer {token}\r\nConnection: close")
}

fn assert_invalid_hostname(r: &Raw) {
    assert_eq!(r.status, 400, "{}\n{}", r.head, r.body);
    assert_eq!(r.body["error"]["code"], "BadRequest", "{}", r.body);
    let msg = r.body["error"]["message"].as_str().unwrap_or("");
    assert!(msg.starts_with("Bad Request - Invalid Hostname"), "{msg}");
}

#[tokio::test]
async fn host_header_must_name_the_emulator() {
    let emu = start().await;
    let p = port(&emu);
    let t = emu.app_token();
    // The names a local client uses, with this port or a forwarded one.
    for host in [
        format!("127.0.0.1:{p}"),
        format!("localhost:{p}"),
        format!("LOCALHOST.:{p}"),
        format!("[::1]:{p}"),
        "127.0.0.1:8080".into(),
        "localhost".into(),
    ] {
        let r = raw(p, catalogs_get(Some(&host), "HTTP/1.1", &t), vec![]).await;
        assert_eq!(r.status, 200, "Host: {host}: {}", r.body);
    }
    // A rebinding page's name: refused before the token or the route is looked at.
    for host in [format!("evil.example:{p}"), "evil.example".into(), "127.0.0.1.evil.example".into(), format!("localhost.evil.example:{p}")]
    {
        let r = raw(p, catalogs_get(Some(&host), "HTTP/1.1", &t), vec![]).await;
        assert_invalid_hostname(&r);
        let r = raw(p, catalogs_get(Some(&host), "HTTP/1.1", "not-a-token"), vec![]).await;
        assert_invalid_hostname(&r);
    }
    // The token endpoint too: a page must not mint tokens either.
    let form = format!("grant_type=client_credentials&client_id={}&client_secret={}", ids::APP_CLIENT_ID, ids::APP_CLIENT_SECRET);
    let head = format!(
        "POST /{}/oauth2/v2.0/token HTTP/1.1\r\nHost: evil.example:{p}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close",
        ids::TENANT_ID,
        form.len()
    );
    assert_invalid_hostname(&raw(p, head.clone(), form.clone().into_bytes()).await);
    let ok = raw(p, head.replace("evil.example", "127.0.0.1"), form.into_bytes()).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // Absolute-form targets name the host themselves (RFC 9112 §3.2.2).
    let head = format!(
        "GET http://evil.example:{p}/v1.0{EM}/catalogs HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nAuthorization: Bearer {t}\r\nConnection: close"
    );
    assert_invalid_hostname(&raw(p, head, vec![]).await);
    // Two Host headers: ambiguous, refused.
    let head = format!(
        "GET /v1.0{EM}/catalogs HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nHost: evil.example\r\nAuthorization: Bearer {t}\r\nConnection: close"
    );
    assert_invalid_hostname(&raw(p, head, vec![]).await);
    // HTTP/1.1 requires Host; HTTP/1.0 clients may omit it (browsers never do).
    assert_invalid_hostname(&raw(p, catalogs_get(None, "HTTP/1.1", &t), vec![]).await);
    let r = raw(p, catalogs_get(None, "HTTP/1.0", &t), vec![]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = raw(p, catalogs_get(Some("evil.example"), "HTTP/1.0", &t), vec![]).await;
    assert_invalid_hostname(&r);
    emu.shutdown().await;
}

#[tokio::test]
async fn allowed_hosts_admit_other_names() {
    let emu =
        Emulator::start(EmulatorConfig { allowed_hosts: vec!["emulator".into(), "graph.test:8443".into()], ..config() }).await.unwrap();
    let p = port(&emu);
    let t = emu.app_token();
    for host in ["emulator", "emulator:8080", "Emulator.", "graph.test", "localhost"] {
        let r = raw(p, catalogs_get(Some(host), "HTTP/1.1", &t), vec![]).await;
        assert_eq!(r.status, 200, "Host: {host}: {}", r.body);
    }
    let r = raw(p, catalogs_get(Some("emulator.evil.example"), "HTTP/1.1", &t), vec![]).await;
    assert_invalid_hostname(&r);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("emulator"), "{}", r.body);
    emu.shutdown().await;

    let any = Emulator::start(EmulatorConfig { allowed_hosts: vec!["*".into()], ..config() }).await.unwrap();
    let r = raw(port(&any), catalogs_get(Some("anything.example"), "HTTP/1.1", &any.app_token()), vec![]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    any.shutdown().await;
}

#[tokio::test]
async fn a_large_body_behind_a_bad_token_is_refused_unread() {
    let emu = start().await;
    let p = port(&emu);
    const FOUR_MB: usize = 4 * 1024 * 1024;
    // Announce 4 MB, send 64 KB and stop: a server that read the body before
    // checking the token would wait for the rest and the read would time out.
    for auth in ["Authorization: Bearer not.a.token\r\n", ""] {
        let head = format!(
            "POST /v1.0{EM}/accessPackages HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\n{auth}Content-Type: application/json\r\nContent-Length: {FOUR_MB}"
        );
        let started = Instant::now();
        let r = raw(p, head, vec![b' '; 64 * 1024]).await;
        assert_eq!(r.status, 401, "{}", r.body);
        assert_eq!(r.body["error"]["code"], "InvalidAuthenticationToken");
        assert!(r.head.to_ascii_lowercase().contains("www-authenticate: bearer"), "{}", r.head);
        assert!(started.elapsed() < Duration::from_secs(5), "answered after {:?}", started.elapsed());
    }
    // A plain user's token is not enough for an admin write: 403, body unread.
    let user = emu.user_token(ids::REQUESTOR1_UPN).unwrap();
    let head = format!(
        "POST /v1.0{EM}/accessPackages HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nAuthorization: Bearer {user}\r\nContent-Type: application/json\r\nContent-Length: {FOUR_MB}"
    );
    let r = raw(p, head, vec![b' '; 64 * 1024]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // With a good token the body is read, up to the cap.
    let c = http();
    let admin = emu.app_token();
    let url = format!("{}/v1.0{EM}/accessPackages", emu.base_url());
    let too_big = vec![b' '; FOUR_MB + 1];
    let r = c.post(&url).bearer_auth(&admin).header("content-type", "application/json").body(too_big).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "RequestEntityTooLarge");
    emu.shutdown().await;
}

#[tokio::test]
async fn tokens_outside_their_lifetime_or_tenant_are_401() {
    let emu = start().await;
    let c = http();
    let url = format!("{}/v1.0{EM}/catalogs", emu.base_url());
    let now = chrono::Utc::now().timestamp();
    let cases = [
        (json!({"nbf": now + 600}), "not yet valid"),
        (json!({"exp": now - 1}), "expired"),
        (json!({"aud": "https://management.azure.com"}), "audience"),
        (json!({"iss": "https://sts.windows.net/00000000-0000-4000-8000-000000000bad/"}), "issuer"),
        (json!({"tid": "00000000-0000-4000-8000-000000000bad"}), "another tenant"),
    ];
    for (claims, says) in cases {
        for user in [Some(ids::REQUESTOR1_UPN), Some(ids::ADMIN_UPN), None] {
            let t = emu.mint_token(user, &claims).unwrap();
            let r = call(&c, "GET", &url, Some(&t), None).await;
            assert_eq!(r.status, 401, "{claims}: {}", r.body);
            assert_eq!(r.body["error"]["code"], "InvalidAuthenticationToken");
            assert!(r.body["error"]["message"].as_str().unwrap().contains(says), "{claims}: {}", r.body);
            assert!(r.body["error"]["innerError"]["request-id"].is_string());
            assert!(r.headers.get("www-authenticate").is_some());
        }
    }
    // nbf just passed is fine; the same token minted without changes works.
    let t = emu.mint_token(None, &json!({"nbf": now - 1})).unwrap();
    assert_eq!(call(&c, "GET", &url, Some(&t), None).await.status, 200);
    // A token without nbf is not one Entra issues.
    let t = emu.mint_token(None, &json!({"nbf": null})).unwrap();
    assert_eq!(call(&c, "GET", &url, Some(&t), None).await.status, 401);
    emu.shutdown().await;
}

#[tokio::test]
async fn oversized_urls_and_token_forms_are_refused() {
    let emu = start().await;
    let c = http();
    let t = emu.app_token();
    let base = format!("{}/v1.0{EM}/catalogs", emu.base_url());
    let long = format!("{base}?$filter=displayName eq '{}'", "a".repeat(17 * 1024));
    let r = call(&c, "GET", &long, Some(&t), None).await;
    assert_eq!(r.status, 414, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "RequestUriTooLong");
    // Just under the cap is answered normally.
    let fits = format!("{base}?$filter=displayName eq '{}'", "a".repeat(15 * 1024));
    let r = call(&c, "GET", &fits, Some(&t), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["value"].as_array().map(Vec::len), Some(0));
    // The token endpoint reads at most 64 KB of form.
    let url = format!("{}/{}/oauth2/v2.0/token", emu.authority(), emu.tenant_id());
    let form = format!("grant_type=client_credentials&client_id={}&pad={}", ids::APP_CLIENT_ID, "x".repeat(70 * 1024));
    let r = c.post(&url).header("content-type", "application/x-www-form-urlencoded").body(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let body: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "invalid_request");
    emu.shutdown().await;
}

/// A tenant where listing catalogs with their access packages expanded costs
/// real work (every catalog expands over every package).
fn big_seed() -> Seed {
    let mut seed = Seed::default();
    let catalogs: Vec<Value> = (0..150)
        .map(|i| json!({"id": format!("00000000-0000-4000-8000-{i:012}"), "displayName": format!("Catalog {i}"), "state": "published"}))
        .collect();
    let packages: Vec<Value> = (0..3000)
        .map(|i| {
            json!({
                "id": format!("10000000-0000-4000-8000-{i:012}"),
                "displayName": format!("Package {i}"),
                "description": "x".repeat(200),
                "catalogId": format!("00000000-0000-4000-8000-{:012}", i % 150),
            })
        })
        .collect();
    seed.catalogs.extend(catalogs);
    seed.objects.insert("accessPackages".into(), packages);
    seed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expensive_requests_do_not_stall_cheap_ones() {
    let emu = Emulator::start(EmulatorConfig { seed: big_seed(), page_size: 150, ..config() }).await.unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let c = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().unwrap();
    let t = emu.app_token();
    let heavy_url = format!("{}/v1.0{EM}/catalogs?$expand=accessPackages&$top=150", emu.base_url());
    let cheap_url = format!("{}/v1.0{EM}/catalogs/{}", emu.base_url(), ids::GENERAL_CATALOG_ID);

    // One heavy request alone, for scale.
    let started = Instant::now();
    let r = call(&c, "GET", &heavy_url, Some(&t), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let heavy_alone = started.elapsed();

    // Four at once (more than the heavy permits and the runtime's workers),
    // then cheap reads while they run.
    let heavy: Vec<_> = (0..4)
        .map(|_| {
            let (c, u, t) = (c.clone(), heavy_url.clone(), t.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let r = call(&c, "GET", &u, Some(&t), None).await;
                (r.status, started.elapsed())
            })
        })
        .collect();
    tokio::time::sleep(heavy_alone.min(Duration::from_millis(300)) / 2).await;
    let mut worst = Duration::ZERO;
    for _ in 0..5 {
        let started = Instant::now();
        let r = call(&c, "GET", &cheap_url, Some(&t), None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        worst = worst.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut slowest_heavy = Duration::ZERO;
    for h in heavy {
        let (status, took) = h.await.unwrap();
        assert_eq!(status, 200);
        slowest_heavy = slowest_heavy.max(took);
    }
    println!("heavy alone {heavy_alone:?}; four heavy, slowest {slowest_heavy:?}; cheap GET worst {worst:?} while they ran");
    // Before handlers moved off the async workers, a cheap GET waited for a
    // heavy one to finish (the workers were all busy rendering).
    assert!(worst < Duration::from_millis(750), "a cheap GET took {worst:?} while heavy requests ran (one heavy alone: {heavy_alone:?})");
    assert!(worst < slowest_heavy / 2, "cheap {worst:?} vs heavy {slowest_heavy:?}");
    emu.shutdown().await;
}
